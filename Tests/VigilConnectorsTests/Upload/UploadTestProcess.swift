import Foundation
import VigilTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Commands the upload tests run to completion (signing cross-checks, venv set-up); their servers
/// run as `ChildProcess`es.
enum UploadTestProcess {
    /// Runs a command to completion with `input` on stdin; returns its output, throws on failure.
    static func run(_ executable: String, _ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> String {
        try Command.run(URL(fileURLWithPath: executable), arguments, environment: environment, input: input)
    }

    /// The first executable named `name` on PATH.
    static func executable(_ name: String) -> String? { Command.which(name)?.path }
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
