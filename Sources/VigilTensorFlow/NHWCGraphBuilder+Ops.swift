import VigilEngine

/// The channel-last ops, each translated to engine (ONNX, NCHW) nodes. `node` names the source
/// node in the engine graph and in errors.
extension NHWCGraphBuilder {
    public enum Padding: Sendable, Equatable {
        case same, valid
        /// Explicit (begin, end) pads for H and W.
        case explicit(top: Int, bottom: Int, left: Int, right: Int)
    }

    /// Padding attributes for Conv/pools: TF SAME puts the extra pixel at the end, ONNX SAME_UPPER.
    func padAttributes(_ padding: Padding) -> [String: Attribute] {
        switch padding {
        case .same: return ["auto_pad": .string("SAME_UPPER")]
        case .valid: return ["auto_pad": .string("VALID")]
        case .explicit(let t, let b, let l, let r): return ["pads": .ints([t, l, b, r])]
        }
    }

    /// 2-D convolution. `filterOIHW` is already in engine layout; `groups` > 1 for depthwise.
    public mutating func conv2D(_ x: Value, filterOIHW: Tensor, bias: Tensor?, strides: [Int], dilations: [Int],
                                padding: Padding, groups: Int, node: String) -> Value {
        let input = channelsFirst(x, node: node)
        let w = constant(filterOIHW, name: "\(node)/weights_oihw")
        var inputs = [input.name, w.name]
        if let bias { inputs.append(constant(bias, name: "\(node)/bias").name) }
        var attributes = padAttributes(padding)
        attributes["strides"] = .ints(strides)
        attributes["dilations"] = .ints(dilations)
        attributes["group"] = .int(groups)
        attributes["kernel_shape"] = .ints(Array(filterOIHW.shape.suffix(2)))
        let out = emit("Conv", name: node, inputs: inputs, attributes: attributes)
        return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
    }

    public mutating func pool(_ op: String, _ x: Value, kernel: [Int], strides: [Int], padding: Padding, node: String) -> Value {
        let input = channelsFirst(x, node: node)
        var attributes = padAttributes(padding)
        attributes["kernel_shape"] = .ints(kernel)
        attributes["strides"] = .ints(strides)
        if op == "AveragePool" { attributes["count_include_pad"] = .int(0) }   // TF averages real cells only
        let out = emit(op, name: node, inputs: [input.name], attributes: attributes)
        return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
    }

    /// An activation or other element-wise unary op: layout-neutral.
    public mutating func unary(_ op: String, _ x: Value, attributes: [String: Attribute] = [:], extraInputs: [String] = [], node: String) -> Value {
        let out = emit(op, name: node, inputs: [x.name] + extraInputs, attributes: attributes)
        return Value(name: out, layout: x.layout, rank: x.rank, constant: nil)
    }

    /// Relu6 and friends as Clip with constant bounds (fusable into a preceding Conv).
    public mutating func clip(_ x: Value, min lo: Float, max hi: Float, node: String) -> Value {
        let a = constant(.scalar(lo), name: "\(node)/min"), b = constant(.scalar(hi), name: "\(node)/max")
        return unary("Clip", x, extraInputs: [a.name, b.name], node: node)
    }

    /// Numpy-broadcast binary op, with a channel-first operand and the other brought into line.
    public mutating func binary(_ op: String, _ a: Value, _ b: Value, node: String) throws -> Value {
        if a.layout == .channelsFirst || b.layout == .channelsFirst {
            let aa = try alignedForChannelsFirst(a, node: node), bb = try alignedForChannelsFirst(b, node: node)
            let out = emit(op, name: node, inputs: [aa.name, bb.name])
            return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
        }
        let out = emit(op, name: node, inputs: [a.name, b.name])
        return Value(name: out, layout: .asIs, rank: max(a.rank ?? 0, b.rank ?? 0), constant: nil)
    }

    /// An operand of a binary op whose other operand is channel-first: constants and lower-rank
    /// values are right-aligned to NHWC, padded to rank 4, then moved to NCHW.
    mutating func alignedForChannelsFirst(_ v: Value, node: String) throws -> Value {
        if v.layout == .channelsFirst { return v }
        if let constant = v.constant {
            let padded = Array(repeating: 1, count: max(0, 4 - constant.shape.count)) + constant.shape
            guard padded.count == 4 else { throw ImportError(subject: subject, node: node, "operand of rank \(constant.shape.count) cannot broadcast against a 4-D tensor") }
            let nchw = Self.permute(constant.reshaped(padded), [0, 3, 1, 2])
            let name = fresh("\(v.name)/nchw")
            return Value(name: self.constant(nchw, name: name).name, layout: .channelsFirst, rank: 4, constant: nil)
        }
        guard let rank = v.rank else {
            throw ImportError(subject: subject, node: node, "cannot broadcast a value of unknown rank against a 4-D tensor")
        }
        var value = v
        if rank < 4 {
            // Leading 1s pad the rank (right-aligned, as numpy broadcasting does).
            let unsqueezeAxes = constant(Tensor(shape: [4 - rank], ints: (0..<(4 - rank)).map(Int64.init)), name: fresh("\(node)/axes"))
            let out = emit("Unsqueeze", name: "\(node)/rank4", inputs: [v.name, unsqueezeAxes.name])
            value = Value(name: out, layout: .asIs, rank: 4, constant: nil)
        }
        return channelsFirst(value, node: node)
    }

