/// Why a model could not be prepared or run: names the node, the op, the opset and what is wrong.
public struct EngineError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case unsupportedOp, unsupportedAttribute, unsupportedType, invalidModel, shapeMismatch, invalidInput
        /// An input had to be known at load but depends on the model input: the node runs at run
        /// time instead, in the session's dynamic tail (see `PreparedModel`).
        case dataDependent
    }

    public let code: Code
    public let node: String?
    public let op: String?
    public let opset: Int?
    public let detail: String

    public init(_ code: Code, node: String? = nil, op: String? = nil, opset: Int? = nil, _ detail: String) {
        self.code = code
        self.node = node
        self.op = op
        self.opset = opset
        self.detail = detail
    }

    public var description: String {
        guard let op else { return detail }
        let where_ = "node '\(node ?? "?")' (\(op)\(opset.map { ", opset \($0)" } ?? ""))"
        return "\(where_): \(detail)"
    }

    static func graph(_ detail: String) -> EngineError { EngineError(.invalidModel, detail) }
}
