import Foundation
import Logging
import XCTest
@testable import VigilConnectors

/// Uploads to moto (PyPI's S3 stand-in) in server mode: single PUT, multipart, a network cut
/// between the parts (through scripts/tcp-cut-proxy.py) and an uploader killed mid-upload.
final class S3UploadTests: XCTestCase {
    let credentials = S3Credentials(accessKeyID: "AKIAVIGILTESTKEY", secretAccessKey: "vigil-s3-secret-\(UUID().uuidString)")
    let fields = ObjectNameFields(camera: "front door", timestamp: Date(timeIntervalSince1970: 1_704_164_645),
                                  eventID: "e1", kind: "clip", ext: "mp4")

    func configuration(port: Int, bucket: String = "clips") -> S3Configuration {
        var configuration = S3Configuration(endpoint: URL(string: "http://127.0.0.1:\(port)")!, bucket: bucket, credentials: credentials)
        configuration.multipartThreshold = 6 * 1024 * 1024
        configuration.partSize = S3Configuration.minimumPartSize
        return configuration
    }

    func fastRetries() -> UploaderConfiguration {
        var configuration = UploaderConfiguration()
        configuration.policy.initialDelay = 0.05
        configuration.policy.maxDelay = 0.2
        configuration.policy.jitter = 0
        return configuration
    }

    func target(_ configuration: S3Configuration, transport: any StorageTransport, logger: Logger) throws -> UploadTarget {
        try UploadTargetConfiguration(name: "clips", service: .s3(configuration), objectName: "{camera}/{date}/{event_id}.{ext}")
            .resolve(transport: transport, logger: logger)
    }

    func makeBucket(port: Int, bucket: String = "clips") async throws -> S3Client {
        let admin = S3Client(configuration: configuration(port: port, bucket: bucket))
        try await admin.createBucket()
        return admin
    }

    func waitUntilSettled(_ uploader: Uploader, id: String, timeout: Double = 120) async -> UploadItem? {
        _ = await eventually(timeout: timeout) {
            let state = await uploader.item(id: id)?.state
            return state == .done || { if case .failed = state { return true } else { return false } }()
        }
        return await uploader.item(id: id)
    }

