import Foundation
import VigilConnectors

extension VigilConfiguration {
    mutating func readMQTT(_ section: ConfigSection) throws {
        guard let url = section.string("url"), !url.isEmpty else {
            for key in ["client_id", "username", "password", "protocol", "qos", "retain", "prefix", "keep_alive", "queue", "home_assistant"]
            where section.string(key) != nil {
                throw section.fail(key, "is set but mqtt.url is not (MQTT is off without a broker URL)")
            }
            return
        }
        var base = MQTTConfiguration(clientID: "vigil-\(node)", node: node)
        let tls = section.section("tls")
        if tls.isPresent {
            base.tls = MQTTConfiguration.TLS(caFile: tls.string("ca"), certFile: tls.string("cert"), keyFile: tls.string("key"),
                                             insecure: try tls.bool("insecure") ?? false)
        }
        var configuration: MQTTConfiguration
        do { configuration = try MQTTConfiguration(url: url, base: base) } catch {
            throw section.fail("url", "\(error)")
        }
        if let clientID = section.string("client_id") { configuration.clientID = clientID }
        if let username = section.string("username") { configuration.username = username }
        if let password = section.string("password") { configuration.password = password }
        if let version = section.string("protocol") {
            switch version {
            case "3.1.1", "311", "4": configuration.protocolVersion = .v311
            case "5", "5.0": configuration.protocolVersion = .v5
            default: throw section.fail("protocol", "'\(version)' is not 3.1.1 or 5")
            }
        }
        if let qos = try section.int("qos", in: 0...2) { configuration.defaultQoS = qos }
        if let retain = try section.bool("retain") { configuration.defaultRetain = retain }
        if let prefix = section.string("prefix") {
            guard !prefix.isEmpty, !prefix.contains("+"), !prefix.contains("#") else {
                throw section.fail("prefix", "'\(prefix)' must be a non-empty topic without + or #")
            }
            configuration.topicPrefix = prefix
        }
        if let keepAlive = try section.int("keep_alive", in: 5...65535) { configuration.keepAlive = keepAlive }
        if let queue = try section.int("queue", in: 1...10_000_000) { configuration.outboxCapacity = queue }
        if let homeAssistant = try section.bool("home_assistant") { self.homeAssistant = homeAssistant }
        do { try configuration.validate() } catch { throw section.fail(nil, "\(error)") }
        mqtt = configuration
    }
}
