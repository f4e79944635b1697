import Foundation

extension TFLiteModel {
    /// Parses a `.tflite` file held in memory.
    ///
    /// Throws `TFLiteFormatError` (naming `file`, what was being read and the byte offset) for an
    /// empty or foreign file, a file identifier other than "TFL3", any offset, vector or string that
    /// leaves the file, an enum value the schema does not define, and tensor, buffer or operator-code
    /// indices that point past their lists. Only the first subgraph is decoded.
    public static func parse(_ data: Data, file: String) throws -> TFLiteModel {
        guard !data.isEmpty else { throw TFLiteFormatError(file: file, detail: "the file is empty") }
        let reader = FlatBufferReader(data, file: file)
        guard reader.count >= 8 else {
            throw reader.failure("not a TensorFlow Lite model: the file is \(reader.count) bytes long, "
                                 + "shorter than a FlatBuffer header (8 bytes)")
        }
        let identifier = Array(reader.bytes[4..<8])
        guard identifier == Array("TFL3".utf8) else {
            throw reader.failure("not a TensorFlow Lite model: the file identifier at byte 4 is \(describe(identifier)), not \"TFL3\"")
        }
        return try TFLiteDecoder(reader: reader).model()
    }

    /// Four identifier bytes as text when printable, else as hex.
    private static func describe(_ bytes: [UInt8]) -> String {
        if bytes.allSatisfy({ (0x20..<0x7F).contains($0) }) { return "\"\(String(decoding: bytes, as: UTF8.self))\"" }
        return bytes.map { String(format: "0x%02X", $0) }.joined(separator: " ")
    }
}

/// Walks the `Model` table of a TFLite FlatBuffer (schema slots in the comments) into a `TFLiteModel`.
struct TFLiteDecoder {
    let reader: FlatBufferReader

    private struct OperatorCode {
        let name: String
        let version: Int
    }

    func model() throws -> TFLiteModel {
        // Model: version 0, operator_codes 1, subgraphs 2, description 3, buffers 4, metadata_buffer 5, metadata 6.
        let root = try reader.root("Model")
        let version = Int(try reader.scalar(root, 0, default: UInt32(0), "Model.version"))
        let description = try reader.string(root, 3, "Model.description") ?? ""
        // Each buffer is copied once; tensors sharing a buffer share its (copy-on-write) Data.
        let buffers = try reader.tables(root, 4, "Model.buffers").enumerated().map { try bytes(bufferRange($1, index: $0)) }
        let codes = try reader.tables(root, 1, "Model.operator_codes").enumerated().map { try operatorCode($1, index: $0) }
        let subgraphs = try reader.tables(root, 2, "Model.subgraphs")
        guard let main = subgraphs.first else {
            throw reader.failure("the model (root table at byte \(root.position)) has no subgraphs")
        }

        // SubGraph: tensors 0, inputs 1, outputs 2, operators 3, name 4.
        let tensors = try reader.tables(main, 0, "subgraph 0 tensors").enumerated().map {
            try tensor($1, index: $0, buffers: buffers)
        }
        let inputs = try tensorIndices(main, 1, "subgraph 0 inputs", count: tensors.count, optional: false)
        let outputs = try tensorIndices(main, 2, "subgraph 0 outputs", count: tensors.count, optional: false)
        let operators = try reader.tables(main, 3, "subgraph 0 operators").enumerated().map {
            try self.operator($1, index: $0, codes: codes, tensorCount: tensors.count)
        }

        // Metadata: name 0, buffer 1.
        var metadata: [String: Data] = [:]
        for (index, entry) in try reader.tables(root, 6, "Model.metadata").enumerated() {
            let name = try reader.string(entry, 0, "metadata \(index) name") ?? ""
            let buffer = try bufferIndex(entry, 1, "metadata \(index) '\(name)'", buffers: buffers)
            if metadata[name] == nil { metadata[name] = buffers.isEmpty ? Data() : buffers[buffer] ?? Data() }
        }

        return TFLiteModel(version: version, description: description, tensors: tensors, operators: operators,
                           inputs: inputs, outputs: outputs, subgraphCount: subgraphs.count, metadata: metadata)
    }

    // MARK: Buffers