    func testSmallFile_singlePutVerifiedByETagWithMetadata() async throws {
        let moto = try MotoServer()
        let admin = try await makeBucket(port: moto.port)
        let scratch = try UploadScratch()
        let file = try scratch.file("e1.mp4", size: 200_000, seed: 1)
        let logs = UploadLogCapture.Store()
        let logger = UploadLogCapture.logger(logs)
        let transport = RecordingTransport()
        let uploader = try Uploader(configuration: fastRetries(),
                                    targets: [target(configuration(port: moto.port), transport: transport, logger: logger)],
                                    journal: FileUploadJournal(url: scratch.journalURL), logger: logger)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields,
                                                            metadata: ["camera": "front door", "score": "0.91", "tags": "person,car"]))
        XCTAssertEqual(item.objectName, "front_door/2024-01-02/e1.mp4")

        let settled = await waitUntilSettled(uploader, id: item.id)
        XCTAssertEqual(settled?.state, .done, "\(String(describing: settled)); requests:\n\(transport.summary)")
        let head = try await admin.headObject(key: item.objectName)
        XCTAssertEqual(head?.etag, try md5Hex(of: file))
        XCTAssertEqual(head?.metadata, ["camera": "front door", "score": "0.91", "tags": "person,car"])
        let stored = try await admin.getObject(key: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), try md5Hex(of: file))
        XCTAssertEqual(transport.puts(containing: "partNumber"), 0, "one PUT, no multipart")
        let journal = try FileUploadJournal(url: scratch.journalURL).load()
        XCTAssertEqual(journal.map(\.state), [.done], "done only after the service confirmed")
        XCTAssertFalse(logs.text.contains(credentials.secretAccessKey), "the secret reached the logs")
        XCTAssertTrue(logs.text.contains("upload done"), logs.text)
    }

    func testLargeFile_multipartCompletesWithTheCompositeETag() async throws {
        let moto = try MotoServer()
        let admin = try await makeBucket(port: moto.port)
        let scratch = try UploadScratch()
        let file = try scratch.file("e2.mp4", size: 12 * 1024 * 1024 + 123, seed: 2)
        let transport = RecordingTransport()
        let uploader = try Uploader(configuration: fastRetries(),
                                    targets: [target(configuration(port: moto.port), transport: transport, logger: Logger(label: "test"))],
                                    journal: FileUploadJournal(url: scratch.journalURL))
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields, metadata: ["camera": "front"]))

        let settled = await waitUntilSettled(uploader, id: item.id)
        XCTAssertEqual(settled?.state, .done, "\(String(describing: settled)); requests:\n\(transport.summary)")
        XCTAssertEqual(transport.successfulPuts(containing: "partNumber="), 3, transport.summary)
        let head = try await admin.headObject(key: item.objectName)
        XCTAssertTrue(head?.etag.hasSuffix("-3") == true, "\(String(describing: head))")
        XCTAssertEqual(head?.metadata["camera"], "front")
        let stored = try await admin.getObject(key: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), try md5Hex(of: file))
        let keys = try await admin.listObjects()
        XCTAssertEqual(keys, [item.objectName])
    }

    func testNetworkCutBetweenParts_resumesWithoutResendingConfirmedParts() async throws {
        let moto = try MotoServer()
        let admin = try await makeBucket(port: moto.port)
        let proxy = try CutProxy(targetPort: moto.port)
        let scratch = try UploadScratch()
        let file = try scratch.file("e3.mp4", size: 11 * 1024 * 1024, seed: 3)
        let transport = RecordingTransport()
        let once = Once()
        transport.afterResponse = { request, response in
            if request.url.query?.contains("partNumber=2&") == true, response.status == 200, once.first() { try proxy.cut() }
        }
        let uploader = try Uploader(configuration: fastRetries(),
                                    targets: [target(configuration(port: proxy.port), transport: transport, logger: Logger(label: "test"))],
                                    journal: FileUploadJournal(url: scratch.journalURL))
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields))

        // Wait for two failed retries during the outage, then bring the network back.
        let retried = await eventually { (await uploader.item(id: item.id)?.attempts ?? 0) >= 3 }
        XCTAssertTrue(retried, transport.summary)
        let during = await uploader.item(id: item.id)
        XCTAssertNotEqual(during?.state, .done)
        try proxy.restore()

        let settled = await waitUntilSettled(uploader, id: item.id)
        XCTAssertEqual(settled?.state, .done, "\(String(describing: settled)); requests:\n\(transport.summary)")
        XCTAssertEqual(transport.puts(containing: "partNumber=1&"), 1, transport.summary)
        XCTAssertEqual(transport.puts(containing: "partNumber=2&"), 1, transport.summary)
        XCTAssertEqual(transport.successfulPuts(containing: "partNumber=3&"), 1, transport.summary)
        let keys = try await admin.listObjects()
        XCTAssertEqual(keys, [item.objectName], "exactly one object")
        let stored = try await admin.getObject(key: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), try md5Hex(of: file))
    }

    func testUploaderKilledMidUpload_newUploaderResumesFromTheJournal() async throws {
        let moto = try MotoServer()
        let admin = try await makeBucket(port: moto.port)
        let scratch = try UploadScratch()
        let large = try scratch.file("big.mp4", size: 11 * 1024 * 1024, seed: 4)
        let small = try scratch.file("small.jpg", size: 50_000, seed: 5)
        let snapshot = ObjectNameFields(camera: "front door", timestamp: fields.timestamp, eventID: "e1", kind: "snapshot", ext: "jpg")

        // First process: stopped dead right after S3 stored part 2, before its journal entry.
        let first = RecordingTransport()
        let killer = TaskBox()
        first.afterResponse = { request, response in
            if request.url.query?.contains("partNumber=2&") == true {
                killer.cancel()
                throw CancellationError()
            }
        }
        let uploaderA = try Uploader(configuration: fastRetries(),
                                     targets: [target(configuration(port: moto.port), transport: first, logger: Logger(label: "a"))],
                                     journal: FileUploadJournal(url: scratch.journalURL))
        let bigItem = try await uploaderA.enqueue(UploadRequest(file: large, target: "clips", fields: fields))
        let smallItem = try await uploaderA.enqueue(UploadRequest(file: small, target: "clips", fields: snapshot))
        let runA = Task { await uploaderA.run() }
        killer.set(runA)
        await runA.value

        let journaled = try FileUploadJournal(url: scratch.journalURL).load()
        let stopped = try XCTUnwrap(journaled.first { $0.id == bigItem.id })
        XCTAssertEqual(stopped.state, .uploading)
        guard case .s3Multipart(let uploadID, _, let parts)? = stopped.resume else { return XCTFail("\(stopped)") }
        XCTAssertEqual(parts.map(\.number), [1], "part 2 was stored but not journaled")
        XCTAssertEqual(journaled.first { $0.id == smallItem.id }?.state, .pending)

        // Second process, same journal file.
        let second = RecordingTransport()
        let uploaderB = try Uploader(configuration: fastRetries(),
                                     targets: [target(configuration(port: moto.port), transport: second, logger: Logger(label: "b"))],
                                     journal: FileUploadJournal(url: scratch.journalURL))
        let runB = Task { await uploaderB.run() }
        defer { runB.cancel() }
        let bigDone = await waitUntilSettled(uploaderB, id: bigItem.id)
        let smallDone = await waitUntilSettled(uploaderB, id: smallItem.id)
        XCTAssertEqual(bigDone?.state, .done, "\(String(describing: bigDone)); requests:\n\(second.summary)")
        XCTAssertEqual(smallDone?.state, .done, "\(String(describing: smallDone)); requests:\n\(second.summary)")
        XCTAssertEqual(second.puts(containing: "partNumber=1&"), 0, "ListParts showed part 1: \(second.summary)")
        XCTAssertEqual(second.puts(containing: "partNumber=2&"), 0, "ListParts showed part 2: \(second.summary)")
        XCTAssertEqual(second.successfulPuts(containing: "partNumber=3&"), 1, second.summary)
        XCTAssertEqual(second.puts(containing: "uploads"), 0, "the persisted UploadId \(uploadID) was reused: \(second.summary)")
        let keys = try await admin.listObjects()
        XCTAssertEqual(keys.sorted(), [bigItem.objectName, smallItem.objectName].sorted(), "each object exactly once")
        let bigStored = try await admin.getObject(key: bigItem.objectName)
        let smallStored = try await admin.getObject(key: smallItem.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(bigStored)), try md5Hex(of: large))
        XCTAssertEqual(Digests.hex(Digests.md5(smallStored)), try md5Hex(of: small))
    }

    func testMissingBucket_failsWithTheServiceCodeAndNoSecret() async throws {
        let moto = try MotoServer()
        let scratch = try UploadScratch()
        let file = try scratch.file("e5.mp4", size: 1000, seed: 6)
        let logs = UploadLogCapture.Store()
        let logger = UploadLogCapture.logger(logs)
        let uploader = try Uploader(configuration: fastRetries(),
                                    targets: [target(configuration(port: moto.port, bucket: "no-such-bucket"), transport: URLSessionStorageTransport(), logger: logger)],
                                    journal: FileUploadJournal(url: scratch.journalURL), logger: logger)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields))
        let settled = await waitUntilSettled(uploader, id: item.id)
        guard case .failed(let reason)? = settled?.state else { return XCTFail("\(String(describing: settled))") }
        XCTAssertTrue(reason.contains("NoSuchBucket"), reason)
        XCTAssertFalse(reason.contains(credentials.secretAccessKey))
        XCTAssertFalse(logs.text.contains(credentials.secretAccessKey), "the secret reached the logs")
        XCTAssertFalse(logs.text.contains("Signature="), "an Authorization header reached the logs")
    }
}

/// True the first time only.
final class Once: @unchecked Sendable {
    private let lock = NSLock()
    private var done = false
    func first() -> Bool { lock.lock(); defer { lock.unlock() }; if done { return false }; done = true; return true }
}

/// Holds a task so that a transport hook can cancel it.
final class TaskBox: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var requested = false
    func set(_ task: Task<Void, Never>) {
        lock.lock(); self.task = task; let cancel = requested; lock.unlock()
        if cancel { task.cancel() }
    }
    func cancel() { lock.lock(); requested = true; let task = self.task; lock.unlock(); task?.cancel() }
}
