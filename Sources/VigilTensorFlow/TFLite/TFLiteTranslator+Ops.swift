import VigilEngine

/// The TFLite builtin operators Vigil maps, with their options and fused activations.
extension TFLiteTranslator {
    func int(_ op: TFLiteModel.Operator, _ key: String, default value: Int) -> Int {
        if case .int(let v)? = op.options[key] { return v }
        return value
    }

    func float(_ op: TFLiteModel.Operator, _ key: String, default value: Float) -> Float {
        if case .float(let v)? = op.options[key] { return v }
        return value
    }

    func bool(_ op: TFLiteModel.Operator, _ key: String, default value: Bool) -> Bool {
        if case .bool(let v)? = op.options[key] { return v }
        return value
    }

    func string(_ op: TFLiteModel.Operator, _ key: String, default value: String) -> String {
        if case .string(let v)? = op.options[key] { return v }
        return value
    }

    func padding(_ op: TFLiteModel.Operator, _ index: Int) throws -> NHWCGraphBuilder.Padding {
        switch string(op, "padding", default: "SAME") {
        case "SAME": return .same
        case "VALID": return .valid
        case let other: throw fail(index, op, "padding \(other) is not supported")
        }
    }

    /// Applies `fused_activation_function`.
    mutating func activate(_ value: NHWCGraphBuilder.Value, _ op: TFLiteModel.Operator, _ index: Int, node: String) throws -> NHWCGraphBuilder.Value {
        switch string(op, "fused_activation_function", default: "NONE") {
        case "NONE": return value
        case "RELU": return builder.unary("Relu", value, node: "\(node)/relu")
        case "RELU6": return builder.clip(value, min: 0, max: 6, node: "\(node)/relu6")
        case "RELU_N1_TO_1": return builder.clip(value, min: -1, max: 1, node: "\(node)/relu_n1_to_1")
        case "TANH": return builder.unary("Tanh", value, node: "\(node)/tanh")
        case let other: throw fail(index, op, "fused activation \(other) is not supported")
        }
    }

    static let unaryOps: [String: String] = [
        "RELU": "Relu", "LOGISTIC": "Sigmoid", "TANH": "Tanh", "HARD_SWISH": "HardSwish", "ELU": "Elu",
        "EXP": "Exp", "LOG": "Log", "SQRT": "Sqrt", "NEG": "Neg", "ABS": "Abs", "FLOOR": "Floor", "CEIL": "Ceil",
    ]
    static let binaryOps: [String: String] = ["ADD": "Add", "SUB": "Sub", "MUL": "Mul", "DIV": "Div", "MAXIMUM": "Max", "MINIMUM": "Min", "POW": "Pow"]
    static let reductions: [String: String] = ["MEAN": "ReduceMean", "SUM": "ReduceSum", "REDUCE_MAX": "ReduceMax", "REDUCE_MIN": "ReduceMin", "REDUCE_PROD": "ReduceProd"]

