import Foundation
import VigilTestSupport
import XCTest

/// The Azure IoT Edge deployment templates (deploy/iotedge/*.template.json): valid against the
/// committed manifest schema (scripts/check-manifests.py), and held against the code: each module
/// runs a role of `vigil` with variables Vigil reads, listens on the port its createOptions expose,
/// and the capture module really scores through the classifier module's endpoint.
final class IoTEdgeTemplateTests: XCTestCase {
    func modules() throws -> [ManifestSummary.Container] {
        let summary = try ManifestCheck.summary()
        return summary.iotEdgeContainers
    }

    func testTemplates_validateAgainstTheDeploymentSchema() throws {
        let summary = try ManifestCheck.summary()
        let problems = summary.problems.filter { $0.hasPrefix("iotedge:") }
        XCTAssertEqual(problems, [], problems.joined(separator: "\n"))
        let seed = summary.iotEdgeContainers.filter { $0.source == "iotedge:deployment.template.json" }
        // The seed's three modules, each a role of the one image.
        XCTAssertEqual(Set(seed.map(\.role)), ["serve", "capture", "display"])
        let single = summary.iotEdgeContainers.filter { $0.source == "iotedge:deployment.run.template.json" }
        XCTAssertEqual(single.map(\.role), ["run"])
    }

    func testEnvironment_namesOnlyWhatVigilReads() throws {
        for module in try modules() {
            XCTAssertEqual(DeployedVigil.unknownVariables(of: module), [], module.name)
        }
    }

    /// The port each module listens on (from its arguments, variables or configuration, as the
    /// code reads them) is the one its createOptions expose, on all addresses.
    func testModules_listenOnTheExposedPort() throws {
        for module in try modules() {
            let root = try DeployedVigil.Root(module)
            let environment = DeployedVigil.environment(for: module, root: root, podName: "edge-device")
            let exposed = Set(module.ports.values)
            switch module.role {
            case "serve":
                let port = module.argument("--port").flatMap(Int.init) ?? environment["IMAGE_CLASSIFIER_PORT"].flatMap(Int.init) ?? 8080
                XCTAssertTrue(exposed.contains(port), "\(module.name): serves on \(port), exposes \(exposed)")
                XCTAssertEqual(module.argument("--host"), "0.0.0.0", "\(module.name): other modules reach it by name, not loopback")
            case "capture":
                // SHOW_VIDEO serves the live view on the seed's port 5012.
                if ["true", "1", "yes"].contains(environment["SHOW_VIDEO"]?.lowercased() ?? "") {
                    XCTAssertTrue(exposed.contains(5012), "\(module.name): SHOW_VIDEO serves on 5012, exposes \(exposed)")
                }
            case "run", "display":
                let file = try DeployedVigil.configFile(for: module, root: root)
                let check = try DeployedVigil.configCheck(file, environment: environment, podName: "edge-device")
                XCTAssertEqual(check.status, 0, "\(module.name): vigil config check failed:\n\(check.errors)\(check.output)")
                XCTAssertFalse(check.errors.contains("names no configuration key"), "\(module.name): \(check.errors)")
                let server = try XCTUnwrap(DeployedVigil.server(inCheckOutput: check.output), "\(module.name): no server line in:\n\(check.output)")
                XCTAssertTrue(exposed.contains(server.port), "\(module.name): listens on \(server.port), exposes \(exposed)")
                XCTAssertEqual(server.host, "0.0.0.0", "\(module.name)")
            default:
                XCTFail("\(module.name): \(module.role) is not a role of vigil")
            }
        }
    }

    /// The seed's wiring, run here: the classifier module's arguments serve the demo model, and
    /// the capture module's variables (its endpoint's path on that classifier, the demo video as
    /// VIDEO_PATH) produce predictions.
    func testCaptureModule_scoresThroughTheClassifierModule() throws {
        let seed = try modules().filter { $0.source == "iotedge:deployment.template.json" }
        let classifierModule = try XCTUnwrap(seed.first { $0.role == "serve" })
        let captureModule = try XCTUnwrap(seed.first { $0.role == "capture" })
        let classifierRoot = try DeployedVigil.Root(classifierModule)
        let classifier = try DeployedVigil.startServe(classifierModule, root: classifierRoot)
        defer { classifier.terminate() }
        let classifierPort = try DeployedVigil.listeningPort(of: classifier)

        let root = try DeployedVigil.Root(captureModule)
        var environment = DeployedVigil.environment(for: captureModule, root: root, podName: "edge-device")
        let endpoint = try XCTUnwrap(environment["IMAGE_PROCESSING_ENDPOINT"].flatMap(URL.init(string:)))
        XCTAssertEqual(endpoint.host, classifierModule.container, "IMAGE_PROCESSING_ENDPOINT should name the classifier module")
        environment["IMAGE_PROCESSING_ENDPOINT"] = "http://127.0.0.1:\(classifierPort)\(endpoint.path)"
        environment["VIDEO_PATH"] = DeployedVigil.Root.demoVideo.path
        environment["LOOP_VIDEO"] = "True"
        environment["VERBOSE"] = "True"
        environment["VIGIL_MQTT_URL"] = "mqtt://127.0.0.1:9"
        environment["VIGIL_SERVER_HOST"] = "127.0.0.1"
        environment["VIGIL_SERVER_PORT"] = "0"
        let capture = try ChildProcess(VigilBinary.url, captureModule.args, environment: environment)
        defer { capture.terminate() }
        let line = try capture.waitForLine(containing: "\"predictions\"", timeout: 60)
        XCTAssertTrue(line.contains("probability"), line)
    }
}
