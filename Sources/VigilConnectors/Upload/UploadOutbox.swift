import Foundation

/// The durable queue of uploads as a state machine: what to persist, what to start, when to try
/// again, when to give up.
///
/// A value type with no I/O and no clock of its own: the ``Uploader`` passes `now` and a random
/// number in, and carries out the returned actions in order. Every change comes with a
/// `.persist` first, so the journal holds an item before it is attempted and marks it done only
/// after the service confirmed it.
///
/// Retries back off exponentially — `initialDelay × multiplier^(failures−1)`, capped at
/// `maxDelay`, spread by ±`jitter` — forever by default for network and server errors;
/// authorization and other refusals mark the item failed at once, for an operator to
/// ``retry(id:now:)``.
public struct UploadOutbox: Sendable {
    /// Retry settings.
    public struct Policy: Sendable, Equatable {
        /// Seconds before the first retry. Default 2.
        public var initialDelay: Double = 2
        /// Longest wait between attempts, seconds. Default 300.
        public var maxDelay: Double = 300
        /// Growth per failure. Default 2.
        public var multiplier: Double = 2
        /// Fraction of the delay added or removed at random (0 to 1). Default 0.2.
        public var jitter: Double = 0.2
        /// Attempts before giving up on retryable errors; nil retries forever (default).
        public var maxAttempts: Int?
        /// Remove the local file once the upload is confirmed. Default false.
        public var deleteLocalAfterUpload = false

        public init() {}
    }

    /// What the caller must do, in order.
    public enum Action: Sendable, Equatable {
        /// Write the item to the journal (replacing the stored one).
        case persist(UploadItem)
        /// Upload the item (it is already persisted as uploading).
        case start(UploadItem)
        /// Free what the service holds for a given-up upload (S3 AbortMultipartUpload).
        case abandon(UploadItem)
        /// Delete the uploaded local file.
        case deleteLocalFile(String)
    }

    /// Why an attempt failed, as the outbox needs to know it.
    public struct Failure: Sendable, Equatable {
        public var retryable: Bool
        /// Names no secret (``UploadError``'s description qualifies).
        public var reason: String

        public init(retryable: Bool, reason: String) {
            self.retryable = retryable
            self.reason = reason
        }
    }

    public let policy: Policy
    private var items: [String: UploadItem] = [:]
    private var order: [String] = []

    /// An outbox holding `restored` (from the journal). Items that were uploading when the process
    /// stopped become pending, due at once, keeping their resume tokens.
    public init(policy: Policy = Policy(), restoring restored: [UploadItem] = []) {
        self.policy = policy
        for var item in restored.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            if item.state == .uploading { item.state = .pending }
            items[item.id] = item
            order.append(item.id)
        }
    }

    /// Every item, oldest first.
    public var all: [UploadItem] { order.compactMap { items[$0] } }
    public subscript(id: String) -> UploadItem? { items[id] }
    /// Items not yet done or failed.
    public var outstandingCount: Int { items.values.filter { $0.state == .pending || $0.state == .uploading }.count }

    /// Adds `item` as pending, due now. An id already held is kept as it is (no action).
    public mutating func enqueue(_ item: UploadItem, now: Date) -> [Action] {
        guard items[item.id] == nil else { return [] }
        var item = item
        item.state = .pending
        item.nextAttemptAt = now
        items[item.id] = item
        order.append(item.id)
        return [.persist(item)]
    }

    /// The oldest pending item that is due, marked uploading with one more attempt: persist, then
    /// start. Empty when nothing is due or an attempt is already under way (one at a time).
    public mutating func nextAttempt(now: Date) -> [Action] {
        guard !items.values.contains(where: { $0.state == .uploading }) else { return [] }
        guard let id = order.first(where: { items[$0]?.state == .pending && items[$0]!.nextAttemptAt <= now }),
              var item = items[id] else { return [] }
        item.state = .uploading
        item.attempts += 1
        items[id] = item
        return [.persist(item), .start(item)]
    }

    /// The earliest instant a pending item falls due; nil when none is pending.
    public var nextDue: Date? {
        items.values.filter { $0.state == .pending }.map(\.nextAttemptAt).min()
    }

    /// Records progress of the attempt under way (a confirmed part or block).
    public mutating func progressed(id: String, resume: UploadResumeToken) -> [Action] {
        guard var item = items[id], item.state == .uploading else { return [] }
        item.resume = resume
        items[id] = item
        return [.persist(item)]
    }

    /// Records that the service confirmed the upload.
    public mutating func succeeded(id: String, now: Date) -> [Action] {
        guard var item = items[id], item.state == .uploading else { return [] }
        item.state = .done
        item.completedAt = now
        item.resume = nil
        items[id] = item
        var actions: [Action] = [.persist(item)]
        if policy.deleteLocalAfterUpload { actions.append(.deleteLocalFile(item.file)) }
        return actions
    }

    /// Records a failed attempt: back off and stay pending, or fail (and abandon, when giving up
    /// after `maxAttempts`). `random` is uniform in 0..<1 and spreads the delay.
    public mutating func failed(id: String, failure: Failure, now: Date, random: Double) -> [Action] {
        guard var item = items[id], item.state == .uploading else { return [] }
        item.lastError = failure.reason
        if !failure.retryable {
            item.state = .failed(reason: failure.reason)
            items[id] = item
            return [.persist(item)]
        }
        if let max = policy.maxAttempts, item.attempts >= max {
            item.state = .failed(reason: "gave up after \(item.attempts) attempts: \(failure.reason)")
            items[id] = item
            return item.resume == nil ? [.persist(item)] : [.persist(item), .abandon(item)]
        }
        item.state = .pending
        item.nextAttemptAt = now.addingTimeInterval(delay(afterFailures: item.attempts, random: random))
        items[id] = item
        return [.persist(item)]
    }

    /// Records that the attempt under way was cut short by the uploader stopping (not a failure):
    /// pending again, due at once, keeping its resume token. Nothing to persist: the journal's
    /// `uploading` entry restores the same way.
    public mutating func interrupted(id: String) {
        guard var item = items[id], item.state == .uploading else { return }
        item.state = .pending
        items[id] = item
    }

    /// An operator's retry of a failed item: pending again, due now, attempts counted afresh.
    public mutating func retry(id: String, now: Date) -> [Action] {
        guard var item = items[id], case .failed = item.state else { return [] }
        item.state = .pending
        item.attempts = 0
        item.nextAttemptAt = now
        items[id] = item
        return [.persist(item)]
    }

    /// Seconds to wait after `failures` consecutive failures, with jitter from `random`.
    public func delay(afterFailures failures: Int, random: Double) -> Double {
        let exponent = Double(max(0, failures - 1))
        let base = min(policy.maxDelay, policy.initialDelay * pow(policy.multiplier, exponent))
        let spread = policy.jitter * (2 * min(max(random, 0), 1) - 1)
        return max(0, base * (1 + spread))
    }
}
