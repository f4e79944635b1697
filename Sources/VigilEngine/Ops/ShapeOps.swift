/// Ops that only change a tensor's shape or type, or make constants: Reshape, Flatten, Squeeze,
/// Unsqueeze, Identity, Dropout (inference), Shape, Size, Constant, ConstantOfShape, Cast, Range.
enum ShapeOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["Reshape"] = reshape
        table["Flatten"] = flatten
        table["Squeeze"] = squeeze
        table["Unsqueeze"] = unsqueeze
        table["Identity"] = { .alias(shape: try $0.input(0).shape) }
        table["Dropout"] = dropout
        table["Shape"] = shape
        table["Size"] = { .constants([Tensor(shape: [], ints: [Int64(try $0.input(0).count)])]) }
        table["Constant"] = constant
        table["ConstantOfShape"] = constantOfShape
        table["Cast"] = cast
        table["Range"] = range
    }

    static func reshape(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let requested = ctx.opset < 5 ? (try ctx.ints("shape") ?? []) : try ctx.constant(1, "shape").ints.map { Int($0) }
        let allowZero = try ctx.int("allowzero", default: 0) != 0
        var shape = requested
        for (index, dim) in requested.enumerated() where dim == 0 && !allowZero {
            guard index < x.shape.count else { throw ctx.error(.shapeMismatch, "shape \(requested) copies dim \(index) of \(x.shape), which has none") }
            shape[index] = x.shape[index]
        }
        let unknown = shape.indices.filter { shape[$0] == -1 }
        guard unknown.count <= 1, shape.allSatisfy({ $0 >= -1 }) else {
            throw ctx.error(.shapeMismatch, "shape \(requested) is not a valid Reshape target")
        }
        if let at = unknown.first {
            let known = shape.enumerated().filter { $0.offset != at }.map(\.element).reduce(1, *)
            guard known > 0, x.count % known == 0 else {
                throw ctx.error(.shapeMismatch, "cannot reshape \(x.shape) into \(requested)")
            }
            shape[at] = x.count / known
        }
        guard shape.reduce(1, *) == x.count else { throw ctx.error(.shapeMismatch, "cannot reshape \(x.shape) (\(x.count) values) into \(requested)") }
        return .alias(shape: shape)
    }

    static func flatten(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        var axis = try ctx.int("axis", default: 1)
        if axis < 0 { axis += x.shape.count }
        guard axis >= 0, axis <= x.shape.count else { throw ctx.error(.invalidModel, "axis \(axis) is out of range for \(x.shape)") }
        return .alias(shape: [x.shape.prefix(axis).reduce(1, *), x.shape.dropFirst(axis).reduce(1, *)])
    }

    /// Axes from the attribute (before opset 13) or the optional constant input.
    static func axes(_ ctx: OpContext) throws -> [Int]? {
        if ctx.opset < 13 { return try ctx.ints("axes") }
        return try ctx.optionalConstant(1, "axes")?.ints.map { Int($0) }
    }

    static func squeeze(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        let rank = x.shape.count
        let axes = try (axes(ctx) ?? x.shape.indices.filter { x.shape[$0] == 1 }).map { try ctx.axis($0, rank: rank, "axes entry") }
        for axis in axes where x.shape[axis] != 1 {
            throw ctx.error(.shapeMismatch, "cannot squeeze axis \(axis) of \(x.shape): its size is not 1")
        }
        return .alias(shape: x.shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }

    static func unsqueeze(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        guard let raw = try axes(ctx) else { throw ctx.error(.invalidModel, "axes are required") }
        let rank = x.shape.count + raw.count
        let axes = try raw.map { try ctx.axis($0, rank: rank, "axes entry") }.sorted()
        guard Set(axes).count == axes.count else { throw ctx.error(.invalidModel, "axes \(raw) repeat") }
        var shape = x.shape
        for axis in axes { shape.insert(1, at: axis) }
        return .alias(shape: shape)
    }

    /// Inference Dropout is the identity; an optional mask output is left undefined (a node that
    /// consumed it would fail at load naming the value).
    static func dropout(_ ctx: OpContext) throws -> PreparedOp {
        .alias(shape: try ctx.input(0).shape)
    }

    static func shape(_ ctx: OpContext) throws -> PreparedOp {
        let dims = try ctx.input(0).shape.map { Int64($0) }
        let rank = dims.count
        func clamp(_ v: Int) -> Int { min(max(v < 0 ? v + rank : v, 0), rank) }
        let start = clamp(try ctx.int("start", default: 0))
        let end = clamp(try ctx.int("end", default: rank))
        let slice = start < end ? Array(dims[start..<end]) : []
        return .constants([Tensor(shape: [slice.count], ints: slice)])
    }

    static func constant(_ ctx: OpContext) throws -> PreparedOp {
        let attributes = ctx.node.attributes
        if case .tensor(let t)? = attributes["value"] { return .constants([t]) }
        if case .float(let v)? = attributes["value_float"] { return .constants([Tensor(shape: [], floats: [v])]) }
        if case .floats(let v)? = attributes["value_floats"] { return .constants([Tensor(shape: [v.count], floats: v)]) }
        if case .int(let v)? = attributes["value_int"] { return .constants([Tensor(shape: [], ints: [Int64(v)])]) }
        if case .ints(let v)? = attributes["value_ints"] { return .constants([Tensor(shape: [v.count], ints: v.map { Int64($0) })]) }
        if case .string(let v)? = attributes["value_string"] { return .constants([Tensor(shape: [], strings: [v])]) }
        if case .strings(let v)? = attributes["value_strings"] { return .constants([Tensor(shape: [v.count], strings: v)]) }
        throw ctx.unsupported("no supported value attribute (sparse_value is not supported)")
    }

    static func constantOfShape(_ ctx: OpContext) throws -> PreparedOp {
        let dims = try ctx.constant(0, "shape").ints.map { Int($0) }
        guard dims.allSatisfy({ $0 >= 0 }) else { throw ctx.error(.shapeMismatch, "shape \(dims) has a negative dim") }
        let count = dims.reduce(1, *)
        guard case .tensor(let value)? = ctx.node.attributes["value"] else {
            return .constants([Tensor(shape: dims, floats: Array(repeating: 0, count: count))])
        }
        switch value.storage {
        case .float(let v): return .constants([Tensor(shape: dims, floats: Array(repeating: v.first ?? 0, count: count))])
        case .int(let v): return .constants([Tensor(shape: dims, ints: Array(repeating: v.first ?? 0, count: count), dtype: value.dtype)])
        case .bool(let v): return .constants([Tensor(shape: dims, bools: Array(repeating: v.first ?? false, count: count))])
        case .string: throw ctx.unsupported("a string value is not supported")
        }
    }

    static func cast(_ ctx: OpContext) throws -> PreparedOp {
        let x = try ctx.input(0)
        guard case .int(let code)? = ctx.node.attributes["to"] ?? .int(-1), let target = castTarget(code) else {
            throw ctx.unsupported("cast target type \(String(describing: ctx.node.attributes["to"])) is not supported")
        }
        if x.dtype == target { return .alias(shape: x.shape) }
        return ElementwiseOps.genericKernel(specs: [x], shapes: [x.shape], outShape: x.shape, dtype: target) { t in
            convert(t[0], to: target)
        }
    }

    /// ONNX TensorProto.DataType codes Vigil can cast to.
    static func castTarget(_ code: Int) -> DataType? {
        switch code {
        case 1, 10, 11: return .float32      // float, float16 and double compute as float32
        case 2: return .uint8
        case 3: return .int8
        case 6: return .int32
        case 7: return .int64
        case 9: return .bool
        default: return nil
        }
    }

    static func convert(_ t: Tensor, to target: DataType) -> Tensor {
        switch target {
        case .float32: return Tensor(shape: t.shape, floats: t.floats)
        case .bool: return Tensor(shape: t.shape, bools: t.floats.map { $0 != 0 })
        case .string: return t
        default:
            let ints = t.ints
            switch target {
            case .int32: return Tensor(shape: t.shape, ints: ints.map { Int64(Int32(truncatingIfNeeded: $0)) }, dtype: .int32)
            case .int8: return Tensor(shape: t.shape, ints: ints.map { Int64(Int8(truncatingIfNeeded: $0)) }, dtype: .int8)
            case .uint8: return Tensor(shape: t.shape, ints: ints.map { Int64(UInt8(truncatingIfNeeded: $0)) }, dtype: .uint8)
            default: return Tensor(shape: t.shape, ints: ints, dtype: .int64)
            }
        }
    }

    static func range(_ ctx: OpContext) throws -> PreparedOp {
        let start = try ctx.constant(0, "start"), limit = try ctx.constant(1, "limit"), delta = try ctx.constant(2, "delta")
        if start.dtype == .float32 {
            let s = start.floats[0], l = limit.floats[0], d = delta.floats[0]
            guard d != 0 else { throw ctx.error(.invalidModel, "delta is 0") }
            let count = max(0, Int(((l - s) / d).rounded(.up)))
            return .constants([Tensor(shape: [count], floats: (0..<count).map { s + Float($0) * d })])
        }
        let s = start.ints[0], l = limit.ints[0], d = delta.ints[0]
        guard d != 0 else { throw ctx.error(.invalidModel, "delta is 0") }
        let count = max(0, Int((Double(l - s) / Double(d)).rounded(.up)))
        return .constants([Tensor(shape: [count], ints: (0..<count).map { s + Int64($0) * d }, dtype: start.dtype)])
    }
}

