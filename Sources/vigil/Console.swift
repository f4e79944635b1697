import ArgumentParser
import Foundation

/// Where commands report errors: standard error, one line, then a non-zero exit.
enum Console {
    static func error(_ message: String) {
        FileHandle.standardError.write(Data(("vigil: " + message + "\n").utf8))
    }

    /// Runs `body`; on failure prints the error and exits with status 1.
    static func attempt<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            self.error("\(error)")
            throw ExitCode(1)
        }
    }
}
