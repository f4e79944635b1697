import Foundation
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A child process for the upload tests: a server whose output is collected, with a stdin the
/// test can write commands to (the cut proxy), stopped on `terminate()` or `deinit`.
final class UploadTestProcess: @unchecked Sendable {
    let process = Process()
    private let output = Pipe()
    private let input = Pipe()
    private let lock = NSLock()
    private var text = ""

    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        let handle = output.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                guard let self else { continue }
                self.lock.lock()
                self.text += String(decoding: data, as: UTF8.self)
                self.lock.unlock()
            }
        }.start()
    }

    var printed: String { lock.lock(); defer { lock.unlock() }; return text }

    /// Waits up to `timeout` s for the `occurrence`-th line containing `marker`; returns it.
    @discardableResult
    func waitForLine(containing marker: String, occurrence: Int = 1, timeout: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = printed.split(separator: "\n").filter { $0.contains(marker) }
            if lines.count >= occurrence { return String(lines[occurrence - 1]) }
            if !process.isRunning { break }
            usleep(10_000)
        }
        throw UploadTestError("no line containing '\(marker)' (#\(occurrence)) within \(timeout) s; output:\n\(printed)")
    }

    /// Writes `line` and a newline to the process's stdin.
    func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// SIGKILL and reap: the stand-ins keep nothing worth a clean shutdown (and a child may
    /// inherit a signal mask that blocks SIGTERM).
    func terminate() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { terminate() }

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