    mutating func translate(_ op: TFLiteModel.Operator, index: Int) throws {
        guard op.outputs.count >= 1 else { throw fail(index, op, "has no output") }
        let outputName = model.tensors[op.outputs[0]].name
        let node = "\(outputName)"
        func input(_ i: Int) throws -> NHWCGraphBuilder.Value {
            guard i < op.inputs.count, op.inputs[i] >= 0 else { throw fail(index, op, "needs input #\(i)") }
            return try value(op.inputs[i], op, index)
        }
        func optionalConstant(_ i: Int, _ what: String) throws -> Tensor? {
            guard i < op.inputs.count, op.inputs[i] >= 0 else { return nil }
            return try constant(op.inputs[i], op, index, what)
        }
        var result: NHWCGraphBuilder.Value
        if let onnx = Self.unaryOps[op.opcode] {
            result = builder.unary(onnx, try input(0), node: node)
        } else if let onnx = Self.binaryOps[op.opcode] {
            result = try activate(try builder.binary(onnx, try input(0), try input(1), node: node), op, index, node: node)
        } else if let onnx = Self.reductions[op.opcode] {
            let axes = try constant(op.inputs[1], op, index, "axes").ints.map { Int($0) }
            result = builder.reduce(onnx, try input(0), axes: axes, keepDims: bool(op, "keep_dims", default: false), node: node)
        } else {
            switch op.opcode {
            case "CONV_2D":
                let w = try constant(op.inputs[1], op, index, "filter")
                guard w.shape.count == 4 else { throw fail(index, op, "filter shape \(w.shape) is not OHWI") }
                let conv = builder.conv2D(try input(0), filterOIHW: NHWCGraphBuilder.permute(w, [0, 3, 1, 2]), bias: try optionalConstant(2, "bias"),
                                          strides: [int(op, "stride_h", default: 1), int(op, "stride_w", default: 1)],
                                          dilations: [int(op, "dilation_h_factor", default: 1), int(op, "dilation_w_factor", default: 1)],
                                          padding: try padding(op, index), groups: 1, node: node)
                result = try activate(conv, op, index, node: node)
            case "DEPTHWISE_CONV_2D":
                let w = try constant(op.inputs[1], op, index, "filter")
                guard w.shape.count == 4, w.shape[0] == 1 else { throw fail(index, op, "filter shape \(w.shape) is not [1, H, W, C·M]") }
                // TFLite derives the multiplier from the shapes and ignores the option.
                guard let channels = model.tensors[op.inputs[0]].shape.last, channels > 0, w.shape[3] % channels == 0 else {
                    throw fail(index, op, "filter shape \(w.shape) does not match the input's channels")
                }
                let oihw = NHWCGraphBuilder.permute(w, [3, 0, 1, 2])
                let conv = builder.conv2D(try input(0), filterOIHW: oihw, bias: try optionalConstant(2, "bias"),
                                          strides: [int(op, "stride_h", default: 1), int(op, "stride_w", default: 1)],
                                          dilations: [int(op, "dilation_h_factor", default: 1), int(op, "dilation_w_factor", default: 1)],
                                          padding: try padding(op, index), groups: channels, node: node)
                result = try activate(conv, op, index, node: node)
            case "FULLY_CONNECTED":
                let w = try input(1)
                guard let k = model.tensors[op.inputs[1]].shape.last else { throw fail(index, op, "weights have no shape") }
                guard !bool(op, "keep_num_dims", default: false) else { throw fail(index, op, "keep_num_dims=true is not supported") }
                guard string(op, "weights_format", default: "DEFAULT") == "DEFAULT" else { throw fail(index, op, "shuffled weights are not supported") }
                let flat = builder.reshape(try input(0), shape: [-1, k], node: "\(node)/flatten")
                var y = builder.matMul(flat, w, transposeA: false, transposeB: true, node: node)
                if let bias = try optionalConstant(2, "bias") {
                    y = try builder.binary("Add", y, builder.constant(bias, name: "\(node)/bias"), node: "\(node)/bias_add")
                }
                result = try activate(y, op, index, node: node)
            case "MAX_POOL_2D", "AVERAGE_POOL_2D":
                let pooled = builder.pool(op.opcode == "MAX_POOL_2D" ? "MaxPool" : "AveragePool", try input(0),
                                          kernel: [int(op, "filter_height", default: 1), int(op, "filter_width", default: 1)],
                                          strides: [int(op, "stride_h", default: 1), int(op, "stride_w", default: 1)],
                                          padding: try padding(op, index), node: node)
                result = try activate(pooled, op, index, node: node)
            case "CONCATENATION":
                let parts = try (0..<op.inputs.count).map { try input($0) }
                result = try activate(try builder.concat(parts, axis: int(op, "axis", default: 0), node: node), op, index, node: node)
            case "RESHAPE":
                var shape: [Int]? = nil
                if case .ints(let s)? = op.options["new_shape"] { shape = s }
                if let given = try optionalConstant(1, "shape") { shape = given.ints.map { Int($0) } }
                guard let shape else { throw fail(index, op, "no target shape") }
                result = builder.reshape(try input(0), shape: shape, node: node)
            case "SOFTMAX":
                result = builder.softmax(try input(0), beta: float(op, "beta", default: 1), node: node)
            case "RELU6":
                result = builder.clip(try input(0), min: 0, max: 6, node: node)
            case "RELU_N1_TO_1":
                result = builder.clip(try input(0), min: -1, max: 1, node: node)
            case "LEAKY_RELU":
                result = builder.unary("LeakyRelu", try input(0), attributes: ["alpha": .float(float(op, "alpha", default: 0.2))], node: node)
            case "PAD", "PADV2":
                let paddings = try constant(op.inputs[1], op, index, "paddings").ints.map { Int($0) }
                let pairs = stride(from: 0, to: paddings.count, by: 2).map { (paddings[$0], paddings[$0 + 1]) }
                let value = op.opcode == "PADV2" ? (try optionalConstant(2, "constant value")?.floats.first ?? 0) : 0
                result = builder.pad(try input(0), pairs: pairs, mode: "constant", value: value, node: node)
            case "SQUEEZE":
                var axes: [Int] = []
                if case .ints(let a)? = op.options["squeeze_dims"] { axes = a }
                result = builder.squeeze(try input(0), axes: axes, node: node)
            case "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR":
                let size = try constant(op.inputs[1], op, index, "size").ints.map { Int($0) }
                let align = bool(op, "align_corners", default: false), half = bool(op, "half_pixel_centers", default: false)
                if op.opcode == "RESIZE_BILINEAR" {
                    result = builder.resize(try input(0), height: size[0], width: size[1], mode: "linear",
                                            transform: align ? "align_corners" : (half ? "half_pixel" : "asymmetric"), nearestMode: "floor", node: node)
                } else {
                    guard !half else { throw fail(index, op, "half_pixel_centers=true is not supported for nearest-neighbour resize") }
                    result = builder.resize(try input(0), height: size[0], width: size[1], mode: "nearest",
                                            transform: align ? "align_corners" : "asymmetric", nearestMode: align ? "round_prefer_ceil" : "floor", node: node)
                }
            case "TRANSPOSE":
                let perm = try constant(op.inputs[1], op, index, "perm").ints.map { Int($0) }
                result = builder.plain("Transpose", [try input(0)], attributes: ["perm": .ints(perm)], rank: perm.count, node: node)[0]
            case "DEQUANTIZE":
                // float16 weights stored as DEQUANTIZE(const): the constant itself, widened at import.
                result = try input(0)
                guard result.constant != nil else { throw fail(index, op, "DEQUANTIZE of a runtime value (a quantised model) is not supported") }
            default:
                throw fail(index, op, "operator \(op.opcode) is not supported by Vigil")
            }
        }
        values[op.outputs[0]] = result
    }
}
