import Foundation

extension MQTTConfiguration {
    /// A configuration from a broker URL such as `mqtt://host:1883` or `mqtts://user:pass@host:8883`.
    ///
    /// `mqtt` and `tcp` mean plain TCP (default port 1883); `mqtts` and `ssl` mean TLS (default port
    /// 8883) with the system trust store unless `configuration.tls` already names a CA file.
    /// Percent-encoded user and password are decoded. Fields the URL does not carry keep their
    /// values from `base`. Errors name the URL with its password redacted.
    public init(url: String, base: MQTTConfiguration = MQTTConfiguration()) throws {
        let redacted = Self.redact(url)
        func invalid(_ reason: String) -> MQTTError {
            MQTTError(.invalidConfiguration, endpoint: redacted, reason)
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw invalid("not a URL")
        }
        let secure: Bool
        switch scheme {
        case "mqtt", "tcp": secure = false
        case "mqtts", "ssl": secure = true
        default: throw invalid("scheme '\(scheme)' is not mqtt:// or mqtts://")
        }
        guard let host = components.host, !host.isEmpty else { throw invalid("no host") }
        guard components.path.isEmpty || components.path == "/" else {
            throw invalid("a broker URL has no path (found '\(components.path)')")
        }
        self = base
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? (secure ? 8883 : 1883)
        if secure {
            tls = base.tls ?? TLS()
        } else {
            tls = nil
        }
        if let user = components.user { username = user }
        if let password = components.password { self.password = password }
    }

    /// The URL with any password replaced by `***`, for error messages.
    static func redact(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://"),
              let at = url[schemeEnd.upperBound...].lastIndex(of: "@") else { return url }
        let userInfo = url[schemeEnd.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
