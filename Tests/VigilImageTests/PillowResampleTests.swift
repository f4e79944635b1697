import Foundation
import Testing
import VigilImage

/// `resizePillow` against Pillow 13 goldens (scripts/make-resample-goldens.py).
@Suite struct PillowResampleTests {
    struct Golden: Decodable {
        struct Output: Decodable {
            let width: Int
            let height: Int
            let filter: String
            let pixels: String
        }
        struct Case: Decodable {
            let name: String
            let width: Int
            let height: Int
            let pixels: String
            let outputs: [Output]
        }
        let pillow: String
        let cases: [Case]
    }

    static let golden: Golden? = {
        guard let data = try? Fixtures.data("resample-goldens.json") else { return nil }
        return try? JSONDecoder().decode(Golden.self, from: data)
    }()

    @Test func goldens_comeFromPillow13() throws {
        let golden = try #require(Self.golden)
        #expect(golden.pillow.hasPrefix("13."))
        #expect(golden.cases.count == 3)
    }

    @Test(arguments: (golden?.cases ?? []).map(\.name))
    func resize_matchesPillowBitForBit(input: String) throws {
        let entry = try #require(Self.golden?.cases.first { $0.name == input })
        let image = RGBImage(width: entry.width, height: entry.height, pixels: [UInt8](try #require(Data(base64Encoded: entry.pixels))))
        for output in entry.outputs {
            let filter = try #require(ResampleFilter(rawValue: output.filter))
            let expected = [UInt8](try #require(Data(base64Encoded: output.pixels)))
            let actual = resizePillow(image, width: output.width, height: output.height, filter: filter)
            #expect(actual.width == output.width && actual.height == output.height)
            let wrong = zip(actual.pixels, expected).filter { $0 != $1 }.count
            #expect(actual.pixels.count == expected.count && wrong == 0,
                    "\(input) -> \(output.width)×\(output.height) \(output.filter): \(wrong) bytes differ")
        }
    }

    @Test func sameSize_returnsTheImage() {
        let image = RGBImage(width: 3, height: 2, pixels: (0..<18).map { UInt8($0 * 14) })
        #expect(resizePillow(image, width: 3, height: 2, filter: .bicubic) == image)
    }

    @Test func constantImage_staysConstant() {
        let image = RGBImage(width: 50, height: 31, pixels: [UInt8](repeating: 0, count: 50 * 31 * 3).enumerated().map { [200, 17, 255][$0.offset % 3] })
        for filter in ResampleFilter.allCases {
            for (w, h) in [(7, 5), (120, 80), (50, 9), (3, 31)] {
                let out = resizePillow(image, width: w, height: h, filter: filter)
                #expect(out.pixels == [UInt8]((0..<(w * h)).flatMap { _ in [UInt8(200), 17, 255] }), "\(filter) \(w)×\(h)")
            }
        }
    }
}
