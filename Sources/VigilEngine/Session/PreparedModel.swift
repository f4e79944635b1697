import VigilKernels

/// A model prepared once for one input size: validation, shape inference, constant folding,
/// weight packing and the memory plan of its activations.
///
/// It holds no activations. Each `InferenceSession` made from it gets an arena of its own and
/// shares everything else: a server with one session per worker keeps one copy of the packed
/// weights (Winograd filters are four times the size of the model's 3x3 weights), so the workers
/// read the same weights from the shared cache instead of evicting each other's. Immutable after
/// `init`, so sessions may be made and run on any threads.
public final class PreparedModel: @unchecked Sendable {
    public let inputs: [InferenceSession.TensorInfo]
    public let outputs: [InferenceSession.TensorInfo]
    public let options: SessionOptions
    /// Per op type, how many nodes run at execution (after folding, fusion and in-place Concats).
    public let executedOps: [String: Int]
    /// FLOPs of one run (2 x MACs of Conv/Gemm/MatMul).
    public let flops: Int
    /// Bytes of one session's activation arena (all intermediate values, reused, plus scratch).
    public let arenaBytes: Int

    /// Where a value lives: at an offset in a session's arena, or in the model's constants.
    enum Location {
        case arena(Int)
        case constant(UnsafeMutableRawPointer)

        func address(in arena: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
            switch self {
            case .arena(let offset): arena + offset
            case .constant(let pointer): pointer
            }
        }
    }

    /// One kernel to bind per session: what it reads and writes, and how to make its runner.
    struct Step {
        let node: String
        let op: String
        let inputs: [Location?]
        let outputs: [Location]
        let residual: Location?
        let bind: (OpBuffers) -> OpRunner
    }

    let steps: [Step]
    let inputOffsets: [Int]
    let outputLocations: [Location]
    /// Offset of the scratch shared by all ops, when any op needs scratch.
    let scratchOffset: Int?
    private let constants: ConstantStore
    let parallel: ParallelContext
    /// The nodes prepared per run because their shapes depend on values (nil for most models).
    let tail: DynamicTail?
    /// Where the values the tail reads live once the static steps ran.
    let tailInputs: [(name: String, location: Location, spec: ValueSpec)]
    /// Whether some outputs' sizes depend on the input's values (detection exports with in-graph
    /// NMS): those are prepared per run, and their `TensorInfo.shape` is known only after it.
    public var isDynamic: Bool { tail != nil }
    /// How many nodes run in the dynamic tail, prepared per run.
    public var dynamicNodeCount: Int { tail?.nodes.count ?? 0 }

