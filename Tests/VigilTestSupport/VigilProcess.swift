import Foundation

/// The `vigil` executable built with the tests, and helpers to run it as a user would.
public enum VigilBinary {
    /// Beside the test bundle, else the newest of .build/{release,debug}/vigil.
    public static let url: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigil")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        let candidates = ["release", "debug"].map { SharedAssets.packageRoot.appendingPathComponent(".build/\($0)/vigil") }
            .filter { FileManager.default.isExecutableFile(atPath: $0.path) }
        return candidates.max { a, b in
            let da = (try? a.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
            let db = (try? b.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast
            return da < db
        } ?? besideTests
    }()
}

/// A long-running child process (a server) whose first stdout line matching a pattern is awaited.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let output = Pipe()
    /// The child's standard input (for peers driven by commands, e.g. scripts/tcp-cut-proxy.py).
    public let input = Pipe()
    private let lock = NSLock()
    private var text = ""

    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        // A dedicated thread drains the pipe with blocking reads (readabilityHandler can stall on
        // Linux, and a full pipe would block the child on its next log line).
        let handle = output.fileHandleForReading
        let reader = Thread { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                guard let self else { continue }
                self.lock.lock()
                self.text += String(decoding: data, as: UTF8.self)
                self.lock.unlock()
            }
        }
        reader.start()
    }

    /// Everything printed so far (stdout and stderr).
    public var printed: String { lock.lock(); defer { lock.unlock() }; return text }

    /// Waits (up to `timeout` seconds) for the `occurrence`-th line containing `marker`; returns
    /// that line. On a time-out the child is stopped and the error holds its output.
    @discardableResult
    public func waitForLine(containing marker: String, occurrence: Int = 1, timeout: Double = 60) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let lines = printed.split(separator: "\n").filter { $0.contains(marker) }
            if lines.count >= occurrence { return String(lines[occurrence - 1]) }
            if !process.isRunning { break }
            Thread.sleep(forTimeInterval: 0.02)
        }
        terminate()
        throw ChildProcessError(detail: "no line containing '\(marker)' (#\(occurrence)) within \(timeout) s; output:\n\(printed)")
    }

    /// Writes `line` and a newline to the child's standard input (peers driven by commands).
    public func send(_ line: String) {
        input.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    /// SIGTERM, then wait for exit (SIGKILL after 10 s); returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        if process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(10)
            while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
            if process.isRunning { kill() }
        }
        return process.terminationStatus
    }

    /// SIGKILL (no goodbye to clients, as a crash) and wait for the exit.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { if process.isRunning { terminate() } }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public let detail: String
    public init(detail: String) { self.detail = detail }
    public var description: String { detail }
}
