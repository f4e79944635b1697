import Foundation
import VigilEngine

/// The TensorFlow op table: each op's attributes read and validated, then built in NCHW.
extension GraphDefTranslator {
    func fail(_ node: Tensorflow_NodeDef, _ detail: String) -> ImportError {
        ImportError(subject: "TensorFlow node", node: node.name, "\(node.op): \(detail)")
    }

    func string(_ node: Tensorflow_NodeDef, _ key: String, default value: String) -> String {
        guard let attr = node.attr[key], case .s(let data)? = attr.value else { return value }
        return String(decoding: data, as: UTF8.self)
    }

    func ints(_ node: Tensorflow_NodeDef, _ key: String) -> [Int]? {
        guard let attr = node.attr[key], case .list(let list)? = attr.value else { return nil }
        return list.i.map { Int($0) }
    }

    func int(_ node: Tensorflow_NodeDef, _ key: String, default value: Int) -> Int {
        guard let attr = node.attr[key], case .i(let v)? = attr.value else { return value }
        return Int(v)
    }

    func float(_ node: Tensorflow_NodeDef, _ key: String, default value: Float) -> Float {
        guard let attr = node.attr[key], case .f(let v)? = attr.value else { return value }
        return v
    }

    func bool(_ node: Tensorflow_NodeDef, _ key: String, default value: Bool) -> Bool {
        guard let attr = node.attr[key], case .b(let v)? = attr.value else { return value }
        return v
    }

    /// NHWC only: NCHW graphs are GPU exports Vigil does not read.
    func requireNHWC(_ node: Tensorflow_NodeDef) throws {
        let format = string(node, "data_format", default: "NHWC")
        guard format == "NHWC" else { throw fail(node, "data_format \(format) is not supported (NHWC is)") }
    }

    /// strides/ksize/dilations as [1, h, w, 1] -> [h, w].
    func spatial(_ node: Tensorflow_NodeDef, _ key: String, default value: [Int]) throws -> [Int] {
        guard let list = ints(node, key) else { return value }
        guard list.count == 4, list[0] == 1, list[3] == 1 else { throw fail(node, "\(key) \(list) must be [1, h, w, 1]") }
        return [list[1], list[2]]
    }

    func padding(_ node: Tensorflow_NodeDef) throws -> NHWCGraphBuilder.Padding {
        switch string(node, "padding", default: "VALID") {
        case "SAME": return .same
        case "VALID": return .valid
        case "EXPLICIT":
            guard let p = ints(node, "explicit_paddings"), p.count == 8 else { throw fail(node, "EXPLICIT padding needs 8 explicit_paddings") }
            return .explicit(top: p[2], bottom: p[3], left: p[4], right: p[5])
        case let other: throw fail(node, "padding '\(other)' is not supported")
        }
    }

    static let unaryOps: [String: String] = [
        "Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Elu": "Elu", "Selu": "Selu", "Softplus": "Softplus",
        "Exp": "Exp", "Log": "Log", "Sqrt": "Sqrt", "Neg": "Neg", "Abs": "Abs", "Reciprocal": "Reciprocal", "Inv": "Reciprocal",
        "Floor": "Floor", "Ceil": "Ceil", "Round": "Round", "Sign": "Sign", "Erf": "Erf", "Sin": "Sin", "Cos": "Cos",
    ]
    static let binaryOps: [String: String] = [
        "Add": "Add", "AddV2": "Add", "BiasAdd": "Add", "BiasAddV1": "Add", "Sub": "Sub", "Mul": "Mul",
        "RealDiv": "Div", "Div": "Div", "Maximum": "Max", "Minimum": "Min", "Pow": "Pow",
        "Greater": "Greater", "Less": "Less", "Equal": "Equal", "GreaterEqual": "GreaterOrEqual", "LessEqual": "LessOrEqual",
    ]
    static let reductions: [String: String] = ["Mean": "ReduceMean", "Max": "ReduceMax", "Min": "ReduceMin", "Sum": "ReduceSum", "Prod": "ReduceProd"]
    static let passThrough: Set<String> = ["Identity", "StopGradient", "Snapshot", "CheckNumerics", "PreventGradient", "PlaceholderWithDefault"]

