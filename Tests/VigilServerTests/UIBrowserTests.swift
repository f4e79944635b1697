import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import VigilServer
import VigilTestSupport

/// The quick-test page in headless Chromium against an in-process server: the page reads
/// `?model=&url=`, asks the server to predict the image URL, and shows the top tag.
///
/// Chromium is a test requirement (`make test` installs it): without it these tests fail, they
/// never skip, so a missing browser cannot pass unnoticed.
@Suite struct UIBrowserTests {
    static let demo = SharedAssets.packageRoot.appendingPathComponent("demo/model")
    static let screenshot = SharedAssets.packageRoot.appendingPathComponent("out/ui-screenshot.png")

    /// The demo classifier, and the zoo's Tiny-YOLOv2 detector when ../shared is present.
    static var models: [ServerConfiguration.ModelSource] {
        var models = [ServerConfiguration.ModelSource(name: "demo", url: demo)]
        if let zoo = SharedAssets.models?.appendingPathComponent("zoo/cv_tiny_yolov2_416"),
           FileManager.default.fileExists(atPath: zoo.path) {
            models.append(.init(name: "detector", url: zoo))
        }
        return models
    }

    @Test func quickTestPage_predictsTheURLOfItsQuery() async throws {
        let chromium = try #require(Chromium(), "\(Chromium.installHint)")
        let models = Self.models
        try await TestServer.withPredictionServer(models: models) { base in
            try await TestServer.withStaticFiles(at: Self.demo.appendingPathComponent("samples")) { files in
                var page = URLComponents(string: "\(base)/ui")!
                page.queryItems = [.init(name: "model", value: "demo"), .init(name: "url", value: "\(files)/red-shape.jpg")]

                let dom = try await chromium.dumpDOM(of: page.url!)
                let error = DumpedHTML.text(ofElementWithID: "error", in: dom) ?? ""
                #expect(DumpedHTML.text(ofElementWithID: "top-tag", in: dom) == "red shape", "the page's error box says: '\(error)'")
                #expect(DumpedHTML.attributes(ofElementWithID: "error", in: dom)?.contains("hidden") == true, "error shown: \(error)")
                let options = DumpedHTML.inner(ofElementWithID: "model", in: dom) ?? ""
                for model in models {
                    #expect(options.contains("value=\"\(model.name)\""), "model picker lacks \(model.name): \(options)")
                }
                #expect(DumpedHTML.text(ofElementWithID: "latency", in: dom)?.hasSuffix("ms") == true)
                let bars = DumpedHTML.inner(ofElementWithID: "bars", in: dom) ?? ""
                let shown = bars.matches(of: /<span class="name">([^<]*)<\/span>/).map { DumpedHTML.decodeEntities(String($0.output.1)) }
                let answered = try await Self.predictedTags(base, url: "\(files)/red-shape.jpg")
                #expect(shown == answered, "the bars show the API's predictions, most probable first")

                try FileManager.default.createDirectory(at: Self.screenshot.deletingLastPathComponent(), withIntermediateDirectories: true)
                try await chromium.screenshot(of: page.url!, to: Self.screenshot)
                let png = try Data(contentsOf: Self.screenshot)
                #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
                #expect(Self.pngSize(png) == [1200, 900])
                #expect(png.count > 20_000, "a \(png.count)-byte screenshot is too small to show the page")
            }
        }
    }

    @Test func quickTestPage_unknownModelIsReported() async throws {
        let chromium = try #require(Chromium(), "\(Chromium.installHint)")
        try await TestServer.withPredictionServer(models: [.init(name: "demo", url: Self.demo)]) { base in
            let dom = try await chromium.dumpDOM(of: URL(string: "\(base)/ui?model=nosuch&url=http://127.0.0.1:9/x.jpg")!)
            let error = DumpedHTML.text(ofElementWithID: "error", in: dom) ?? ""
            #expect(error.contains("No model named \"nosuch\""), "error box: '\(error)'")
            #expect(DumpedHTML.text(ofElementWithID: "top-tag", in: dom) == "—")
        }
    }

    /// The tags the API predicts for an image URL with the demo model, most probable first.
    static func predictedTags(_ base: URL, url: String) async throws -> [String] {
        var request = URLRequest(url: URL(string: "\(base)/quicktest/classify/iterations/demo/url")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try JSONSerialization.data(withJSONObject: ["url": url])
        let (data, _) = try await URLSession.shared.data(for: request)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "not JSON: \(String(decoding: data, as: UTF8.self))")
        let predictions = try #require(document["predictions"] as? [[String: Any]], "no predictions: \(document)")
        return predictions.sorted { ($0["probability"] as? Double ?? 0) > ($1["probability"] as? Double ?? 0) }.compactMap { $0["tagName"] as? String }
    }

    /// [width, height] from a PNG's IHDR chunk.
    static func pngSize(_ png: Data) -> [Int] {
        let bytes = [UInt8](png.prefix(24))
        guard bytes.count == 24 else { return [] }
        return [16, 20].map { at in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    }
}
