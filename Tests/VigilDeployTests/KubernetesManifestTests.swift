import Foundation
import VigilTestSupport
import XCTest
import Yams

/// The Kubernetes manifests (deploy/kubernetes, every overlay) and the Helm chart (deploy/helm/vigil,
/// default values and ci/*-values.yaml): valid against the Kubernetes 1.30 schemas, and held
/// against the code: every variable names a key or a variable Vigil reads, every vigil.yaml passes
/// `vigil config check` with the pod's environment and listens where the ports and probes say,
/// the capture shards share the cameras out exactly once, and each probe path answers 200 from a
/// running `vigil` started with the container's own arguments and configuration.
final class KubernetesManifestTests: XCTestCase {
    func summary() throws -> ManifestSummary {
        do { return try ManifestCheck.summary() } catch {
            XCTFail("scripts/check-manifests.py did not run: \(error)")
            throw error
        }
    }

    /// Containers that differ only by the rendering they come from are checked once.
    func distinct(_ containers: [ManifestSummary.Container]) -> [ManifestSummary.Container] {
        var seen = Set<String>()
        return containers.filter { container in
            let env = container.env.map { "\($0.name)=\($0.from):\($0.value ?? "")" }.sorted()
            let key = ([container.workload.split(separator: "/")[0].description] + container.args + env
                       + container.files.sorted { $0.key < $1.key }.map { "\($0.key)\n\($0.value)" }).joined(separator: "\u{0}")
            return seen.insert(key).inserted
        }
    }

    func testManifests_validateAgainstTheKubernetesSchemas() throws {
        let outcome = try ManifestCheck.outcome.get()
        print("check-manifests.py: \(String(format: "%.1f", outcome.seconds)) s; tools: \(DeployPython.versions())")
        XCTAssertEqual(outcome.status, 0, "scripts/check-manifests.py found problems:\n\(outcome.errors)")
        XCTAssertEqual(outcome.summary.problems, [])
        let sources = Set(outcome.summary.renderings.map(\.source))
        for expected in ["kustomize:base", "kustomize:overlays/mosquitto", "kustomize:overlays/external-mq",
                         "kustomize:overlays/dapr", "helm:default", "helm:ci/dapr-values.yaml"] {
            XCTAssertTrue(sources.contains(expected), "\(expected) was not rendered (rendered: \(sources.sorted()))")
        }
        // Every rendering runs the three roles, or says why not (the local-scoring values turn
        // the classifier and display off).
        for rendering in outcome.summary.renderings where !rendering.source.hasPrefix("iotedge:") {
            let roles = Set(outcome.summary.containers.filter { $0.source == rendering.source }.map(\.role))
            let expected: Set<String> = rendering.source.contains("local-scoring") ? ["run"] : ["serve", "run", "display"]
            XCTAssertEqual(roles, expected, "\(rendering.source)")
        }
    }

    /// Service links would add `<SERVICE>_PORT=tcp://...` variables; for a Service named vigil
    /// or vigil-* those are VIGIL_* names, which Vigil reads as configuration.
    /// Helm reads files only inside the chart and kustomize only inside its root, so the model
    /// fetcher is kept twice; the two copies must stay the same.
    func testModelFetcher_isTheSameInTheChartAndTheBase() throws {
        let chart = try String(contentsOf: DeployPaths.file("deploy/helm/vigil/files/fetch-models.sh"), encoding: .utf8)
        let base = try String(contentsOf: DeployPaths.file("deploy/kubernetes/base/fetch-models.sh"), encoding: .utf8)
        XCTAssertEqual(chart, base, "deploy/helm/vigil/files/fetch-models.sh and deploy/kubernetes/base/fetch-models.sh differ")
    }

    func testPods_turnServiceLinksOff() throws {
        let summary = try summary()
        for container in summary.kubernetesContainers {
            XCTAssertEqual(container.enableServiceLinks, false, "\(container.name): enableServiceLinks must be false")
        }
        // The script checks every other pod (the broker's) the same way.
        XCTAssertFalse(summary.problems.contains { $0.contains("enableServiceLinks") }, summary.problems.joined(separator: "\n"))
    }

    func testEnvironment_namesOnlyWhatVigilReads() throws {
        for container in try summary().kubernetesContainers {
            XCTAssertEqual(DeployedVigil.unknownVariables(of: container), [], container.name)
        }
    }

