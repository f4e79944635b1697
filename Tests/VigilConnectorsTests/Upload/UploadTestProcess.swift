import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Commands the upload tests run to completion (signing cross-checks, venv set-up); their servers
/// run as `ChildProcess`es.
enum UploadTestProcess {
    /// Runs a command to completion with `input` on stdin; returns stdout, throws on failure.
    static func run(_ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdin = Pipe()
        let stdoutFile = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-run-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: stdoutFile) }
        let sink = try FileHandle(forWritingTo: stdoutFile)
        process.standardOutput = sink
        process.standardError = sink
        process.standardInput = stdin
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        try sink.close()
        let text = (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
        guard process.terminationStatus == 0 else {
            throw UploadTestError("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(text)")
        }
        return text
    }

    /// The first executable named `name` on PATH.
    static func executable(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let path = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}

struct UploadTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; true when it held.
func eventually(timeout: Double = 60, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try await condition()
}
