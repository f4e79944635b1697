import Foundation

/// Reads typed values out of a configuration tree, with errors that name the key path (and the
/// environment variable, when one set the value).
///
/// The tree is checked against the documented shape first, so a misspelt key fails with its path
/// instead of being silently ignored.
struct ConfigReader {
    let root: ConfigValue
    let shape: ConfigShape
    /// Key path → the variable that set it.
    let origins: [String: String]

    /// Parses, applies the environment overrides and validates; also returns the VIGIL_ variables that named no key.
    static func read(yaml text: String, name: String, environment: [String: String], shape: ConfigShape) throws
        -> (reader: ConfigReader, unknownVariables: [String]) {
        var root = try ConfigValue.parse(yaml: text, name: name)
        if case .scalar = root { throw ConfigError("", "\(name) must be a mapping of keys at the top level") }
        if case .list = root { throw ConfigError("", "\(name) must be a mapping of keys at the top level") }
        let (overrides, unknown) = ConfigEnvironment.overrides(environment, shape: shape)
        var origins: [String: String] = [:]
        for override in overrides {
            root.set(.scalar(override.value), at: override.path[...])
            origins[override.keyPath] = override.variable
        }
        let reader = ConfigReader(root: root, shape: shape, origins: origins)
        try reader.validate(root, shape: shape, path: [])
        return (reader, unknown)
    }

    private init(root: ConfigValue, shape: ConfigShape, origins: [String: String]) {
        self.root = root
        self.shape = shape
        self.origins = origins
    }

    static func render(_ path: [ConfigValue.PathComponent]) -> String {
        var text = ""
        for component in path {
            switch component {
            case .key(let key): text += text.isEmpty ? key : ".\(key)"
            case .index(let index): text += "[\(index)]"
            }
        }
        return text
    }

    /// The key path as errors show it: with the environment variable that set it, if any.
    func label(_ path: [ConfigValue.PathComponent]) -> String {
        let keyPath = Self.render(path)
        if let variable = origins[keyPath] { return "\(keyPath) (from \(variable))" }
        return keyPath
    }

    private func validate(_ value: ConfigValue, shape: ConfigShape, path: [ConfigValue.PathComponent]) throws {
        if case .null = value { return }
        switch shape {
        case .value(let kind, _, _, _):
            switch (kind, value) {
            case (.stringMap, .object), (.any, _), (.stringList, .list), (.stringList, .scalar): return
            case (_, .scalar) where kind != .stringMap: return
            default: throw ConfigError(label(path), "expected \(kind.rawValue)")
            }
        case .object(_, let children):
            guard case .object(let values, let order) = value else { throw ConfigError(label(path), "expected a section of keys") }
            for key in order {
                guard let child = children.first(where: { $0.0 == key })?.1 else {
                    let known = children.map(\.0).joined(separator: ", ")
                    throw ConfigError(label(path + [.key(key)]), "unknown key (known here: \(known))")
                }
                try validate(values[key]!, shape: child, path: path + [.key(key)])
            }
        case .list(_, let element):
            guard case .list(let items) = value else { throw ConfigError(label(path), "expected a list") }
            for (index, item) in items.enumerated() {
                try validate(item, shape: element, path: path + [.index(index)])
            }
        case .map(_, let element):
            guard case .object(let values, let order) = value else { throw ConfigError(label(path), "expected a section of keys") }
            for key in order { try validate(values[key]!, shape: element, path: path + [.key(key)]) }
        }
    }
}

/// A cursor on one section of the tree: typed getters that return nil for absent keys.
struct ConfigSection {
    let reader: ConfigReader
    let path: [ConfigValue.PathComponent]
    let value: ConfigValue

    var isPresent: Bool { if case .null = value { return false } else { return true } }

    func section(_ key: String) -> ConfigSection {
        ConfigSection(reader: reader, path: path + [.key(key)], value: value[key] ?? .null)
    }

    /// The items of a list section.
    func items(_ key: String) -> [ConfigSection] {
        guard case .list(let items) = value[key] ?? .null else { return [] }
        return items.enumerated().map {
            ConfigSection(reader: reader, path: path + [.key(key), .index($0.offset)], value: $0.element)
        }
    }

    /// The keys of a map section, in document order.
    func entries(_ key: String) -> [(String, ConfigSection)] {
        guard case .object(let values, let order) = value[key] ?? .null else { return [] }
        return order.map { ($0, ConfigSection(reader: reader, path: path + [.key(key), .key($0)], value: values[$0]!)) }
    }

    func fail(_ key: String?, _ reason: String) -> ConfigError {
        ConfigError(reader.label(key.map { path + [.key($0)] } ?? path), reason)
    }

    private func scalar(_ key: String) -> String? {
        if case .scalar(let text) = value[key] ?? .null { return text }
        return nil
    }

    func string(_ key: String) -> String? { scalar(key) }

    func requiredString(_ key: String) throws -> String {
        guard let text = scalar(key), !text.isEmpty else { throw fail(key, "is required") }
        return text
    }

    func int(_ key: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = scalar(key) else { return nil }
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)) else { throw fail(key, "'\(text)' is not a whole number") }
        guard range.contains(number) else { throw fail(key, "\(number) is outside \(range.lowerBound)...\(range.upperBound)") }
        return number
    }

    func double(_ key: String, atLeast minimum: Double = -.infinity) throws -> Double? {
        guard let text = scalar(key) else { return nil }
        guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else {
            throw fail(key, "'\(text)' is not a number")
        }
        guard number >= minimum else { throw fail(key, "\(text) is below \(minimum)") }
        return number
    }

    func bool(_ key: String) throws -> Bool? {
        guard let text = scalar(key) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw fail(key, "'\(text)' is not true or false")
        }
    }

    func url(_ key: String, schemes: Set<String>) throws -> URL? {
        guard let text = scalar(key) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), schemes.contains(scheme), url.host != nil else {
            throw fail(key, "'\(URLRedaction.redact(text))' is not a \(schemes.sorted().joined(separator: "/")) URL")
        }
        return url
    }

    func choice<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = scalar(key) else { return nil }
        guard let value = T(rawValue: text.lowercased()) else {
            throw fail(key, "'\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A map of strings: a YAML mapping, or (from the environment) a JSON object.
    func stringMap(_ key: String) throws -> [String: String]? {
        switch value[key] ?? .null {
        case .null: return nil
        case .object(let values, _):
            var map: [String: String] = [:]
            for (name, item) in values {
                guard case .scalar(let text) = item else { throw fail(key, "'\(name)' must be a plain value") }
                map[name] = text
            }
            return map
        case .scalar(let text):
            guard let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                throw fail(key, "expected a mapping (or a JSON object)")
            }
            return object.mapValues { "\($0)" }
        case .list:
            throw fail(key, "expected a mapping")
        }
    }

    /// A list of strings: a YAML list, or a comma-separated scalar.
    func stringList(_ key: String) throws -> [String]? {
        switch value[key] ?? .null {
        case .null: return nil
        case .scalar(let text): return text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .list(let items):
            return try items.enumerated().map { item in
                guard case .scalar(let text) = item.element else { throw fail(key, "item \(item.offset) must be a plain value") }
                return text
            }
        case .object: throw fail(key, "expected a list")
        }
    }
}

/// Hides credentials in URLs before they reach logs or errors.
public enum URLRedaction {
    /// `scheme://user:secret@host/...` → `scheme://***@host/...`; other text unchanged.
    public static func redact(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + "***" + String(rest[at...])
    }
}