    func testConfigMaps_passConfigCheck_andListenOnTheContainerPort() throws {
        for container in distinct(try summary().kubernetesContainers) {
            let root = try DeployedVigil.Root(container)
            let podName = DeployedVigil.podName(of: container)
            let environment = DeployedVigil.environment(for: container, root: root, podName: podName)
            let httpPort = try XCTUnwrap(container.ports["http"], "\(container.name): no container port named http")
            for probe in container.probes {
                XCTAssertEqual(probe.port, httpPort, "\(container.name): \(probe.probe) on \(probe.port)")
            }
            switch container.role {
            case "serve":
                XCTAssertNil(container.configPath, "\(container.name): vigil serve takes no --config")
                let port = container.argument("--port").flatMap(Int.init) ?? environment["IMAGE_CLASSIFIER_PORT"].flatMap(Int.init) ?? 8080
                XCTAssertEqual(port, httpPort, "\(container.name): vigil serve listens on \(port)")
                XCTAssertEqual(container.argument("--host"), "0.0.0.0", "\(container.name): the kubelet reaches the pod's IP, not its loopback")
                for model in container.args.indices.filter({ container.args[$0] == "--model" }).map({ container.args[$0 + 1] }) {
                    let path = String(model.split(separator: "=", maxSplits: 1).last ?? "")
                    XCTAssertTrue(root.isMounted(path), "\(container.name): --model \(model) is on no volume of the container")
                }
            case "run", "display":
                let file = try DeployedVigil.configFile(for: container, root: root)
                let check = try DeployedVigil.configCheck(file, environment: environment, podName: podName)
                XCTAssertEqual(check.status, 0, "\(container.name): vigil config check failed:\n\(check.errors)\(check.output)")
                XCTAssertFalse(check.errors.contains("names no configuration key"), "\(container.name): \(check.errors)")
                let server = try XCTUnwrap(DeployedVigil.server(inCheckOutput: check.output), "\(container.name): no server line in:\n\(check.output)")
                XCTAssertEqual(server.port, httpPort, "\(container.name): vigil listens on \(server.port), the container port is \(httpPort)")
                XCTAssertEqual(server.host, "0.0.0.0", "\(container.name): the kubelet reaches the pod's IP, not its loopback")
            default:
                XCTFail("\(container.name): role \(container.role) has no place in the Kubernetes manifests")
            }
        }
    }

