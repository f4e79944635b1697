import VigilKernels

/// What an operator sees while it is prepared: the node, the specs of its inputs, and helpers
/// that read attributes and constant inputs, failing with errors that name the node and op.
public struct OpContext {
    public let node: Node
    /// One per node input; nil for an omitted optional input.
    public let inputs: [ValueSpec?]
    /// The fused residual input's spec, if a pass folded an Add into this node.
    public let residual: ValueSpec?
    public let parallel: ParallelContext

    public var opset: Int { node.opset }

    // MARK: errors

    public func error(_ code: EngineError.Code, _ detail: String) -> EngineError {
        EngineError(code, node: node.name, op: node.qualifiedOp, opset: node.opset, detail)
    }

    public func unsupported(_ detail: String) -> EngineError { error(.unsupportedAttribute, detail) }

    // MARK: inputs

    public var inputCount: Int { inputs.count }

    public func has(_ index: Int) -> Bool { index < inputs.count && inputs[index] != nil }

    /// The spec of a required input.
    public func input(_ index: Int) throws -> ValueSpec {
        guard index < inputs.count, let spec = inputs[index] else {
            throw error(.invalidModel, "required input #\(index) is missing")
        }
        return spec
    }

    /// A required float32 input.
    public func floatInput(_ index: Int) throws -> ValueSpec {
        let spec = try input(index)
        guard spec.dtype == .float32 else {
            throw error(.unsupportedType, "input #\(index) ('\(node.inputs[index])') is \(spec.dtype); only float32 is supported here")
        }
        return spec
    }

    /// The constant value of an input that must be known at load (shapes, axes, weights).
    public func constant(_ index: Int, _ what: String) throws -> Tensor {
        let spec = try input(index)
        guard let value = spec.constant else {
            throw error(.dataDependent, "input #\(index) '\(what)' must be a constant (or computable at load time), but it depends on the model input")
        }
        return value
    }

    public func optionalConstant(_ index: Int, _ what: String) throws -> Tensor? {
        has(index) ? try constant(index, what) : nil
    }

    // MARK: attributes

    public func attribute(_ name: String) -> Attribute? { node.attributes[name] }

    public func int(_ name: String, default value: Int) throws -> Int {
        switch node.attributes[name] {
        case nil: return value
        case .int(let v)?: return v
        case .float(let f)? where f == f.rounded(): return Int(f)
        case let other?: throw error(.invalidModel, "attribute '\(name)' should be an int, found \(other.kindName)")
        }
    }

    public func float(_ name: String, default value: Float) throws -> Float {
        switch node.attributes[name] {
        case nil: return value
        case .float(let v)?: return v
        case .int(let v)?: return Float(v)
        case let other?: throw error(.invalidModel, "attribute '\(name)' should be a float, found \(other.kindName)")
        }
    }

    public func string(_ name: String, default value: String) throws -> String {
        switch node.attributes[name] {
        case nil: return value
        case .string(let v)?: return v
        case let other?: throw error(.invalidModel, "attribute '\(name)' should be a string, found \(other.kindName)")
        }
    }

    public func ints(_ name: String) throws -> [Int]? {
        switch node.attributes[name] {
        case nil: return nil
        case .ints(let v)?: return v
        case .int(let v)?: return [v]
        case let other?: throw error(.invalidModel, "attribute '\(name)' should be a list of ints, found \(other.kindName)")
        }
    }

    public func floats(_ name: String) throws -> [Float]? {
        switch node.attributes[name] {
        case nil: return nil
        case .floats(let v)?: return v
        case .float(let v)?: return [v]
        case .ints(let v)?: return v.map(Float.init)
        case let other?: throw error(.invalidModel, "attribute '\(name)' should be a list of floats, found \(other.kindName)")
        }
    }

    /// Normalises an axis against `rank` (negative counts from the end), naming the attribute on error.
    public func axis(_ value: Int, rank: Int, _ what: String = "axis") throws -> Int {
        let normalised = value < 0 ? value + rank : value
        guard normalised >= 0, normalised < max(rank, 1) else {
            throw error(.invalidModel, "\(what) \(value) is out of range for rank \(rank)")
        }
        return normalised
    }

    /// Rejects attributes whose value Vigil does not implement, naming them.
    public func require(_ condition: Bool, _ detail: @autoclosure () -> String) throws {
        if !condition { throw unsupported(detail()) }
    }
}
