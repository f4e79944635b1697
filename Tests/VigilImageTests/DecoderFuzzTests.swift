import Foundation
import Testing
import VigilImage
import VigilCore
import VigilTestSupport

/// Damaged inputs must give an image or an error, never a crash: every sample and fixture is
/// cut at many offsets and has random bytes flipped.
@Suite struct DecoderFuzzTests {
    static func fixtureFiles() throws -> [(name: String, data: Data)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: Fixtures.root.appendingPathComponent("decoder").path)
        return try names.filter { !$0.hasSuffix(".rgb") && !$0.hasSuffix(".json") }.sorted().map { ($0, try Fixtures.data("decoder/\($0)")) }
    }

    /// Decodes `data`; returns whether it produced an image (errors are fine, traps are not).
    @discardableResult
    static func survive(_ data: Data, _ name: String) -> Bool {
        do {
            let decoded = try ImageDecoder.decode(data, name: name)
            let image = decoded.image
            return image.pixels.count == image.width * image.height * 3
        } catch {
            #expect(!error.description.isEmpty)
            return false
        }
    }

    /// Truncation offsets: every byte of the first 64, then `steps` spread over the rest.
    static func cuts(_ count: Int, steps: Int) -> [Int] {
        Array(Set(Array(0..<min(64, count)) + (0..<steps).map { count * $0 / steps } + [count - 1])).sorted()
    }

    static func flipped(_ data: Data, flips: Int, using rng: inout SplitMix64) -> Data {
        var bytes = [UInt8](data)
        for _ in 0..<flips {
            // Bias toward the headers, where the decoders make their decisions.
            let limit = Bool.random(using: &rng) ? min(bytes.count, 256) : bytes.count
            bytes[Int.random(in: 0..<limit, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
        }
        return Data(bytes)
    }

    @Test func fixtures_truncatedAndFlipped_neverCrash() throws {
        var rng = SplitMix64(seed: 1)
        for (name, data) in try Self.fixtureFiles() {
            for cut in Self.cuts(data.count, steps: 64) { Self.survive(data.prefix(cut), name) }
            for round in 0..<150 { Self.survive(Self.flipped(data, flips: 1 + round % 4, using: &rng), name) }
        }
    }

    @Test func sharedSamples_truncatedAndFlipped_neverCrash() throws {
        guard let samples = Fixtures.distinctSamples() else {
            print(SharedAssets.missingMessage)
            return
        }
        #expect(samples.count == 51)
        var rng = SplitMix64(seed: 2)
        var decodedAfterCut = Set<String>()
        for (name, data) in samples {
            for cut in Self.cuts(data.count, steps: 12) where Self.survive(data.prefix(cut), name) { decodedAfterCut.insert(name) }
            for round in 0..<6 { Self.survive(Self.flipped(data, flips: 1 + round, using: &rng), name) }
        }
        // Cutting the last byte still decodes only where Pillow does too: an RLE bitmap whose
        // pixels are all set before its end-of-bitmap code, a PNG without IEND. JPEGs need EOI.
        #expect(decodedAfterCut.allSatisfy { $0.hasSuffix(".bmp") || $0.hasSuffix(".png") }, "\(decodedAfterCut.sorted())")
    }

    @Test func randomBytesBehindEachMagic_neverCrash() {
        var rng = SplitMix64(seed: 3)
        let magics: [[UInt8]] = [[0xFF, 0xD8, 0xFF], [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], [0x42, 0x4D]]
        for magic in magics {
            for length in [0, 1, 10, 30, 60, 200, 2000] {
                for _ in 0..<20 {
                    Self.survive(Data(magic + (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }), "random")
                }
            }
        }
    }
}
