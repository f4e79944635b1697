/// The versioned table of operators the engine executes, keyed by domain and op type.
///
/// Each entry prepares one node (see `PreparedOp`); an op whose semantics changed across opsets
/// reads `OpContext.opset` in its one implementation. Ops not listed fail at load naming the node.
public enum OperatorRegistry {
    public typealias Prepare = @Sendable (OpContext) throws -> PreparedOp

    static let table: [String: Prepare] = {
        var table: [String: Prepare] = [:]
        ConvOps.register(&table)
        PoolOps.register(&table)
        ElementwiseOps.register(&table)
        ActivationOps.register(&table)
        NormalizationOps.register(&table)
        LinearOps.register(&table)
        ShapeOps.register(&table)
        MovementOps.register(&table)
        ReductionOps.register(&table)
        ResizeOps.register(&table)
        DetectionOps.register(&table)
        IndexingOps.register(&table)
        return table
    }()

    static func key(_ domain: String, _ op: String) -> String {
        domain.isEmpty || domain == "ai.onnx" ? op : "\(domain)::\(op)"
    }

    /// Every supported op, qualified by domain (`com.microsoft::LegacyPadding`), sorted.
    public static var supportedOps: [String] { table.keys.sorted() }

    public static func isSupported(domain: String, op: String) -> Bool { table[key(domain, op)] != nil }

    static func lookup(_ node: Node) throws -> Prepare {
        guard let prepare = table[key(node.domain, node.opType)] else {
            throw EngineError(.unsupportedOp, node: node.name, op: node.qualifiedOp, opset: node.opset,
                              "operator \(node.qualifiedOp) is not supported by Vigil")
        }
        return prepare
    }
}
