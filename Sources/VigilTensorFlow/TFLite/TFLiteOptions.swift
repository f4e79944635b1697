/// The builtin options tables this reader decodes, field by field in schema slot order, and the
/// decoder that turns one table into `[field name: OptionValue]`.
///
/// Slots follow `schema.fbs` declaration order, deprecated fields included (they keep their slot:
/// ResizeBilinearOptions' `new_height`/`new_width` are the nil entries). Defaults are the schema's
/// (0, false, the enum's first value, or the `= value` the schema gives). Tables with no fields are
/// listed too, so an operator carrying one is known to have complete options.
enum TFLiteOptions {
    struct Field {
        enum Kind {
            case int(Int32)
            case bool(Bool)
            case float(Float)
            /// A byte enum: its schema type name, its value names by number, its default.
            case enumeration(String, [String], Int8)
            /// `[int]`; reported only when present.
            case ints
        }

        let name: String
        let kind: Kind

        static func int(_ name: String, _ value: Int32 = 0) -> Field { Field(name: name, kind: .int(value)) }
        static func bool(_ name: String, _ value: Bool = false) -> Field { Field(name: name, kind: .bool(value)) }
        static func float(_ name: String) -> Field { Field(name: name, kind: .float(0)) }
        static func ints(_ name: String) -> Field { Field(name: name, kind: .ints) }
        static func padding(_ name: String = "padding") -> Field {
            Field(name: name, kind: .enumeration("Padding", ["SAME", "VALID"], 0))
        }
        static func activation(_ name: String = "fused_activation_function") -> Field {
            Field(name: name, kind: .enumeration("ActivationFunctionType",
                                                 ["NONE", "RELU", "RELU_N1_TO_1", "RELU6", "TANH", "SIGN_BIT"], 0))
        }
        static func tensorType(_ name: String, _ value: Int8 = 0) -> Field {
            Field(name: name, kind: .enumeration("TensorType", TFLiteSchema.tensorTypes, value))
        }
    }

