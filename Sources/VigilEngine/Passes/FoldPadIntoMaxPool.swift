/// Pad (constant c ≤ 0) → MaxPool becomes one MaxPool with larger pads, when c is -inf or the
/// padded tensor can never be negative (it comes out of a ReLU, or Concat / pooling of ReLU outputs).
///
/// MaxPool ignores its own padding (ONNX: as if padded with -inf), so the two differ only where a
/// window's real values are all below c; under those conditions they never are, and the result is
/// the same bits without the copy. Caffe-converted exports (the 2018 Custom Vision compact models)
/// pad a pixel on the bottom and right with -FLT_MAX this way before every pool.
/// https://onnx.ai/onnx/operators/onnx__MaxPool.html, https://onnx.ai/onnx/operators/onnx__Pad.html
enum FoldPadIntoMaxPool {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            let pad = graph.nodes[index]
            guard pad.opType == "Pad", pad.domain.isEmpty, let input = pad.inputs.first else { continue }
            let (amounts, value) = constantPad(pad, specs: specs)
            guard amounts.count == 8, value <= 0,
                  amounts[0] == 0, amounts[1] == 0, amounts[4] == 0, amounts[5] == 0, amounts.allSatisfy({ $0 >= 0 }),
                  let poolIndex = GraphOptimizer.singleUse(pad.outputs[0], in: graph, consumers: graph.consumers()) else { continue }
            let pool = graph.nodes[poolIndex]
            guard pool.opType == "MaxPool", pool.domain.isEmpty, pool.inputs.first == pad.outputs[0],
                  pool.outputs.dropFirst().allSatisfy({ $0.isEmpty }),
                  ["NOTSET", "VALID"].contains(autoPad(pool)), case .ints(let kernel)? = pool.attributes["kernel_shape"], kernel.count == 2,
                  value == -.infinity || isNonNegative(input, in: graph, producers: graph.producers(), depth: 0) else { continue }
            var poolPads = [0, 0, 0, 0]
            if autoPad(pool) == "NOTSET", let given = pool.attributes["pads"] {
                guard case .ints(let values) = given, values.count == 4 else { continue }
                poolPads = values
            }
            // ONNX pads are [top, left, bottom, right] for MaxPool and [n, c, top, left, n, c, bottom, right] for Pad.
            let merged = [poolPads[0] + amounts[2], poolPads[1] + amounts[3], poolPads[2] + amounts[6], poolPads[3] + amounts[7]]
            // Every window must still hold a real value: pads below the kernel size.
            guard merged[0] < kernel[0], merged[2] < kernel[0], merged[1] < kernel[1], merged[3] < kernel[1] else { continue }
            var folded = pool
            folded.inputs[0] = input
            folded.attributes["pads"] = .ints(merged)
            folded.attributes["auto_pad"] = .string("NOTSET")
            graph.nodes[poolIndex] = folded
            graph.nodes.remove(at: index)
            index -= 1
        }
    }

    /// The amounts and value of a constant-mode Pad when both are known at load, else ([], NaN).
    static func constantPad(_ pad: Node, specs: [String: ValueSpec]) -> (amounts: [Int], value: Float) {
        let unknown: ([Int], Float) = ([], .nan)
        if case .string(let mode)? = pad.attributes["mode"], mode != "constant" { return unknown }
        if pad.opset < 11 {
            var value: Float = 0
            if let given = pad.attributes["value"] {
                guard case .float(let v) = given else { return unknown }
                value = v
            }
            guard case .ints(let pads)? = pad.attributes[pad.opset < 2 ? "paddings" : "pads"] ?? pad.attributes["pads"] else { return unknown }
            return (pads, value)
        }
        guard pad.inputs.count >= 2, pad.inputs.count < 4 || pad.inputs[3].isEmpty,
              let pads = specs[pad.inputs[1]]?.constant else { return unknown }
        var value: Float = 0
        if pad.inputs.count >= 3, !pad.inputs[2].isEmpty {
            guard let given = specs[pad.inputs[2]]?.constant, given.dtype == .float32, given.count == 1 else { return unknown }
            value = given.floats[0]
        }
        return (pads.ints.map { Int($0) }, value)
    }

    static func autoPad(_ node: Node) -> String {
        if case .string(let value)? = node.attributes["auto_pad"] { return value }
        return "NOTSET"
    }

    /// Whether `value` is ≥ 0 (or NaN) by construction: a ReLU-like result, or Concat / pooling of such.
    static func isNonNegative(_ value: String, in graph: Graph, producers: [String: Int], depth: Int) -> Bool {
        guard depth < 16, let index = producers[value] else { return false }
        let producer = graph.nodes[index]
        guard producer.outputs.first == value, producer.domain.isEmpty else { return false }
        switch producer.fused.activation {
        case .relu?, .sigmoid?, .hardSigmoid?:
            return true  // applied after any fused residual
        case .clip(let low, _)? where low >= 0:
            return true
        case nil:
            break
        default:
            return false
        }
        switch producer.opType {
        case "Relu", "Sigmoid", "Softmax", "Abs":
            return true
        case "Concat":
            return producer.inputs.allSatisfy { isNonNegative($0, in: graph, producers: producers, depth: depth + 1) }
        case "MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool", "Identity", "Dropout":
            return producer.inputs.first.map { isNonNegative($0, in: graph, producers: producers, depth: depth + 1) } ?? false
        default:
            return false
        }
    }
}
