/// A failure of the event store, naming what it was doing and with which row or file.
///
/// The underlying SQLite error (if any) is kept as text in `underlying`; paths are local files,
/// never credentials.
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: Sendable { case open, notFound, invalidRow }
    private let code: Code
    /// The database file.
    public let path: String
    /// What was being done, with its key: "event 1795000000250-abc123", "upload 7".
    public let context: String
    public let underlying: String?

    static func open(_ path: String, _ error: any Error) -> EventStoreError {
        EventStoreError(code: .open, path: path, context: "opening and migrating the database", underlying: "\(error)")
    }

    static func notFound(_ path: String, _ context: String) -> EventStoreError {
        EventStoreError(code: .notFound, path: path, context: context, underlying: nil)
    }

    static func invalidRow(_ path: String, _ context: String) -> EventStoreError {
        EventStoreError(code: .invalidRow, path: path, context: context, underlying: nil)
    }

    /// True when the error says a row does not exist.
    public var isNotFound: Bool { code == .notFound }

    public var description: String {
        let what: String = switch code {
        case .open: "cannot open the event store"
        case .notFound: "not found"
        case .invalidRow: "invalid stored value"
        }
        return "\(path): \(context): \(what)" + (underlying.map { " (\($0))" } ?? "")
    }
}
