import Foundation

/// A helper server (a committed python script) the test starts, kills and restarts.
///
/// Runs Debian's /usr/bin/python3 (where python3-gi lives). Output is drained on a thread so the
/// child never blocks on a full pipe; `start` waits for the script's "READY" line.
final class ServerProcess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = ""

    /// Starts `scripts/<script>` with `arguments` and waits (up to 30 s) until it says READY.
    init(script: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestSupport.script(script).path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        Thread { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                guard let self else { continue }
                self.lock.lock()
                self.output += String(decoding: data, as: UTF8.self)
                self.lock.unlock()
            }
        }.start()
        do {
            try TestSupport.waitUntil("\(script) to print READY") { printed.contains("READY") || !process.isRunning }
        } catch {
            kill()
            throw TestFailure("\(script) did not start: \(printed)")
        }
        guard process.isRunning else { throw TestFailure("\(script) exited: \(printed)") }
    }

    /// What the server printed so far.
    var printed: String {
        lock.lock()
        defer { lock.unlock() }
        return output
    }

    /// SIGKILL (no goodbye to clients, as a crashed camera) and wait for the exit.
    func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { kill() }
}
