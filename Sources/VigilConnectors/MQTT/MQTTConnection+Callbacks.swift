import CMosquitto

// libmosquitto's callbacks are C function pointers: they capture nothing and find their
// connection through the userdata pointer (an unretained `MQTTConnection`, alive for as long as
// its handle). They run on the thread that calls `mosquitto_loop_*`, the client's network thread,
// never the main actor.

extension MQTTConnection {
    /// Sets every callback the client needs on `handle`.
    func installCallbacks(on handle: OpaquePointer) {
        mosquitto_connect_callback_set(handle) { _, userdata, code in
            MQTTConnection.from(userdata)?.connackCode = code
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, code in
            MQTTConnection.from(userdata)?.disconnectCode = code
        }
        // The v5 variant also reports the PUBACK reason code; libmosquitto calls it for 3.1.1 too (code 0).
        mosquitto_publish_v5_callback_set(handle) { _, userdata, mid, reasonCode, _ in
            MQTTConnection.from(userdata)?.didPublish(mid: mid, reasonCode: reasonCode)
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            guard let connection = MQTTConnection.from(userdata), let message = message?.pointee,
                  let topic = message.topic else { return }
            let payload: [UInt8]
            if let bytes = message.payload, message.payloadlen > 0 {
                payload = Array(UnsafeRawBufferPointer(start: bytes, count: Int(message.payloadlen)))
            } else {
                payload = []
            }
            connection.didReceive(MQTTReceivedMessage(
                topic: String(cString: topic), payload: payload, qos: Int(message.qos), retain: message.retain))
        }
        mosquitto_log_callback_set(handle) { _, userdata, level, text in
            guard level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING) != 0, let text else { return }
            MQTTConnection.from(userdata)?.lastLoggedError = String(cString: text)
        }
    }

    fileprivate static func from(_ userdata: UnsafeMutableRawPointer?) -> MQTTConnection? {
        guard let userdata else { return nil }
        return Unmanaged<MQTTConnection>.fromOpaque(userdata).takeUnretainedValue()
    }
}
