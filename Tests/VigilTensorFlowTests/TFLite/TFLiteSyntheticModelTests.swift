import Foundation
import Testing
@testable import VigilTensorFlow

/// Hand-built files exercise what the real export does not: extended op codes, custom ops, buffers
/// stored after the FlatBuffer, quantization, metadata, and option defaults.
@Suite struct TFLiteSyntheticModelTests {
    typealias Files = TFLiteTestFiles

    static func parse(_ data: Data) throws -> TFLiteModel { try TFLiteModel.parse(data, file: "synthetic.tflite") }

    static func opcode(_ code: FBObject) throws -> (String, Int) {
        let op = try #require(try parse(Files.singleOperator(code: code)).operators.first)
        return (op.opcode, op.version)
    }

    @Test func operatorCode_deprecatedByteOnly() throws {
        #expect(try Self.opcode(Files.operatorCode(deprecated: 3)) == ("CONV_2D", 1))
        #expect(try Self.opcode(Files.operatorCode(deprecated: 0, version: 2)) == ("ADD", 2))
        #expect(try Self.opcode(Files.operatorCode()) == ("ADD", 1))
    }

    @Test func operatorCode_extendedCodeBehindPlaceholder() throws {
        #expect(try Self.opcode(Files.operatorCode(deprecated: 127, builtin: 150, version: 1)) == ("GELU", 1))
        #expect(try Self.opcode(Files.operatorCode(deprecated: 127, builtin: 209)) == ("STABLEHLO_CASE", 1))
        #expect(try Self.opcode(Files.operatorCode(deprecated: 3, builtin: 3, version: 5)) == ("CONV_2D", 5))
        #expect(try Self.opcode(Files.operatorCode(builtin: 126)) == ("BATCH_MATMUL", 1))
    }

    @Test func operatorCode_newerThanTheTableIsNamedByNumber() throws {
        #expect(try Self.opcode(Files.operatorCode(deprecated: 127, builtin: 260)) == ("BUILTIN_260", 1))
    }

    @Test func customOperator_carriesCodeAndOptions() throws {
        let root = Files.model(operatorCodes: [Files.operatorCode(deprecated: 32, custom: "TFLite_Detection_PostProcess")],
                               tensors: [Files.tensor("x", shape: [1, 4]), Files.tensor("y", shape: [1, 4])],
                               inputs: [0], outputs: [1],
                               operators: [Files.op(0, inputs: [0], outputs: [1], customOptions: [1, 2, 3])])
        let op = try #require(try Self.parse(Data(FlatBufferTestBuilder.serialize(root))).operators.first)
        #expect(op.opcode == "CUSTOM:TFLite_Detection_PostProcess")
        #expect(op.customOptions == Data([1, 2, 3]))
        #expect(op.options.isEmpty && op.undecodedOptionsTable == nil)
    }

    @Test func optionalInput_isMinusOne() throws {
        let model = try Self.parse(Files.singleOperator(code: Files.operatorCode(deprecated: 9), inputs: [0, 1, -1]))
        #expect(model.operators[0].inputs == [0, 1, -1])
        #expect(model.operators[0].outputs == [2])
    }

    @Test func bufferData_inlineAndAfterTheFlatBuffer() throws {
        let inline: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        let outside: [UInt8] = Array(100..<116)
        func build(offset: UInt64) -> [UInt8] {
            FlatBufferTestBuilder.serialize(Files.model(
                operatorCodes: [],
                tensors: [Files.tensor("inline", shape: [2], buffer: 1), Files.tensor("outside", shape: [4], buffer: 2),
                          Files.tensor("activation", shape: [4], buffer: 0), Files.tensor("empty", shape: [0], buffer: 3)],
                inputs: [], outputs: [2], operators: [],
                buffers: [Files.buffer(), Files.buffer(inline), Files.buffer(offset: offset, size: UInt64(outside.count)),
                          Files.buffer([])]))
        }
        // The FlatBuffer's size does not depend on the offset's value; the data follows it, 16-aligned.
        let flatBufferSize = build(offset: 0).count
        let offset = (flatBufferSize + 15) / 16 * 16
        var bytes = build(offset: UInt64(offset))
        bytes += [UInt8](repeating: 0, count: offset - bytes.count) + outside
        let model = try Self.parse(Data(bytes))
        #expect(model.tensors.map(\.data) == [Data(inline), Data(outside), nil, nil])
        #expect(model.tensors[1].data?.startIndex == 0)
    }

