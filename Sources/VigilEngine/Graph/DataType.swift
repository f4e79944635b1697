/// The element types a Vigil tensor can hold.
///
/// Float32 is the compute type. Integer and boolean tensors carry shapes, indices and masks;
/// float16 and float64 weights are widened/narrowed to float32 by the importers; strings only
/// appear as constants (label tables) and never reach execution.
public enum DataType: String, Sendable, Hashable, CustomStringConvertible {
    case float32, int64, int32, int8, uint8, bool, string

    /// Bytes per element in an execution buffer (strings have none).
    public var byteSize: Int {
        switch self {
        case .float32, .int32: return 4
        case .int64: return 8
        case .int8, .uint8, .bool: return 1
        case .string: return 0
        }
    }

    public var isInteger: Bool { self == .int64 || self == .int32 || self == .int8 || self == .uint8 }

    public var description: String { rawValue }
}
