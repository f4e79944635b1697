import Foundation
import Testing
@testable import VigilTensorFlow

/// The real Custom Vision TFLite export (SqueezeNet 1.1, fruits7): what README §2 says about it.
@Suite struct TFLiteFruitsModelTests {
    static func model() throws -> TFLiteModel? {
        guard let (data, path) = try TFLiteTestFiles.fruits7() else { return nil }
        return try TFLiteModel.parse(data, file: path)
    }

    static func option(_ op: TFLiteModel.Operator, _ name: String) -> TFLiteModel.OptionValue? { op.options[name] }

    @Test func fruits7_headerAndCounts() throws {
        guard let model = try Self.model() else { return }
        #expect(model.version == 3)
        #expect(model.description == "TOCO Converted.")
        #expect(model.operators.count == 39)
        #expect(model.tensors.count == 92)
        #expect(model.subgraphCount == 1)
        #expect(model.metadata.isEmpty)
        #expect(model.operators.allSatisfy { $0.version == 1 && $0.undecodedOptionsTable == nil && $0.customOptions == nil })
    }

    @Test func fruits7_operatorHistogram() throws {
        guard let model = try Self.model() else { return }
        let histogram = Dictionary(model.operators.map { ($0.opcode, 1) }, uniquingKeysWith: +)
        #expect(histogram == ["CONV_2D": 25, "MAX_POOL_2D": 3, "CONCATENATION": 8, "AVERAGE_POOL_2D": 1,
                              "FULLY_CONNECTED": 1, "LOGISTIC": 1])
    }

    @Test func fruits7_inputAndOutput() throws {
        guard let model = try Self.model() else { return }
        #expect(model.inputs.count == 1)
        #expect(model.outputs.count == 1)
        let input = model.tensors[model.inputs[0]]
        #expect(input.name == "Placeholder")
        #expect(input.shape == [1, 227, 227, 3])
        #expect(input.type == .float32)
        #expect(input.data == nil)
        #expect(input.shapeSignature == nil)
        // The file records min 0 / max 255 for the input, but no scale: not a quantized tensor.
        #expect(input.quantization == nil)
        let output = model.tensors[model.outputs[0]]
        #expect(output.name == "loss")
        #expect(output.shape == [1, 7])
        #expect(output.type == .float32)
        #expect(model.operators.last?.opcode == "LOGISTIC")
        #expect(model.operators.last?.outputs == model.outputs)
    }

    @Test func fruits7_convOptions() throws {
        guard let model = try Self.model() else { return }
        let convs = model.operators.filter { $0.opcode == "CONV_2D" }
        #expect(convs.count == 25)
        for (index, conv) in convs.enumerated() {
            let first = index == 0
            #expect(conv.options["padding"] == .string(first ? "VALID" : "SAME"), "conv \(index)")
            #expect(conv.options["stride_w"] == .int(first ? 2 : 1), "conv \(index)")
            #expect(conv.options["stride_h"] == .int(first ? 2 : 1), "conv \(index)")
            #expect(conv.options["fused_activation_function"] == .string("RELU"), "conv \(index)")
            #expect(conv.options["dilation_w_factor"] == .int(1), "conv \(index)")
            #expect(conv.options["dilation_h_factor"] == .int(1), "conv \(index)")
            #expect(conv.inputs.count == 3, "conv \(index): input, weights, bias")
        }
    }

    @Test func fruits7_poolOptions() throws {
        guard let model = try Self.model() else { return }
        let maxPools = model.operators.filter { $0.opcode == "MAX_POOL_2D" }
        #expect(maxPools.map { $0.options["padding"] } == [.string("VALID"), .string("SAME"), .string("SAME")])
        for pool in maxPools {
            #expect(pool.options["filter_width"] == .int(3) && pool.options["filter_height"] == .int(3))
            #expect(pool.options["stride_w"] == .int(2) && pool.options["stride_h"] == .int(2))
            #expect(pool.options["fused_activation_function"] == .string("NONE"))
        }
        let average = try #require(model.operators.first { $0.opcode == "AVERAGE_POOL_2D" })
        #expect(average.options["filter_width"] == .int(14) && average.options["filter_height"] == .int(14))
        #expect(average.options["padding"] == .string("VALID"))
    }

    @Test func fruits7_concatenationAndFullyConnectedOptions() throws {
        guard let model = try Self.model() else { return }
        for concat in model.operators where concat.opcode == "CONCATENATION" {
            #expect(concat.options == ["axis": .int(3), "fused_activation_function": .string("NONE")])
        }
        let fc = try #require(model.operators.first { $0.opcode == "FULLY_CONNECTED" })
        #expect(fc.options["weights_format"] == .string("DEFAULT"))
        #expect(fc.options["keep_num_dims"] == .bool(false))
        #expect(fc.options["fused_activation_function"] == .string("NONE"))
        let weights = model.tensors[fc.inputs[1]]
        #expect(weights.shape == [7, 512])
        #expect(weights.data?.count == 7 * 512 * 4)
        #expect(model.tensors[fc.inputs[2]].shape == [7])
    }

    @Test func fruits7_firstConvWeightsAreOHWI() throws {
        guard let model = try Self.model() else { return }
        let conv = try #require(model.operators.first)
        #expect(conv.opcode == "CONV_2D")
        #expect(conv.inputs[0] == model.inputs[0])
        let weights = model.tensors[conv.inputs[1]]
        #expect(weights.name == "conv1/weights")
        #expect(weights.shape == [64, 3, 3, 3])
        #expect(weights.type == .float32)
        let data = try #require(weights.data)
        #expect(data.count == 64 * 3 * 3 * 3 * 4)
        #expect(data.startIndex == 0)
        let values = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        #expect(values.allSatisfy { $0.isFinite })
        #expect(values.contains { $0 != 0 })
        let bias = model.tensors[conv.inputs[2]]
        #expect(bias.shape == [64])
        #expect(bias.data?.count == 64 * 4)
    }

    @Test func fruits7_everyConstantHasItsShapesBytes() throws {
        guard let model = try Self.model() else { return }
        let constants = model.tensors.filter { $0.data != nil }
        #expect(constants.count == 52, "25 conv weights + 25 biases + fc weights and bias")
        for tensor in constants {
            #expect(tensor.data?.count == tensor.shape.reduce(4, *), "\(tensor.name)")
        }
    }

    @Test func fruits7_parsesFromURL() throws {
        guard let (_, path) = try TFLiteTestFiles.fruits7() else { return }
        let model = try TFLiteModel.parse(contentsOf: URL(fileURLWithPath: path))
        #expect(model.operators.count == 39)
    }
}
