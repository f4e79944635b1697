import Foundation
import XCTest
import VigilTestSupport
@testable import VigilConnectors

/// moto (an S3 stand-in from PyPI) in server mode on 127.0.0.1, from a virtual environment kept
/// at /tmp/vigil-moto-venv (`VIGIL_MOTO_VENV` overrides), made on first use.
final class MotoServer {
    static let venv = ProcessInfo.processInfo.environment["VIGIL_MOTO_VENV"] ?? "/tmp/vigil-moto-venv"
    let port: Int
    private let process: ChildProcess

    /// The moto_server executable, installing moto[server] into the venv when missing; throws
    /// XCTSkip when PyPI cannot be reached.
    static func executable() throws -> String {
        let server = "\(venv)/bin/moto_server"
        if FileManager.default.isExecutableFile(atPath: server) { return server }
        guard let python = UploadTestProcess.executable("python3") else { throw XCTSkip("python3 not found: cannot run moto") }
        do {
            _ = try UploadTestProcess.run(python, ["-m", "venv", venv])
            _ = try UploadTestProcess.run("\(venv)/bin/pip", ["install", "--quiet", "--disable-pip-version-check", "moto[server]"])
        } catch {
            try? FileManager.default.removeItem(atPath: venv)
            let text = "\(error)"
            if text.contains("Could not find a version") || text.contains("connection") || text.contains("Connection")
                || text.contains("NewConnectionError") || text.contains("No matching distribution") {
                throw XCTSkip("PyPI unreachable, cannot install moto[server]: \(text.suffix(300))")
            }
            throw error
        }
        return server
    }

    init() throws {
        let executable = try Self.executable()
        port = try MosquittoBroker.freePort()
        process = try ChildProcess(URL(fileURLWithPath: executable), ["-H", "127.0.0.1", "-p", "\(port)"])
        let deadline = Date().addingTimeInterval(60)
        while !MosquittoBroker.accepts(port: port) {
            guard Date() < deadline, process.process.isRunning else {
                throw UploadTestError("moto_server did not listen on \(port):\n\(process.printed)")
            }
            usleep(20_000)
        }
    }

    func stop() { process.kill() }
    deinit { stop() }
}

/// scripts/azure-blob-standin.py on 127.0.0.1.
final class AzureBlobStandin {
    let port: Int
    let account: String
    private let process: ChildProcess

    init(account: String, key: String, sas: String? = nil) throws {
        guard let python = UploadTestProcess.executable("python3") else { throw XCTSkip("python3 not found: cannot run the Azure stand-in") }
        let script = SharedAssets.packageRoot.appendingPathComponent("scripts/azure-blob-standin.py").path
        var arguments = [script, "--account", account, "--key", key]
        if let sas { arguments += ["--sas", sas] }
        process = try ChildProcess(URL(fileURLWithPath: python), arguments)
        let line = try process.waitForLine(containing: "azure blob stand-in on port")
        port = Int(line.split(separator: " ").last ?? "") ?? 0
        self.account = account
    }

    var printed: String { process.printed }
    func stop() { process.kill() }
    deinit { stop() }
}

/// scripts/tcp-cut-proxy.py in front of `targetPort`: ``cut()`` and ``restore()`` return once in effect.
final class CutProxy: @unchecked Sendable {
    let port: Int
    private let process: ChildProcess
    private let lock = NSLock()
    private var cuts = 0, restores = 0

    init(targetPort: Int) throws {
        guard let python = UploadTestProcess.executable("python3") else { throw XCTSkip("python3 not found: cannot run the proxy") }
        let script = SharedAssets.packageRoot.appendingPathComponent("scripts/tcp-cut-proxy.py").path
        process = try ChildProcess(URL(fileURLWithPath: python), [script, "--target-port", "\(targetPort)"])
        let line = try process.waitForLine(containing: "proxy on port")
        port = Int(line.split(separator: " ").last ?? "") ?? 0
    }

    func cut() throws {
        lock.lock(); cuts += 1; let n = cuts; lock.unlock()
        process.send("cut")
        try process.waitForLine(containing: "cut", occurrence: n, timeout: 10)
    }

    func restore() throws {
        lock.lock(); restores += 1; let n = restores; lock.unlock()
        process.send("restore")
        try process.waitForLine(containing: "restored", occurrence: n, timeout: 10)
    }

    func stop() { process.kill() }
    deinit { stop() }
}

/// An ``StorageTransport`` that records every request and lets a test act after a response:
/// cut the network, or stop the uploader as if the process were killed.
final class RecordingTransport: StorageTransport, @unchecked Sendable {
    private let inner: any StorageTransport
    private let lock = NSLock()
    private var log: [(method: String, path: String, query: String, status: Int?)] = []
    /// Called after each response, before it is returned; may throw (to stand for a dead process).
    var afterResponse: (@Sendable (StorageRequest, StorageResponse) async throws -> Void)?

    init(_ inner: any StorageTransport = URLSessionStorageTransport(timeout: 30)) { self.inner = inner }

    func send(_ request: StorageRequest) async throws -> StorageResponse {
        let query = request.url.query ?? ""
        do {
            let response = try await inner.send(request)
            record(request.method, request.url.path, query, response.status)
            if let afterResponse { try await afterResponse(request, response) }
            return response
        } catch {
            record(request.method, request.url.path, query, nil)
            throw error
        }
    }

    private func record(_ method: String, _ path: String, _ query: String, _ status: Int?) {
        lock.lock(); defer { lock.unlock() }
        log.append((method, path, query, status))
    }

    /// Successful PUTs whose query contains `marker` (`partNumber=3`, `comp=block`...).
    func successfulPuts(containing marker: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return log.filter { $0.method == "PUT" && $0.query.contains(marker) && ($0.status ?? 0) / 100 == 2 }.count
    }

    /// Every PUT (answered or not) whose query contains `marker`.
    func puts(containing marker: String) -> Int {
        lock.lock(); defer { lock.unlock() }
        return log.filter { $0.method == "PUT" && $0.query.contains(marker) }.count
    }

    var summary: String {
        lock.lock(); defer { lock.unlock() }
        return log.map { "\($0.method) \($0.path)?\($0.query.prefix(80)) → \($0.status.map(String.init) ?? "error")" }.joined(separator: "\n")
    }
}

/// A temporary folder with deterministic test files, removed on deinit.
final class UploadScratch {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    var journalURL: URL { directory.appendingPathComponent("uploads.json") }

    /// A file of `size` pseudo-random bytes (xorshift from `seed`).
    func file(_ name: String, size: Int, seed: UInt64) throws -> URL {
        var state = seed | 1
        var bytes = [UInt8](repeating: 0, count: size)
        for index in 0..<size {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            bytes[index] = UInt8(truncatingIfNeeded: state)
        }
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }
}

func md5Hex(of url: URL) throws -> String { try Digests.md5OfFile(at: url.path).hex }
