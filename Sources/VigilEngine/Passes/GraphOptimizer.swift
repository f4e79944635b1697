/// The load-time rewrites that make a graph cheaper to run without changing its results beyond
/// float rounding: drop identities, fold BatchNormalization into the Conv before it (or after
/// it, when that Conv pads nothing), fold a
/// following activation into its producer, fold a residual Add into the Conv that feeds it, and
/// fold a zero Pad of non-negative values into the MaxPool after it.
///
/// `specs` are the shapes (and constants) of every value, from a first preparation of the graph.
enum GraphOptimizer {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        EliminateIdentities.run(&graph)
        FoldBatchNorm.run(&graph, specs: specs)
        FoldBatchNormIntoConv.run(&graph, specs: specs)
        FoldConvAffine.run(&graph, specs: specs)
        FuseActivations.run(&graph, specs: specs)
        FuseResidualAdd.run(&graph, specs: specs)
        FoldPadIntoMaxPool.run(&graph, specs: specs)
    }

    /// True when `value` feeds exactly one node and is not a graph output.
    static func singleUse(_ value: String, in graph: Graph, consumers: [String: [Int]]) -> Int? {
        guard !graph.outputs.contains(value), let users = consumers[value], users.count == 1 else { return nil }
        return users[0]
    }

    /// Removes node `index` whose output `from` is replaced by `to` in every consumer.
    static func bypass(_ graph: inout Graph, removing index: Int, replacing from: String, with to: String) {
        for i in graph.nodes.indices {
            graph.nodes[i].inputs = graph.nodes[i].inputs.map { $0 == from ? to : $0 }
            if graph.nodes[i].fused.residualInput == from { graph.nodes[i].fused.residualInput = to }
        }
        graph.nodes.remove(at: index)
    }
}

/// Identity and inference Dropout nodes whose output is not a graph output (nor read by name
/// from inside a subgraph) disappear.
enum EliminateIdentities {
    static func run(_ graph: inout Graph) {
        let captured = Set(graph.nodes.flatMap(\.captures))
        var index = 0
        while index < graph.nodes.count {
            let node = graph.nodes[index]
            let isIdentity = node.domain.isEmpty && (node.opType == "Identity" || node.opType == "Dropout")
            let extraOutputsUnused = node.outputs.dropFirst().allSatisfy { $0.isEmpty }
            if isIdentity, extraOutputsUnused, let input = node.inputs.first, !input.isEmpty,
               let output = node.outputs.first, !graph.outputs.contains(output), !captured.contains(output) {
                GraphOptimizer.bypass(&graph, removing: index, replacing: output, with: input)
            } else {
                index += 1
            }
        }
    }
}

/// Conv → BatchNormalization becomes one Conv with scaled weights and a shifted bias.
enum FoldBatchNorm {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            let conv = graph.nodes[index]
            guard conv.opType == "Conv", conv.domain.isEmpty, conv.fused == Node.Fusion(),
                  let weights = specs[conv.inputs[1]]?.constant, weights.dtype == .float32,
                  let bnIndex = GraphOptimizer.singleUse(conv.outputs[0], in: graph, consumers: graph.consumers()) else { continue }
            let bn = graph.nodes[bnIndex]
            guard bn.inputs.first == conv.outputs[0], let affine = InferenceBatchNorm(bn, specs: specs) else { continue }
            let m = weights.shape[0]
            guard affine.channels == m else { continue }
            let oldBias: [Float] = conv.inputs.count > 2 && !conv.inputs[2].isEmpty
                ? (specs[conv.inputs[2]]?.constant?.floats ?? []) : Array(repeating: 0, count: m)
            guard oldBias.count == m else { continue }
            let perChannel = weights.count / m
            var w = weights.floats
            var b = [Float](repeating: 0, count: m)
            for c in 0..<m {
                let s = affine.scale[c]
                for j in 0..<perChannel { w[c * perChannel + j] = Float(Double(w[c * perChannel + j]) * s) }
                b[c] = Float((Double(oldBias[c]) - affine.mean[c]) * s + affine.beta[c])
            }
            let wName = "\(conv.name)/folded_weights", bName = "\(conv.name)/folded_bias"
            graph.initializers[wName] = Tensor(shape: weights.shape, floats: w)
            graph.initializers[bName] = Tensor(shape: [m], floats: b)
            var folded = conv
            folded.inputs = [conv.inputs[0], wName, bName]
            folded.outputs = [bn.outputs[0]]
            graph.nodes[index] = folded
            graph.nodes.remove(at: bnIndex)
            if bnIndex < index { index -= 1 }
        }
    }
}

/// Conv / ConvTranspose / Gemm / FC / BatchNormalization followed by an activation (Relu, Clip,
/// LeakyRelu, HardSwish, ...) computes the activation in its epilogue.
enum FuseActivations {
    static let producers: Set<String> = ["Conv", "ConvTranspose", "Gemm", "FC", "BatchNormalization"]

    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        let constants = specs.compactMapValues(\.constant)
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            let producer = graph.nodes[index]
            guard producers.contains(producer.opType), producer.domain.isEmpty, producer.fused.activation == nil,
                  producer.outputs.count == 1 || producer.outputs.dropFirst().allSatisfy({ $0.isEmpty }),
                  let userIndex = GraphOptimizer.singleUse(producer.outputs[0], in: graph, consumers: graph.consumers()) else { continue }
            let user = graph.nodes[userIndex]
            guard user.inputs.first == producer.outputs[0],
                  let activation = ActivationOps.fusable(user, constants: constants) else { continue }
            graph.nodes[index].fused.activation = activation
            graph.nodes[index].outputs = [user.outputs[0]]
            graph.nodes.remove(at: userIndex)
            if userIndex < index { index -= 1 }
        }
    }
}

/// Add(Conv(x), y) with y of the Conv's output shape becomes Conv(x) + y in the Conv's epilogue,
/// and a Relu/Clip after that Add can then fuse too (the residual is added before the activation).
enum FuseResidualAdd {
    static func run(_ graph: inout Graph, specs: [String: ValueSpec]) {
        var index = 0
        while index < graph.nodes.count {
            defer { index += 1 }
            let conv = graph.nodes[index]
            guard conv.opType == "Conv", conv.domain.isEmpty, conv.fused == Node.Fusion(),
                  let outShape = specs[conv.outputs[0]]?.shape,
                  let addIndex = GraphOptimizer.singleUse(conv.outputs[0], in: graph, consumers: graph.consumers()) else { continue }
            let add = graph.nodes[addIndex]
            guard add.opType == "Add", add.domain.isEmpty, add.opset >= 7, add.inputs.count == 2 else { continue }
            let other = add.inputs[0] == conv.outputs[0] ? add.inputs[1] : add.inputs[0]
            guard other != conv.outputs[0], let otherSpec = specs[other], otherSpec.shape == outShape,
                  otherSpec.dtype == .float32, otherSpec.constant == nil else { continue }
            // The residual must already exist when the Conv runs: its producer must come first.
            let producers = graph.producers()
            if let producer = producers[other], producer > index { continue }
            graph.nodes[index].fused.residualInput = other
            graph.nodes[index].outputs = [add.outputs[0]]
            graph.nodes.remove(at: addIndex)
            if addIndex < index { index -= 1 }
        }
        // An activation after a fused residual Add fuses too (the residual is added before it).
        FuseActivations.run(&graph, specs: specs)
    }
}
