import Foundation
import XCTest
@testable import VigilApp

final class ConfigurationLoadingTests: XCTestCase {
    let base = SharedFolders.packageRoot

    func load(_ yaml: String, environment: [String: String] = [:]) throws -> VigilConfiguration {
        try VigilConfiguration.load(yaml: yaml, name: "test.yaml", baseDirectory: base, environment: environment).configuration
    }

    func assertConfigError(_ yaml: String, environment: [String: String] = [:], keyPath: String, reasonContains: String,
                           file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try load(yaml, environment: environment), file: file, line: line) { error in
            guard let error = error as? ConfigError else { return XCTFail("not a ConfigError: \(error)", file: file, line: line) }
            XCTAssertEqual(error.keyPath, keyPath, file: file, line: line)
            XCTAssertTrue(error.reason.contains(reasonContains), "reason: \(error.reason)", file: file, line: line)
        }
    }

    func testDemoConfiguration_loadsTheDemoCameraAndModel() throws {
        let configuration = try load(VigilConfiguration.demoYAML)
        XCTAssertEqual(configuration.node, "demo")
        XCTAssertEqual(configuration.server.port, 8080)
        XCTAssertEqual(configuration.server.models.map(\.name), ["demo"])
        XCTAssertEqual(configuration.server.models[0].url.path, base.appendingPathComponent("demo/model").path)
        XCTAssertEqual(configuration.cameras.count, 1)
        XCTAssertEqual(configuration.cameras[0].source, base.appendingPathComponent("demo/video.mp4").path)
        XCTAssertTrue(configuration.cameras[0].loop)
        XCTAssertEqual(configuration.cameras[0].fps, 5)
        XCTAssertNil(configuration.mqtt)
    }

    func testEnvironment_overridesAndAddsKeys() throws {
        let configuration = try load(VigilConfiguration.demoYAML, environment: [
            "VIGIL_SERVER_PORT": "9090",
            "VIGIL_CAMERAS_0_FPS": "2.5",
            "VIGIL_CAMERAS_0_RTSP_TRANSPORT": "udp",
            "VIGIL_CAMERAS_1_NAME": "door",
            "VIGIL_CAMERAS_1_SOURCE": "rtsp://user:pw@10.0.0.5/stream",
            "VIGIL_DAPR_ENABLED": "true",
            "VIGIL_DAPR_HTTP_PORT": "3601",
            "OTHER": "ignored",
        ])
        XCTAssertEqual(configuration.server.port, 9090)
        XCTAssertEqual(configuration.cameras[0].fps, 2.5)
        XCTAssertEqual(configuration.cameras[0].rtspTransport, .udp)
        XCTAssertEqual(configuration.cameras.map(\.name), ["demo", "door"])
        XCTAssertEqual(configuration.cameras[1].source, "rtsp://user:pw@10.0.0.5/stream")
        XCTAssertTrue(configuration.dapr.enabled)
        XCTAssertEqual(configuration.dapr.httpPort, 3601)
        XCTAssertEqual(configuration.dapr.publishURL.absoluteString, "http://127.0.0.1:3601/v1.0/publish/customvisionpubsub/camera_capture_topic")
    }

    func testEnvironment_unknownVariableIsAWarningNotAFailure() throws {
        // Kubernetes injects <SERVICE>_PORT variables; one named VIGIL_... must not stop Vigil.
        let result = try VigilConfiguration.load(yaml: VigilConfiguration.demoYAML, name: "t", baseDirectory: base,
                                                 environment: ["VIGIL_PORT": "tcp://10.0.0.1:8080", "VIGIL_MODEL": "x"])
        XCTAssertEqual(result.warnings, ["VIGIL_PORT names no configuration key; ignored"])
    }

    func testBadValues_nameTheKeyPath() {
        assertConfigError("server:\n  port: eighty\n", keyPath: "server.port", reasonContains: "'eighty' is not a whole number")
        assertConfigError("server:\n  prot: 80\n", keyPath: "server.prot", reasonContains: "unknown key")
        assertConfigError(VigilConfiguration.demoYAML, environment: ["VIGIL_SERVER_PORT": "70000"],
                          keyPath: "server.port (from VIGIL_SERVER_PORT)", reasonContains: "outside 0...65535")
        assertConfigError(VigilConfiguration.demoYAML + "\n    pacing: slow\n", keyPath: "cameras[0].pacing",
                          reasonContains: "'slow' is not one of realtime, fast")
        assertConfigError("cameras:\n  - name: a\n    source: x.mp4\n", keyPath: "cameras[0]", reasonContains: "needs a model")
        assertConfigError("models:\n  - path: demo/model\ncameras:\n  - name: a\n    source: x.mp4\n    model: other\n",
                          keyPath: "cameras[0].model", reasonContains: "no model is named 'other' (models: demo)")
        assertConfigError("models:\n  - path: nowhere\n", keyPath: "models[0].path", reasonContains: "does not exist")
        assertConfigError("cameras:\n  - name: a b\n    source: x\n", keyPath: "cameras[0].name", reasonContains: "may hold only")
        assertConfigError("cameras:\n  - name: a\n    source: x\n    endpoint: ftp://h/x\n", keyPath: "cameras[0].endpoint",
                          reasonContains: "is not a http/https URL")
        assertConfigError("cameras: 3\n", keyPath: "cameras", reasonContains: "expected a list")
        assertConfigError("- 1\n", keyPath: "", reasonContains: "mapping of keys at the top level")
        assertConfigError("server: [\n", keyPath: "", reasonContains: "is not valid YAML")
    }

    func testRemoteCamera_needsNoModelAndKeepsItsParameters() throws {
        let configuration = try load("""
            cameras:
              - name: gate
                source: "0"
                endpoint: http://classifier:80/image
                endpoint_params: {iteration: fruit}
                resize_width: 320
                resize_height: 240
                gray: true
                roi: {x: 10, y: 20, width: 100, height: 50}
            """)
        let camera = configuration.cameras[0]
        XCTAssertEqual(camera.source, "0")
        XCTAssertEqual(camera.endpoint?.absoluteString, "http://classifier:80/image")
        XCTAssertEqual(camera.endpointParameters, ["iteration": "fruit"])
        XCTAssertEqual(camera.resizeWidth, 320)
        XCTAssertTrue(camera.convertToGray)
        XCTAssertEqual(camera.regionOfInterest, .init(x: 10, y: 20, width: 100, height: 50))
    }

    func testSecrets_neverAppearInErrorsOrSummary() throws {
        XCTAssertThrowsError(try load("mqtt:\n  url: ftp://bob:hunter2@broker\n")) { error in
            XCTAssertFalse("\(error)".contains("hunter2"), "\(error)")
        }
        let configuration = try load("mqtt:\n  url: mqtt://bob:hunter2@broker:1883\n  password: hunter3\n")
        XCTAssertFalse(configuration.summary.contains("hunter2"), configuration.summary)
        XCTAssertFalse(configuration.summary.contains("hunter3"), configuration.summary)
        XCTAssertEqual(URLRedaction.redact("rtsp://u:p@cam/x"), "rtsp://***@cam/x")
        XCTAssertEqual(URLRedaction.redact("/videos/a@b.mp4"), "/videos/a@b.mp4")
    }

    /// docs/configuration.md is the generated reference; RECORD_SNAPSHOTS=1 rewrites it.
    func testConfigurationReference_matchesDocs() throws {
        let url = base.appendingPathComponent("docs/configuration.md")
        let generated = ConfigurationReference.markdown()
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try generated.write(to: url, atomically: true, encoding: .utf8)
        }
        let committed = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(committed, generated, "docs/configuration.md is stale: run `RECORD_SNAPSHOTS=1 swift test --filter ConfigurationReference` or `vigil config docs > docs/configuration.md`")
    }

    func testEveryDocumentedKey_isAcceptedByTheLoader() throws {
        // Each leaf of the table, set through its environment variable, must load or fail on its value, never as unknown.
        var leaves: [String] = []
        func walk(_ shape: ConfigShape, _ variable: String) {
            switch shape {
            case .value: leaves.append(variable)
            case .object(_, let children): for (key, child) in children { walk(child, "\(variable)_\(key.uppercased())") }
            case .list(_, let element): walk(element, "\(variable)_0")
            case .map: break
            }
        }
        walk(VigilConfiguration.shape, "VIGIL")
        XCTAssertGreaterThan(leaves.count, 40)
        for variable in leaves {
            let (found, unknown) = ConfigEnvironment.overrides([variable: "1"], shape: VigilConfiguration.shape)
            XCTAssertEqual(found.count, 1, variable)
            XCTAssertEqual(unknown, [], variable)
        }
    }
}

enum SharedFolders {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}