    /// Concatenation on a source axis.
    public mutating func concat(_ values: [Value], axis: Int, node: String) throws -> Value {
        let rank = values.compactMap(\.rank).first
        // An unknown rank keeps a negative axis: ONNX counts it from the end as TensorFlow does.
        let normalised = axis < 0 ? rank.map { axis + $0 } ?? axis : axis
        if rank == 4, values.contains(where: { $0.layout == .channelsFirst }) {
            let inputs = values.map { channelsFirst($0, node: node).name }
            let out = emit("Concat", name: node, inputs: inputs, attributes: ["axis": .int(Self.nchwAxis(normalised))])
            return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
        }
        let inputs = values.map { asIs($0, node: node).name }
        let out = emit("Concat", name: node, inputs: inputs, attributes: ["axis": .int(normalised)])
        return Value(name: out, layout: .asIs, rank: rank, constant: nil)
    }

    /// Reductions over source axes (Mean, Max, Sum, Min, Prod).
    public mutating func reduce(_ op: String, _ x: Value, axes: [Int], keepDims: Bool, node: String) -> Value {
        let rank = x.rank
        let normalised = axes.map { axis in axis < 0 ? rank.map { axis + $0 } ?? axis : axis }.sorted()
        if x.layout == .channelsFirst {
            let nchw = normalised.map(Self.nchwAxis).sorted()
            // Spatial reductions keep [N, C] order in both layouts, so they need no transpose.
            if keepDims || normalised == [1, 2] {
                let out = emitReduction(op, x.name, axes: nchw, keepDims: keepDims, node: node)
                return Value(name: out, layout: keepDims ? .channelsFirst : .asIs, rank: keepDims ? 4 : 2, constant: nil)
            }
        }
        let plain = asIs(x, node: node)
        let out = emitReduction(op, plain.name, axes: normalised, keepDims: keepDims, node: node)
        return Value(name: out, layout: .asIs, rank: rank.map { keepDims ? $0 : $0 - normalised.count }, constant: nil)
    }

    /// One ONNX reduction at `opset`: ReduceSum takes its axes as an input from opset 13, the
    /// others as an attribute until opset 18.
    mutating func emitReduction(_ op: String, _ input: String, axes: [Int], keepDims: Bool, node: String) -> String {
        let keep: [String: Attribute] = ["keepdims": .int(keepDims ? 1 : 0)]
        guard op == "ReduceSum" else {
            return emit(op, name: node, inputs: [input], attributes: keep.merging(["axes": .ints(axes)]) { $1 })
        }
        let a = constant(Tensor(shape: [axes.count], ints: axes.map(Int64.init)), name: "\(node)/axes")
        return emit(op, name: node, inputs: [input, a.name], attributes: keep)
    }

    /// Reshape to a constant target shape (source semantics: on the source layout).
    public mutating func reshape(_ x: Value, shape: [Int], node: String) -> Value {
        let plain = asIs(x, node: node)
        let target = constant(Tensor(shape: [shape.count], ints: shape.map(Int64.init)), name: "\(node)/shape")
        let out = emit("Reshape", name: node, inputs: [plain.name, target.name])
        return Value(name: out, layout: .asIs, rank: shape.count, constant: nil)
    }

    public mutating func squeeze(_ x: Value, axes: [Int], node: String) -> Value {
        let rank = x.rank
        let normalised = axes.map { axis in axis < 0 ? rank.map { axis + $0 } ?? axis : axis }.sorted()
        if x.layout == .channelsFirst, normalised == [1, 2] {
            let a = constant(Tensor(shape: [2], ints: [2, 3]), name: "\(node)/axes")
            let out = emit("Squeeze", name: node, inputs: [x.name, a.name])
            return Value(name: out, layout: .asIs, rank: 2, constant: nil)
        }
        let plain = asIs(x, node: node)
        var inputs = [plain.name]
        if !normalised.isEmpty {
            inputs.append(constant(Tensor(shape: [normalised.count], ints: normalised.map(Int64.init)), name: "\(node)/axes").name)
        }
        let out = emit("Squeeze", name: node, inputs: inputs)
        return Value(name: out, layout: .asIs, rank: normalised.isEmpty ? nil : rank.map { $0 - normalised.count }, constant: nil)
    }

    public mutating func expandDims(_ x: Value, axis: Int, node: String) -> Value {
        let plain = asIs(x, node: node)
        let rank = plain.rank.map { $0 + 1 }
        // ONNX Unsqueeze counts a negative axis from the output's end, as ExpandDims does.
        let a = constant(Tensor(shape: [1], ints: [Int64(axis < 0 ? rank.map { axis + $0 } ?? axis : axis)]), name: "\(node)/axes")
        let out = emit("Unsqueeze", name: node, inputs: [plain.name, a.name])
        return Value(name: out, layout: .asIs, rank: rank, constant: nil)
    }