    mutating func translate(_ node: Tensorflow_NodeDef) throws {
        let name = node.name
        let op = node.op
        if Self.passThrough.contains(op) { set(node, try input(node, 0)); return }
        if let onnx = Self.unaryOps[op] {
            if op == "Elu" || op == "Selu" || op == "Softplus" || !["Relu", "Sigmoid", "Tanh"].contains(op) {
                set(node, builder.unary(onnx, try input(node, 0), node: name))
            } else {
                set(node, builder.unary(onnx, try input(node, 0), node: name))
            }
            return
        }
        if let onnx = Self.binaryOps[op] {
            if op.hasPrefix("BiasAdd") { try requireNHWC(node) }
            set(node, try builder.binary(onnx, try input(node, 0), try input(node, 1), node: name))
            return
        }
        if let onnx = Self.reductions[op] {
            let axes = try constantInput(node, 1, "reduction_indices").ints.map { Int($0) }
            set(node, builder.reduce(onnx, try input(node, 0), axes: axes, keepDims: bool(node, "keep_dims", default: false), node: name))
            return
        }
        switch op {
        case "Placeholder":
            guard let attr = node.attr["dtype"], case .type(let t)? = attr.value, let dtype = TensorFlowTensor.dataType(t), dtype != .string else {
                throw fail(node, "placeholder type is not supported")
            }
            var shape: [Int?] = []
            if let attr = node.attr["shape"], case .shape(let s)? = attr.value, !s.unknownRank {
                shape = s.dim.map { $0.size > 0 ? Int($0.size) : nil }
            }
            guard !shape.isEmpty else { throw fail(node, "the placeholder has no static rank; Vigil needs one") }
            set(node, builder.input("\(name):0", dtype: dtype, shape: shape))
        case "Const":
            guard let attr = node.attr["value"], case .tensor(let proto)? = attr.value else { throw fail(node, "no value") }
            set(node, builder.constant(try TensorFlowTensor.decode(proto, node: name), name: "\(name):0"))
        case "Conv2D":
            try requireNHWC(node)
            let filter = try constantInput(node, 1, "filter")
            guard filter.shape.count == 4 else { throw fail(node, "filter shape \(filter.shape) is not [h, w, in, out]") }
            set(node, builder.conv2D(try input(node, 0), filterOIHW: NHWCGraphBuilder.permute(filter, [3, 2, 0, 1]), bias: nil,
                                     strides: try spatial(node, "strides", default: [1, 1]), dilations: try spatial(node, "dilations", default: [1, 1]),
                                     padding: try padding(node), groups: 1, node: name))
        case "DepthwiseConv2dNative":
            try requireNHWC(node)
            let filter = try constantInput(node, 1, "filter")
            guard filter.shape.count == 4 else { throw fail(node, "filter shape \(filter.shape) is not [h, w, in, multiplier]") }
            let (h, w, c, m) = (filter.shape[0], filter.shape[1], filter.shape[2], filter.shape[3])
            let oihw = NHWCGraphBuilder.permute(filter, [2, 3, 0, 1]).reshaped([c * m, 1, h, w])
            set(node, builder.conv2D(try input(node, 0), filterOIHW: oihw, bias: nil,
                                     strides: try spatial(node, "strides", default: [1, 1]), dilations: try spatial(node, "dilations", default: [1, 1]),
                                     padding: try padding(node), groups: c, node: name))
        case "Relu6":
            set(node, builder.clip(try input(node, 0), min: 0, max: 6, node: name))
        case "LeakyRelu":
            set(node, builder.unary("LeakyRelu", try input(node, 0), attributes: ["alpha": .float(float(node, "alpha", default: 0.2))], node: name))
        case "Rsqrt":
            let root = builder.unary("Sqrt", try input(node, 0), node: "\(name)/sqrt")
            set(node, builder.unary("Reciprocal", root, node: name))
        case "Square":
            let x = try input(node, 0)
            set(node, try builder.binary("Mul", x, x, node: name))
        case "SquaredDifference":
            let d = try builder.binary("Sub", try input(node, 0), try input(node, 1), node: "\(name)/difference")
            set(node, try builder.binary("Mul", d, d, node: name))
        case "MaxPool", "AvgPool":
            try requireNHWC(node)
            set(node, builder.pool(op == "MaxPool" ? "MaxPool" : "AveragePool", try input(node, 0),
                                   kernel: try spatial(node, "ksize", default: [1, 1]), strides: try spatial(node, "strides", default: [1, 1]),
                                   padding: try padding(node), node: name))
        case "ConcatV2", "Concat":
            let data = node.input.filter { !$0.hasPrefix("^") }
            let axisIndex = op == "ConcatV2" ? data.count - 1 : 0
            let axis = Int(try constantInput(node, axisIndex, "axis").ints.first ?? 0)
            let parts = try (0..<data.count).filter { $0 != axisIndex }.map { try input(node, $0) }
            set(node, try builder.concat(parts, axis: axis, node: name))
        case "Reshape":
            let x = try input(node, 0), target = try input(node, 1)
            if let shape = target.constant {
                set(node, builder.reshape(x, shape: shape.ints.map { Int($0) }, node: name))
            } else {
                set(node, builder.plain("Reshape", [x, target], rank: nil, node: name)[0])
            }
        case "Squeeze":
            set(node, builder.squeeze(try input(node, 0), axes: ints(node, "squeeze_dims") ?? [], node: name))
        case "ExpandDims":
            set(node, builder.expandDims(try input(node, 0), axis: Int(try constantInput(node, 1, "dim").ints.first ?? 0), node: name))
        case "Pad", "PadV2", "MirrorPad":
            let paddings = try constantInput(node, 1, "paddings").ints.map { Int($0) }
            let pairs = stride(from: 0, to: paddings.count, by: 2).map { (paddings[$0], paddings[$0 + 1]) }
            var mode = "constant"
            if op == "MirrorPad" {
                let m = string(node, "mode", default: "REFLECT")
                guard m == "REFLECT" else { throw fail(node, "mode \(m) is not supported (REFLECT is)") }
                mode = "reflect"
            }
            let value = op == "PadV2" ? try constantInput(node, 2, "constant_values").floats.first ?? 0 : 0
            set(node, builder.pad(try input(node, 0), pairs: pairs, mode: mode, value: value, node: name))
        case "MatMul":
            set(node, builder.matMul(try input(node, 0), try input(node, 1), transposeA: bool(node, "transpose_a", default: false),
                                     transposeB: bool(node, "transpose_b", default: false), node: name))
        case "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3":
            try requireNHWC(node)
            guard !bool(node, "is_training", default: true) else { throw fail(node, "is_training=true is not supported (inference only)") }
            set(node, builder.batchNorm(try input(node, 0), scale: try constantInput(node, 1, "scale"), offset: try constantInput(node, 2, "offset"),
                                        mean: try constantInput(node, 3, "mean"), variance: try constantInput(node, 4, "variance"),
                                        epsilon: float(node, "epsilon", default: 1e-4), node: name))
        case "Softmax":
            set(node, builder.softmax(try input(node, 0), node: name))
        case "LogSoftmax":
            let x = builder.asIs(try input(node, 0), node: name)
            set(node, builder.unary("LogSoftmax", x, attributes: ["axis": .int(-1)], node: name))
        case "Shape":
            // ONNX Shape is int64; TensorFlow's is out_type (int32 unless told otherwise).
            let shape = builder.plain("Shape", [try input(node, 0)], rank: 1, node: "\(name)/int64")[0]
            var code = 6
            if let attr = node.attr["out_type"], case .type(.dtInt64)? = attr.value { code = 7 }
            set(node, builder.unary("Cast", shape, attributes: ["to": .int(code)], node: name))
        case "Transpose":
            let perm = try constantInput(node, 1, "perm").ints.map { Int($0) }
            set(node, builder.plain("Transpose", [try input(node, 0)], attributes: ["perm": .ints(perm)], rank: perm.count, node: name)[0])
        case "Cast":
            guard let attr = node.attr["DstT"], case .type(let t)? = attr.value, let dtype = TensorFlowTensor.dataType(t) else {
                throw fail(node, "cast target type is not supported")
            }
            let code: Int = [.float32: 1, .uint8: 2, .int8: 3, .int32: 6, .int64: 7, .bool: 9][dtype] ?? 1
            let x = try input(node, 0)
            set(node, builder.unary("Cast", x, attributes: ["to": .int(code)], node: name))
        case "ArgMax":
            let axis = Int(try constantInput(node, 1, "dimension").ints.first ?? 0)
            set(node, builder.plain("ArgMax", [try input(node, 0)], attributes: ["axis": .int(axis), "keepdims": .int(0)], rank: nil, node: name)[0])
        case "Pack":
            let data = node.input.filter { !$0.hasPrefix("^") }
            let axis = int(node, "axis", default: 0)
            let parts = try (0..<data.count).map { builder.expandDims(try input(node, $0), axis: axis, node: "\(name)/\($0)") }
            set(node, try builder.concat(parts, axis: axis, node: name))
        case "StridedSlice":
            set(node, try stridedSlice(node))
        case "ResizeBilinear", "ResizeNearestNeighbor":
            let size = try constantInput(node, 1, "size").ints.map { Int($0) }
            guard size.count == 2 else { throw fail(node, "size \(size) must be [height, width]") }
            let alignCorners = bool(node, "align_corners", default: false)
            let halfPixel = bool(node, "half_pixel_centers", default: false)
            if op == "ResizeBilinear" {
                let transform = alignCorners ? "align_corners" : (halfPixel ? "half_pixel" : "asymmetric")
                set(node, builder.resize(try input(node, 0), height: size[0], width: size[1], mode: "linear", transform: transform,
                                         nearestMode: "floor", node: name))
            } else {
                guard !halfPixel else { throw fail(node, "half_pixel_centers=true is not supported for nearest-neighbour resize") }
                set(node, builder.resize(try input(node, 0), height: size[0], width: size[1], mode: "nearest",
                                         transform: alignCorners ? "align_corners" : "asymmetric",
                                         nearestMode: alignCorners ? "round_prefer_ceil" : "floor", node: name))
            }
        case "NoOp", "Assert":
            break
        default:
            throw ImportError(subject: "TensorFlow node", node: name, "operator \(op) is not supported by Vigil")
        }
    }

