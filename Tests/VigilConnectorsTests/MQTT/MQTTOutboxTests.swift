import VigilConnectors
import XCTest

final class MQTTOutboxTests: XCTestCase {
    private func message(_ n: Int, qos: Int = 1) -> MQTTMessage {
        MQTTMessage(topic: "t", payload: Array("\(n)".utf8), qos: qos, retain: false)
    }

    private func numbers(_ outbox: MQTTOutbox) -> [String] {
        outbox.entries.map { String(decoding: $0.message.payload, as: UTF8.self) }
    }

    func test_enqueue_overCapacity_dropsOldestAndCounts() {
        var outbox = MQTTOutbox(capacity: 3)
        for n in 0..<5 { outbox.enqueue(message(n)) }
        XCTAssertEqual(outbox.dropped, 2)
        XCTAssertEqual(numbers(outbox), ["2", "3", "4"])
    }

    func test_next_respectsMaxInFlight_andAckFreesSlot() {
        var outbox = MQTTOutbox(capacity: 10)
        for n in 0..<4 { outbox.enqueue(message(n)) }
        let first = outbox.next(maxInFlight: 2)!
        outbox.handedOver(first, mid: 1)
        let second = outbox.next(maxInFlight: 2)!
        outbox.handedOver(second, mid: 2)
        XCTAssertNil(outbox.next(maxInFlight: 2))
        XCTAssertTrue(outbox.acknowledge(mid: 1))
        XCTAssertFalse(outbox.acknowledge(mid: 1), "an id is acknowledged once")
        XCTAssertEqual(outbox.next(maxInFlight: 2)?.sequence, 2)
        XCTAssertEqual(outbox.published, 1)
    }

    func test_connectionLost_requeuesInFlightFirstInOrder() {
        var outbox = MQTTOutbox(capacity: 10)
        for n in 0..<5 { outbox.enqueue(message(n)) }
        for mid in 1...3 { outbox.handedOver(outbox.next(maxInFlight: 10)!, mid: Int32(mid)) }
        outbox.acknowledge(mid: 2)
        outbox.connectionLost()
        XCTAssertEqual(outbox.inFlightCount, 0)
        var order: [UInt64] = []
        while let entry = outbox.next(maxInFlight: 10) { order.append(entry.sequence) }
        XCTAssertEqual(order, [0, 2, 3, 4])
        XCTAssertFalse(outbox.acknowledge(mid: 1), "message ids of the lost connection are forgotten")
    }

    func test_qos0_isDoneWhenHandedOver() {
        var outbox = MQTTOutbox(capacity: 10)
        outbox.enqueue(message(0, qos: 0))
        outbox.handedOver(outbox.next(maxInFlight: 1)!, mid: 7)
        XCTAssertTrue(outbox.isEmpty)
        XCTAssertEqual(outbox.published, 1)
        XCTAssertFalse(outbox.acknowledge(mid: 7))
    }

    func test_overflow_prefersPendingOverInFlight() {
        var outbox = MQTTOutbox(capacity: 3)
        for n in 0..<3 { outbox.enqueue(message(n)) }
        outbox.handedOver(outbox.next(maxInFlight: 5)!, mid: 1)
        let victim = outbox.enqueue(message(3))
        XCTAssertEqual(victim?.sequence, 1, "the oldest pending message goes, not the one in flight")
        XCTAssertEqual(numbers(outbox), ["0", "2", "3"])
    }

    func test_overflow_allInFlight_dropsOldestInFlight() {
        var outbox = MQTTOutbox(capacity: 2)
        for n in 0..<2 { outbox.enqueue(message(n)) }
        for mid in 1...2 { outbox.handedOver(outbox.next(maxInFlight: 5)!, mid: Int32(mid)) }
        XCTAssertEqual(outbox.enqueue(message(2))?.sequence, 0)
        XCTAssertFalse(outbox.acknowledge(mid: 1), "a dropped message's late acknowledgement is ignored")
        XCTAssertEqual(outbox.dropped, 1)
    }

    func test_handOverFailed_putsMessageBackAtFront() {
        var outbox = MQTTOutbox(capacity: 5)
        for n in 0..<3 { outbox.enqueue(message(n)) }
        let entry = outbox.next(maxInFlight: 5)!
        outbox.handOverFailed(entry)
        XCTAssertEqual(outbox.next(maxInFlight: 5)?.sequence, 0)
    }

    func test_manyCycles_keepOrderAndCounts() {
        var outbox = MQTTOutbox(capacity: 100_000)
        for n in 0..<5_000 { outbox.enqueue(message(n)) }
        var delivered: [UInt64] = []
        var mid: Int32 = 0
        while !outbox.isEmpty {
            var handed: [Int32] = []
            while let entry = outbox.next(maxInFlight: 64) {
                mid += 1
                outbox.handedOver(entry, mid: mid)
                handed.append(mid)
                delivered.append(entry.sequence)
            }
            // Acknowledge half, lose the rest with the connection.
            for id in handed.prefix(handed.count / 2 + 1) { outbox.acknowledge(mid: id) }
            outbox.connectionLost()
        }
        XCTAssertEqual(outbox.published, 5_000)
        XCTAssertEqual(Set(delivered).count, 5_000)
        // Every first send happens in order.
        var firstSeen: [UInt64] = []
        var seen = Set<UInt64>()
        for sequence in delivered where seen.insert(sequence).inserted { firstSeen.append(sequence) }
        XCTAssertEqual(firstSeen, Array(0..<5_000))
    }
}
