import VigilKernels

/// Conv followed by Add / Sub / Mul with a per-channel (or scalar) constant becomes one Conv with
/// adjusted weights and bias: the BiasAdd after every TensorFlow convolution, and the Mul/Add
/// pairs older exporters write for BatchNorm.
enum FoldConvAffine {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        var index = 0
        while index < graph.nodes.count {
            let conv = graph.nodes[index]
            guard conv.opType == "Conv", conv.domain.isEmpty, conv.fused == Node.Fusion(),
                  let weights = specs[conv.inputs[1]]?.constant, weights.dtype == .float32, weights.shape.count >= 3,
                  let outShape = specs[conv.outputs[0]]?.shape,
                  let userIndex = GraphOptimizer.singleUse(conv.outputs[0], in: graph, consumers: graph.consumers()) else {
                index += 1
                continue
            }
            let user = graph.nodes[userIndex]
            let m = weights.shape[0]
            guard ["Add", "Sub", "Mul"].contains(user.opType), user.domain.isEmpty, user.opset >= 7, user.inputs.count == 2,
                  user.inputs[0] == conv.outputs[0] || (user.opType != "Sub" && user.inputs[1] == conv.outputs[0]) else {
                index += 1
                continue
            }
            let other = user.inputs[0] == conv.outputs[0] ? user.inputs[1] : user.inputs[0]
            guard let constant = specs[other]?.constant, constant.dtype == .float32,
                  let channelValues = perChannel(constant, outputShape: outShape, channels: m),
                  broadcastShape([outShape, constant.shape]) == outShape else {
                index += 1
                continue
            }
            var w = weights.floats
            var b: [Float] = conv.inputs.count > 2 && !conv.inputs[2].isEmpty
                ? (specs[conv.inputs[2]]?.constant?.floats ?? []) : Array(repeating: 0, count: m)
            guard b.count == m else { index += 1; continue }
            let perOutput = w.count / m
            switch user.opType {
            case "Add": for c in 0..<m { b[c] += channelValues[c] }
            case "Sub": for c in 0..<m { b[c] -= channelValues[c] }
            default:
                for c in 0..<m {
                    for j in 0..<perOutput { w[c * perOutput + j] *= channelValues[c] }
                    b[c] *= channelValues[c]
                }
            }
            let wName = "\(conv.name)/affine_weights_\(index)", bName = "\(conv.name)/affine_bias_\(index)"
            graph.initializers[wName] = Tensor(shape: weights.shape, floats: w)
            graph.initializers[bName] = Tensor(shape: [m], floats: b)
            var folded = conv
            folded.inputs = [conv.inputs[0], wName, bName]
            folded.outputs = [user.outputs[0]]
            graph.nodes[index] = folded
            graph.nodes.remove(at: userIndex)
            if userIndex < index { index -= 1 }
            // Stay on this node: another affine op may follow.
        }
    }

    /// The constant as one value per output channel, or nil when it varies along another axis.
    static func perChannel(_ constant: Tensor, outputShape: [Int], channels: Int) -> [Float]? {
        let values = constant.floats
        if values.count == 1 { return Array(repeating: values[0], count: channels) }
        let rank = outputShape.count
        guard constant.shape.count <= rank else { return nil }
        let padded = Array(repeating: 1, count: rank - constant.shape.count) + constant.shape
        for (axis, dim) in padded.enumerated() where axis != 1 && dim != 1 { return nil }
        return padded[1] == channels ? values : nil
    }
}
