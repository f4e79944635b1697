/// Concats that cost nothing: each input's producer writes straight into its slice of the output.
///
/// When every dimension before the concat axis is 1, input k is one contiguous block of the output,
/// starting after the blocks of inputs 0..<k. If an input is produced by a kernel and read by
/// nothing but the Concat, the planner can place it there instead of in a buffer of its own, and the
/// copy disappears (SqueezeNet's fire modules concatenate every expand pair this way). The output's
/// buffer then lives from the first producer's step to the output's last reader.
struct ConcatInPlace {
    struct Slice {
        /// The Concat output the value lives in.
        let owner: String
        let byteOffset: Int
    }

    /// Values written into a slice of a Concat output instead of a buffer of their own.
    private(set) var slices: [String: Slice] = [:]
    /// Indices into the steps of the Concats that no longer run.
    private(set) var elided: Set<Int> = []

    init() {}

    init(steps: [Preparation.Step], aliasOf: [String: String], graphOutputs: [String]) {
        var producer: [String: Int] = [:]
        var readers: [String: Int] = [:]
        for (index, step) in steps.enumerated() {
            for name in step.node.outputs where !name.isEmpty { producer[name] = index }
            for name in step.node.inputs + [step.node.fused.residualInput].compactMap({ $0 }) where !name.isEmpty {
                readers[name, default: 0] += 1
            }
        }
        // A value read through an alias (Reshape, Flatten, ...) or returned by the graph must keep its own buffer.
        for name in graphOutputs { readers[aliasOf[name] ?? name, default: 0] += 1 }
        for root in aliasOf.values { readers[root, default: 0] += 1 }

        for (index, step) in steps.enumerated() {
            guard let offsets = step.op.inputOffsets, let output = step.node.outputs.first,
                  Set(step.node.inputs).count == step.node.inputs.count else { continue }
            let fits = step.node.inputs.allSatisfy { name in
                guard let producerIndex = producer[name], readers[name] == 1 else { return false }
                // An input that is itself an elided Concat's output has no producer that could write it.
                return !elided.contains(producerIndex)
            }
            guard fits else { continue }
            for (name, offset) in zip(step.node.inputs, offsets) { slices[name] = Slice(owner: output, byteOffset: offset) }
            elided.insert(index)
        }
    }
}
