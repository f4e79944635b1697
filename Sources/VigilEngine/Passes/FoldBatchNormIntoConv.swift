/// BatchNormalization → Conv becomes one Conv when the Conv pads nothing: the Custom Vision
/// exports normalise the image with a BatchNormalization right before their first, unpadded,
/// convolution.
///
/// With x' = x · s + t per input channel, W ∗ x' = (W · s) ∗ x + Σ W · t, so the weights are scaled
/// along their input channels and the bias gains Σ over (input channel, tap) of W · t. Padded
/// cells would be zeros of x', not of x, so any padding keeps the two nodes apart.
enum FoldBatchNormIntoConv {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            let bn = graph.nodes[index]
            guard bn.opType == "BatchNormalization", let affine = InferenceBatchNorm(bn, specs: specs),
                  let convIndex = GraphOptimizer.singleUse(bn.outputs[0], in: graph, consumers: graph.consumers()) else { continue }
            let conv = graph.nodes[convIndex]
            guard conv.opType == "Conv", conv.domain.isEmpty, conv.fused == Node.Fusion(), conv.inputs.first == bn.outputs[0],
                  conv.inputs.count >= 2, let weights = specs[conv.inputs[1]]?.constant, weights.dtype == .float32,
                  weights.shape.count >= 3, Self.padsNothing(conv) else { continue }
            let groups: Int
            switch conv.attributes["group"] {
            case .int(let g)?: groups = g
            case nil: groups = 1
            default: continue
            }
            let m = weights.shape[0], groupChannels = weights.shape[1]
            guard groups >= 1, m % groups == 0, groupChannels * groups == affine.channels else { continue }
            let oldBias: [Float] = conv.inputs.count > 2 && !conv.inputs[2].isEmpty
                ? (specs[conv.inputs[2]]?.constant?.floats ?? []) : Array(repeating: 0, count: m)
            guard oldBias.count == m else { continue }
            let taps = weights.count / (m * groupChannels)
            let shift = (0..<affine.channels).map { affine.beta[$0] - affine.mean[$0] * affine.scale[$0] }
            let source = weights.floats
            var w = source
            var b = [Float](repeating: 0, count: m)
            for filter in 0..<m {
                let group = filter / (m / groups)
                var total = Double(oldBias[filter])
                for local in 0..<groupChannels {
                    let channel = group * groupChannels + local
                    for tap in 0..<taps {
                        let at = (filter * groupChannels + local) * taps + tap
                        w[at] = Float(Double(source[at]) * affine.scale[channel])
                        total += Double(source[at]) * shift[channel]
                    }
                }
                b[filter] = Float(total)
            }
            let wName = "\(conv.name)/input_affine_weights", bName = "\(conv.name)/input_affine_bias"
            graph.initializers[wName] = Tensor(shape: weights.shape, floats: w)
            graph.initializers[bName] = Tensor(shape: [m], floats: b)
            graph.nodes[convIndex].inputs = [bn.inputs[0], wName, bName]
            graph.nodes.remove(at: index)
            index -= 1
        }
    }

    /// No explicit pads and no SAME auto-padding.
    static func padsNothing(_ conv: Node) -> Bool {
        switch conv.attributes["auto_pad"] {
        case nil: break
        case .string(let mode)?: guard mode == "NOTSET" || mode == "VALID" else { return false }
        default: return false
        }
        switch conv.attributes["pads"] {
        case nil: return true
        case .ints(let pads)?: return pads.allSatisfy { $0 == 0 }
        default: return false
        }
    }
}

/// An inference BatchNormalization whose parameters are constants: x · scale + (beta − mean · scale)
/// per channel, in double; nil for training mode, extra outputs or anything not constant.
struct InferenceBatchNorm {
    let scale: [Double]
    let beta: [Double]
    let mean: [Double]
    var channels: Int { scale.count }

    init?(_ bn: Node, specs: [String: ValueSpec]) {
        guard bn.opType == "BatchNormalization", bn.domain.isEmpty, bn.inputs.count >= 5,
              bn.outputs.dropFirst().allSatisfy({ $0.isEmpty }) else { return nil }
        let params = bn.inputs[1...4].map { specs[$0]?.constant?.floats }
        guard params.allSatisfy({ $0 != nil }) else { return nil }
        let (gamma, beta, mean, variance) = (params[0]!, params[1]!, params[2]!, params[3]!)
        if bn.opset >= 14, case .int(let training)? = bn.attributes["training_mode"], training != 0 { return nil }
        if bn.opset < 9, case .int(let spatial)? = bn.attributes["spatial"], spatial != 1 { return nil }
        let epsilon: Double
        switch bn.attributes["epsilon"] {
        case .float(let e)?: epsilon = Double(e)
        case nil: epsilon = 1e-5
        default: return nil
        }
        guard [beta.count, mean.count, variance.count].allSatisfy({ $0 == gamma.count }) else { return nil }
        scale = gamma.indices.map { Double(gamma[$0]) / (Double(variance[$0]) + epsilon).squareRoot() }
        self.beta = beta.map(Double.init)
        self.mean = mean.map(Double.init)
    }
}
