import Foundation
import Testing
@testable import VigilTensorFlow
import VigilTestSupport

/// Files that are not TFLite models, or are broken ones, fail with a message naming the file, what
/// was being read and the byte offset.
@Suite struct TFLiteFormatErrorTests {
    /// The message `parse` throws, or nil (recorded as an issue) when it does not throw.
    static func message(_ data: Data, file: String = "m.tflite") -> String? {
        do {
            _ = try TFLiteModel.parse(data, file: file)
            Issue.record("expected \(file) to be rejected")
            return nil
        } catch let error as TFLiteFormatError {
            #expect(error.file == file)
            return error.description
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }

    @Test func emptyFile_isNamed() {
        #expect(Self.message(Data(), file: "empty.tflite") == "empty.tflite: the file is empty")
    }

    @Test func shortFile_isTooShortForAHeader() {
        #expect(Self.message(Data([1, 2, 3, 4, 5])) ==
                "m.tflite: not a TensorFlow Lite model: the file is 5 bytes long, shorter than a FlatBuffer header (8 bytes)")
    }

    @Test func textFile_hasTheWrongIdentifier() {
        #expect(Self.message(Data("hello, this is text\n".utf8), file: "a.txt") ==
                "a.txt: not a TensorFlow Lite model: the file identifier at byte 4 is \"o, t\", not \"TFL3\"")
    }

    @Test func onnxFile_isNotTFLite() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let url = models.appendingPathComponent("customvision/cv-onnx-cat-or-dog/model.onnx")
        let message = Self.message(try Data(contentsOf: url), file: "model.onnx")
        #expect(message?.hasPrefix("model.onnx: not a TensorFlow Lite model: the file identifier at byte 4 is ") == true, "\(message ?? "")")
    }

    @Test func missingFile_namesThePath() {
        do {
            _ = try TFLiteModel.parse(contentsOf: URL(fileURLWithPath: "/nonexistent/model.tflite"))
            Issue.record("expected a failure")
        } catch {
            #expect("\(error)".hasPrefix("/nonexistent/model.tflite: cannot read the file"), "\(error)")
        }
    }

    @Test func rootOffsetPastTheEnd_isReported() {
        var bytes = FlatBufferTestBuilder.serialize(.table([:]))
        bytes[0] = 0xF0; bytes[1] = 0xFF; bytes[2] = 0xFF; bytes[3] = 0x0F
        #expect(Self.message(Data(bytes)) ==
                "m.tflite: Model root offset at byte 0: offset points to byte 268435440, past the end of the file (\(bytes.count) bytes)")
    }

    @Test func modelWithoutSubgraphs_isRejected() {
        let bytes = FlatBufferTestBuilder.serialize(.table([0: .u32(3)]))
        #expect(Self.message(Data(bytes))?.hasSuffix("has no subgraphs") == true)
    }

    @Test func truncatedRealModel_namesWhatWasReadAndWhere() throws {
        guard let (data, _) = try TFLiteTestFiles.fruits7() else { return }
        let message = Self.message(data.prefix(data.count / 2), file: "cut.tflite") ?? ""
        #expect(message.hasPrefix("cut.tflite: "), "\(message)")
        #expect(message.contains(" at byte "), "\(message)")
        #expect(message.contains("past the end of the file (1457912 bytes)"), "\(message)")
    }

    @Test func vectorLengthPastTheEnd_isReported() {
        // A Model whose description claims 1000 bytes where the file has a few.
        var bytes = FlatBufferTestBuilder.serialize(.table([3: .ref(.string("x"))]))
        let position = bytes.count - 6   // "x" is written last: u32 length, 'x', NUL
        let length = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: UInt32.self) }
        #expect(length == 1)
        bytes[position] = 0xE8; bytes[position + 1] = 0x03
        #expect(Self.message(Data(bytes)) ==
                "m.tflite: Model.description at byte \(position): a vector of 1000 elements of 1 bytes "
                + "runs past the end of the file (\(bytes.count) bytes)")
    }

    @Test func tensorIndexOutOfRange_namesTheOperator() {
        let data = TFLiteTestFiles.singleOperator(code: TFLiteTestFiles.operatorCode(deprecated: 0), inputs: [0, 7])
        let message = Self.message(data) ?? ""
        #expect(message.contains("operator 0 (ADD) inputs (table at byte "), "\(message)")
        #expect(message.hasSuffix("tensor index 7 is out of range (the subgraph has 3 tensors)"), "\(message)")
    }

    @Test func unknownPadding_namesOperatorTableAndField() {
        let data = TFLiteTestFiles.singleOperator(code: TFLiteTestFiles.operatorCode(deprecated: 3),
                                                  optionsType: 1, options: [0: .i8(5)])
        let message = Self.message(data) ?? ""
        #expect(message.contains("operator 0 (CONV_2D) Conv2DOptions.padding at byte "), "\(message)")
        #expect(message.hasSuffix(": unknown Padding value 5"), "\(message)")
    }

    @Test func opcodeIndexOutOfRange_isReported() {
        let root = TFLiteTestFiles.model(operatorCodes: [TFLiteTestFiles.operatorCode(deprecated: 0)],
                                         tensors: [TFLiteTestFiles.tensor("a", shape: [1])], inputs: [0], outputs: [0],
                                         operators: [TFLiteTestFiles.op(4, inputs: [0], outputs: [0])])
        let message = Self.message(Data(FlatBufferTestBuilder.serialize(root))) ?? ""
        #expect(message.hasSuffix("opcode_index 4 is out of range (the model has 1 operator codes)"), "\(message)")
    }

    @Test func bufferIndexOutOfRange_namesTheTensor() {
        let root = TFLiteTestFiles.model(operatorCodes: [], tensors: [TFLiteTestFiles.tensor("w", shape: [2], buffer: 9)],
                                         inputs: [], outputs: [0], operators: [])
        let message = Self.message(Data(FlatBufferTestBuilder.serialize(root))) ?? ""
        #expect(message.contains("tensor 0 'w' (table at byte "), "\(message)")
        #expect(message.hasSuffix("refers to buffer 9, but the model has 1 buffers"), "\(message)")
    }

    @Test func externalBufferPastTheEnd_isReported() {
        let root = TFLiteTestFiles.model(operatorCodes: [], tensors: [TFLiteTestFiles.tensor("w", shape: [2], buffer: 1)],
                                         inputs: [], outputs: [0], operators: [],
                                         buffers: [TFLiteTestFiles.buffer(), TFLiteTestFiles.buffer(offset: 1_000_000, size: 8)])
        let bytes = FlatBufferTestBuilder.serialize(root)
        let message = Self.message(Data(bytes)) ?? ""
        #expect(message.hasSuffix(": 8 bytes at file offset 1000000 run past the end of the file (\(bytes.count) bytes)"), "\(message)")
        #expect(message.contains("buffer 1 (table at byte "), "\(message)")
    }

    @Test func customOperatorWithoutCode_isRejected() {
        let data = TFLiteTestFiles.singleOperator(code: TFLiteTestFiles.operatorCode(deprecated: 32))
        #expect(Self.message(data)?.hasSuffix("is CUSTOM but has no custom_code") == true)
    }

    @Test func placeholderCodeWithoutExtendedCode_isRejected() {
        let data = TFLiteTestFiles.singleOperator(code: TFLiteTestFiles.operatorCode(deprecated: 127))
        #expect(Self.message(data)?.hasSuffix("invalid builtin code (deprecated_builtin_code 127, builtin_code 0)") == true)
    }
}
