import Foundation
import VigilConnectors
import VigilTestSupport
import XCTest

/// mqtts:// against a broker with a TLS listener and a certificate made by `openssl` for the test.
final class MQTTTLSTests: XCTestCase {
    private var broker: MosquittoBroker!
    private var caFile = ""

    override func setUpWithError() throws {
        try MQTTTest.requireMosquitto()
        let openssl = try XCTUnwrap(MosquittoBroker.executable("openssl"), "needs openssl to make test certificates")
        broker = try MosquittoBroker()
        let dir = broker.directory.path
        // A CA, and a server certificate for DNS name "localhost" only (not IP 127.0.0.1).
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem", "-days", "2", "-subj", "/CN=Vigil Test CA"],
            ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr", "-subj", "/CN=localhost"],
            ["x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
             "-CAcreateserial", "-out", "\(dir)/server.pem", "-days", "2", "-extfile", "\(dir)/san.cnf"],
        ]
        try "subjectAltName=DNS:localhost\n".write(toFile: "\(dir)/san.cnf", atomically: true, encoding: .utf8)
        for arguments in steps {
            let process = Process()
            process.executableURL = openssl
            process.arguments = arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "openssl \(arguments.joined(separator: " "))")
        }
        caFile = "\(dir)/ca.pem"
        broker.extraConfig = ["cafile \(dir)/ca.pem", "certfile \(dir)/server.pem", "keyfile \(dir)/server.key"]
        try broker.start()
    }

    override func tearDown() {
        broker = nil
    }

    private func client(host: String, insecure: Bool, logs: MQTTTestLogs = MQTTTestLogs()) throws -> MQTTClient {
        var config = try MQTTConfiguration(url: "mqtts://\(host):\(broker.port)", base: MQTTTest.configuration(port: broker.port))
        config.tls = .init(caFile: caFile, insecure: insecure)
        return try MQTTClient(configuration: config, logger: logs.logger)
    }

    func test_mqtts_trustedCA_connectsAndPublishes() throws {
        let client = try client(host: "localhost", insecure: false)
        client.start()
        defer { client.stop() }
        try client.publish(topic: "vigil/cam1/status", payload: "running", qos: 1)
        XCTAssertTrue(MQTTTest.waitUntil { client.status.published == 1 }, "\(client.status)\n\(broker.log)")
    }

    func test_mqtts_hostNotInCertificate_fails_unlessInsecure() throws {
        let strict = try client(host: "127.0.0.1", insecure: false)
        strict.start()
        XCTAssertTrue(MQTTTest.waitUntil { strict.status.failedAttempts >= 1 }, "\(strict.status)")
        strict.stop()
        XCTAssertFalse(strict.status.isConnected)
        XCTAssertEqual(strict.status.connections, 0)
        XCTAssertEqual(strict.status.lastError?.code, .connectFailed, "\(String(describing: strict.status.lastError))")
        XCTAssertTrue(strict.status.lastError?.reason.contains("certificate verify failed") ?? false, "\(strict.status)")

        let lenient = try client(host: "127.0.0.1", insecure: true)
        lenient.start()
        defer { lenient.stop() }
        XCTAssertTrue(MQTTTest.waitUntil { lenient.status.isConnected }, "\(lenient.status)")
    }
}
