import VigilKernels

/// ONNX control flow while preparing: If is inlined once its condition is known; Loop runs at
/// preparation once its trip count, condition, initial values and every value its body reads
/// are known (always so in the dynamic tail), each iteration its body prepared afresh over that
/// iteration's values.
extension Preparation {
    /// If with a known condition: the taken branch's initializers and nodes join the graph, and
    /// the If's outputs become the branch's outputs.
    mutating func inlineIf(_ node: Node, parallel: ParallelContext) throws {
        guard let conditionName = node.inputs.first, let condition = specs[conditionName] else {
            throw node.error(.invalidModel, "the condition input is missing")
        }
        guard let value = condition.constant else {
            throw node.error(.dataDependent, "the branch taken depends on the model input")
        }
        guard value.count == 1 else { throw node.error(.invalidModel, "the condition has \(value.count) elements; If takes one") }
        let taken = value.storage.isTrue ? "then_branch" : "else_branch"
        guard case .graph(let branch)? = node.attributes[taken] else {
            throw node.error(.invalidModel, "attribute '\(taken)' is not a graph")
        }
        guard branch.inputs.isEmpty else { throw node.error(.invalidModel, "\(taken) declares inputs; an If branch takes none") }
        guard branch.outputs.count == node.outputs.count else {
            throw node.error(.invalidModel, "\(taken) has \(branch.outputs.count) outputs; the node names \(node.outputs.count)")
        }
        for (name, tensor) in branch.initializers { define(name, ValueSpec(tensor)) }
        for inner in branch.nodes { try prepare(inner, parallel: parallel) }
        for (output, source) in zip(node.outputs, branch.outputs) where !output.isEmpty {
            // A branch node left for run time: the If's output follows it there.
            if deferredValues.contains(source) {
                deferNode(Node(name: "\(node.name)/\(output)", opType: "Identity", opset: max(node.opset, 1),
                               inputs: [source], outputs: [output]))
                continue
            }
            guard let spec = specs[source] else { throw node.error(.invalidModel, "\(taken) output '\(source)' is never produced") }
            define(output, spec, aliasing: spec.constant == nil ? source : nil)
        }
    }

    /// Loop over known values: the body runs iteration by iteration (iteration number, condition
    /// and the loop-carried values as its inputs) until the trip count is reached or the body's
    /// condition output is false. Outputs: the final loop-carried values, then each scan output's
    /// per-iteration values stacked on a new first axis.
    mutating func runLoop(_ node: Node, parallel: ParallelContext) throws {
        guard case .graph(let body)? = node.attributes["body"] else { throw node.error(.invalidModel, "attribute 'body' is not a graph") }
        let given: [Tensor?] = try node.inputs.map { name in
            guard !name.isEmpty else { return nil }
            guard let spec = specs[name] else { throw node.error(.invalidModel, "input '\(name)' is not defined") }
            guard let value = spec.constant else { throw node.error(.dataDependent, "input '\(name)' depends on the model input") }
            return value
        }
        var outer: [String: Tensor] = body.initializers
        for name in body.freeValues {
            guard let spec = specs[name] else { throw node.error(.invalidModel, "the body reads '\(name)', which is not defined") }
            guard let value = spec.constant else { throw node.error(.dataDependent, "the body reads '\(name)', which depends on the model input") }
            outer[name] = value
        }
        let tripCount = given.first.flatMap { $0 }.map { $0.ints.first ?? 0 }
        var condition = given.count > 1 ? (given[1]?.storage.isTrue ?? true) : true
        var carried: [Tensor] = try given.dropFirst(2).enumerated().map { index, value in
            guard let value else { throw node.error(.invalidModel, "loop-carried input #\(index + 2) is missing") }
            return value
        }
        let carriedCount = carried.count
        guard body.inputs.count == 2 + carriedCount, body.outputs.count >= 1 + carriedCount else {
            throw node.error(.invalidModel, "the body takes \(body.inputs.count) inputs and makes \(body.outputs.count) outputs; \(carriedCount) loop-carried values need \(2 + carriedCount) inputs and at least \(1 + carriedCount) outputs")
        }
        let scanCount = body.outputs.count - 1 - carriedCount
        guard node.outputs.count <= carriedCount + scanCount else {
            throw node.error(.invalidModel, "the node names \(node.outputs.count) outputs; the body gives \(carriedCount + scanCount)")
        }
        var scans = [[Tensor]](repeating: [], count: scanCount)
        var iteration: Int64 = 0
        while condition, tripCount.map({ iteration < $0 }) ?? true {
            guard iteration < Self.loopLimit else {
                throw node.error(.invalidModel, "the loop ran \(Self.loopLimit) iterations without its condition turning false")
            }
            var scope = Preparation(constants: outer)
            scope.define(body.inputs[0].name, ValueSpec(Tensor(shape: [], ints: [iteration])))
            scope.define(body.inputs[1].name, ValueSpec(Tensor(shape: [], bools: [condition])))
            for (input, value) in zip(body.inputs.dropFirst(2), carried) { scope.define(input.name, ValueSpec(value)) }
            for inner in body.nodes { try scope.prepare(inner, parallel: parallel) }
            func result(_ index: Int) throws -> Tensor {
                guard let value = scope.constant(body.outputs[index]) else {
                    throw node.error(.invalidModel, "body output '\(body.outputs[index])' was not computed")
                }
                return value
            }
            condition = try result(0).storage.isTrue
            carried = try (0..<carriedCount).map { try result(1 + $0) }
            for scan in 0..<scanCount { scans[scan].append(try result(1 + carriedCount + scan)) }
            iteration += 1
        }
        let stacked = try scans.map { values -> Tensor in
            guard let first = values.first else { return Tensor.empty(dtype: .float32, shape: [0]) }
            guard values.allSatisfy({ $0.shape == first.shape && $0.dtype == first.dtype }) else {
                throw node.error(.shapeMismatch, "scan output values differ in shape or type between iterations")
            }
            return Tensor.stacking(values)
        }
        for (output, value) in zip(node.outputs, carried + stacked) where !output.isEmpty { define(output, ValueSpec(value)) }
    }

    /// A guard against a Loop with neither trip count nor a condition that ever turns false.
    static let loopLimit: Int64 = 10_000_000
}

extension Node {
    func error(_ code: EngineError.Code, _ detail: String) -> EngineError {
        EngineError(code, node: name, op: qualifiedOp, opset: opset, detail)
    }
}

extension Tensor {
    /// Same-shaped tensors stacked on a new first axis.
    static func stacking(_ values: [Tensor]) -> Tensor {
        let shape = [values.count] + values[0].shape
        switch values[0].storage {
        case .float: return Tensor(shape: shape, floats: values.flatMap(\.floats))
        case .int: return Tensor(shape: shape, ints: values.flatMap(\.ints), dtype: values[0].dtype)
        case .bool:
            var bools: [Bool] = []
            for value in values { if case .bool(let v) = value.storage { bools += v } }
            return Tensor(shape: shape, bools: bools)
        case .string: return Tensor(shape: shape, strings: values.flatMap(\.strings))
        }
    }
}