    /// Padding with per-axis (begin, end) pairs in source axis order.
    public mutating func pad(_ x: Value, pairs: [(Int, Int)], mode: String, value: Float, node: String) -> Value {
        var input = x
        var order = Array(0..<pairs.count)
        if x.layout == .channelsFirst, pairs.count == 4 { order = [0, 3, 1, 2] } else { input = asIs(x, node: node) }
        let pads = order.map { pairs[$0].0 } + order.map { pairs[$0].1 }
        let p = constant(Tensor(shape: [pads.count], ints: pads.map(Int64.init)), name: "\(node)/pads")
        let v = constant(.scalar(value), name: "\(node)/value")
        let out = emit("Pad", name: node, inputs: [input.name, p.name, v.name], attributes: ["mode": .string(mode)])
        return Value(name: out, layout: input.layout, rank: pairs.count, constant: nil)
    }

    /// Softmax over the last source axis.
    public mutating func softmax(_ x: Value, beta: Float = 1, node: String) -> Value {
        var input = asIs(x, node: node)
        if beta != 1 {
            let b = constant(.scalar(beta), name: "\(node)/beta")
            input = Value(name: emit("Mul", name: "\(node)/scale", inputs: [input.name, b.name]), layout: .asIs, rank: input.rank, constant: nil)
        }
        let out = emit("Softmax", name: node, inputs: [input.name], attributes: ["axis": .int(-1)])
        return Value(name: out, layout: .asIs, rank: x.rank, constant: nil)
    }

    /// y = x · W + b for a 2-D x; `weightsKN` is [K, N].
    public mutating func matMul(_ x: Value, _ w: Value, transposeA: Bool, transposeB: Bool, node: String) -> Value {
        let a = asIs(x, node: node), b = asIs(w, node: node)
        let out = emit("Gemm", name: node, inputs: [a.name, b.name],
                       attributes: ["transA": .int(transposeA ? 1 : 0), "transB": .int(transposeB ? 1 : 0)])
        return Value(name: out, layout: .asIs, rank: 2, constant: nil)
    }

    /// Inference batch normalisation on the channel (last source) axis.
    public mutating func batchNorm(_ x: Value, scale: Tensor, offset: Tensor, mean: Tensor, variance: Tensor, epsilon: Float, node: String) -> Value {
        let input = x.rank == 4 ? channelsFirst(x, node: node) : x
        let names = [("scale", scale), ("offset", offset), ("mean", mean), ("variance", variance)].map {
            constant($0.1, name: "\(node)/\($0.0)").name
        }
        let out = emit("BatchNormalization", name: node, inputs: [input.name] + names, attributes: ["epsilon": .float(epsilon)])
        return Value(name: out, layout: input.layout, rank: x.rank, constant: nil)
    }

    /// Resize of H and W to a constant size.
    public mutating func resize(_ x: Value, height: Int, width: Int, mode: String, transform: String, nearestMode: String, node: String) -> Value {
        let input = channelsFirst(x, node: node)
        let shapeOp = emit("Shape", name: "\(node)/shape", inputs: [input.name])
        let nc = emit("Slice", name: "\(node)/nc", inputs: [shapeOp,
            constant(Tensor(shape: [1], ints: [0]), name: "\(node)/s0").name,
            constant(Tensor(shape: [1], ints: [2]), name: "\(node)/s1").name])
        let hw = constant(Tensor(shape: [2], ints: [Int64(height), Int64(width)]), name: "\(node)/hw")
        let sizes = emit("Concat", name: "\(node)/sizes", inputs: [nc, hw.name], attributes: ["axis": .int(0)])
        let out = emit("Resize", name: node, inputs: [input.name, "", "", sizes], attributes: [
            "mode": .string(mode), "coordinate_transformation_mode": .string(transform), "nearest_mode": .string(nearestMode),
        ])
        return Value(name: out, layout: .channelsFirst, rank: 4, constant: nil)
    }

    /// An op with source semantics that needs no layout translation beyond having its input as-is.
    public mutating func plain(_ op: String, _ inputs: [Value], attributes: [String: Attribute] = [:], rank: Int?, node: String,
                               outputs: Int = 1) -> [Value] {
        let names = inputs.map { asIs($0, node: node).name }
        let outs = (0..<outputs).map { _ in fresh(node) }
        emit(op, name: node, inputs: names, outputs: outs, attributes: attributes)
        return outs.map { Value(name: $0, layout: .asIs, rank: rank, constant: nil) }
    }
}

/// Why a TensorFlow or TFLite model could not be imported.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public let subject: String
    public let node: String
    public let detail: String

    public init(subject: String, node: String, _ detail: String) {
        self.subject = subject
        self.node = node
        self.detail = detail
    }

    public var description: String { "\(subject) '\(node)': \(detail)" }
}
