import Foundation

/// Programs the tests run to completion: ffmpeg, pip, chroot, helper scripts.
public enum Command {
    /// The output of one finished program.
    public struct Result: Sendable {
        public let status: Int32
        /// Standard output and standard error, interleaved as written.
        public let output: String
    }

    /// Runs `executable` to its end; `environment` is added to this process's, `input` is its
    /// standard input (else /dev/null). Output goes through a file, not a pipe, so a chatty child
    /// (apt, pip) never blocks on a full pipe.
    public static func status(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                              directory: URL? = nil, input: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-command-\(UUID().uuidString).log")
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
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:],
                           directory: URL? = nil, input: Data? = nil) throws -> String {
        let result = try status(executable, arguments, environment: environment, directory: directory, input: input)
        guard result.status == 0 else {
            throw ChildProcessError(detail: "\(executable.path) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)")
        }
        return result.output
    }

    /// The full path of a program on PATH (and the sbin folders), or nil.
    public static func which(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let dirs = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return dirs.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }
}
