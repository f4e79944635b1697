import VigilConnectors
import XCTest

final class MQTTConfigurationTests: XCTestCase {
    func test_defaults_matchDocumentation() {
        let config = MQTTConfiguration()
        XCTAssertEqual(config.host, "localhost")
        XCTAssertEqual(config.port, 1883)
        XCTAssertEqual(config.protocolVersion, .v311)
        XCTAssertTrue(config.clientID.hasPrefix("vigil-"))
        XCTAssertEqual(config.keepAlive, 30)
        XCTAssertEqual(config.defaultQoS, 1)
        XCTAssertFalse(config.defaultRetain)
        XCTAssertEqual(config.topicPrefix, "vigil")
        XCTAssertEqual(config.outboxCapacity, 10_000)
        XCTAssertEqual(config.reconnectInitialDelay, 0.5)
        XCTAssertEqual(config.reconnectMaxDelay, 30)
        XCTAssertTrue(config.publishesBirth)
        XCTAssertTrue(config.publishesWill)
        XCTAssertNoThrow(try config.validate())
    }

    func test_url_plain_withCredentials() throws {
        let config = try MQTTConfiguration(url: "mqtt://alice:s%40cret@broker.local:1884")
        XCTAssertEqual(config.host, "broker.local")
        XCTAssertEqual(config.port, 1884)
        XCTAssertEqual(config.username, "alice")
        XCTAssertEqual(config.password, "s@cret")
        XCTAssertNil(config.tls)
    }

    func test_url_tls_defaultsTo8883() throws {
        let config = try MQTTConfiguration(url: "mqtts://broker.local")
        XCTAssertEqual(config.port, 8883)
        XCTAssertEqual(config.tls, MQTTConfiguration.TLS())
    }

    func test_url_plain_defaultsTo1883_andKeepsBase() throws {
        var base = MQTTConfiguration()
        base.topicPrefix = "site1"
        let config = try MQTTConfiguration(url: "tcp://10.0.0.2", base: base)
        XCTAssertEqual(config.port, 1883)
        XCTAssertEqual(config.host, "10.0.0.2")
        XCTAssertEqual(config.topicPrefix, "site1")
    }

    func test_url_badScheme_errorRedactsPassword() {
        XCTAssertThrowsError(try MQTTConfiguration(url: "http://bob:hunter2@host:80")) { error in
            let text = "\(error)"
            XCTAssertFalse(text.contains("hunter2"), text)
            XCTAssertTrue(text.contains("bob:***@host"), text)
            XCTAssertTrue(text.contains("scheme 'http'"), text)
        }
    }

    func test_description_redactsPassword() throws {
        let config = try MQTTConfiguration(url: "mqtt://bob:hunter2@host:1883")
        XCTAssertFalse(config.description.contains("hunter2"))
        XCTAssertTrue(config.description.hasPrefix("mqtt://bob:***@host:1883"), config.description)
        XCTAssertFalse("\(config)".contains("hunter2"))
        XCTAssertFalse(String(reflecting: config).contains("hunter2"))
        var dumped = ""
        dump(config, to: &dumped)
        XCTAssertFalse(dumped.contains("hunter2"), dumped)
    }

    func test_validate_rejectsShortKeepAlive_namingTheKey() {
        var config = MQTTConfiguration()
        config.keepAlive = 2
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertTrue("\(error)".contains("keepAlive 2"), "\(error)")
        }
    }

    func test_validate_rejectsMissingTLSFile() {
        var config = MQTTConfiguration()
        config.tls = .init(caFile: "/nonexistent/ca.pem")
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertTrue("\(error)".contains("tls.caFile"), "\(error)")
        }
    }
}
