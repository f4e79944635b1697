import Foundation

/// Whole-file uploads to Azure Blob Storage: one Put Blob for small files, staged blocks and a
/// Put Block List for large ones (resumed from Get Block List), verified by Content-MD5.
extension AzureBlobClient: UploadDestination {
    public func upload(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        try UploadFile.checkUnchanged(item)
        if item.resume == nil, item.size <= Int64(configuration.singlePutThreshold) {
            return try await putWhole(item, context: context)
        }
        return try await uploadBlocks(item, context: context)
    }

    /// Uncommitted blocks expire on their own (after a week): nothing to free.
    public func abandon(_ item: UploadItem) async throws {}

    private func putWhole(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        let body = try Digests.read(path: item.file, offset: 0, length: Int(item.size))
        let md5 = Digests.md5(body)
        try UploadFile.checkDigest(Digests.hex(md5), of: item)
        try await context.throttle(body.count)
        let answered = try await putBlob(name: item.objectName, body: body, contentMD5: md5,
                                         contentType: item.contentType, metadata: item.metadata)
        let expected = Data(md5).base64EncodedString()
        if let answered, answered != expected {
            throw UploadError(.verification, context: "PUT \(configuration.container)/\(item.objectName)",
                              "Content-MD5 \(answered) is not the file's \(expected)")
        }
        try await verifyStored(item, expectedMD5: expected)
        return UploadReceipt(verifiedBy: expected, bodiesSent: 1)
    }

    private func uploadBlocks(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        let name = item.objectName
        let expectedMD5 = Data(Digests.bytes(hex: item.md5) ?? []).base64EncodedString()
        var blockSize = configuration.effectiveBlockSize(forFileOfSize: item.size)
        var staged: [String: Int64] = [:]
        if case .azureBlocks(let size, _) = item.resume {
            blockSize = size
            // Committed by an attempt whose answer was lost?
            if let properties = try await blobProperties(name: name), properties.contentMD5 == expectedMD5, properties.size == item.size {
                return UploadReceipt(verifiedBy: expectedMD5, bodiesSent: 0)
            }
            staged = try await uncommittedBlocks(name: name)
        }
        let count = UploadFile.chunkCount(size: item.size, chunk: blockSize)
        var ids: [String] = []
        var whole = UploadFile.RunningMD5()
        var sent = 0
        for index in 0..<count {
            try Task.checkCancellation()
            let body = try Digests.read(path: item.file, offset: Int64(index) * Int64(blockSize), length: blockSize)
            let md5 = Digests.md5(body)
            whole.update(body)
            let id = Self.blockID(item: item, blockSize: blockSize, index: index)
            ids.append(id)
            if staged[id] == Int64(body.count) { continue }
            try await context.throttle(body.count)
            let answered = try await putBlock(name: name, blockID: id, body: body, contentMD5: md5)
            if let answered, answered != Data(md5).base64EncodedString() {
                throw UploadError(.verification, context: "PUT \(configuration.container)/\(name)?comp=block",
                                  "block Content-MD5 \(answered) is not the block's")
            }
            sent += 1
            try await context.progressed(.azureBlocks(blockSize: blockSize, blockIDs: ids))
        }
        try UploadFile.checkDigest(whole.hex, of: item)
        try await putBlockList(name: name, blockIDs: ids, blobMD5: whole.bytes, contentType: item.contentType, metadata: item.metadata)
        try await verifyStored(item, expectedMD5: expectedMD5)
        return UploadReceipt(verifiedBy: expectedMD5, bodiesSent: sent)
    }

    /// Get Blob Properties must show the file's size and MD5.
    private func verifyStored(_ item: UploadItem, expectedMD5: String) async throws {
        guard let properties = try await blobProperties(name: item.objectName) else {
            throw UploadError(.verification, context: "HEAD \(configuration.container)/\(item.objectName)", "the blob is missing after upload")
        }
        guard properties.size == item.size, properties.contentMD5 == expectedMD5 else {
            throw UploadError(.verification, context: "HEAD \(configuration.container)/\(item.objectName)",
                              "stored \(properties.size) bytes with MD5 \(properties.contentMD5 ?? "none"), expected \(item.size) with \(expectedMD5)")
        }
    }

    /// Block ids of one length within a blob (as the service requires): base64 of
    /// `<12 hex of the file's MD5>-<block size>-<index, 6 digits>`, so blocks staged from another
    /// file or another cut are never mistaken for this one's.
    static func blockID(item: UploadItem, blockSize: Int, index: Int) -> String {
        let digits = String(index)
        let padded = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
        return Data("\(item.md5.prefix(12))-\(String(blockSize, radix: 16))-\(padded)".utf8).base64EncodedString()
    }
}
