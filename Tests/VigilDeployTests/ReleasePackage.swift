import Foundation
import VigilApp
import VigilTestSupport

/// The release package scripts/make-dist.sh makes from the built `vigil`, made once per test
/// process in `$TMPDIR/vigil-dist-test-<pid>` (the tests never touch dist/); the folders of test
/// processes that have ended are deleted then.
struct ReleasePackage: Sendable {
    /// The folder make-dist.sh wrote to.
    let output: URL
    /// `vigil-<version>-linux-<arch>`.
    let name: String
    /// The unpacked tree make-dist.sh left beside the tarball.
    var tree: URL { output.appendingPathComponent(name) }
    var tarball: URL { output.appendingPathComponent("\(name).tar.gz") }

    /// The release binary the tests run (`swift test -c release` builds it beside them).
    static var binary: URL { VigilBinary.url }

    /// Makes the package (once per process; later calls return the same one).
    static func made() throws -> ReleasePackage {
        try once.value {
            let temporary = FileManager.default.temporaryDirectory
            let prefix = "vigil-dist-test-"
            for stale in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
            where stale.hasPrefix(prefix) && !FileManager.default.fileExists(atPath: "/proc/\(stale.dropFirst(prefix.count))") {
                try? FileManager.default.removeItem(at: temporary.appendingPathComponent(stale))
            }
            let output = temporary.appendingPathComponent("vigil-dist-test-\(ProcessInfo.processInfo.processIdentifier)")
            let printed = try DeployTools.run(DeployPaths.file("scripts/make-dist.sh"), ["--binary", binary.path, "--out", output.path])
            let lastLine = printed.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").last.map(String.init)
            let tarball = URL(fileURLWithPath: lastLine ?? "")
            guard tarball.lastPathComponent.hasSuffix(".tar.gz") else {
                throw DeployToolError("make-dist.sh did not end by printing the tarball's path:\n\(printed)")
            }
            return ReleasePackage(output: output, name: String(tarball.lastPathComponent.dropLast(".tar.gz".count)))
        }
    }

    private static let once = Once<ReleasePackage>()
}

/// A value computed once, on first demand, by whichever thread asks first.
final class Once<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<Value, Error>?

    func value(_ make: () throws -> Value) throws -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let result { return try result.get() }
        let made = Result { try make() }
        result = made
        return try made.get()
    }
}
