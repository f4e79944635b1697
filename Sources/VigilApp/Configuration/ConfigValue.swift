import Yams

/// A configuration tree as read from YAML: scalars stay text until a key's kind reads them, so a
/// value from YAML and the same value from an environment variable are parsed by the same code.
public indirect enum ConfigValue: Sendable, Equatable {
    case scalar(String)
    case list([ConfigValue])
    /// Keys in document order.
    case object([String: ConfigValue], order: [String])
    case null

    /// Parses YAML text; errors name the line and column.
    static func parse(yaml text: String, name: String) throws -> ConfigValue {
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw ConfigError("", "\(name) is not valid YAML: \(error)")
        }
        guard let node else { return .object([:], order: []) }
        return try convert(node, path: "")
    }

    private static func convert(_ node: Node, path: String) throws -> ConfigValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null }
            return .scalar(scalar.string)
        case .sequence(let sequence):
            return .list(try sequence.enumerated().map { try convert($0.element, path: "\(path)[\($0.offset)]") })
        case .mapping(let mapping):
            var values: [String: ConfigValue] = [:]
            var order: [String] = []
            for (keyNode, valueNode) in mapping {
                guard let key = keyNode.scalar?.string else { throw ConfigError(path, "a key is not a plain name") }
                let child = path.isEmpty ? key : "\(path).\(key)"
                guard values[key] == nil else { throw ConfigError(child, "appears twice") }
                values[key] = try convert(valueNode, path: child)
                order.append(key)
            }
            return .object(values, order: order)
        case .alias:
            throw ConfigError(path, "YAML aliases are not supported")
        }
    }

    subscript(key: String) -> ConfigValue? {
        if case .object(let values, _) = self { return values[key] }
        return nil
    }

    /// Sets `value` at `path` (keys and list indices), creating sections on the way; a list
    /// index may be one past the end to append.
    mutating func set(_ value: ConfigValue, at path: ArraySlice<PathComponent>) {
        guard let first = path.first else { self = value; return }
        switch first {
        case .key(let key):
            var values: [String: ConfigValue] = [:]
            var order: [String] = []
            if case .object(let existing, let existingOrder) = self { values = existing; order = existingOrder }
            var child = values[key] ?? .null
            child.set(value, at: path.dropFirst())
            if values[key] == nil { order.append(key) }
            values[key] = child
            self = .object(values, order: order)
        case .index(let index):
            var items: [ConfigValue] = []
            if case .list(let existing) = self { items = existing }
            while items.count <= index { items.append(.null) }
            items[index].set(value, at: path.dropFirst())
            self = .list(items)
        }
    }

    /// One step of a key path.
    enum PathComponent: Equatable {
        case key(String)
        case index(Int)
    }
}
