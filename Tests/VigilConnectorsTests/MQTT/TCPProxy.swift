import Foundation
import VigilTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A TCP relay on 127.0.0.1 that a test can cut, to drop a client's connection without DISCONNECT.
///
/// Each accepted connection is paired with a new connection to the upstream port, and two threads
/// copy bytes both ways. ``severAll()`` shuts both sockets of every pair down at once: the broker
/// sees the client vanish (and publishes its last will), the client sees the broker vanish.
/// The proxy keeps accepting, so the client can reconnect through it.
final class TCPProxy: @unchecked Sendable {
    let port: Int
    private let upstreamPort: Int
    private let listener: Int32
    private let lock = NSLock()
    private var pairs: [Pair] = []
    private var acceptedCount = 0

    /// Connections accepted so far.
    var accepted: Int { lock.withLock { acceptedCount } }

    private final class Pair: @unchecked Sendable {
        let client: Int32
        let upstream: Int32
        private let lock = NSLock()
        private var pumpsRunning = 2
        private var isFrozen = false

        /// True once bytes are being swallowed instead of relayed.
        var frozen: Bool {
            get { lock.withLock { isFrozen } }
            set { lock.withLock { isFrozen = newValue } }
        }

        init(client: Int32, upstream: Int32) {
            self.client = client
            self.upstream = upstream
        }

        func sever() {
            shutdown(client, Int32(SHUT_RDWR))
            shutdown(upstream, Int32(SHUT_RDWR))
        }

        /// Called by each pump as it ends; the last one closes both sockets.
        func pumpEnded() {
            sever()
            let last = lock.withLock { pumpsRunning -= 1; return pumpsRunning == 0 }
            if last {
                close(client)
                close(upstream)
            }
        }
    }

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard ok, listen(listener, 16) == 0 else {
            close(listener)
            throw MosquittoTestError("proxy cannot listen: \(String(cString: strerror(errno)))")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        Thread { [self] in acceptLoop() }.start()
    }

    /// Stops accepting and severs every connection.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        severAll()
    }

    /// Makes every current connection a black hole: sockets stay open, bytes are swallowed both
    /// ways (a silent network: only keep-alive timeouts can notice). New connections relay normally.
    func freezeAll() {
        for pair in lock.withLock({ pairs }) { pair.frozen = true }
    }

    /// Cuts every relayed connection abruptly (no MQTT DISCONNECT crosses).
    func severAll() {
        for pair in lock.withLock({ pairs }) { pair.sever() }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: upstreamPort)
            let connected = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
            guard connected else {
                close(client)
                close(upstream)
                continue
            }
            let pair = Pair(client: client, upstream: upstream)
            lock.withLock {
                pairs.append(pair)
                acceptedCount += 1
            }
            Thread { Self.pump(from: client, to: upstream, pair: pair); pair.pumpEnded() }.start()
            Thread { Self.pump(from: upstream, to: client, pair: pair); pair.pumpEnded() }.start()
        }
    }

    private static func pump(from source: Int32, to destination: Int32, pair: Pair) {
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = read(source, &buffer, buffer.count)
            guard count > 0 else { return }
            if pair.frozen { continue }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes { write(destination, $0.baseAddress, $0.count) }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