    public init(graph source: Graph, options: SessionOptions = SessionOptions()) throws {
        self.options = options
        var graph = source
        try graph.sortAndPrune()
        let parallel = ParallelContext(threads: options.threads)
        self.parallel = parallel
        // The kernels split every GEMM over the session's threads themselves (see `gemm(..., parallel:)`).
        BLASThreads.set(1)

        // 1. Bind the input shapes.
        var inputInfos: [InferenceSession.TensorInfo] = []
        for input in graph.inputs where graph.initializers[input.name] == nil {
            let shape = try Self.bind(input, options.inputShapes[input.name])
            inputInfos.append(InferenceSession.TensorInfo(name: input.name, dtype: input.dtype, shape: shape))
        }

        // 2. Prepare every node in order (shapes, folding, kernels); optimise with the shapes
        //    found, then prepare the rewritten graph.
        var preparation = try Preparation(graph: graph, inputs: inputInfos, parallel: parallel, deferDynamic: true)
        if options.optimize {
            GraphOptimizer.run(&graph, specs: preparation.specs)
            try graph.sortAndPrune()
            preparation = try Preparation(graph: graph, inputs: inputInfos, parallel: parallel, deferDynamic: true)
        }
        let tail = preparation.deferred.isEmpty ? nil
            : DynamicTail(nodes: preparation.deferred, produced: preparation.deferredValues, graphOutputs: graph.outputs)
        let specs = preparation.specs
        let steps = preparation.steps
        let aliasOf = preparation.aliasOf

        // 3. Plan memory: runtime values (graph inputs, kernel outputs); aliases share their root, and
        //    the inputs of an elided Concat live in its output.
        let inPlace = options.optimize
            ? ConcatInPlace(steps: steps, aliasOf: aliasOf, graphOutputs: graph.outputs) : ConcatInPlace()
        func root(_ name: String) -> String {
            let root = aliasOf[name] ?? name
            return inPlace.slices[root]?.owner ?? root
        }
        var requestIndex: [String: Int] = [:]
        var requests: [MemoryPlan.Request] = []
        for info in inputInfos {
            requestIndex[info.name] = requests.count
            requests.append(.init(bytes: specs[info.name]!.byteCount, first: -1, last: -1))
        }
        for (stepIndex, step) in steps.enumerated() where !inPlace.elided.contains(stepIndex) {
            for name in step.node.inputs + [step.node.fused.residualInput].compactMap({ $0 }) where !name.isEmpty {
                if let index = requestIndex[root(name)] { requests[index].last = max(requests[index].last, stepIndex) }
            }
            guard case .kernel(let outputs, _, _) = step.op.kind else { continue }
            for name in step.node.outputs.prefix(outputs.count) where !name.isEmpty {
                let owner = root(name)
                if let index = requestIndex[owner] {
                    requests[index].last = max(requests[index].last, stepIndex)  // a later slice of an elided Concat
                    continue
                }
                requestIndex[owner] = requests.count
                requests.append(.init(bytes: specs[owner]!.byteCount, first: stepIndex, last: stepIndex))
            }
        }
        for output in graph.outputs + (tail?.inputs ?? []) {
            if let index = requestIndex[root(output)] { requests[index].last = Int.max }
        }
        let plan = MemoryPlan(requests)
        let maxScratch = steps.map { step -> Int in
            if case .kernel(_, let scratch, _) = step.op.kind { return scratch }
            return 0
        }.max() ?? 0
        let arenaBytes = plan.totalBytes + MemoryPlan.aligned(maxScratch)

        self.arenaBytes = arenaBytes
        scratchOffset = maxScratch > 0 ? plan.totalBytes : nil

        // 4. Locations: runtime values in the arena, constants copied once into their own store.
        let constants = ConstantStore()
        func location(_ name: String) -> Location {
            let value = aliasOf[name] ?? name
            if let slice = inPlace.slices[value], case .arena(let offset) = location(slice.owner) {
                return .arena(offset + slice.byteOffset)
            }
            if let index = requestIndex[value] { return .arena(plan.offsets[index]) }
            return .constant(constants.pointer(for: name, tensor: specs[name]!.constant!))
        }
        var bound: [Step] = []
        for (stepIndex, step) in steps.enumerated() where !inPlace.elided.contains(stepIndex) {
            guard case .kernel(_, _, let bind) = step.op.kind else { continue }
            bound.append(Step(
                node: step.node.name, op: step.node.qualifiedOp,
                inputs: step.node.inputs.map { $0.isEmpty ? nil : location($0) },
                outputs: step.node.outputs.map { $0.isEmpty ? .arena(0) : location($0) },
                residual: step.node.fused.residualInput.map(location),
                bind: bind))
        }
        var outputInfos: [InferenceSession.TensorInfo] = []
        var outputLocations: [Location] = []
        for name in graph.outputs {
            if tail?.outputs.contains(name) == true {
                outputInfos.append(InferenceSession.TensorInfo(name: name, dtype: .float32, shape: [], isDynamic: true))
                outputLocations.append(.arena(0))
                continue
            }
            guard let spec = specs[name] else { throw EngineError.graph("graph output '\(name)' is never produced") }
            outputInfos.append(InferenceSession.TensorInfo(name: name, dtype: spec.dtype, shape: spec.shape))
            outputLocations.append(location(name))
        }

        var executedOps = preparation.histogram
        for index in inPlace.elided {
            let op = steps[index].node.qualifiedOp
            executedOps[op, default: 0] -= 1
            if executedOps[op] == 0 { executedOps[op] = nil }
        }
        self.inputs = inputInfos
        self.outputs = outputInfos
        self.executedOps = executedOps
        self.flops = preparation.flops
        self.steps = bound
        self.inputOffsets = inputInfos.map { plan.offsets[requestIndex[$0.name]!] }
        self.outputLocations = outputLocations
        self.constants = constants
        self.tail = tail
        self.tailInputs = try (tail?.inputs ?? []).map { name in
            guard let spec = specs[name] else { throw EngineError.graph("value '\(name)' read by the dynamic part of the model is never produced") }
            return (name, location(name), spec)
        }
    }

    private static func bind(_ input: Graph.Input, _ given: [Int]?) throws -> [Int] {
        if let given {
            guard given.count == input.shape.count else {
                throw EngineError(.invalidInput, "input '\(input.name)' has rank \(input.shape.count); the shape given, \(given), has rank \(given.count)")
            }
            for (index, (declared, value)) in zip(input.shape, given).enumerated() {
                if let declared, declared != value {
                    throw EngineError(.invalidInput, "input '\(input.name)' dim \(index) is fixed at \(declared) in the model; \(value) was given")
                }
                guard value > 0 else { throw EngineError(.invalidInput, "input '\(input.name)' dim \(index) must be positive, got \(value)") }
            }
            return given
        }
        return try input.shape.enumerated().map { index, dim in
            if let dim, dim > 0 { return dim }
            if index == 0 { return 1 }
            throw EngineError(.invalidInput, "input '\(input.name)' dim \(index) is dynamic; give its size (e.g. --input-shape \(input.name)=1,3,224,224)")
        }
    }
}

/// Constants that kernels read at run time, each in its own aligned allocation, freed with the model.
final class ConstantStore: @unchecked Sendable {
    private var buffers: [String: UnsafeMutableRawPointer] = [:]

    func pointer(for name: String, tensor: Tensor) -> UnsafeMutableRawPointer {
        if let existing = buffers[name] { return existing }
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(tensor.count * tensor.dtype.byteSize, 8), alignment: 64)
        tensor.copyBytes(to: p)
        buffers[name] = p
        return p
    }

    deinit { buffers.values.forEach { $0.deallocate() } }
}
