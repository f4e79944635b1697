/// Maps `VIGIL_<KEY_PATH>` environment variables onto configuration keys.
///
/// The key path is upper-cased with `.` and list indices turned into `_`: `mqtt.url` is
/// `VIGIL_MQTT_URL`, `cameras[0].source` is `VIGIL_CAMERAS_0_SOURCE`, `mqtt.client_id` is
/// `VIGIL_MQTT_CLIENT_ID`. Keys are matched against the documented shape, so an underscore inside
/// a key name is not mistaken for a level. A variable that names no key is reported back (the
/// caller logs it) instead of failing: Kubernetes adds `<SERVICE>_PORT`-style variables of its own.
struct ConfigEnvironment {
    static let prefix = "VIGIL_"
    /// Variables that belong to the roles' own options, not to the configuration file.
    static let reserved: Set<String> = ["VIGIL_MODEL", "VIGIL_CONFIG"]

    /// An override: the variable, the key path it sets and its value.
    struct Override {
        var variable: String
        var path: [ConfigValue.PathComponent]
        var keyPath: String
        var value: String
    }

    /// The overrides found in `environment`, and the VIGIL_ variables that name no key.
    static func overrides(_ environment: [String: String], shape: ConfigShape) -> (found: [Override], unknown: [String]) {
        var found: [Override] = []
        var unknown: [String] = []
        for (variable, value) in environment.sorted(by: { $0.key < $1.key })
        where variable.hasPrefix(prefix) && !reserved.contains(variable) {
            let tokens = variable.dropFirst(prefix.count).lowercased().split(separator: "_").map(String.init)
            if let path = match(tokens[...], shape: shape) {
                found.append(Override(variable: variable, path: path, keyPath: ConfigReader.render(path), value: value))
            } else {
                unknown.append(variable)
            }
        }
        return (found, unknown)
    }

    /// The key path the tokens spell within `shape`, trying longer key names first.
    private static func match(_ tokens: ArraySlice<String>, shape: ConfigShape) -> [ConfigValue.PathComponent]? {
        switch shape {
        case .value:
            return tokens.isEmpty ? [] : nil
        case .object(_, let children):
            guard !tokens.isEmpty else { return nil }
            for length in stride(from: tokens.count, through: 1, by: -1) {
                let key = tokens.prefix(length).joined(separator: "_")
                if let child = children.first(where: { $0.0 == key })?.1,
                   let rest = match(tokens.dropFirst(length), shape: child) {
                    return [.key(key)] + rest
                }
            }
            return nil
        case .list(_, let element):
            guard let first = tokens.first, let index = Int(first), index >= 0, index < 1000,
                  let rest = match(tokens.dropFirst(), shape: element) else { return nil }
            return [.index(index)] + rest
        case .map:
            return nil
        }
    }
}
