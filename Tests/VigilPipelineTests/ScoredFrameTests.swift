import Foundation
import VigilCore
import VigilImage
import XCTest
@testable import VigilPipeline

final class ScoredFrameTests: XCTestCase {
    let frame = ScoredFrame(
        camera: "cam1", model: "fruit", sequence: 42, presentationTime: 1.68,
        frameTime: Date(timeIntervalSince1970: 1_795_000_000.25), width: 640, height: 480,
        predictions: [
            Prediction(probability: 0.875, tagId: .index(0), tagName: "apple", boundingBox: BoundingBox(left: 0.25, top: 0.5, width: 0.25, height: 0.25)),
            Prediction(probability: 0.3, tagId: .index(1), tagName: "banana"),
            Prediction(probability: 0.6, tagId: .index(0), tagName: "apple"),
        ],
        scoringSeconds: 0.01)

    func testMessageJSON_isTheCustomVisionDocumentPlusCameraFields() throws {
        let json = frame.messageJSON()
        XCTAssertEqual(json, #"{"camera":"cam1","created":"2026-11-18T11:06:40.250000","frameTime":"2026-11-18T11:06:40.250Z","id":"","iteration":"fruit","model":"fruit","predictions":[{"boundingBox":{"height":0.25,"left":0.25,"top":0.5,"width":0.25},"probability":0.875,"tagId":0,"tagName":"apple"},{"boundingBox":null,"probability":0.3,"tagId":1,"tagName":"banana"},{"boundingBox":null,"probability":0.6,"tagId":0,"tagName":"apple"}],"project":"","sequence":42}"#)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(json.utf8)))
    }

    func testCounts_perTagAboveThreshold() {
        XCTAssertEqual(frame.counts(threshold: 0.5), ["apple": 2])
        XCTAssertEqual(frame.counts(threshold: 0.2), ["apple": 2, "banana": 1])
    }

    func testLiveView_keepsNewestPictureAndFeedsMessages() async throws {
        let live = LiveView(cameras: [CameraStatus(camera: "cam1", source: "x", model: "fruit")])
        let feed = live.feed()
        var image = RGBImage(width: 4, height: 2)
        live.deliver(frame, image: image)
        image.pixels[0] = 200
        var second = frame
        second.sequence = 43
        live.deliver(second, image: image)
        let snapshot = try XCTUnwrap(live.snapshot("cam1"))
        XCTAssertEqual(snapshot.frame.sequence, 43)
        XCTAssertEqual(snapshot.image.pixels[0], 200)
        XCTAssertNil(live.snapshot("cam1", newerThan: snapshot.version))
        var iterator = feed.makeAsyncIterator()
        let first = await iterator.next()
        XCTAssertTrue(first?.contains("\"sequence\":42") ?? false)
        live.close()
        XCTAssertTrue(live.isClosed)
    }

    func testCrop_clipsToTheFrame() {
        var pixels = [UInt8](repeating: 0, count: 4 * 3 * 3)
        for i in 0..<12 { pixels[i * 3] = UInt8(i) }
        let image = RGBImage(width: 4, height: 3, pixels: pixels)
        var buffer: RGBImage?
        let cropped = CameraPipeline.crop(image, to: .init(x: 2, y: 1, width: 10, height: 10), reusing: &buffer)
        XCTAssertEqual(cropped.width, 2)
        XCTAssertEqual(cropped.height, 2)
        XCTAssertEqual(stride(from: 0, to: cropped.pixels.count, by: 3).map { cropped.pixels[$0] }, [6, 7, 10, 11])
    }

    func testGrey_usesBT601Luma() {
        let image = RGBImage(width: 2, height: 1, pixels: [255, 0, 0, 10, 200, 30])
        let grey = RemoteScorer.grey(image)
        // OpenCV: 0.299 R + 0.587 G + 0.114 B, rounded.
        XCTAssertEqual(grey.pixels, [76, 76, 76, 124, 124, 124])
    }

    func testAnnotate_drawsTheBoxInTheTagColour() {
        var image = RGBImage(width: 320, height: 240)
        FrameAnnotator.annotate(&image, predictions: frame.predictions)
        let colour = FrameAnnotator.colour(for: "apple")
        // The box's left edge at x = 80, y = 150 (inside the box's vertical span, below the label).
        let pixel = image[80, 150]
        XCTAssertEqual([pixel.r, pixel.g, pixel.b], [colour.0, colour.1, colour.2])
        // Inside the box stays untouched.
        XCTAssertEqual(image[120, 160].r, 0)
    }
}