    @Test func tensorFields_typeQuantizationSignatureVariable() throws {
        let quantization = FBObject.table([2: .ref(.floats([0.5, 0.25])), 3: .ref(.int64s([3, -4])), 6: .i32(1)])
        let floatOnly = FBObject.table([0: .ref(.floats([0])), 1: .ref(.floats([255]))])
        let root = Files.model(
            operatorCodes: [],
            tensors: [Files.tensor("q", shape: [1, 2], type: 9, quantization: quantization, signature: [-1, 2]),
                      Files.tensor("f", shape: [3], quantization: floatOnly),
                      Files.tensor("state", shape: [2, 2], type: 7, isVariable: true),
                      Files.tensor("c64", shape: [1], type: 8), Files.tensor("i4", shape: [1], type: 17)],
            inputs: [0], outputs: [1], operators: [])
        let model = try Self.parse(Data(FlatBufferTestBuilder.serialize(root)))
        let q = model.tensors[0]
        #expect(q.type == .int8 && q.shape == [1, 2] && q.shapeSignature == [-1, 2])
        #expect(q.quantization == .init(scale: [0.5, 0.25], zeroPoint: [3, -4], quantizedDimension: 1))
        #expect(model.tensors[1].quantization == nil && model.tensors[1].type == .float32)
        #expect(model.tensors[2].isVariable && model.tensors[2].type == .int16)
        #expect(model.tensors[3].type == .other && model.tensors[4].type == .int4)
    }

    @Test func modelFields_metadataDescriptionSubgraphs() throws {
        let root = Files.model(description: nil, operatorCodes: [], tensors: [Files.tensor("x", shape: [1])],
                               inputs: [0], outputs: [0], operators: [],
                               buffers: [Files.buffer(), Files.buffer(Array("1.14.0".utf8)), Files.buffer(Array("other".utf8))],
                               metadata: [Files.metadata("min_runtime_version", buffer: 1), Files.metadata("empty", buffer: 0),
                                          Files.metadata("min_runtime_version", buffer: 2)],
                               extraSubgraphs: 2)
        let model = try Self.parse(Data(FlatBufferTestBuilder.serialize(root)))
        #expect(model.description == "")
        #expect(model.subgraphCount == 3)
        #expect(model.metadata == ["min_runtime_version": Data("1.14.0".utf8), "empty": Data()])
    }

    // MARK: Options

    static func options(_ code: Int8, type: UInt8, _ fields: [Int: FBField]) throws -> [String: TFLiteModel.OptionValue] {
        let data = Files.singleOperator(code: Files.operatorCode(deprecated: code), optionsType: type, options: fields)
        let op = try #require(try parse(data).operators.first)
        #expect(op.undecodedOptionsTable == nil)
        return op.options
    }