    /// Every capture replica reads the same cameras; with the StatefulSet's pod names as host
    /// names, `shard.index: auto` and VIGIL_SHARD_COUNT, each camera runs on exactly one replica.
    func testCaptureShards_runEveryCameraOnExactlyOneReplica() throws {
        let shardedContainers = distinct(try summary().kubernetesContainers.filter { $0.variable("VIGIL_SHARD_COUNT") != nil })
        XCTAssertFalse(shardedContainers.isEmpty, "no container sets VIGIL_SHARD_COUNT")
        if !DeployedVigil.canSetHostName { print("unshare --uts is not available: shards are given by VIGIL_SHARD_INDEX instead of the pod's host name") }
        for container in shardedContainers {
            let count = try XCTUnwrap(container.variable("VIGIL_SHARD_COUNT")?.value.flatMap(Int.init), container.name)
            XCTAssertEqual(container.replicas, count, "\(container.name): replicas and VIGIL_SHARD_COUNT differ")
            let root = try DeployedVigil.Root(container)
            let file = try DeployedVigil.configFile(for: container, root: root)
            let configured = try XCTUnwrap(try Yams.load(yaml: String(contentsOf: file, encoding: .utf8)) as? [String: Any])
            let shard = configured["shard"] as? [String: Any]
            XCTAssertEqual(shard?["index"] as? String, "auto", "\(container.name): shard.index should come from the pod's ordinal")
            let all = ((configured["cameras"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            var runs: [String: [Int]] = [:]
            for ordinal in 0..<count {
                let podName = DeployedVigil.podName(of: container, ordinal: ordinal)
                let environment = DeployedVigil.environment(for: container, root: root, podName: podName)
                let check = try DeployedVigil.configCheck(file, environment: environment, podName: podName)
                XCTAssertEqual(check.status, 0, "\(container.name) as \(podName):\n\(check.errors)")
                for camera in DeployedVigil.cameras(inCheckOutput: check.output) { runs[camera, default: []].append(ordinal) }
            }
            for camera in all {
                XCTAssertEqual(runs[camera]?.count, 1, "\(container.name): camera \(camera) runs on replicas \(runs[camera] ?? [])")
            }
            XCTAssertEqual(Set(runs.keys), Set(all), container.name)
        }
    }

    /// Starts the classifier and each other role as the manifests do (their arguments and
    /// configuration; port 0 on loopback, the demo model and video, a local classifier) and GETs
    /// every probe path: 200 from the liveness probes at once, from the readiness probes within a
    /// minute. A capture camera's endpoint path must be a route of the classifier.
    func testProbePaths_answerOnARunningVigil() throws {
        let containers = distinct(try summary().kubernetesContainers)
        let classifierContainer = try XCTUnwrap(containers.first { $0.role == "serve" }, "no vigil serve container")
        let classifierRoot = try DeployedVigil.Root(classifierContainer)
        let classifier = try DeployedVigil.startServe(classifierContainer, root: classifierRoot)
        defer { classifier.terminate() }
        let classifierPort = try DeployedVigil.listeningPort(of: classifier)
        let probed = probe(classifierContainer, port: classifierPort, process: classifier)
        var answered = probed ? 1 : 0

        let sample = try Data(contentsOf: DeployPaths.file("demo/model/samples/red-shape.jpg"))
        var runs = Set<String>()
        for container in containers where container.role == "run" || container.role == "display" {
            let root = try DeployedVigil.Root(container)
            var endpointPaths: [String] = []
            let file = try DeployedVigil.configFile(for: container, root: root) { config in
                Self.adaptForLocalRun(&config, classifierPort: classifierPort, endpointPaths: &endpointPaths)
            }
            for path in endpointPaths {
                let answer = DeployedVigil.post(URL(string: "http://127.0.0.1:\(classifierPort)\(path)")!, body: sample)
                XCTAssertEqual(answer.status, 200, "\(container.name): camera endpoint path \(path) on the classifier: \(answer.body)")
            }
            var environment = DeployedVigil.environment(for: container, root: root, podName: DeployedVigil.podName(of: container))
            Self.adaptForLocalRun(&environment)
            // Renderings that differ only in what the local run replaces (broker, TLS files,
            // comments) start one vigil.
            let started = try String(contentsOf: file, encoding: .utf8) + container.args.joined(separator: " ")
                + environment.filter { $0.key.hasPrefix("VIGIL_") || !ProcessInfo.processInfo.environment.keys.contains($0.key) }
                    .map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "\n")
            guard runs.insert(started.replacingOccurrences(of: root.url.path, with: "<root>")).inserted else { continue }
            let child = try ChildProcess(VigilBinary.url, Array(container.args.prefix { $0 != "--config" }) + ["--config", file.path],
                                         environment: environment)
            defer { child.terminate() }
            let port: Int
            do { port = try DeployedVigil.listeningPort(of: child, timeout: 30) } catch {
                XCTFail("\(container.name): no HTTP server came up: \(error)")
                continue
            }
            if probe(container, port: port, process: child) { answered += 1 }
        }
        XCTAssertGreaterThanOrEqual(answered, 3, "every role's probes should have been tried")
    }

    // MARK: Helpers

    /// GETs each probe path of `container` from the process listening on `port`; whether all answered 200.
    @discardableResult
    func probe(_ container: ManifestSummary.Container, port: Int, process: ChildProcess) -> Bool {
        XCTAssertFalse(container.probes.isEmpty, "\(container.name): no HTTP probes")
        var ok = !container.probes.isEmpty
        for probe in container.probes {
            let url = URL(string: "http://127.0.0.1:\(port)\(probe.path)")!
            let answer = probe.probe == "readinessProbe" ? DeployedVigil.await(url) : DeployedVigil.get(url)
            if answer.status != 200 { ok = false }
            XCTAssertEqual(answer.status, 200, "\(container.name): \(probe.probe) GET \(probe.path) answered \(answer.status) \(answer.body)\n\(process.printed.suffix(2000))")
        }
        return ok
    }

    /// The configuration a container runs with, pointed at this machine: cameras read the demo
    /// video, remote endpoints are the local classifier (same path), MQTT a closed local port
    /// (readiness does not wait for the broker), no TLS files.
    static func adaptForLocalRun(_ config: inout [String: Any], classifierPort: Int, endpointPaths: inout [String]) {
        if var cameras = config["cameras"] as? [[String: Any]] {
            for index in cameras.indices {
                cameras[index]["source"] = DeployedVigil.Root.demoVideo.path
                cameras[index]["loop"] = true
                if let endpoint = cameras[index]["endpoint"] as? String, let url = URL(string: endpoint) {
                    endpointPaths.append(url.path)
                    cameras[index]["endpoint"] = "http://127.0.0.1:\(classifierPort)\(url.path)"
                }
            }
            config["cameras"] = cameras
        }
        if var mqtt = config["mqtt"] as? [String: Any] {
            mqtt["url"] = "mqtt://127.0.0.1:9"
            mqtt["tls"] = nil
            config["mqtt"] = mqtt
        }
    }

    /// The environment of a local run: loopback, a free port, shard 0, the terminal as display.
    static func adaptForLocalRun(_ environment: inout [String: String]) {
        environment["VIGIL_SERVER_HOST"] = "127.0.0.1"
        environment["VIGIL_SERVER_PORT"] = "0"
        if environment["VIGIL_SHARD_COUNT"] != nil { environment["VIGIL_SHARD_INDEX"] = "0" }
        if environment["VIGIL_MQTT_URL"] != nil { environment["VIGIL_MQTT_URL"] = "mqtt://127.0.0.1:9" }
        for key in ["VIGIL_MQTT_TLS_CA", "VIGIL_MQTT_TLS_CERT", "VIGIL_MQTT_TLS_KEY"] { environment[key] = nil }
        environment["VIGIL_DISPLAY_SENSE_HAT"] = ""
        environment["VIGIL_DISPLAY_TERMINAL"] = "true"
        environment["NO_COLOR"] = "1"
    }
}
