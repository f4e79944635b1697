import Foundation
import VigilMedia
import XCTest

/// Inputs that cannot work: errors name the source and the reason; files fail instead of retrying.
final class BadInputTests: XCTestCase {
    private func finalState(of source: FrameSource) throws -> SourceStatus.State {
        source.start()
        try TestSupport.waitUntil("the source to give up") { source.status.state.isFinal }
        return source.status.state
    }

    func test_missingFile_failsNamingThePath() throws {
        let path = "/nonexistent-\(UUID().uuidString)/clip.mp4"
        let source = try FrameSource(parsing: path)
        guard case .failed(let message) = try finalState(of: source) else { return XCTFail("\(source.status)") }
        XCTAssertTrue(message.contains(path), message)
        XCTAssertTrue(message.contains("No such file or directory"), message)
        XCTAssertEqual(source.status.reconnects, 0)
        XCTAssertNil(source.next(after: 0, timeout: 30), "a failed source answers at once")
    }

    func test_corruptFile_failsNamingThePathAndReason() throws {
        let folder = try TestSupport.temporaryFolder(self)
        let path = folder.appendingPathComponent("corrupt.mp4").path
        var generator = SplitMix64(seed: 42)
        try Data((0..<200_000).map { _ in UInt8(truncatingIfNeeded: generator.next()) }).write(to: URL(fileURLWithPath: path))
        let source = FrameSource(spec: .file(path: path), options: SourceOptions(pacing: .asFastAsPossible))
        guard case .failed(let message) = try finalState(of: source) else { return XCTFail("\(source.status)") }
        XCTAssertTrue(message.hasPrefix(path + ": cannot "), message)
        XCTAssertEqual(source.status.lastError, message)
    }

    func test_missingV4L2Device_keepsRetryingWithAClearError() throws {
        // No capture device exists on the test machine, and none is faked: a camera that is not
        // plugged in yet is a live source, so it is retried, and the error names the device.
        let path = "/dev/video87"
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        let source = try FrameSource(parsing: "87")
        XCTAssertEqual(source.spec, .device(path: path))
        source.start()
        defer { source.stop() }
        try TestSupport.waitUntil("the open to fail") { source.status.lastError != nil }
        let lastError = try XCTUnwrap(source.status.lastError)
        XCTAssertTrue(lastError.hasPrefix("\(path): cannot open: "), lastError)
        XCTAssertTrue(lastError.contains("No such file or directory"), lastError)
        guard case .reconnecting = source.status.state else { return XCTFail("\(source.status.state)") }
    }

    func test_stop_interruptsAnOpenThatBlocks() throws {
        // A TCP listener that accepts and never answers: the RTSP handshake blocks until the open
        // timeout (a minute here), so only the interrupt callback can end it.
        let listener = try SilentListener()
        let source = FrameSource(spec: .rtsp(url: "rtsp://127.0.0.1:\(listener.port)/test"),
                                 options: SourceOptions(openTimeout: 60, readTimeout: 60))
        source.start()
        try TestSupport.waitUntil("the connection") { listener.accepted > 0 }
        XCTAssertEqual(source.status.state, .connecting)
        source.stop()
        XCTAssertEqual(source.status.state, .stopped)
    }

    func test_openTimeout_turnsASilentServerIntoAReconnect() throws {
        let listener = try SilentListener()
        let source = FrameSource(spec: .rtsp(url: "rtsp://127.0.0.1:\(listener.port)/test"),
                                 options: SourceOptions(openTimeout: 0.5))
        source.start()
        defer { source.stop() }
        try TestSupport.waitUntil("the open to time out") { source.status.lastError != nil }
        XCTAssertTrue(source.status.lastError?.contains("timed out after 0.5 s") ?? false, "\(source.status)")
    }
}

/// A deterministic byte generator for corrupt files (SplitMix64).
struct SplitMix64 {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A TCP server on 127.0.0.1 that accepts connections and never sends a byte.
final class SilentListener: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var connections: [Int32] = []

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard ok, listen(descriptor, 8) == 0 else { close(descriptor); throw TestFailure("cannot listen") }
        fd = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
        let listening = descriptor
        Thread { [weak self] in
            while true {
                let client = accept(listening, nil, nil)
                guard client >= 0, let self else { return }
                self.lock.lock()
                self.connections.append(client)
                self.lock.unlock()
            }
        }.start()
    }

    var accepted: Int { lock.lock(); defer { lock.unlock() }; return connections.count }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for client in connections { close(client) }
    }
}
