import VigilKernels

/// One pass over a sorted graph that prepares every node: shape inference, constant folding
/// (a node whose inputs are all constant runs once, now) and kernel construction.
struct Preparation {
    struct Step {
        let node: Node
        let op: PreparedOp
    }

    /// Every value's type, shape and (for constants) contents.
    private(set) var specs: [String: ValueSpec] = [:]
    /// The nodes left to run, in order.
    private(set) var steps: [Step] = []
    /// Values that share another value's buffer (Reshape family), mapped to the root value.
    private(set) var aliasOf: [String: String] = [:]
    private(set) var histogram: [String: Int] = [:]
    private(set) var flops = 0

    init(graph: Graph, inputs: [InferenceSession.TensorInfo], parallel: ParallelContext) throws {
        for (name, tensor) in graph.initializers { specs[name] = ValueSpec(tensor) }
        for input in inputs { specs[input.name] = ValueSpec(dtype: input.dtype, shape: input.shape) }
        for node in graph.nodes { try prepare(node, parallel: parallel) }
    }

    private mutating func prepare(_ node: Node, parallel: ParallelContext) throws {
        let inputSpecs: [ValueSpec?] = try node.inputs.map { name in
            if name.isEmpty { return nil }
            guard let spec = specs[name] else {
                throw EngineError(.invalidModel, node: node.name, op: node.qualifiedOp, opset: node.opset, "input '\(name)' is not defined")
            }
            return spec
        }
        let residualSpec = try node.fused.residualInput.map { name -> ValueSpec in
            guard let spec = specs[name] else { throw EngineError.graph("residual '\(name)' is not defined") }
            return spec
        }
        let context = OpContext(node: node, inputs: inputSpecs, residual: residualSpec, parallel: parallel)
        let prepared = try OperatorRegistry.lookup(node)(context)
        let allConstant = inputSpecs.allSatisfy { $0 == nil || $0?.constant != nil }
            && (residualSpec == nil || residualSpec?.constant != nil)
        switch prepared.kind {
        case .constants(let tensors):
            record(tensors, for: node)
        case .alias(let shape):
            let source = try context.input(0)
            if let value = source.constant {
                specs[node.outputs[0]] = ValueSpec(value.reshaped(shape))
            } else {
                specs[node.outputs[0]] = ValueSpec(dtype: source.dtype, shape: shape)
                aliasOf[node.outputs[0]] = aliasOf[node.inputs[0]] ?? node.inputs[0]
            }
        case .kernel(let outputs, let scratchBytes, let bind) where allConstant:
            record(Self.fold(outputs: outputs, scratchBytes: scratchBytes, bind: bind,
                             inputs: inputSpecs.map { $0?.constant }, residual: residualSpec?.constant), for: node)
        case .kernel(let outputs, _, _):
            guard outputs.count <= node.outputs.count else {
                throw EngineError(.invalidModel, node: node.name, op: node.qualifiedOp, opset: node.opset,
                                  "the op makes \(outputs.count) outputs but the node names \(node.outputs.count)")
            }
            for (name, spec) in zip(node.outputs, outputs) where !name.isEmpty { specs[name] = spec }
            histogram[node.qualifiedOp, default: 0] += 1
            flops += prepared.flops
            steps.append(Step(node: node, op: prepared))
        }
    }

    private mutating func record(_ tensors: [Tensor], for node: Node) {
        for (name, tensor) in zip(node.outputs, tensors) where !name.isEmpty { specs[name] = ValueSpec(tensor) }
    }

    /// Runs a kernel whose inputs are all constants once, at load, with temporary buffers.
    static func fold(outputs: [ValueSpec], scratchBytes: Int, bind: (OpBuffers) -> OpRunner,
                     inputs: [Tensor?], residual: Tensor?) -> [Tensor] {
        func buffer(_ tensor: Tensor) -> UnsafeMutableRawPointer {
            let p = UnsafeMutableRawPointer.allocate(byteCount: max(tensor.count * tensor.dtype.byteSize, 8), alignment: 64)
            tensor.copyBytes(to: p)
            return p
        }
        let inputBuffers = inputs.map { $0.map(buffer) }
        let residualBuffer = residual.map(buffer)
        let outputBuffers = outputs.map { UnsafeMutableRawPointer.allocate(byteCount: max($0.byteCount, 8), alignment: 64) }
        let scratch = scratchBytes > 0 ? UnsafeMutableRawPointer.allocate(byteCount: scratchBytes, alignment: 64) : nil
        defer {
            inputBuffers.forEach { $0?.deallocate() }
            residualBuffer?.deallocate()
            outputBuffers.forEach { $0.deallocate() }
            scratch?.deallocate()
        }
        let runner = bind(OpBuffers(inputs: inputBuffers.map { $0.map(UnsafeRawPointer.init) }, outputs: outputBuffers,
                                    residual: residualBuffer.map(UnsafeRawPointer.init), scratch: scratch))
        runner()
        return zip(outputs, outputBuffers).map { Tensor(dtype: $0.dtype, shape: $0.shape, bytes: $1) }
    }
}