    static let tables: [String: [Field?]] = {
        var tables: [String: [Field?]] = [
            "Conv2DOptions": [.padding(), .int("stride_w"), .int("stride_h"), .activation(),
                              .int("dilation_w_factor", 1), .int("dilation_h_factor", 1), .tensorType("quantized_bias_type")],
            "DepthwiseConv2DOptions": [.padding(), .int("stride_w"), .int("stride_h"), .int("depth_multiplier"), .activation(),
                                       .int("dilation_w_factor", 1), .int("dilation_h_factor", 1)],
            "Conv3DOptions": [.padding(), .int("stride_d"), .int("stride_w"), .int("stride_h"), .activation(),
                              .int("dilation_d_factor", 1), .int("dilation_w_factor", 1), .int("dilation_h_factor", 1)],
            "TransposeConvOptions": [.padding(), .int("stride_w"), .int("stride_h"), .activation(), .tensorType("quantized_bias_type")],
            "Pool2DOptions": [.padding(), .int("stride_w"), .int("stride_h"), .int("filter_width"), .int("filter_height"), .activation()],
            "FullyConnectedOptions": [.activation(),
                                      Field(name: "weights_format", kind: .enumeration("FullyConnectedOptionsWeightsFormat",
                                                                                        ["DEFAULT", "SHUFFLED4x16INT8"], 0)),
                                      .bool("keep_num_dims"), .bool("asymmetric_quantize_inputs"), .tensorType("quantized_bias_type")],
            "SoftmaxOptions": [.float("beta")],
            "ConcatenationOptions": [.int("axis"), .activation()],
            "AddOptions": [.activation(), .bool("pot_scale_int16", true)],
            "SubOptions": [.activation(), .bool("pot_scale_int16", true)],
            "MulOptions": [.activation()],
            "DivOptions": [.activation()],
            "L2NormOptions": [.activation()],
            "LocalResponseNormalizationOptions": [.int("radius"), .float("bias"), .float("alpha"), .float("beta")],
            "ReshapeOptions": [.ints("new_shape")],
            "ReducerOptions": [.bool("keep_dims")],
            "SqueezeOptions": [.ints("squeeze_dims")],
            "ResizeBilinearOptions": [nil, nil, .bool("align_corners"), .bool("half_pixel_centers")],
            "ResizeNearestNeighborOptions": [.bool("align_corners"), .bool("half_pixel_centers")],
            "LeakyReluOptions": [.float("alpha")],
            "StridedSliceOptions": [.int("begin_mask"), .int("end_mask"), .int("ellipsis_mask"), .int("new_axis_mask"),
                                    .int("shrink_axis_mask"), .bool("offset")],
            "GatherOptions": [.int("axis"), .int("batch_dims")],
            "PackOptions": [.int("values_count"), .int("axis")],
            "UnpackOptions": [.int("num"), .int("axis")],
            "ArgMaxOptions": [.tensorType("output_type")],
            "ArgMinOptions": [.tensorType("output_type")],
            "CastOptions": [.tensorType("in_data_type"), .tensorType("out_data_type")],
            "ShapeOptions": [.tensorType("out_type")],
            "UniqueOptions": [.tensorType("idx_out_type", 2)],
            "SpaceToDepthOptions": [.int("block_size")],
            "DepthToSpaceOptions": [.int("block_size")],
            "SplitOptions": [.int("num_splits")],
            "SplitVOptions": [.int("num_splits")],
            "OneHotOptions": [.int("axis")],
            "MirrorPadOptions": [Field(name: "mode", kind: .enumeration("MirrorPadMode", ["REFLECT", "SYMMETRIC"], 0))],
            "ReverseSequenceOptions": [.int("seq_dim"), .int("batch_dim")],
            "BatchMatMulOptions": [.bool("adj_x"), .bool("adj_y"), .bool("asymmetric_quantize_inputs")],
            "CumsumOptions": [.bool("exclusive"), .bool("reverse")],
            "GeluOptions": [.bool("approximate")],
            "SparseToDenseOptions": [.bool("validate_indices")],
            "FakeQuantOptions": [.float("min"), .float("max"), .int("num_bits"), .bool("narrow_range")],
        ]
        let fieldless = [
            "PadOptions", "PadV2Options", "SpaceToBatchNDOptions", "BatchToSpaceNDOptions", "TopKV2Options",
            "TransposeOptions", "ExpOptions", "CosOptions", "LogSoftmaxOptions", "DequantizeOptions",
            "MaximumMinimumOptions", "TileOptions", "LessOptions", "NegOptions", "GreaterOptions",
            "GreaterEqualOptions", "LessEqualOptions", "SelectOptions", "SliceOptions", "ExpandDimsOptions",
            "EqualOptions", "NotEqualOptions", "RankOptions", "PowOptions", "LogicalOrOptions",
            "LogicalAndOptions", "LogicalNotOptions", "AbsOptions", "HardSwishOptions", "FloorDivOptions",
            "SquareOptions", "ZerosLikeOptions", "FillOptions", "FloorModOptions", "RangeOptions",
            "SquaredDifferenceOptions", "ReverseV2Options", "AddNOptions", "GatherNdOptions", "WhereOptions",
            "MatrixDiagOptions", "QuantizeOptions", "MatrixSetDiagOptions", "NonMaxSuppressionV4Options",
            "NonMaxSuppressionV5Options", "ScatterNdOptions", "SelectV2Options", "DensifyOptions",
            "SegmentSumOptions", "BroadcastToOptions", "Rfft2dOptions", "DynamicUpdateSliceOptions",
            "UnsortedSegmentProdOptions", "UnsortedSegmentMaxOptions", "UnsortedSegmentMinOptions",
            "UnsortedSegmentSumOptions", "ATan2Options", "SignOptions", "BitcastOptions", "BitwiseXorOptions",
            "RightShiftOptions", "HashtableFindOptions", "HashtableImportOptions", "HashtableSizeOptions",
            "ReadVariableOptions", "AssignVariableOptions",
        ]
        for name in fieldless { tables[name] = [] }
        return tables
    }()

    /// Decodes one options table, or returns nil when `tableName` is not one this reader knows.
    /// `context` names the operator for error messages ("operator 3 (CONV_2D)").
    static func decode(_ table: FlatBufferReader.Table, named tableName: String, reader: FlatBufferReader,
                       context: String) throws -> [String: TFLiteModel.OptionValue]? {
        guard let fields = tables[tableName] else { return nil }
        var options: [String: TFLiteModel.OptionValue] = [:]
        for (slot, field) in fields.enumerated() {
            guard let field else { continue }
            func what() -> String { "\(context) \(tableName).\(field.name)" }
            switch field.kind {
            case .int(let value):
                options[field.name] = .int(Int(try reader.scalar(table, slot, default: value, what())))
            case .bool(let value):
                options[field.name] = .bool(try reader.bool(table, slot, default: value, what()))
            case .float(let value):
                options[field.name] = .float(try reader.float(table, slot, default: value, what()))
            case .enumeration(let typeName, let names, let value):
                guard let position = try reader.field(table, slot, size: 1, what()) else {
                    options[field.name] = .string(names[Int(value)])
                    continue
                }
                let raw = Int(try reader.load(Int8.self, at: position, what()))
                guard names.indices.contains(raw) else {
                    throw reader.failure("\(what()) at byte \(position): unknown \(typeName) value \(raw)")
                }
                options[field.name] = .string(names[raw])
            case .ints:
                if let values = try reader.ints(table, slot, what()) { options[field.name] = .ints(values) }
            }
        }
        return options
    }
}
