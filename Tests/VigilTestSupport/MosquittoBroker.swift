import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real `mosquitto` broker run by a test on 127.0.0.1, on a free port it keeps across restarts.
///
/// The broker's config, log and persistence file live in a fresh temporary directory, removed on
/// `deinit`. Needs the Debian package `mosquitto`; tests call `MQTTTest.requireMosquitto()`
/// first so that a machine without it skips with the reason instead of failing obscurely.
public final class MosquittoBroker: @unchecked Sendable {
    public let port: Int
    public let directory: URL
    /// Lines appended to the config after the listener line (TLS files, password file...);
    /// read by each `start()`.
    public var extraConfig: [String]
    private let allowAnonymous: Bool
    private var process: Process?

    /// The broker's log file (log_type all).
    public var logURL: URL { directory.appendingPathComponent("mosquitto.log") }
    /// What the broker logged so far.
    public var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }
    /// The persistence database the broker writes (autosave every second).
    public var persistenceURL: URL { directory.appendingPathComponent("mosquitto.db") }

    public static var isInstalled: Bool { executable("mosquitto") != nil }

    public init(allowAnonymous: Bool = true, extraConfig: [String] = []) throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.allowAnonymous = allowAnonymous
        self.extraConfig = extraConfig
    }

    deinit {
        kill()
        try? FileManager.default.removeItem(at: directory)
    }

    /// Writes the config and starts the broker; returns once the port accepts connections.
    public func start() throws {
        var lines = [
            "listener \(port) 127.0.0.1",
        ]
        lines += extraConfig
        lines += [
            "allow_anonymous \(allowAnonymous)",
            "max_queued_messages 100000",
            "persistence true",
            "persistence_location \(directory.path)/",
            "persistence_file mosquitto.db",
            "autosave_interval 1",
            "log_dest file \(logURL.path)",
            "log_type all",
        ]
        if geteuid() == 0 { lines.append("user root") }  // else mosquitto drops to user 'mosquitto'
        let config = directory.appendingPathComponent("mosquitto.conf")
        try lines.joined(separator: "\n").appending("\n").write(to: config, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = Self.executable("mosquitto")
        process.arguments = ["-c", config.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            usleep(20_000)
        }
        throw MosquittoTestError("mosquitto did not accept connections on port \(port); log:\n\(log)")
    }

    /// SIGTERM (the broker saves its persistence file) and waits for exit.
    public func stop() { signal(SIGTERM) }

    /// SIGKILL: the broker vanishes without closing anything cleanly or saving.
    public func kill() { signal(SIGKILL) }

    /// Starts again on the same port (after `stop()` or `kill()`).
    public func restart() throws {
        if process?.isRunning == true { stop() }
        try start()
    }

    private func signal(_ number: Int32) {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, number)
        process.waitUntilExit()
        self.process = nil
    }

    /// A TCP port nothing listens on now (bound to port 0, then released).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard ok else { throw MosquittoTestError("cannot find a free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// True when something accepts TCP connections on 127.0.0.1:`port`.
    public static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    /// The full path of a program on PATH, or nil.
    public static func executable(_ name: String) -> URL? { Command.which(name) }
}

public struct MosquittoTestError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
