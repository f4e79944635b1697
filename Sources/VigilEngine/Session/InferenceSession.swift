import Foundation
import VigilKernels

/// A model prepared for repeated inference at one input size.
///
/// Made once (validation, shape inference, constant folding, weight packing, memory planning),
/// then run per frame: write the input buffer, call `run()`, read the output buffers. `run()`
/// neither throws nor allocates. A session is not reentrant: use one per concurrent caller.
public final class InferenceSession: @unchecked Sendable {
    /// A runtime input or output: name, type and the concrete shape the session was prepared for.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DataType
        public let shape: [Int]
    }

    public let inputs: [TensorInfo]
    public let outputs: [TensorInfo]
    public let options: SessionOptions
    /// Per op type, how many nodes run at execution (after folding and fusion).
    public let executedOps: [String: Int]
    /// FLOPs of one run (2 x MACs of Conv/Gemm/MatMul).
    public let flops: Int
    /// Bytes of the activation arena (all intermediate values, reused).
    public let arenaBytes: Int

    private let runners: [OpRunner]
    /// (node name, op) of each runner, for profiles.
    private let runnerNodes: [(name: String, op: String)]
    private let inputPointers: [UnsafeMutableRawPointer]
    private let outputPointers: [UnsafeRawPointer]
    private let arena: UnsafeMutableRawPointer
    private let constantStore: ConstantStore

    public init(graph source: Graph, options: SessionOptions = SessionOptions()) throws {
        self.options = options
        var graph = source
        try graph.sortAndPrune()
        let parallel = ParallelContext(threads: options.threads)
        // The kernels split every GEMM over the session's threads themselves (see `gemm(..., parallel:)`).
        BLASThreads.set(1)

        // 1. Bind the input shapes.
        var inputInfos: [TensorInfo] = []
        for input in graph.inputs where graph.initializers[input.name] == nil {
            let shape = try Self.bind(input, options.inputShapes[input.name])
            inputInfos.append(TensorInfo(name: input.name, dtype: input.dtype, shape: shape))
        }

        // 2. Prepare every node in order (shapes, folding, kernels); optimise with the shapes
        //    found, then prepare the rewritten graph.
        var preparation = try Preparation(graph: graph, inputs: inputInfos, parallel: parallel)
        if options.optimize {
            GraphOptimizer.run(&graph, specs: preparation.specs)
            try graph.sortAndPrune()
            preparation = try Preparation(graph: graph, inputs: inputInfos, parallel: parallel)
        }
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
        for output in graph.outputs {
            if let index = requestIndex[root(output)] { requests[index].last = Int.max }
        }
        let plan = MemoryPlan(requests)
        let maxScratch = steps.map { step -> Int in
            if case .kernel(_, let scratch, _) = step.op.kind { return scratch }
            return 0
        }.max() ?? 0
        let arenaBytes = plan.totalBytes + MemoryPlan.aligned(maxScratch)
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(arenaBytes, 64), alignment: MemoryPlan.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(arenaBytes, 64))
        let scratch = maxScratch > 0 ? arena + plan.totalBytes : nil

        // 4. Bind runners to pointers: runtime values in the arena, constants in their own store.
        let constants = ConstantStore()
        func pointer(_ name: String) -> UnsafeMutableRawPointer {
            let value = aliasOf[name] ?? name
            if let slice = inPlace.slices[value] { return pointer(slice.owner) + slice.byteOffset }
            if let index = requestIndex[value] { return arena + plan.offsets[index] }
            return constants.pointer(for: name, tensor: specs[name]!.constant!)
        }
        var runners: [OpRunner] = []
        var runnerNodes: [(name: String, op: String)] = []
        for (stepIndex, step) in steps.enumerated() where !inPlace.elided.contains(stepIndex) {
            guard case .kernel(_, _, let bind) = step.op.kind else { continue }
            let buffers = OpBuffers(
                inputs: step.node.inputs.map { $0.isEmpty ? nil : UnsafeRawPointer(pointer($0)) },
                outputs: step.node.outputs.map { $0.isEmpty ? arena : pointer($0) },
                residual: step.node.fused.residualInput.map { UnsafeRawPointer(pointer($0)) },
                scratch: scratch)
            runners.append(bind(buffers))
            runnerNodes.append((step.node.name, step.node.qualifiedOp))
        }

        var outputInfos: [TensorInfo] = []
        var outputPointers: [UnsafeRawPointer] = []
        for name in graph.outputs {
            guard let spec = specs[name] else { throw EngineError.graph("graph output '\(name)' is never produced") }
            outputInfos.append(TensorInfo(name: name, dtype: spec.dtype, shape: spec.shape))
            outputPointers.append(UnsafeRawPointer(pointer(name)))
        }

        self.inputs = inputInfos
        self.outputs = outputInfos
        var executedOps = preparation.histogram
        for index in inPlace.elided {
            let op = steps[index].node.qualifiedOp
            executedOps[op, default: 0] -= 1
            if executedOps[op] == 0 { executedOps[op] = nil }
        }
        self.executedOps = executedOps
        self.flops = preparation.flops
        self.arenaBytes = arenaBytes
        self.runners = runners
        self.runnerNodes = runnerNodes
        self.inputPointers = inputInfos.map { arena + plan.offsets[requestIndex[$0.name]!] }
        self.outputPointers = outputPointers
        self.arena = arena
        self.constantStore = constants
    }

    deinit {
        arena.deallocate()
    }

    // MARK: the per-frame path

    /// The float32 buffer of input `index`, laid out as `inputs[index].shape`. Write it, then `run()`.
    public func inputBuffer(_ index: Int = 0) -> UnsafeMutableBufferPointer<Float> {
        precondition(inputs[index].dtype == .float32, "input \(inputs[index].name) is \(inputs[index].dtype)")
        return UnsafeMutableBufferPointer(start: inputPointers[index].assumingMemoryBound(to: Float.self),
                                          count: inputs[index].shape.reduce(1, *))
    }

    /// Runs every op once over the bound buffers.
    public func run() {
        for runner in runners { runner() }
    }

    /// The float32 buffer of output `index`, valid until the next `run()`.
    public func outputBuffer(_ index: Int = 0) -> UnsafeBufferPointer<Float> {
        precondition(outputs[index].dtype == .float32, "output \(outputs[index].name) is \(outputs[index].dtype)")
        return UnsafeBufferPointer(start: outputPointers[index].assumingMemoryBound(to: Float.self),
                                   count: outputs[index].shape.reduce(1, *))
    }

    /// A copy of output `index`.
    public func output(_ index: Int) -> Tensor {
        Tensor(dtype: outputs[index].dtype, shape: outputs[index].shape, bytes: outputPointers[index])
    }

    /// Times every op over `runs` runs: (node, op, median milliseconds), in execution order.
    public func profile(runs: Int) -> [(node: String, op: String, milliseconds: Double)] {
        var samples = [[Double]](repeating: [], count: runners.count)
        let clock = ContinuousClock()
        for _ in 0..<max(runs, 1) {
            for (index, runner) in runners.enumerated() {
                let start = clock.now
                runner()
                let elapsed = start.duration(to: clock.now)
                samples[index].append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
        }
        return runnerNodes.enumerated().map { index, node in
            let sorted = samples[index].sorted()
            return (node.name, node.op, sorted[sorted.count / 2])
        }
    }

    // MARK: convenience

    /// Copies the given tensors in, runs, and returns every output by name (allocates).
    public func run(_ feeds: [String: Tensor]) throws -> [String: Tensor] {
        for (index, info) in inputs.enumerated() {
            guard let tensor = feeds[info.name] else {
                throw EngineError(.invalidInput, "no value given for input '\(info.name)' \(info.shape)")
            }
            guard tensor.shape == info.shape else {
                throw EngineError(.invalidInput, "input '\(info.name)' has shape \(tensor.shape); the session was prepared for \(info.shape)")
            }
            guard tensor.dtype == info.dtype || (tensor.dtype.isInteger && info.dtype.isInteger) else {
                throw EngineError(.invalidInput, "input '\(info.name)' is \(tensor.dtype); the model takes \(info.dtype)")
            }
            Tensor(shape: tensor.shape, storage: tensor.storage, dtype: info.dtype).copyBytes(to: inputPointers[index])
        }
        run()
        var result: [String: Tensor] = [:]
        for index in outputs.indices { result[outputs[index].name] = output(index) }
        return result
    }

    // MARK: preparation helpers

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

extension Tensor {
    init(shape: [Int], storage: Storage, dtype: DataType) {
        switch storage {
        case .float(let v): self.init(shape: shape, floats: v)
        case .int(let v): self.init(shape: shape, ints: v, dtype: dtype.isInteger ? dtype : .int64)
        case .bool(let v): self.init(shape: shape, bools: v)
        case .string(let v): self.init(shape: shape, strings: v)
        }
    }
}

/// Constants that kernels read at run time, each in its own aligned allocation, freed with the session.
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
