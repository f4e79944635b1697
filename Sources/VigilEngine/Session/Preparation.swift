import VigilKernels

/// One pass over a sorted graph that prepares every node: shape inference, constant folding
/// (a node whose inputs are all constant runs once, now) and kernel construction.
///
/// With `deferDynamic`, a node that cannot be prepared before its input values are known
/// (`EngineError.Code.dataDependent`: NonZero, NonMaxSuppression, a Reshape to a computed
/// shape...) is deferred instead of failing, and so is every node that reads a deferred value:
/// those make the model's dynamic tail, which `DynamicTail` prepares again on every run, when
/// all its inputs are known. An If whose condition is known is inlined: its branch's nodes are
/// prepared in its place.
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
    /// Nodes left for run time, in order (only with `deferDynamic`).
    private(set) var deferred: [Node] = []
    private(set) var deferredValues: Set<String> = []
    private let deferDynamic: Bool
    /// Every input is known (the dynamic tail): each node must fold, none may become a step.
    private let foldOnly: Bool

    init(graph: Graph, inputs: [InferenceSession.TensorInfo], parallel: ParallelContext, deferDynamic: Bool = false) throws {
        self.deferDynamic = deferDynamic
        foldOnly = false
        for (name, tensor) in graph.initializers { specs[name] = ValueSpec(tensor) }
        for input in inputs { specs[input.name] = ValueSpec(dtype: input.dtype, shape: input.shape) }
        for node in graph.nodes { try prepare(node, parallel: parallel) }
    }

    /// Prepares nodes whose every input is a known value: each folds, so `specs` ends holding
    /// their results (the dynamic tail's per-run evaluation).
    init(constants: [String: Tensor]) {
        deferDynamic = false
        foldOnly = true
        for (name, tensor) in constants { specs[name] = ValueSpec(tensor) }
    }

    /// The value of `name` once everything before it ran, when it is known.
    func constant(_ name: String) -> Tensor? { specs[name]?.constant }

    mutating func forget(_ name: String) { specs[name] = nil }

    mutating func prepare(_ node: Node, parallel: ParallelContext) throws {
        guard deferDynamic else { return try prepareNow(node, parallel: parallel) }
        if node.dependencies.contains(where: deferredValues.contains) { return deferNode(node) }
        do {
            try prepareNow(node, parallel: parallel)
        } catch let error as EngineError where error.code == .dataDependent {
            deferNode(node)
        }
    }

    mutating func deferNode(_ node: Node) {
        deferred.append(node)
        for output in node.outputs where !output.isEmpty { deferredValues.insert(output) }
    }

    /// Records a value made outside an op's prepare (If outputs, Loop results, loop bodies'
    /// inputs); `aliasing` names the runtime value it shares a buffer with.
    mutating func define(_ name: String, _ spec: ValueSpec, aliasing source: String? = nil) {
        specs[name] = spec
        if let source { aliasOf[name] = aliasOf[source] ?? source }
    }

    private mutating func prepareNow(_ node: Node, parallel: ParallelContext) throws {
        if node.domain.isEmpty, node.opType == "If" { return try inlineIf(node, parallel: parallel) }
        if node.domain.isEmpty, node.opType == "Loop" { return try runLoop(node, parallel: parallel) }
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
        case .kernel where foldOnly:
            throw EngineError(.invalidModel, node: node.name, op: node.qualifiedOp, opset: node.opset,
                              "an input is not known when the node runs")
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
        // Empty results (no boxes left after a threshold) need no work, and kernels need not
        // expect zero-sized operands.
        guard outputs.contains(where: { $0.byteCount > 0 }) else {
            return outputs.map { Tensor.empty(dtype: $0.dtype, shape: $0.shape) }
        }
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
