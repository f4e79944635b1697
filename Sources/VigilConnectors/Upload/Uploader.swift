import Foundation
import Logging

/// How the ``Uploader`` retries and paces uploads.
public struct UploaderConfiguration: Sendable, Equatable {
    /// Backoff, attempt limit and delete-after-upload. Defaults: see ``UploadOutbox/Policy``.
    public var policy = UploadOutbox.Policy()
    /// Bytes per second of file data sent, over all targets; nil (default) for no limit.
    public var bandwidthLimit: Int?

    public init() {}
}

/// The worker that carries out the ``UploadOutbox``'s actions against the storage services.
///
/// Call ``run()`` in a task and cancel the task to stop. Items are uploaded one at a time, oldest
/// due first; each is journaled before it is attempted and after each confirmed part or block,
/// so a new `Uploader` built on the same journal resumes where a killed one stopped. The clock
/// and the random source (backoff jitter) are injectable. Credentials never reach its logs: it
/// logs items, object names and ``UploadError`` descriptions only.
public actor Uploader {
    private var outbox: UploadOutbox
    private let targets: [String: UploadTarget]
    private let journal: any UploadJournal
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let random: @Sendable () -> Double
    private var bucket: TokenBucket?
    private var wakeup: CheckedContinuation<Void, Never>?

    /// Loads the journal; items that were uploading when the last process stopped are due again.
    public init(configuration: UploaderConfiguration = UploaderConfiguration(), targets: [UploadTarget],
                journal: any UploadJournal, logger: Logger = Logger(label: "vigil.upload"),
                now: @escaping @Sendable () -> Date = { Date() },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) throws {
        outbox = UploadOutbox(policy: configuration.policy, restoring: try journal.load())
        self.targets = Dictionary(targets.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.journal = journal
        self.logger = logger
        self.now = now
        self.random = random
        bucket = configuration.bandwidthLimit.map { TokenBucket(rate: Double($0)) }
    }

    /// Every item, oldest first.
    public var items: [UploadItem] { outbox.all }

    /// The item with `id`, if held.
    public func item(id: String) -> UploadItem? { outbox[id] }

    /// Measures the file (size, MD5), names the object and journals the item before returning it.
    /// An id already queued returns the queued item unchanged.
    @discardableResult
    public func enqueue(_ request: UploadRequest) throws -> UploadItem {
        guard let target = targets[request.target] else {
            throw UploadError(.invalidConfiguration, context: "upload.target", "no upload target named '\(request.target)'")
        }
        let id = request.id ?? "\(request.target)/\(request.fields.eventID)/\(request.fields.kind)"
        if let existing = outbox[id] { return existing }
        let (md5, size) = try Digests.md5OfFile(at: request.file.path)
        let item = UploadItem(id: id, file: request.file.path, target: target.name,
                              objectName: target.template.render(request.fields),
                              contentType: request.contentType ?? UploadRequest.contentType(forExtension: request.fields.ext),
                              metadata: try UploadRequest.sanitized(request.metadata), size: size, md5: md5, createdAt: now())
        for action in outbox.enqueue(item, now: now()) {
            if case .persist(let persisted) = action { try journal.save(persisted) }
        }
        logger.info("upload queued", metadata: ["item": "\(id)", "object": "\(item.objectName)", "bytes": "\(size)"])
        wake()
        return outbox[id] ?? item
    }

    /// An operator's retry of a failed item.
    public func retry(id: String) throws {
        for action in outbox.retry(id: id, now: now()) {
            if case .persist(let item) = action { try journal.save(item) }
        }
        wake()
    }

    /// Uploads due items until the calling task is cancelled.
    public func run() async {
        logger.debug("uploader started", metadata: ["outstanding": "\(outbox.outstandingCount)"])
        while !Task.isCancelled {
            let actions = outbox.nextAttempt(now: now())
            if actions.isEmpty {
                await waitForWork()
                continue
            }
            await perform(actions)
        }
        logger.debug("uploader stopped")
    }

    // MARK: - Carrying out actions

    private func perform(_ actions: [UploadOutbox.Action]) async {
        for action in actions {
            switch action {
            case .persist(let item):
                do { try journal.save(item) } catch {
                    // Never attempt what is not journaled: back off as for a failed attempt.
                    logger.error("cannot journal upload", metadata: ["item": "\(item.id)", "error": "\(error)"])
                    if item.state == .uploading {
                        let failure = UploadOutbox.Failure(retryable: true, reason: "cannot journal: \(error)")
                        _ = outbox.failed(id: item.id, failure: failure, now: now(), random: random())
                    }
                    return
                }
            case .start(let item):
                await attempt(item)
            case .abandon(let item):
                do { try await targets[item.target]?.destination.abandon(item) } catch {
                    logger.warning("cannot abandon upload", metadata: ["item": "\(item.id)", "error": "\(error)"])
                }
            case .deleteLocalFile(let path):
                do { try FileManager.default.removeItem(atPath: path) } catch {
                    logger.warning("cannot delete uploaded file", metadata: ["file": "\(path)", "error": "\(error)"])
                }
            }
        }
    }

    private func attempt(_ item: UploadItem) async {
        let metadata: Logger.Metadata = ["item": "\(item.id)", "object": "\(item.objectName)", "attempt": "\(item.attempts)"]
        guard let target = targets[item.target] else {
            let failure = UploadOutbox.Failure(retryable: false, reason: "no upload target named '\(item.target)'")
            await perform(outbox.failed(id: item.id, failure: failure, now: now(), random: random()))
            return
        }
        logger.debug("upload attempt", metadata: metadata)
        let id = item.id
        let context = UploadAttemptContext(
            progressed: { [weak self] token in await self?.progressed(id: id, token: token) },
            throttle: { [weak self] bytes in try await self?.throttle(bytes) })
        do {
            let receipt = try await target.destination.upload(item, context: context)
            logger.info("upload done", metadata: metadata.merging(["verified": "\(receipt.verifiedBy)", "bodies": "\(receipt.bodiesSent)"]) { a, _ in a })
            await perform(outbox.succeeded(id: id, now: now()))
        } catch is CancellationError {
            // Stopping: the journal keeps the item as uploading, resumed by the next run.
            logger.debug("upload interrupted", metadata: metadata)
            outbox.interrupted(id: id)
        } catch {
            if Task.isCancelled {
                logger.debug("upload interrupted", metadata: metadata)
                outbox.interrupted(id: id)
                return
            }
            let retryable = (error as? UploadError)?.isRetryable ?? true
            logger.warning("upload attempt failed", metadata: metadata.merging(["error": "\(error)", "retry": "\(retryable)"]) { a, _ in a })
            await perform(outbox.failed(id: id, failure: .init(retryable: retryable, reason: "\(error)"), now: now(), random: random()))
        }
    }

    private func progressed(id: String, token: UploadResumeToken) async {
        for action in outbox.progressed(id: id, resume: token) {
            guard case .persist(let item) = action else { continue }
            // A lost progress write only costs re-checking parts with the service on resume.
            do { try journal.save(item) } catch {
                logger.warning("cannot journal upload progress", metadata: ["item": "\(id)", "error": "\(error)"])
            }
        }
    }

    private func throttle(_ bytes: Int) async throws {
        guard var limit = bucket else { return }
        let wait = limit.reserve(bytes, now: now().timeIntervalSince1970)
        bucket = limit
        if wait > 0 { try await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
    }

    // MARK: - Waiting

    /// Returns when an item falls due, one is queued or retried, or the task is cancelled.
    private func waitForWork() async {
        let delay = outbox.nextDue.map { max(0, $0.timeIntervalSince(now())) }
        if delay == 0 { return }
        var timer: Task<Void, Never>?
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if Task.isCancelled {
                    continuation.resume()
                    return
                }
                wakeup = continuation
                if let delay {
                    timer = Task { [weak self] in
                        try? await Task.sleep(nanoseconds: UInt64(delay * 1e9))
                        await self?.wake()
                    }
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.wake() }
        }
        timer?.cancel()
    }

    private func wake() {
        wakeup?.resume()
        wakeup = nil
    }
}
