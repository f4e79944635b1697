import Foundation
import VigilKernels

/// One runnable instance of a `PreparedModel`: its own activation arena, the model's kernels bound to it.
///
/// Write the input buffer, call `run()`, read the output buffers. `run()` neither throws nor
/// allocates, except for a model with a dynamic tail (`PreparedModel.isDynamic`: sizes that
/// depend on the values), whose tail is prepared per run and reports failure in `lastRunError`.
/// A session is not reentrant: use one per concurrent caller, all made from one
/// `PreparedModel` so that they share its packed weights.
public final class InferenceSession: @unchecked Sendable {
    /// A runtime input or output: name, type and the concrete shape the session was prepared for.
    public struct TensorInfo: Sendable, Equatable {
        public let name: String
        public let dtype: DataType
        public let shape: [Int]
        /// An output whose size depends on the input's values: `dtype` and `shape` are the last
        /// run's (see `PreparedModel.isDynamic`).
        public let isDynamic: Bool

        public init(name: String, dtype: DataType, shape: [Int], isDynamic: Bool = false) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.isDynamic = isDynamic
        }
    }

    /// What this session runs; make more sessions from it with `InferenceSession(model:)`.
    public let model: PreparedModel
    public var inputs: [TensorInfo] { model.inputs }
    /// The outputs; a dynamic output has the type and shape of the last run's value.
    public var outputs: [TensorInfo] {
        guard model.isDynamic else { return model.outputs }
        return model.outputs.enumerated().map { index, info in
            guard let value = dynamicOutputs[index] else { return info }
            return TensorInfo(name: info.name, dtype: value.dtype, shape: value.shape, isDynamic: true)
        }
    }
    /// Why the last run's dynamic part failed (a shape the model's own ops reject for this
    /// input), or nil; its outputs are then empty.
    public private(set) var lastRunError: EngineError?
    public var options: SessionOptions { model.options }
    /// Per op type, how many nodes run at execution (after folding and fusion).
    public var executedOps: [String: Int] { model.executedOps }
    /// FLOPs of one run (2 x MACs of Conv/Gemm/MatMul).
    public var flops: Int { model.flops }
    /// Bytes of the activation arena (all intermediate values, reused).
    public var arenaBytes: Int { model.arenaBytes }

    private let runners: [OpRunner]
    private let inputPointers: [UnsafeMutableRawPointer]
    private let outputPointers: [UnsafeRawPointer]
    private let arena: UnsafeMutableRawPointer
    /// The last run's values of the outputs the dynamic tail makes (nil for static outputs).
    private var dynamicOutputs: [Tensor?]
    /// Grow-only copies of the dynamic outputs, made when `outputBuffer` asks for one.
    private var dynamicBuffers: [(pointer: UnsafeMutableRawPointer, bytes: Int)?]
    /// Whether `dynamicBuffers[i]` already holds this run's value.
    private var dynamicBufferCurrent: [Bool]

    /// Prepares `graph` and makes its first session.
    public convenience init(graph: Graph, options: SessionOptions = SessionOptions()) throws {
        self.init(model: try PreparedModel(graph: graph, options: options))
    }

    /// A new session of an already prepared model, with an arena of its own.
    public init(model: PreparedModel) {
        self.model = model
        let arena = UnsafeMutableRawPointer.allocate(byteCount: max(model.arenaBytes, 64), alignment: MemoryPlan.alignment)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: max(model.arenaBytes, 64))
        let scratch = model.scratchOffset.map { arena + $0 }
        runners = model.steps.map { step in
            step.bind(OpBuffers(
                inputs: step.inputs.map { $0.map { UnsafeRawPointer($0.address(in: arena)) } },
                outputs: step.outputs.map { $0.address(in: arena) },
                residual: step.residual.map { UnsafeRawPointer($0.address(in: arena)) },
                scratch: scratch))
        }
        inputPointers = model.inputOffsets.map { arena + $0 }
        outputPointers = model.outputLocations.map { UnsafeRawPointer($0.address(in: arena)) }
        self.arena = arena
        dynamicOutputs = Array(repeating: nil, count: model.outputs.count)
        dynamicBuffers = Array(repeating: nil, count: model.outputs.count)
        dynamicBufferCurrent = Array(repeating: false, count: model.outputs.count)
    }

    deinit {
        arena.deallocate()
        dynamicBuffers.forEach { $0?.pointer.deallocate() }
    }

    // MARK: the per-frame path

    /// The float32 buffer of input `index`, laid out as `inputs[index].shape`. Write it, then `run()`.
    public func inputBuffer(_ index: Int = 0) -> UnsafeMutableBufferPointer<Float> {
        precondition(inputs[index].dtype == .float32, "input \(inputs[index].name) is \(inputs[index].dtype)")
        return UnsafeMutableBufferPointer(start: inputPointers[index].assumingMemoryBound(to: Float.self),
                                          count: inputs[index].shape.reduce(1, *))
    }

    /// Runs every op once over the bound buffers, then the dynamic tail if the model has one
    /// (which allocates; a failure there is kept in `lastRunError`).
    public func run() {
        for runner in runners { runner() }
        if let tail = model.tail { runTail(tail) }
    }

    private func runTail(_ tail: DynamicTail) {
        var values: [String: Tensor] = [:]
        for input in model.tailInputs {
            values[input.name] = input.spec.constant
                ?? Tensor(dtype: input.spec.dtype, shape: input.spec.shape, bytes: input.location.address(in: arena))
        }
        let results: [String: Tensor]
        do {
            results = try tail.run(values, parallel: model.parallel)
            lastRunError = nil
        } catch {
            lastRunError = error as? EngineError ?? EngineError(.invalidModel, "\(error)")
            results = [:]
        }
        for (index, info) in model.outputs.enumerated() where info.isDynamic {
            dynamicOutputs[index] = results[info.name] ?? Tensor.empty(dtype: .float32, shape: [0])
            dynamicBufferCurrent[index] = false
        }
    }

    /// Where output `index` lies; a dynamic output is copied into its grow-only buffer first.
    private func outputPointer(_ index: Int) -> UnsafeRawPointer {
        guard model.outputs[index].isDynamic, let value = dynamicOutputs[index] else { return outputPointers[index] }
        if dynamicBufferCurrent[index], let buffer = dynamicBuffers[index] { return UnsafeRawPointer(buffer.pointer) }
        dynamicBufferCurrent[index] = true
        let bytes = value.count * value.dtype.byteSize
        if (dynamicBuffers[index]?.bytes ?? -1) < bytes {
            dynamicBuffers[index]?.pointer.deallocate()
            dynamicBuffers[index] = (UnsafeMutableRawPointer.allocate(byteCount: max(bytes, 64), alignment: 64), max(bytes, 64))
        }
        value.copyBytes(to: dynamicBuffers[index]!.pointer)
        return UnsafeRawPointer(dynamicBuffers[index]!.pointer)
    }

    /// The float32 buffer of output `index`, valid until the next `run()`.
    public func outputBuffer(_ index: Int = 0) -> UnsafeBufferPointer<Float> {
        precondition(outputs[index].dtype == .float32, "output \(outputs[index].name) is \(outputs[index].dtype)")
        return UnsafeBufferPointer(start: outputPointer(index).assumingMemoryBound(to: Float.self),
                                   count: outputs[index].shape.reduce(1, *))
    }

    /// A copy of output `index`.
    public func output(_ index: Int) -> Tensor {
        if model.outputs[index].isDynamic { return dynamicOutputs[index] ?? Tensor.empty(dtype: .float32, shape: [0]) }
        return Tensor(dtype: outputs[index].dtype, shape: outputs[index].shape, bytes: outputPointers[index])
    }

    /// Times every op over `runs` runs: (node, op, median milliseconds), in execution order.
    public func profile(runs: Int) -> [(node: String, op: String, milliseconds: Double)] {
        var samples = [[Double]](repeating: [], count: runners.count)
        let clock = ContinuousClock()
        for _ in 0..<max(runs, 1) {
            for (index, runner) in runners.enumerated() {
                let start = clock.now
                runner()
                samples[index].append(Self.milliseconds(start.duration(to: clock.now)))
            }
        }
        var result = model.steps.enumerated().map { index, step in
            let sorted = samples[index].sorted()
            return (step.node, step.op, sorted[sorted.count / 2])
        }
        if let tail = model.tail {
            var times: [Double] = []
            for _ in 0..<max(runs, 1) {
                let start = clock.now
                runTail(tail)
                times.append(Self.milliseconds(start.duration(to: clock.now)))
            }
            result.append(("(dynamic tail: \(tail.nodes.count) nodes)", "prepared per run", times.sorted()[times.count / 2]))
        }
        return result
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
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
        if let lastRunError { throw lastRunError }
        var result: [String: Tensor] = [:]
        for index in outputs.indices { result[outputs[index].name] = output(index) }
        return result
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
