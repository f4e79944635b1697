import Foundation
import Logging
import XCTest
@testable import VigilConnectors

/// Uploads to scripts/azure-blob-standin.py, which recomputes every Shared Key signature in
/// Python and checks Content-MD5: Put Blob, blocks, a network cut between blocks, SAS mode and
/// a wrong key. (Azurite would be the fuller stand-in, but it comes from npm, which this
/// project's machines cannot reach.)
final class AzureBlobUploadTests: XCTestCase {
    static let account = "devstoreaccount1"
    static let key = Data((0..<64).map { UInt8($0 * 7 & 0xff) }).base64EncodedString()
    let fields = ObjectNameFields(camera: "yard", timestamp: Date(timeIntervalSince1970: 1_704_164_645), eventID: "a1", kind: "clip", ext: "mp4")

    func configuration(port: Int, key: String = AzureBlobUploadTests.key, sas: String? = nil) throws -> AzureBlobConfiguration {
        let authorization: AzureBlobConfiguration.Authorization = try sas.map { .sas($0) }
            ?? .sharedKey(AzureSharedKeyCredential(account: Self.account, base64Key: key))
        var configuration = AzureBlobConfiguration(endpoint: URL(string: "http://127.0.0.1:\(port)/\(Self.account)")!,
                                                   container: "clips", authorization: authorization)
        configuration.singlePutThreshold = 100_000
        configuration.blockSize = 64 * 1024
        return configuration
    }

    func uploader(_ configuration: AzureBlobConfiguration, transport: any StorageTransport, journal: URL,
                  logger: Logger = Logger(label: "test"), deleteLocal: Bool = false) throws -> Uploader {
        var settings = UploaderConfiguration()
        settings.policy.deleteLocalAfterUpload = deleteLocal
        settings.policy.initialDelay = 0.05
        settings.policy.maxDelay = 0.2
        settings.policy.jitter = 0
        let target = try UploadTargetConfiguration(name: "clips", service: .azureBlob(configuration)).resolve(transport: transport, logger: logger)
        return try Uploader(configuration: settings, targets: [target], journal: FileUploadJournal(url: journal), logger: logger)
    }

    func settled(_ uploader: Uploader, _ id: String) async -> UploadItem? {
        _ = await eventually(timeout: 60) {
            let state = await uploader.item(id: id)?.state
            if case .failed = state { return true }
            return state == .done
        }
        return await uploader.item(id: id)
    }

