import Foundation
import GRDB
import VigilCore
import XCTest
@testable import VigilStore

/// Two stores on one file, as `vigil run` and `vigil events` are: WAL lets one read while the other writes.
final class EventStoreConcurrencyTests: XCTestCase {
    var temporary: TemporaryStore!

    override func setUpWithError() throws { temporary = try TemporaryStore() }
    override func tearDown() { temporary.remove() }

    func testReader_seesTheLastCommitWhileAWriteTransactionIsOpen() throws {
        let writer = try temporary.open()
        let reader = try temporary.open()
        try writer.save(makeEvent("a", start: 0))
        try writer.pool.write { db in
            try db.execute(sql: """
                INSERT INTO events (id, camera, label, top_score, start_time) VALUES ('b', 'yard', 'car', 0.9, 1795000001)
                """)
            // Still inside the writer's transaction: the other pool neither blocks nor sees 'b'.
            XCTAssertEqual(try reader.events().map(\.id), ["a"])
        }
        XCTAssertEqual(try reader.events().map(\.id), ["b", "a"])
    }

    func testReader_countsNeverGoBackWhileAnotherPoolWrites() throws {
        let writer = try temporary.open()
        let reader = try temporary.open()
        let total = 200
        let finished = DispatchSemaphore(value: 0)
        let failure = LockedBox<String?>(nil)
        Thread.detachNewThread {
            do {
                for i in 0..<total { try writer.save(makeEvent(String(format: "%04d", i), start: TimeInterval(i))) }
            } catch {
                failure.set("\(error)")
            }
            finished.signal()
        }
        var counts: [Int] = []
        var done = false
        while !done {
            done = finished.wait(timeout: .now()) == .success
            counts.append(try reader.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM events") ?? -1 })
        }
        XCTAssertNil(failure.get())
        XCTAssertEqual(counts.last, total)
        XCTAssertEqual(counts, counts.sorted(), "a reader never sees fewer rows than before")
        XCTAssertEqual(try reader.events(EventFilter(limit: 1)).first?.id, String(format: "%04d", total - 1))
    }
}

/// A value shared between the test and its writer thread.
final class LockedBox<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}
