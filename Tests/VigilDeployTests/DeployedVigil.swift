import Foundation
@testable import VigilApp
import VigilTestSupport
import Yams
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Holds a container of the manifests against the code: the variables it sets, the configuration
/// it mounts (through `vigil config check`) and the HTTP endpoints its probes use (through a
/// running `vigil`), with the container's paths moved under a temporary root.
enum DeployedVigil {
    // MARK: Environment names

    /// Names that `vigil` reads from its environment outside `VIGIL_<KEY_PATH>`: the seed's
    /// variables (VIDEO_PATH, IMAGE_CLASSIFIER_PORT, THRESHOLD, ...), each a string literal in a
    /// source file that reads the environment.
    static let seedVariables: Set<String> = {
        var names = Set<String>()
        let sources = DeployPaths.file("Sources")
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        let literal = try! Regex(#""([A-Z][A-Z0-9_]{2,})""#)
        for file in files {
            guard let text = try? String(contentsOf: file, encoding: .utf8), text.contains("environment") else { continue }
            for match in text.matches(of: literal) {
                if let name = match.output[1].substring { names.insert(String(name)) }
            }
        }
        return names
    }()

    /// The container's variables that Vigil does not know, each with the reason.
    static func unknownVariables(of container: ManifestSummary.Container) -> [String] {
        container.env.compactMap { variable -> String? in
            let name = variable.name
            if name.hasPrefix(ConfigEnvironment.prefix) {
                if ConfigEnvironment.reserved.contains(name) { return nil }
                let (_, unknown) = ConfigEnvironment.overrides([name: "x"], shape: VigilConfiguration.shape)
                return unknown.isEmpty ? nil : "\(name) names no configuration key"
            }
            if seedVariables.contains(name) { return nil }
            if container.envReferences.contains(name) { return nil }
            return "\(name) is read nowhere in Sources/ (not VIGIL_<KEY_PATH>, not a seed variable, not used as $(\(name)))"
        }
    }

    // MARK: The container's files under a temporary root

    /// A temporary directory standing for the container's file system: mounted configuration
    /// files are written there, models under /models are the demo model, other paths under the
    /// container's mounts are placeholder files.
    final class Root {
        let url: URL
        let container: ManifestSummary.Container

        init(_ container: ManifestSummary.Container) throws {
            self.container = container
            url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-deploy-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            for (path, text) in container.files {
                let file = url.appendingPathComponent(path)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
            }
        }

        deinit { try? FileManager.default.removeItem(at: url) }

        static let demoModel = DeployPaths.file("demo/model")
        static let demoVideo = DeployPaths.file("demo/video.mp4")

        /// Where an absolute path of the container is under this root: created as the demo model
        /// (under /models), a folder (the storage path) or a placeholder file.
        func place(_ path: String, folder: Bool = false) -> String {
            guard path.hasPrefix("/"), isMounted(path) else { return path }
            let target = url.appendingPathComponent(path)
            let manager = FileManager.default
            if !manager.fileExists(atPath: target.path) {
                try? manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if path.hasPrefix("/models/") {
                    try? manager.createSymbolicLink(at: target, withDestinationURL: Self.demoModel)
                } else if folder {
                    try? manager.createDirectory(at: target, withIntermediateDirectories: true)
                } else {
                    _ = manager.createFile(atPath: target.path, contents: Data("-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n".utf8))
                }
            }
            return target.path
        }

        func isMounted(_ path: String) -> Bool {
            container.mounts.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
        }
    }

    // MARK: Configuration

    /// The configuration file the container runs with (its `--config`, else an empty one), with
    /// paths placed under `root`; `adapt` may change the parsed YAML further (for a local run).
    static func configFile(for container: ManifestSummary.Container, root: Root,
                           adapt: (inout [String: Any]) -> Void = { _ in }) throws -> URL {
        var config: [String: Any] = [:]
        if let path = container.configPath {
            guard let text = container.files[path] else {
                throw ChildProcessError(detail: "\(container.name): --config \(path) is not a file the container mounts")
            }
            config = (try Yams.load(yaml: text) as? [String: Any]) ?? [:]
        }
        if var models = config["models"] as? [[String: Any]] {
            for index in models.indices {
                if let path = models[index]["path"] as? String { models[index]["path"] = root.place(path) }
            }
            config["models"] = models
        }
        if var storage = config["storage"] as? [String: Any], let path = storage["path"] as? String {
            storage["path"] = root.place(path, folder: true)
            config["storage"] = storage
        }
        if var mqtt = config["mqtt"] as? [String: Any], var tls = mqtt["tls"] as? [String: Any] {
            for key in ["ca", "cert", "key"] { if let path = tls[key] as? String { tls[key] = root.place(path) } }
            mqtt["tls"] = tls
            config["mqtt"] = mqtt
        }
        adapt(&config)
        let file = root.url.appendingPathComponent("checked-vigil.yaml")
        try Yams.dump(object: config).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    /// The container's environment as the kubelet or edgeAgent would set it: literal values,
    /// $(VAR) expanded; the pod's IP from the downward API; required secret keys as placeholders
    /// (optional ones only when the rendered Secret has the key, as the kubelet does); paths placed
    /// under `root`.
    static func environment(for container: ManifestSummary.Container, root: Root, podName: String) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("VIGIL_") }
        environment["HOSTNAME"] = podName
        for variable in container.env {
            switch variable.from {
            case "value":
                var value = variable.value ?? ""
                value = value.replacingOccurrences(of: "$(POD_IP)", with: "10.1.2.3")
                environment[variable.name] = value.hasPrefix("/") ? root.place(value) : value
            case "fieldRef":
                environment[variable.name] = variable.field == "status.podIP" ? "10.1.2.3" : podName
            default:
                if variable.optional != true || variable.present == true { environment[variable.name] = "placeholder" }
            }
        }
        return environment
    }

