/// A configuration that cannot be used: the key path (`cameras[1].source`, or the environment
/// variable that set it) and why. Values of secret keys never appear in the reason.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    public let keyPath: String
    public let reason: String

    public init(_ keyPath: String, _ reason: String) {
        self.keyPath = keyPath
        self.reason = reason
    }

    public var description: String { keyPath.isEmpty ? "configuration: \(reason)" : "configuration key \(keyPath): \(reason)" }
}
