import Foundation
import XCTest
@testable import VigilConnectors

final class UploadOutboxTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    func item(_ id: String, at date: Date? = nil) -> UploadItem {
        UploadItem(id: id, file: "/tmp/\(id).mp4", target: "clips", objectName: "cam/\(id).mp4", contentType: "video/mp4",
                   metadata: [:], size: 10, md5: "00", createdAt: date ?? t0)
    }

    func policy(maxAttempts: Int? = nil, jitter: Double = 0, deleteLocal: Bool = false) -> UploadOutbox.Policy {
        var policy = UploadOutbox.Policy()
        policy.initialDelay = 2
        policy.maxDelay = 60
        policy.jitter = jitter
        policy.maxAttempts = maxAttempts
        policy.deleteLocalAfterUpload = deleteLocal
        return policy
    }

    func testEnqueue_persistsBeforeStarting() {
        var outbox = UploadOutbox(policy: policy())
        let enqueued = outbox.enqueue(item("a"), now: t0)
        guard case .persist(let persisted)? = enqueued.first else { return XCTFail("\(enqueued)") }
        XCTAssertEqual(persisted.state, .pending)
        let actions = outbox.nextAttempt(now: t0)
        XCTAssertEqual(actions.count, 2)
        guard case .persist(let uploading) = actions[0], case .start(let started) = actions[1] else { return XCTFail("\(actions)") }
        XCTAssertEqual(uploading.state, .uploading)
        XCTAssertEqual(uploading.attempts, 1)
        XCTAssertEqual(started, uploading)
    }

    func testOneAttemptAtATime_oldestFirst() {
        var outbox = UploadOutbox(policy: policy())
        _ = outbox.enqueue(item("a", at: t0), now: t0)
        _ = outbox.enqueue(item("b", at: t0.addingTimeInterval(1)), now: t0)
        guard case .start(let first)? = outbox.nextAttempt(now: t0).last else { return XCTFail() }
        XCTAssertEqual(first.id, "a")
        XCTAssertTrue(outbox.nextAttempt(now: t0).isEmpty, "b waits while a is under way")
        _ = outbox.succeeded(id: "a", now: t0)
        guard case .start(let second)? = outbox.nextAttempt(now: t0).last else { return XCTFail() }
        XCTAssertEqual(second.id, "b")
    }

    func testRetryableFailure_backsOffExponentiallyUpToTheCap() {
        var outbox = UploadOutbox(policy: policy())
        _ = outbox.enqueue(item("a"), now: t0)
        var now = t0
        var delays: [Double] = []
        for _ in 0..<7 {
            _ = outbox.nextAttempt(now: now)
            _ = outbox.failed(id: "a", failure: .init(retryable: true, reason: "network"), now: now, random: 0.5)
            let due = outbox["a"]!.nextAttemptAt
            delays.append(due.timeIntervalSince(now))
            XCTAssertTrue(outbox.nextAttempt(now: due.addingTimeInterval(-0.001)).isEmpty, "not due yet")
            XCTAssertEqual(outbox.nextDue, due)
            now = due
        }
        XCTAssertEqual(delays, [2, 4, 8, 16, 32, 60, 60])
        XCTAssertEqual(outbox["a"]?.state, .pending, "retries forever by default")
        XCTAssertEqual(outbox["a"]?.lastError, "network")
    }

    func testJitter_spreadsTheDelayByTheRandomValue() {
        let outbox = UploadOutbox(policy: policy(jitter: 0.25))
        XCTAssertEqual(outbox.delay(afterFailures: 3, random: 0), 6)     // 8 × 0.75
        XCTAssertEqual(outbox.delay(afterFailures: 3, random: 0.5), 8)
        XCTAssertEqual(outbox.delay(afterFailures: 3, random: 1), 10)    // 8 × 1.25
    }

    func testAuthorizationFailure_failsAtOnceAndOperatorRetryRequeues() {
        var outbox = UploadOutbox(policy: policy())
        _ = outbox.enqueue(item("a"), now: t0)
        _ = outbox.nextAttempt(now: t0)
        let actions = outbox.failed(id: "a", failure: .init(retryable: false, reason: "403 AuthenticationFailed"), now: t0, random: 0)
        XCTAssertEqual(outbox["a"]?.state, .failed(reason: "403 AuthenticationFailed"))
        XCTAssertEqual(actions.count, 1, "no abandon: an operator may retry")
        XCTAssertTrue(outbox.nextAttempt(now: t0.addingTimeInterval(3600)).isEmpty)
        _ = outbox.retry(id: "a", now: t0)
        XCTAssertEqual(outbox["a"]?.state, .pending)
        XCTAssertEqual(outbox["a"]?.attempts, 0)
        XCTAssertFalse(outbox.nextAttempt(now: t0).isEmpty)
    }

    func testMaxAttempts_givesUpAndAbandonsAStartedMultipart() {
        var outbox = UploadOutbox(policy: policy(maxAttempts: 2))
        _ = outbox.enqueue(item("a"), now: t0)
        _ = outbox.nextAttempt(now: t0)
        _ = outbox.progressed(id: "a", resume: .s3Multipart(uploadID: "u1", partSize: 5, parts: []))
        _ = outbox.failed(id: "a", failure: .init(retryable: true, reason: "timeout"), now: t0, random: 0.5)
        _ = outbox.nextAttempt(now: t0.addingTimeInterval(10))
        let actions = outbox.failed(id: "a", failure: .init(retryable: true, reason: "timeout"), now: t0, random: 0.5)
        XCTAssertEqual(outbox["a"]?.state, .failed(reason: "gave up after 2 attempts: timeout"))
        guard case .abandon(let abandoned)? = actions.last else { return XCTFail("\(actions)") }
        XCTAssertEqual(abandoned.resume, .s3Multipart(uploadID: "u1", partSize: 5, parts: []))
    }

    func testSuccess_marksDoneAndDeletesWhenAsked() {
        var outbox = UploadOutbox(policy: policy(deleteLocal: true))
        _ = outbox.enqueue(item("a"), now: t0)
        _ = outbox.nextAttempt(now: t0)
        let actions = outbox.succeeded(id: "a", now: t0)
        XCTAssertEqual(outbox["a"]?.state, .done)
        XCTAssertEqual(actions.last, .deleteLocalFile("/tmp/a.mp4"))
        XCTAssertEqual(outbox.outstandingCount, 0)
    }

    func testRestore_interruptedUploadIsDueAgainWithItsResumeToken() {
        var stored = item("a")
        stored.state = .uploading
        stored.attempts = 1
        stored.nextAttemptAt = t0.addingTimeInterval(100)
        stored.resume = .azureBlocks(blockSize: 4, blockIDs: ["x"])
        var done = item("b")
        done.state = .done
        var outbox = UploadOutbox(policy: policy(), restoring: [done, stored])
        XCTAssertEqual(outbox["a"]?.state, .pending)
        XCTAssertEqual(outbox["b"]?.state, .done)
        guard case .start(let started)? = outbox.nextAttempt(now: t0.addingTimeInterval(100)).last else { return XCTFail() }
        XCTAssertEqual(started.resume, .azureBlocks(blockSize: 4, blockIDs: ["x"]))
        XCTAssertEqual(started.attempts, 2)
    }

    func testInterrupted_isDueAgainWithoutCountingAFailure() {
        var outbox = UploadOutbox(policy: policy())
        _ = outbox.enqueue(item("a"), now: t0)
        _ = outbox.nextAttempt(now: t0)
        _ = outbox.progressed(id: "a", resume: .azureBlocks(blockSize: 4, blockIDs: ["x"]))
        outbox.interrupted(id: "a")
        XCTAssertEqual(outbox["a"]?.state, .pending)
        XCTAssertNil(outbox["a"]?.lastError)
        guard case .start(let again)? = outbox.nextAttempt(now: t0).last else { return XCTFail() }
        XCTAssertEqual(again.resume, .azureBlocks(blockSize: 4, blockIDs: ["x"]))
    }

    func testEnqueueTwice_keepsTheFirst() {
        var outbox = UploadOutbox(policy: policy())
        _ = outbox.enqueue(item("a"), now: t0)
        XCTAssertTrue(outbox.enqueue(item("a"), now: t0).isEmpty)
        XCTAssertEqual(outbox.all.count, 1)
    }
}