    /// Where a buffer's bytes are in the file, or nil when it is empty.
    /// Buffer: data 0 (`[ubyte]`), offset 1, size 2 (`ulong`: data stored after the FlatBuffer, >2 GB models).
    private func bufferRange(_ table: FlatBufferReader.Table, index: Int) throws -> Range<Int>? {
        if let range = try reader.byteRange(table, 0, "buffer \(index) data"), !range.isEmpty { return range }
        let offset = try reader.scalar(table, 1, default: UInt64(0), "buffer \(index) offset")
        let size = try reader.scalar(table, 2, default: UInt64(0), "buffer \(index) size")
        return try outsideRange(offset: offset, size: size, "buffer \(index) (table at byte \(table.position))")
    }

    /// A range stored after the FlatBuffer by `offset`/`size` fields; the schema calls an offset
    /// valid only when it is > 1.
    private func outsideRange(offset: UInt64, size: UInt64, _ what: @autoclosure () -> String) throws -> Range<Int>? {
        guard offset > 1, size > 0 else { return nil }
        let count = UInt64(reader.count)
        guard offset <= count, size <= count - offset else {
            throw reader.failure("\(what()): \(size) bytes at file offset \(offset) run past the end of the file (\(count) bytes)")
        }
        try reader.charge(Int(size), what())
        return Int(offset)..<Int(offset + size)
    }

    private func bytes(_ range: Range<Int>?) -> Data? {
        range.map { Data(reader.bytes[$0]) }
    }

    private func bufferIndex(_ table: FlatBufferReader.Table, _ slot: Int, _ what: @autoclosure () -> String,
                             buffers: [Data?]) throws -> Int {
        let index = Int(try reader.scalar(table, slot, default: UInt32(0), "\(what()) buffer"))
        guard index < buffers.count || (index == 0 && buffers.isEmpty) else {
            throw reader.failure("\(what()) (table at byte \(table.position)) refers to buffer \(index), "
                                 + "but the model has \(buffers.count) buffers")
        }
        return index
    }

    // MARK: Operator codes

    /// OperatorCode: deprecated_builtin_code 0 (byte), custom_code 1, version 2 (default 1), builtin_code 3 (int32).
    private func operatorCode(_ table: FlatBufferReader.Table, index: Int) throws -> OperatorCode {
        let what = "operator code \(index)"
        let deprecated = Int(try reader.scalar(table, 0, default: Int8(0), "\(what) deprecated_builtin_code"))
        let extended = Int(try reader.scalar(table, 3, default: Int32(0), "\(what) builtin_code"))
        let version = Int(try reader.scalar(table, 2, default: Int32(1), "\(what) version"))
        // As TFLite's GetBuiltinCode: files before schema 3a only have the byte; newer files write
        // both, with the byte capped at 127 (PLACEHOLDER_FOR_GREATER_OP_CODES).
        let code = max(deprecated, extended)
        guard code >= 0, code != TFLiteSchema.placeholderForGreaterOpCodes else {
            throw reader.failure("\(what) (table at byte \(table.position)): invalid builtin code "
                                 + "(deprecated_builtin_code \(deprecated), builtin_code \(extended))")
        }
        if code == TFLiteSchema.customOperator {
            guard let custom = try reader.string(table, 1, "\(what) custom_code") else {
                throw reader.failure("\(what) (table at byte \(table.position)) is CUSTOM but has no custom_code")
            }
            return OperatorCode(name: "CUSTOM:\(custom)", version: version)
        }
        let names = TFLiteSchema.builtinOperators
        return OperatorCode(name: code < names.count ? names[code] : "BUILTIN_\(code)", version: version)
    }

    // MARK: Tensors

    /// Tensor: shape 0, type 1, buffer 2, name 3, quantization 4, is_variable 5, sparsity 6, shape_signature 7.
    private func tensor(_ table: FlatBufferReader.Table, index: Int, buffers: [Data?]) throws -> TFLiteModel.Tensor {
        let name = try reader.string(table, 3, "tensor \(index) name") ?? ""
        let what = "tensor \(index) '\(name)'"
        let shape = try reader.ints(table, 0, "\(what) shape") ?? []
        let type = Self.tensorType(Int(try reader.scalar(table, 1, default: Int8(0), "\(what) type")))
        let buffer = try bufferIndex(table, 2, what, buffers: buffers)
        let data = buffers.isEmpty ? nil : buffers[buffer]
        // QuantizationParameters: min 0, max 1, scale 2, zero_point 3, details 4-5, quantized_dimension 6.
        var quantization: TFLiteModel.Quantization?
        if let parameters = try reader.table(table, 4, "\(what) quantization") {
            let scale = try reader.floats(parameters, 2, "\(what) quantization scale") ?? []
            let zeroPoint = try reader.int64s(parameters, 3, "\(what) quantization zero_point") ?? []
            let dimension = Int(try reader.scalar(parameters, 6, default: Int32(0), "\(what) quantization quantized_dimension"))
            if !scale.isEmpty || !zeroPoint.isEmpty {
                quantization = .init(scale: scale, zeroPoint: zeroPoint, quantizedDimension: dimension)
            }
        }
        let isVariable = try reader.bool(table, 5, default: false, "\(what) is_variable")
        let signature = try reader.ints(table, 7, "\(what) shape_signature")
        return TFLiteModel.Tensor(name: name, shape: shape, shapeSignature: signature, type: type, data: data,
                                  quantization: quantization, isVariable: isVariable)
    }

