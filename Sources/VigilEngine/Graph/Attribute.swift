/// A node attribute as the importers read it (ONNX AttributeProto, TensorFlow AttrValue).
public enum Attribute: Sendable, Equatable {
    case int(Int)
    case float(Float)
    case string(String)
    case ints([Int])
    case floats([Float])
    case strings([String])
    case tensor(Tensor)
    /// A subgraph (If branches, Loop bodies); its nodes may read values of the enclosing graph.
    indirect case graph(Graph)
    case unsupported(String)   // e.g. a list of subgraphs; ops that need it fail at load naming it

    var kindName: String {
        switch self {
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .ints: return "ints"
        case .floats: return "floats"
        case .strings: return "strings"
        case .tensor: return "tensor"
        case .graph: return "graph"
        case .unsupported(let what): return what
        }
    }
}
