import Foundation
import VigilTestSupport

/// A helper server (a committed python script) the test starts, kills and restarts.
enum ServerProcess {
    /// Starts `scripts/<script>` with Debian's /usr/bin/python3 (where python3-gi lives) and waits
    /// (up to 30 s) until it prints READY.
    static func start(script: String, arguments: [String]) throws -> ChildProcess {
        let server = try ChildProcess(URL(fileURLWithPath: "/usr/bin/python3"), [TestSupport.script(script).path] + arguments)
        do { _ = try server.waitForLine(containing: "READY", timeout: 30) } catch {
            throw TestFailure("\(script) did not start: \(server.printed)")
        }
        return server
    }
}
