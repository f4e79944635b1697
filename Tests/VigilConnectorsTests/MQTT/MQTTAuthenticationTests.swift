import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// User name and password against a broker with a password file; the password never leaks.
final class MQTTAuthenticationTests: XCTestCase {
    private let password = "s3cret-Pa55word"
    private var broker: MosquittoBroker!

    override func setUpWithError() throws {
        try MQTTTest.requireMosquitto()
        let passwd = try XCTUnwrap(MosquittoBroker.executable("mosquitto_passwd"), "mosquitto_passwd comes with mosquitto")
        broker = try MosquittoBroker(allowAnonymous: false)
        let file = broker.directory.appendingPathComponent("passwd")
        let process = Process()
        process.executableURL = passwd
        process.arguments = ["-c", "-b", file.path, "vigil", password]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        broker.extraConfig = ["password_file \(file.path)"]
        try broker.start()
    }

    override func tearDown() {
        broker = nil
    }

    func test_rightPassword_connectsAndPublishes() throws {
        let subscriber = try MosquittoSubscriber(port: broker.port, topics: ["vigil/cam1/status"],
                                                 arguments: ["-u", "vigil", "-P", password])
        defer { subscriber.stop() }
        try subscriber.waitUntilSubscribed()
        var config = MQTTTest.configuration(port: broker.port)
        config.username = "vigil"
        config.password = password
        let client = try MQTTClient(configuration: config, logger: MQTTTestLogs().logger)
        client.start()
        defer { client.stop() }
        try client.publish(topic: "vigil/cam1/status", payload: "running")
        XCTAssertTrue(subscriber.wait { $0.map(\.payload) == ["running"] }, subscriber.printed)
    }

    func test_wrongPassword_lastErrorSaysNotAuthorised_andPasswordNeverShown() throws {
        let wrong = "wrong-\(password)"
        let logs = MQTTTestLogs()
        let config = try MQTTConfiguration(url: "mqtt://vigil:\(wrong)@127.0.0.1:\(broker.port)",
                                           base: MQTTTest.configuration(port: broker.port))
        let client = try MQTTClient(configuration: config, logger: logs.logger)
        client.start()
        XCTAssertTrue(MQTTTest.waitUntil { client.status.failedAttempts >= 2 }, "\(client.status)")
        client.stop()

        let error = try XCTUnwrap(client.status.lastError)
        XCTAssertEqual(error.code, .connectionRefused)
        XCTAssertTrue(error.reason.lowercased().contains("not authori"), error.reason)
        XCTAssertTrue(error.description.contains("127.0.0.1:\(broker.port)"), error.description)
        XCTAssertFalse(client.status.isConnected)
        let everything = logs.lines + [error.description, "\(client.status)", config.description, "\(config)"]
        XCTAssertFalse(logs.lines.isEmpty)
        for text in everything {
            XCTAssertFalse(text.contains(wrong) || text.contains(password), "password leaked: \(text)")
        }
    }
}