    /// StridedSlice with constant begin/end/strides (no ellipsis or new axes), as Slice + Squeeze.
    mutating func stridedSlice(_ node: Tensorflow_NodeDef) throws -> NHWCGraphBuilder.Value {
        let begin = try constantInput(node, 1, "begin").ints, end = try constantInput(node, 2, "end").ints
        let strides = try constantInput(node, 3, "strides").ints
        guard begin.count == end.count, end.count == strides.count else { throw fail(node, "begin, end and strides differ in length") }
        guard int(node, "ellipsis_mask", default: 0) == 0, int(node, "new_axis_mask", default: 0) == 0 else {
            throw fail(node, "ellipsis_mask and new_axis_mask are not supported")
        }
        let beginMask = int(node, "begin_mask", default: 0), endMask = int(node, "end_mask", default: 0)
        let shrinkMask = int(node, "shrink_axis_mask", default: 0)
        var starts: [Int64] = [], ends: [Int64] = [], shrink: [Int64] = []
        for i in 0..<begin.count {
            let forward = strides[i] > 0
            var s = begin[i], e = end[i]
            if shrinkMask & (1 << i) != 0 {
                // Element begin[i]: TensorFlow ignores the masks, the end and the stride here.
                e = s == -1 ? Int64.max : s + 1
                shrink.append(Int64(i))
            } else {
                if beginMask & (1 << i) != 0 { s = forward ? 0 : Int64.max }
                if endMask & (1 << i) != 0 { e = forward ? Int64.max : Int64.min }
            }
            starts.append(s); ends.append(e)
        }
        let n = begin.count
        let inputs = [
            try input(node, 0),
            builder.constant(Tensor(shape: [n], ints: starts), name: "\(node.name)/starts"),
            builder.constant(Tensor(shape: [n], ints: ends), name: "\(node.name)/ends"),
            builder.constant(Tensor(shape: [n], ints: (0..<n).map(Int64.init)), name: "\(node.name)/axes"),
            builder.constant(Tensor(shape: [n], ints: strides), name: "\(node.name)/steps"),
        ]
        let rank = inputs[0].rank
        var sliced = builder.plain("Slice", inputs, rank: rank, node: shrink.isEmpty ? node.name : "\(node.name)/slice")[0]
        if !shrink.isEmpty {
            sliced = builder.squeeze(sliced, axes: shrink.map { Int($0) }, node: node.name)
        }
        return sliced
    }
}
