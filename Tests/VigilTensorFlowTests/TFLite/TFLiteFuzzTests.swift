import Foundation
import Testing
@testable import VigilTensorFlow

/// Truncated and corrupted copies of the real export must give a model or a `TFLiteFormatError`,
/// never a crash or another error. Seeded, so a failure reproduces.
@Suite struct TFLiteFuzzTests {
    /// SplitMix64: a small deterministic generator.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Parses and classifies: true = parsed, false = TFLiteFormatError; anything else is an issue.
    static func outcome(_ bytes: [UInt8], _ label: @autoclosure () -> String) -> Bool? {
        do {
            _ = try TFLiteModel.parse(Data(bytes), file: "fuzz.tflite")
            return true
        } catch is TFLiteFormatError {
            return false
        } catch {
            Issue.record("\(label()): unexpected error \(error)")
            return nil
        }
    }

    /// The byte ranges of the real model that are FlatBuffer structure, not weight data.
    static func structuralRanges(_ bytes: [UInt8]) throws -> [Range<Int>] {
        let reader = FlatBufferReader(Data(bytes), file: "")
        let buffers = try reader.tables(try reader.root("Model"), 4, "buffers")
        var data = try buffers.compactMap { try reader.byteRange($0, 0, "data") }.filter { !$0.isEmpty }
        data.sort { $0.lowerBound < $1.lowerBound }
        var ranges: [Range<Int>] = []
        var start = 0
        for range in data {
            if range.lowerBound > start { ranges.append(start..<range.lowerBound) }
            start = max(start, range.upperBound)
        }
        if start < bytes.count { ranges.append(start..<bytes.count) }
        return ranges
    }

    @Test func richSyntheticModel_everyByteCorrupted() throws {
        let original = TFLiteTestFiles.richModel()
        let model = try TFLiteModel.parse(Data(original), file: "rich.tflite")
        #expect(model.operators.map(\.opcode) == ["CONV_2D", "GELU", "CUSTOM:MyOp", "RESHAPE"])
        #expect(model.tensors[2].data == Data(0..<16) && model.metadata["min_runtime_version"] == Data(0..<16))
        var bytes = original
        var rejected = 0
        for position in bytes.indices {
            for value in Set([original[position] ^ 0xFF, original[position] ^ 0x01, 0x00, 0x7F, 0x80, 0xFF]) {
                bytes[position] = value
                if Self.outcome(bytes, "byte \(position) = \(value)") == false { rejected += 1 }
            }
            bytes[position] = original[position]
        }
        for length in 0..<original.count {
            #expect(Self.outcome(Array(original[..<length]), "cut at \(length)") == false, "cut at \(length) parsed")
        }
        #expect(rejected > original.count, "\(rejected) corruptions rejected")
    }

    @Test func sharedTables_cannotAmplifyDecoding() throws {
        // 3000 buffers that all point at one 10 kB Buffer table: 30 MB of copies from a 22 kB file.
        let big = TFLiteTestFiles.buffer(Array(repeating: 7, count: 10_000))
        var bytes = FlatBufferTestBuilder.serialize(TFLiteTestFiles.model(
            operatorCodes: [], tensors: [TFLiteTestFiles.tensor("x", shape: [1])], inputs: [0], outputs: [0],
            operators: [], buffers: [TFLiteTestFiles.buffer(), big] + Array(repeating: TFLiteTestFiles.buffer(), count: 3000)))
        let reader = FlatBufferReader(Data(bytes), file: "")
        let root = try reader.root("Model")
        let field = try #require(try reader.field(root, 4, size: 4, "buffers"))
        let vector = try reader.vector(at: try reader.follow(field, "buffers"), elementSize: 4, "buffers")
        let first = vector.start + 4
        let target = try reader.follow(first, "buffer 1")
        for index in 2..<vector.count {
            let slot = vector.start + 4 * index
            let offset = UInt32(target - slot)
            withUnsafeBytes(of: offset.littleEndian) { for (k, byte) in $0.enumerated() { bytes[slot + k] = byte } }
        }
        do {
            _ = try TFLiteModel.parse(Data(bytes), file: "dag.tflite")
            Issue.record("expected the shared tables to be rejected")
        } catch let error as TFLiteFormatError {
            #expect(error.detail.contains("vectors are shared or overlap, so the file is corrupt"), "\(error)")
        }
    }

    @Test func truncation_failsCleanlyUnlessOnlyUnusedBytesAreCut() throws {
        guard let (data, _) = try TFLiteTestFiles.fruits7() else { return }
        let bytes = [UInt8](data)
        // The export ends with 8 bytes that no table points to (after the shared OperatorCode vtable).
        let lastUsedByte = bytes.count - 8
        var lengths = Set(0..<256)
        lengths.formUnion(stride(from: 256, to: bytes.count, by: bytes.count / 300))
        lengths.formUnion(bytes.count - 256..<bytes.count)
        for length in lengths.sorted() {
            let parsed = Self.outcome(Array(bytes[..<length]), "cut at \(length)")
            #expect(parsed == (length >= lastUsedByte), "cut at \(length): parsed \(String(describing: parsed))")
        }
    }

    @Test func byteFlips_giveAModelOrAnError() throws {
        guard let (data, _) = try TFLiteTestFiles.fruits7() else { return }
        let original = [UInt8](data)
        let structure = try Self.structuralRanges(original)
        let structuralBytes = structure.reduce(0) { $0 + $1.count }
        #expect(structuralBytes < 20_000, "the FlatBuffer tables are small next to the weights")
        var random = SeededGenerator(state: 0x7F1_7E)
        var parsed = 0, rejected = 0
        var bytes = original
        for trial in 0..<2000 {
            // Flip 1-4 bytes, mostly inside the tables (flips inside weights only change numbers).
            var flipped: [Int] = []
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                let position: Int
                if Int.random(in: 0..<10, using: &random) < 9 {
                    var offset = Int.random(in: 0..<structuralBytes, using: &random)
                    var chosen = 0
                    for range in structure {
                        if offset < range.count { chosen = range.lowerBound + offset; break }
                        offset -= range.count
                    }
                    position = chosen
                } else {
                    position = Int.random(in: 0..<bytes.count, using: &random)
                }
                bytes[position] ^= UInt8.random(in: 1...255, using: &random)
                flipped.append(position)
            }
            switch Self.outcome(bytes, "trial \(trial), flipped \(flipped)") {
            case true?: parsed += 1
            case false?: rejected += 1
            case nil: break
            }
            for position in flipped { bytes[position] = original[position] }
        }
        #expect(parsed + rejected == 2000)
        #expect(rejected > 500, "corruptions were caught: \(rejected) rejected, \(parsed) parsed")
    }
}