    @Test func conv2DOptions_absentFieldsTakeSchemaDefaults() throws {
        #expect(try Self.options(3, type: 1, [0: .i8(1), 1: .i32(2)]) == [
            "padding": .string("VALID"), "stride_w": .int(2), "stride_h": .int(0),
            "fused_activation_function": .string("NONE"), "dilation_w_factor": .int(1), "dilation_h_factor": .int(1),
            "quantized_bias_type": .string("FLOAT32"),
        ])
    }

    @Test func depthwiseAndFullyConnectedOptions_decodeEnums() throws {
        let depthwise = try Self.options(4, type: 2, [1: .i32(2), 2: .i32(2), 3: .i32(1), 4: .i8(3), 6: .i32(2)])
        #expect(depthwise["padding"] == .string("SAME"))
        #expect(depthwise["depth_multiplier"] == .int(1))
        #expect(depthwise["fused_activation_function"] == .string("RELU6"))
        #expect(depthwise["dilation_w_factor"] == .int(1) && depthwise["dilation_h_factor"] == .int(2))
        let fc = try Self.options(9, type: 8, [0: .i8(4), 1: .i8(1), 2: .bool(true)])
        #expect(fc["fused_activation_function"] == .string("TANH"))
        #expect(fc["weights_format"] == .string("SHUFFLED4x16INT8"))
        #expect(fc["keep_num_dims"] == .bool(true))
    }

    @Test func elementwiseOptions_potScaleDefaultsToTrue() throws {
        #expect(try Self.options(0, type: 11, [:]) == ["fused_activation_function": .string("NONE"), "pot_scale_int16": .bool(true)])
        #expect(try Self.options(41, type: 28, [0: .i8(2), 1: .bool(false)]) ==
                ["fused_activation_function": .string("RELU_N1_TO_1"), "pot_scale_int16": .bool(false)])
        #expect(try Self.options(18, type: 21, [0: .i8(5)]) == ["fused_activation_function": .string("SIGN_BIT")])
        #expect(try Self.options(42, type: 29, [:]) == ["fused_activation_function": .string("NONE")])
    }

    @Test func shapeOptions_vectorsOnlyWhenPresent() throws {
        #expect(try Self.options(22, type: 17, [0: .ref(.int32s([1, -1, 512]))]) == ["new_shape": .ints([1, -1, 512])])
        #expect(try Self.options(22, type: 17, [:]) == [:])
        #expect(try Self.options(43, type: 30, [0: .ref(.int32s([1, 2]))]) == ["squeeze_dims": .ints([1, 2])])
        #expect(try Self.options(40, type: 27, [0: .bool(true)]) == ["keep_dims": .bool(true)])
        #expect(try Self.options(34, type: 22, [:]) == [:])
        #expect(try Self.options(39, type: 26, [:]) == [:])
    }

    @Test func resizeOptions_skipDeprecatedSlots() throws {
        #expect(try Self.options(23, type: 15, [0: .i32(99), 1: .i32(99), 3: .bool(true)]) ==
                ["align_corners": .bool(false), "half_pixel_centers": .bool(true)])
        #expect(try Self.options(97, type: 74, [0: .bool(true)]) ==
                ["align_corners": .bool(true), "half_pixel_centers": .bool(false)])
    }

    @Test func sliceGatherPackOptions_decodeIntsAndBools() throws {
        #expect(try Self.options(45, type: 32, [0: .i32(1), 1: .i32(2), 4: .i32(8), 5: .bool(true)]) == [
            "begin_mask": .int(1), "end_mask": .int(2), "ellipsis_mask": .int(0), "new_axis_mask": .int(0),
            "shrink_axis_mask": .int(8), "offset": .bool(true),
        ])
        #expect(try Self.options(36, type: 23, [0: .i32(-1)]) == ["axis": .int(-1), "batch_dims": .int(0)])
        #expect(try Self.options(83, type: 59, [0: .i32(3), 1: .i32(1)]) == ["values_count": .int(3), "axis": .int(1)])
    }

    @Test func floatAndTypeOptions_decode() throws {
        #expect(try Self.options(98, type: 75, [0: .f32(0.1)]) == ["alpha": .float(0.1)])
        #expect(try Self.options(25, type: 9, [0: .f32(1)]) == ["beta": .float(1)])
        #expect(try Self.options(56, type: 40, [0: .i8(4)]) == ["output_type": .string("INT64")])
        #expect(try Self.options(53, type: 37, [0: .i8(2), 1: .i8(0)]) ==
                ["in_data_type": .string("INT32"), "out_data_type": .string("FLOAT32")])
        #expect(try Self.options(2, type: 10, [0: .i32(-1)]) == ["axis": .int(-1), "fused_activation_function": .string("NONE")])
    }

    @Test func optionsTable_notDecodedIsNamed() throws {
        let svdf = Files.singleOperator(code: Files.operatorCode(deprecated: 27), optionsType: 6, options: [0: .i32(2)])
        let op = try #require(try Self.parse(svdf).operators.first)
        #expect(op.undecodedOptionsTable == "SVDFOptions")
        #expect(op.options.isEmpty)
        let future = Files.singleOperator(code: Files.operatorCode(deprecated: 0), optionsType: 200, options: [:])
        #expect(try Self.parse(future).operators.first?.undecodedOptionsTable == "BuiltinOptions type 200")
    }

    // MARK: Schema tables

    @Test func schemaTables_matchTheSchemaNumbers() {
        let ops = TFLiteSchema.builtinOperators
        #expect(ops.count == 210)
        #expect(ops[3] == "CONV_2D" && ops[17] == "MAX_POOL_2D" && ops[32] == "CUSTOM" && ops[98] == "LEAKY_RELU")
        #expect(ops[126] == "BATCH_MATMUL" && ops[127] == "PLACEHOLDER_FOR_GREATER_OP_CODES" && ops[150] == "GELU")
        #expect(ops[162] == "STABLEHLO_LOGISTIC" && ops[203] == "DILATE" && ops[209] == "STABLEHLO_CASE")
        #expect(Set(ops).count == ops.count)
        let options = TFLiteSchema.builtinOptions
        #expect(options.count == 126)
        let tags = ["Conv2DOptions": 1, "Pool2DOptions": 5, "FullyConnectedOptions": 8, "ConcatenationOptions": 10,
                    "ReshapeOptions": 17, "StridedSliceOptions": 32, "ArgMaxOptions": 40, "PackOptions": 59,
                    "ResizeNearestNeighborOptions": 74, "LeakyReluOptions": 75, "HardSwishOptions": 91,
                    "BatchMatMulOptions": 101, "Conv3DOptions": 106, "RightShiftOptions": 126]
        for (name, tag) in tags { #expect(options[tag - 1] == name) }
        #expect(Set(options).count == options.count)
        #expect(TFLiteSchema.tensorTypes.count == 19 && TFLiteSchema.tensorTypes[17] == "INT4")
        for name in TFLiteOptions.tables.keys { #expect(options.contains(name), "\(name) is not a BuiltinOptions member") }
    }
}
