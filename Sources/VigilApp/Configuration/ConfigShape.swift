/// The documented shape of the configuration file: every key, its type, default and meaning.
///
/// One table drives three things so they cannot drift apart: unknown keys are rejected with their
/// path, `VIGIL_<KEY_PATH>` environment variables are mapped onto keys, and docs/configuration.md
/// is generated from it (`vigil config docs`).
public indirect enum ConfigShape: Sendable {
    /// The type of a leaf value, as written in the docs.
    public enum Kind: String, Sendable {
        case string, integer, number, boolean, url, path, duration = "seconds"
        case stringMap = "map of strings"
        case stringList = "list of strings"
        case any = "object"
    }

    /// A leaf: its kind, default (as the docs show it) and meaning; `secret` values are never echoed.
    case value(Kind, default: String, doc: String, secret: Bool = false)
    /// A section with named keys, in documentation order.
    case object(doc: String, [(String, ConfigShape)])
    /// A list of sections (cameras, models).
    case list(doc: String, ConfigShape)
    /// Free-form keys (e.g. icons by tag) each with the same shape.
    case map(doc: String, ConfigShape)

    var doc: String {
        switch self {
        case .value(_, _, let doc, _), .object(let doc, _), .list(let doc, _), .map(let doc, _): doc
        }
    }

    /// The child shape under `key` of an object.
    func child(_ key: String) -> ConfigShape? {
        guard case .object(_, let children) = self else { return nil }
        return children.first { $0.0 == key }?.1
    }

    var isSecret: Bool {
        if case .value(_, _, _, let secret) = self { return secret }
        return false
    }
}