    /// `vigil config check FILE` with `environment`, as the host `podName` when the system lets
    /// the test give a child its own host name (`unshare --uts`, as root); else the shard index
    /// is pinned through VIGIL_SHARD_INDEX.
    static func configCheck(_ file: URL, environment: [String: String], podName: String) throws -> Shell.Result {
        var environment = environment
        if canSetHostName {
            let script = "hostname \"$1\" && shift && exec \"$@\""
            return try Shell.run(URL(fileURLWithPath: "/usr/bin/unshare"),
                                 ["--uts", "sh", "-c", script, "sh", podName, VigilBinary.url.path, "config", "check", file.path],
                                 environment: environment)
        }
        if let ordinal = Int(podName.split(separator: "-").last ?? "") { environment["VIGIL_SHARD_INDEX"] = String(ordinal) }
        return try Shell.run(VigilBinary.url, ["config", "check", file.path], environment: environment)
    }

    static let canSetHostName: Bool = {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare") else { return false }
        return (try? Shell.run(URL(fileURLWithPath: "/usr/bin/unshare"), ["--uts", "hostname", "vigil-test-0"]))?.status == 0
    }()

    /// The `server: http://HOST:PORT` line of `vigil config check`.
    static func server(inCheckOutput output: String) -> (host: String, port: Int)? {
        guard let match = output.firstMatch(of: try! Regex(#"(?m)^server: http://([^:/\s]+):(\d+)"#)),
              let host = match.output[1].substring, let port = match.output[2].substring.flatMap({ Int($0) }) else { return nil }
        return (String(host), port)
    }

    /// The `camera NAME:` lines of `vigil config check`: the cameras this shard runs.
    static func cameras(inCheckOutput output: String) -> [String] {
        output.matches(of: try! Regex(#"(?m)^camera ([A-Za-z0-9_-]+):"#)).compactMap { $0.output[1].substring.map(String.init) }
    }

    /// Pod name of replica `ordinal` of the container's workload (`StatefulSet/vigil-capture` → `vigil-capture-0`).
    static func podName(of container: ManifestSummary.Container, ordinal: Int = 0) -> String {
        let name = container.workload.split(separator: "/").last.map(String.init) ?? "vigil"
        return container.workload.hasPrefix("StatefulSet/") ? "\(name)-\(ordinal)" : "\(name)-7d9f8-x2x5q"
    }

    // MARK: Running it

    /// `vigil serve` with the container's arguments, on loopback and a free port, its models
    /// placed under `root` (the demo model).
    static func startServe(_ container: ManifestSummary.Container, root: Root) throws -> ChildProcess {
        var args = container.args
        for index in args.indices.dropFirst() {
            switch args[index - 1] {
            case "--port": args[index] = "0"
            case "--host": args[index] = "127.0.0.1"
            case "--model":
                if let equals = args[index].firstIndex(of: "=") {
                    args[index] = String(args[index][...equals]) + root.place(String(args[index][args[index].index(after: equals)...]))
                } else {
                    args[index] = root.place(args[index])
                }
            default: break
            }
        }
        var environment = Self.environment(for: container, root: root, podName: podName(of: container))
        environment["IMAGE_CLASSIFIER_PORT"] = nil
        return try ChildProcess(VigilBinary.url, args, environment: environment)
    }

    // MARK: HTTP

    /// GET `url`; the status and body (status 0 when nothing answered).
    static func get(_ url: URL, timeout: Double = 5) -> (status: Int, body: String) {
        request(URLRequest(url: url, timeoutInterval: timeout))
    }

    static func post(_ url: URL, body: Data, timeout: Double = 30) -> (status: Int, body: String) {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        return self.request(request)
    }

    private final class Box: @unchecked Sendable { var status = 0; var body = "" }

    private static func request(_ request: URLRequest) -> (status: Int, body: String) {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.body = data.map { String(decoding: $0, as: UTF8.self) } ?? ""
            done.signal()
        }.resume()
        done.wait()
        return (box.status, box.body)
    }

    /// Polls GET `url` until it answers `status` or `timeout` seconds pass; the last answer.
    static func await(_ url: URL, status: Int = 200, timeout: Double = 60) -> (status: Int, body: String) {
        let deadline = Date().addingTimeInterval(timeout)
        var last = get(url)
        while last.status != status && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            last = get(url)
        }
        return last
    }

    /// The first `http://127.0.0.1:PORT` a child printed: where it listens (the line differs by role).
    static func listeningPort(of child: ChildProcess, timeout: Double = 60) throws -> Int {
        let line = try child.waitForLine(containing: "http://127.0.0.1:", timeout: timeout)
        guard let match = line.firstMatch(of: try! Regex(#"http://127\.0\.0\.1:(\d+)"#)),
              let port = match.output[1].substring.flatMap({ Int($0) }), port > 0 else {
            throw ChildProcessError(detail: "no port in: \(line)")
        }
        return port
    }
}
