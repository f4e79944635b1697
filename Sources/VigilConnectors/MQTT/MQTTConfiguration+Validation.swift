import Foundation

extension MQTTConfiguration {
    /// Throws the first setting that cannot work, naming it (e.g. `keepAlive 2: libmosquitto needs 5...65535`).
    ///
    /// Checked before any connection is tried, so a typo fails at start-up, not at 3 a.m. on the
    /// first reconnect. TLS files must exist and be readable.
    public func validate() throws(MQTTError) {
        func fail(_ reason: String) -> MQTTError { MQTTError(.invalidConfiguration, endpoint: endpoint, reason) }
        guard !host.isEmpty else { throw fail("host is empty") }
        guard (1...65_535).contains(port) else { throw fail("port \(port) is not 1...65535") }
        guard !clientID.isEmpty, clientID.utf8.count <= 65_535 else { throw fail("clientID must be 1...65535 bytes") }
        guard (5...65_535).contains(keepAlive) else { throw fail("keepAlive \(keepAlive): libmosquitto needs 5...65535 seconds") }
        guard (0...2).contains(defaultQoS) else { throw fail("defaultQoS \(defaultQoS) is not 0, 1 or 2") }
        guard outboxCapacity > 0 else { throw fail("outboxCapacity \(outboxCapacity) must be positive") }
        guard maxInFlight > 0 else { throw fail("maxInFlight \(maxInFlight) must be positive") }
        guard reconnectInitialDelay > 0, reconnectMaxDelay >= reconnectInitialDelay else {
            throw fail("reconnect delays must satisfy 0 < reconnectInitialDelay (\(reconnectInitialDelay)) <= reconnectMaxDelay (\(reconnectMaxDelay))")
        }
        guard connectTimeout > 0 else { throw fail("connectTimeout must be positive") }
        guard flushTimeout >= 0 else { throw fail("flushTimeout must not be negative") }
        if !topicPrefix.isEmpty {
            guard !topicPrefix.contains(where: { "+#\u{0}".contains($0) }), !topicPrefix.hasSuffix("/") else {
                throw fail("topicPrefix '\(topicPrefix)' may not contain '+', '#' or end in '/'")
            }
        } else {
            throw fail("topicPrefix is empty")
        }
        if let tls {
            for (key, path) in [("tls.caFile", tls.caFile), ("tls.certFile", tls.certFile), ("tls.keyFile", tls.keyFile)] {
                if let path, !FileManager.default.isReadableFile(atPath: path) {
                    throw fail("\(key) '\(path)' is not a readable file")
                }
            }
            guard (tls.certFile == nil) == (tls.keyFile == nil) else {
                throw fail("tls.certFile and tls.keyFile go together")
            }
        }
    }
}