    private static func tensorType(_ raw: Int) -> TFLiteModel.TensorType {
        switch raw {
        case 0: .float32
        case 1: .float16
        case 2: .int32
        case 3: .uint8
        case 4: .int64
        case 5: .string
        case 6: .bool
        case 7: .int16
        case 9: .int8
        case 10: .float64
        case 15: .uint32
        case 16: .uint16
        case 17: .int4
        default: .other
        }
    }

    /// An `[int]` of tensor indices, each checked against the tensor count (-1 allowed when `optional`).
    private func tensorIndices(_ table: FlatBufferReader.Table, _ slot: Int, _ what: @autoclosure () -> String,
                               count: Int, optional: Bool) throws -> [Int] {
        let indices = try reader.ints(table, slot, what()) ?? []
        for index in indices where !(index >= 0 && index < count) && !(optional && index == -1) {
            throw reader.failure("\(what()) (table at byte \(table.position)): tensor index \(index) is out of range "
                                 + "(the subgraph has \(count) tensors)")
        }
        return indices
    }

    // MARK: Operators

    /// Operator: opcode_index 0, inputs 1, outputs 2, builtin_options 3-4, custom_options 5,
    /// custom_options_format 6, mutating_variable_inputs 7, intermediates 8,
    /// large_custom_options_offset 9, large_custom_options_size 10, builtin_options_2 11-12.
    private func `operator`(_ table: FlatBufferReader.Table, index: Int, codes: [OperatorCode],
                            tensorCount: Int) throws -> TFLiteModel.Operator {
        let codeIndex = Int(try reader.scalar(table, 0, default: UInt32(0), "operator \(index) opcode_index"))
        guard codeIndex < codes.count else {
            throw reader.failure("operator \(index) (table at byte \(table.position)): opcode_index \(codeIndex) "
                                 + "is out of range (the model has \(codes.count) operator codes)")
        }
        let code = codes[codeIndex]
        let what = "operator \(index) (\(code.name))"
        let inputs = try tensorIndices(table, 1, "\(what) inputs", count: tensorCount, optional: true)
        let outputs = try tensorIndices(table, 2, "\(what) outputs", count: tensorCount, optional: false)

        var options: [String: TFLiteModel.OptionValue] = [:]
        var undecoded: String?
        if let (type, optionsTable) = try reader.union(table, 3, "\(what) builtin_options") {
            if type <= TFLiteSchema.builtinOptions.count {
                let name = TFLiteSchema.builtinOptions[type - 1]
                if let decoded = try TFLiteOptions.decode(optionsTable, named: name, reader: reader, context: what) {
                    options = decoded
                } else {
                    undecoded = name
                }
            } else {
                undecoded = "BuiltinOptions type \(type)"
            }
        }
        if let (type, _) = try reader.union(table, 11, "\(what) builtin_options_2"), undecoded == nil {
            let names = TFLiteSchema.builtinOptions2
            undecoded = type <= names.count ? names[type - 1] : "BuiltinOptions2 type \(type)"
        }

        var custom = try reader.byteRange(table, 5, "\(what) custom_options")
        if custom?.isEmpty ?? true {
            let offset = try reader.scalar(table, 9, default: UInt64(0), "\(what) large_custom_options_offset")
            let size = try reader.scalar(table, 10, default: UInt64(0), "\(what) large_custom_options_size")
            custom = try outsideRange(offset: offset, size: size, "\(what) large custom options")
        }
        return TFLiteModel.Operator(opcode: code.name, version: code.version, inputs: inputs, outputs: outputs,
                                    options: options, undecodedOptionsTable: undecoded,
                                    customOptions: custom.flatMap { $0.isEmpty ? nil : bytes($0) })
    }
}
