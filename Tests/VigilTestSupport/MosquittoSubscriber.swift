import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A `mosquitto_sub` child process: an MQTT peer independent of the code under test.
///
/// It prints each message as `MSG <retain> <topic> <payload>` (`-F`) and its debug log (`-d`),
/// from which ``waitUntilSubscribed(timeout:)`` sees the SUBACK. Payloads must be one line of text.
public final class MosquittoSubscriber: @unchecked Sendable {
    public struct Message: Equatable {
        public let retain: Bool
        public let topic: String
        public let payload: String

        public init(retain: Bool, topic: String, payload: String) {
            self.retain = retain
            self.topic = topic
            self.payload = payload
        }
    }

    private let process = Process()
    private let lock = NSLock()
    private var output = ""
    private var partialLine = ""
    private var received: [Message] = []

    /// Subscribes to `topics` at QoS 1 on 127.0.0.1:`port`. `clientID` with `durable` asks for a
    /// persistent session (`-c -i`), whose queued messages survive the subscriber's or (with
    /// persistence) the broker's restart. `arguments` are appended (credentials, TLS, `-V 5`...).
    public init(port: Int, topics: [String], clientID: String? = nil, durable: Bool = false, arguments: [String] = []) throws {
        var args = ["-h", "127.0.0.1", "-p", "\(port)", "-q", "1", "-d", "-F", "MSG %r %t %p"]
        if let clientID { args += ["-i", clientID] }
        if durable { args.append("-c") }
        for topic in topics { args += ["-t", topic] }
        args += arguments
        guard let executable = MosquittoBroker.executable("mosquitto_sub") else {
            throw MosquittoTestError("mosquitto_sub is not installed (Debian package mosquitto-clients)")
        }
        // mosquitto_sub flushes after each message but not after its debug lines (the SUBACK):
        // stdbuf (coreutils) makes its stdout line-buffered.
        if let stdbuf = MosquittoBroker.executable("stdbuf") {
            process.executableURL = stdbuf
            process.arguments = ["-oL", executable.path] + args
        } else {
            process.executableURL = executable
            process.arguments = args
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let handle = pipe.fileHandleForReading
        // Blocking reads on a thread of their own: a full pipe would stall mosquitto_sub.
        Thread { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                guard let self else { return }
                self.append(String(decoding: data, as: UTF8.self))
            }
        }.start()
    }

    deinit { stop() }

    /// Everything printed so far.
    public var printed: String { lock.withLock { output } }

    /// The messages received so far, in arrival order.
    public var messages: [Message] { lock.withLock { received } }

    private func append(_ text: String) {
        lock.withLock {
            output += text
            partialLine += text
            guard let lastNewline = partialLine.lastIndex(of: "\n") else { return }
            for line in partialLine[..<lastNewline].split(separator: "\n") where line.hasPrefix("MSG ") {
                let fields = line.dropFirst(4).split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
                guard fields.count == 3 else { continue }
                received.append(Message(retain: fields[0] == "1", topic: String(fields[1]), payload: String(fields[2])))
            }
            partialLine = String(partialLine[partialLine.index(after: lastNewline)...])
        }
    }

    /// Waits until the broker acknowledged the subscription (SUBACK in the debug log).
    public func waitUntilSubscribed(count: Int = 1, timeout: Double = 15) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if printed.components(separatedBy: "received SUBACK").count - 1 >= count { return }
            if !process.isRunning { break }
            usleep(10_000)
        }
        throw MosquittoTestError("mosquitto_sub got no SUBACK within \(timeout) s; output:\n\(printed)")
    }

    /// Waits until `condition` holds for the messages received; returns whether it did.
    @discardableResult
    public func wait(timeout: Double = 30, until condition: ([Message]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(messages) { return true }
            usleep(10_000)
        }
        return condition(messages)
    }

    /// Ends the process (SIGTERM) and waits for it.
    public func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
