import Foundation
import VigilTestSupport

/// Hand-built TFLite FlatBuffers (schema slots as in `TFLiteModel+Parse.swift`) and the real export.
enum TFLiteTestFiles {
    static func model(version: UInt32 = 3, description: String? = "synthetic", operatorCodes: [FBObject],
                      tensors: [FBObject], inputs: [Int32], outputs: [Int32], operators: [FBObject],
                      buffers: [FBObject] = [buffer()], metadata: [FBObject] = [], extraSubgraphs: Int = 0) -> FBObject {
        var fields: [Int: FBField] = [
            0: .u32(version),
            1: .ref(.tables(operatorCodes)),
            2: .ref(.tables([subgraph(tensors: tensors, inputs: inputs, outputs: outputs, operators: operators)]
                            + Array(repeating: subgraph(tensors: [], inputs: [], outputs: [], operators: []), count: extraSubgraphs))),
            4: .ref(.tables(buffers)),
        ]
        if let description { fields[3] = .ref(.string(description)) }
        if !metadata.isEmpty { fields[6] = .ref(.tables(metadata)) }
        return .table(fields)
    }

    static func subgraph(tensors: [FBObject], inputs: [Int32], outputs: [Int32], operators: [FBObject]) -> FBObject {
        .table([0: .ref(.tables(tensors)), 1: .ref(.int32s(inputs)), 2: .ref(.int32s(outputs)), 3: .ref(.tables(operators))])
    }

    /// An OperatorCode; nil fields are left out of the file.
    static func operatorCode(deprecated: Int8? = nil, builtin: Int32? = nil, custom: String? = nil, version: Int32? = nil) -> FBObject {
        var fields: [Int: FBField] = [:]
        if let deprecated { fields[0] = .i8(deprecated) }
        if let custom { fields[1] = .ref(.string(custom)) }
        if let version { fields[2] = .i32(version) }
        if let builtin { fields[3] = .i32(builtin) }
        return .table(fields)
    }

    static func tensor(_ name: String, shape: [Int32], type: Int8? = nil, buffer: UInt32? = nil,
                       quantization: FBObject? = nil, isVariable: Bool? = nil, signature: [Int32]? = nil) -> FBObject {
        var fields: [Int: FBField] = [0: .ref(.int32s(shape)), 3: .ref(.string(name))]
        if let type { fields[1] = .i8(type) }
        if let buffer { fields[2] = .u32(buffer) }
        if let quantization { fields[4] = .ref(quantization) }
        if let isVariable { fields[5] = .bool(isVariable) }
        if let signature { fields[7] = .ref(.int32s(signature)) }
        return .table(fields)
    }

    /// An Operator; `optionsType` is the BuiltinOptions union tag.
    static func op(_ opcodeIndex: UInt32, inputs: [Int32], outputs: [Int32], optionsType: UInt8? = nil,
                   options: [Int: FBField] = [:], customOptions: [UInt8]? = nil) -> FBObject {
        var fields: [Int: FBField] = [0: .u32(opcodeIndex), 1: .ref(.int32s(inputs)), 2: .ref(.int32s(outputs))]
        if let optionsType {
            fields[3] = .u8(optionsType)
            fields[4] = .ref(.table(options))
        }
        if let customOptions { fields[5] = .ref(.bytes(customOptions)) }
        return .table(fields)
    }

    static func buffer(_ data: [UInt8]? = nil, offset: UInt64? = nil, size: UInt64? = nil) -> FBObject {
        var fields: [Int: FBField] = [:]
        if let data { fields[0] = .ref(.bytes(data)) }
        if let offset { fields[1] = .u64(offset) }
        if let size { fields[2] = .u64(size) }
        return .table(fields)
    }

    static func metadata(_ name: String, buffer: UInt32) -> FBObject {
        .table([0: .ref(.string(name)), 1: .u32(buffer)])
    }

    /// One ADD over two inputs, the smallest useful model.
    static func singleOperator(code: FBObject, optionsType: UInt8? = nil, options: [Int: FBField] = [:],
                               inputs: [Int32] = [0, 1]) -> Data {
        let root = model(operatorCodes: [code],
                         tensors: [tensor("a", shape: [1, 4]), tensor("b", shape: [1, 4]), tensor("y", shape: [1, 4])],
                         inputs: [0, 1], outputs: [2],
                         operators: [op(0, inputs: inputs, outputs: [2], optionsType: optionsType, options: options)])
        return Data(FlatBufferTestBuilder.serialize(root))
    }

    /// A small file using most of what the reader decodes: both op-code forms, a custom op with
    /// options, builtin options with vectors, quantization, a shape signature, metadata and a
    /// buffer stored after the FlatBuffer.
    static func richModel() -> [UInt8] {
        let external: [UInt8] = Array(0..<16)
        func build(offset: UInt64) -> [UInt8] {
            FlatBufferTestBuilder.serialize(model(
                operatorCodes: [operatorCode(deprecated: 3), operatorCode(deprecated: 127, builtin: 150, version: 2),
                                operatorCode(deprecated: 32, custom: "MyOp"), operatorCode(deprecated: 22)],
                tensors: [tensor("in", shape: [1, 4, 4, 2], signature: [-1, 4, 4, 2]),
                          tensor("w", shape: [2, 1, 1, 2], buffer: 1),
                          tensor("b", shape: [2], type: 2, buffer: 2,
                                 quantization: .table([2: .ref(.floats([0.5])), 3: .ref(.int64s([1])), 6: .i32(0)])),
                          tensor("mid", shape: [1, 4, 4, 2]), tensor("act", shape: [1, 4, 4, 2]),
                          tensor("out", shape: [1, 32])],
                inputs: [0], outputs: [5],
                operators: [op(0, inputs: [0, 1, 2], outputs: [3], optionsType: 1,
                               options: [0: .i8(1), 1: .i32(1), 2: .i32(1), 3: .i8(3)]),
                            op(1, inputs: [3], outputs: [4]),
                            op(2, inputs: [4, -1], outputs: [4], customOptions: [9, 8, 7]),
                            op(3, inputs: [4], outputs: [5], optionsType: 17, options: [0: .ref(.int32s([1, 32]))])],
                buffers: [buffer(), buffer(Array(repeating: 1, count: 16)), buffer(offset: offset, size: 16)],
                metadata: [metadata("min_runtime_version", buffer: 2)]))
        }
        let offset = (build(offset: 0).count + 15) / 16 * 16
        var bytes = build(offset: UInt64(offset))
        bytes += [UInt8](repeating: 0, count: offset - bytes.count) + external
        return bytes
    }

    /// The real 2019 Custom Vision TFLite export (README §2), or nil (after saying why) without ../shared.
    static func fruits7() throws -> (data: Data, path: String)? {
        guard let models = SharedAssets.models else {
            print(SharedAssets.missingMessage)
            return nil
        }
        let url = models.appendingPathComponent("customvision/cv-tflite-fruits7-android/model.tflite")
        return (try Data(contentsOf: url), url.path)
    }
}