    func testSmallFile_putBlobVerifiedByContentMD5WithMetadata() async throws {
        let standin = try AzureBlobStandin(account: Self.account, key: Self.key)
        let scratch = try UploadScratch()
        let file = try scratch.file("a1.mp4", size: 40_000, seed: 11)
        let transport = RecordingTransport()
        let uploader = try uploader(configuration(port: standin.port), transport: transport, journal: scratch.journalURL, deleteLocal: true)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let expectedMD5 = try md5Hex(of: file)
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields,
                                                            metadata: ["camera": "yard", "score": "0.5", "tags": "cat"]))
        let done = await settled(uploader, item.id)
        XCTAssertEqual(done?.state, .done, "\(String(describing: done)); \(transport.summary)\n\(standin.printed)")
        XCTAssertEqual(transport.puts(containing: "comp=block"), 0)

        let client = AzureBlobClient(configuration: try configuration(port: standin.port))
        let properties = try await client.blobProperties(name: item.objectName)
        XCTAssertEqual(properties?.metadata, ["camera": "yard", "score": "0.5", "tags": "cat"])
        let stored = try await client.getBlob(name: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), expectedMD5)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path), "deleted after the confirmed upload")
    }

    func testLargeFile_blocksThenBlockList() async throws {
        let standin = try AzureBlobStandin(account: Self.account, key: Self.key)
        let scratch = try UploadScratch()
        let file = try scratch.file("a2.mp4", size: 300_000, seed: 12)
        let transport = RecordingTransport()
        let uploader = try uploader(configuration(port: standin.port), transport: transport, journal: scratch.journalURL)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields, metadata: ["camera": "yard"]))
        let done = await settled(uploader, item.id)
        XCTAssertEqual(done?.state, .done, "\(String(describing: done)); \(transport.summary)\n\(standin.printed)")
        XCTAssertEqual(transport.successfulPuts(containing: "blockid="), 5, transport.summary)  // blockid=…&comp=block
        XCTAssertEqual(transport.successfulPuts(containing: "comp=blocklist"), 1, transport.summary)
        let client = AzureBlobClient(configuration: try configuration(port: standin.port))
        let stored = try await client.getBlob(name: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), try md5Hex(of: file))
        let properties = try await client.blobProperties(name: item.objectName)
        XCTAssertEqual(properties?.metadata["camera"], "yard")
    }

    func testNetworkCutBetweenBlocks_resumesFromGetBlockList() async throws {
        let standin = try AzureBlobStandin(account: Self.account, key: Self.key)
        let proxy = try CutProxy(targetPort: standin.port)
        let scratch = try UploadScratch()
        let file = try scratch.file("a3.mp4", size: 300_000, seed: 13)
        let transport = RecordingTransport()
        let counter = Counter()
        transport.afterResponse = { request, response in
            if request.url.query?.contains("blockid=") == true, response.status == 201, counter.increment() == 2 { try proxy.cut() }
        }
        let uploader = try uploader(configuration(port: proxy.port), transport: transport, journal: scratch.journalURL)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields))
        let retried = await eventually { (await uploader.item(id: item.id)?.attempts ?? 0) >= 3 }
        XCTAssertTrue(retried, transport.summary)
        try proxy.restore()
        let done = await settled(uploader, item.id)
        XCTAssertEqual(done?.state, .done, "\(String(describing: done)); \(transport.summary)")

        let size = try configuration(port: standin.port).effectiveBlockSize(forFileOfSize: item.size)
        for index in 0..<5 {
            let id = S3Signer.uriEncode(AzureBlobClient.blockID(item: item, blockSize: size, index: index), encodeSlash: true)
            XCTAssertEqual(transport.puts(containing: "blockid=\(id)&"), index < 2 ? 1 : (index == 2 ? 2 : 1),
                           "block \(index): \(transport.summary)")
        }
        let client = AzureBlobClient(configuration: try configuration(port: standin.port))
        let stored = try await client.getBlob(name: item.objectName)
        XCTAssertEqual(Digests.hex(Digests.md5(stored)), try md5Hex(of: file))
    }

    func testWrongKey_failsWithAReasonFreeOfKeyMaterial() async throws {
        let standin = try AzureBlobStandin(account: Self.account, key: Self.key)
        let scratch = try UploadScratch()
        let file = try scratch.file("a4.mp4", size: 1000, seed: 14)
        let wrongKey = Data((0..<64).map { UInt8($0 * 13 & 0xff) }).base64EncodedString()
        let logs = UploadLogCapture.Store()
        let logger = UploadLogCapture.logger(logs)
        let uploader = try uploader(configuration(port: standin.port, key: wrongKey), transport: URLSessionStorageTransport(),
                                    journal: scratch.journalURL, logger: logger)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let item = try await uploader.enqueue(UploadRequest(file: file, target: "clips", fields: fields))
        let failed = await settled(uploader, item.id)
        guard case .failed(let reason)? = failed?.state else { return XCTFail("\(String(describing: failed))") }
        XCTAssertTrue(reason.contains("403") && reason.contains("AuthenticationFailed"), reason)
        XCTAssertEqual(failed?.attempts, 1, "an authorization failure is not retried")
        for secret in [wrongKey, Self.key, "MAC signature", "SharedKey "] {
            XCTAssertFalse(reason.contains(secret), "reason leaks \(secret): \(reason)")
            XCTAssertFalse(logs.text.contains(secret), "logs leak \(secret)")
        }
        let journal = try String(contentsOf: scratch.journalURL, encoding: .utf8)
        XCTAssertFalse(journal.contains(wrongKey), "the journal holds the key")
    }

    func testSASMode_appendsTheTokenAndKeepsItOutOfLogs() async throws {
        let sas = "sv=2021-08-06&ss=b&srt=o&sp=cw&se=2030-01-01T00%3A00%3A00Z&sig=vigil%2Bsecret%3D"
        let standin = try AzureBlobStandin(account: Self.account, key: Self.key, sas: sas)
        let scratch = try UploadScratch()
        let small = try scratch.file("s.jpg", size: 5000, seed: 15)
        let large = try scratch.file("l.mp4", size: 150_000, seed: 16)
        let logs = UploadLogCapture.Store()
        let logger = UploadLogCapture.logger(logs)
        let uploader = try uploader(configuration(port: standin.port, sas: sas), transport: URLSessionStorageTransport(),
                                    journal: scratch.journalURL, logger: logger)
        let run = Task { await uploader.run() }
        defer { run.cancel() }
        let snapshot = ObjectNameFields(camera: "yard", timestamp: fields.timestamp, eventID: "a1", kind: "snapshot", ext: "jpg")
        let first = try await uploader.enqueue(UploadRequest(file: small, target: "clips", fields: snapshot))
        let second = try await uploader.enqueue(UploadRequest(file: large, target: "clips", fields: fields))
        let firstDone = await settled(uploader, first.id)
        let secondDone = await settled(uploader, second.id)
        XCTAssertEqual(firstDone?.state, .done, "\(String(describing: firstDone))")
        XCTAssertEqual(secondDone?.state, .done, "\(String(describing: secondDone))")
        XCTAssertFalse(logs.text.contains("vigil%2Bsecret") || logs.text.contains("vigil+secret") || logs.text.contains("sig="), logs.text)
    }

    func testConfiguration_descriptionsHideKeyAndSAS() throws {
        let shared = try configuration(port: 1)
        let sas = try configuration(port: 1, sas: "sv=1&sig=abc")
        for text in ["\(shared)", "\(sas)", String(reflecting: shared.authorization)] {
            XCTAssertFalse(text.contains(Self.key), text)
            XCTAssertFalse(text.contains("sig=abc"), text)
        }
    }
}

/// Counts, thread-safely.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() -> Int { lock.lock(); defer { lock.unlock() }; value += 1; return value }
}
