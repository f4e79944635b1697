import Foundation

/// Whole-file uploads to S3: one PutObject for small files, a resumable multipart upload for
/// large ones, each verified against the file's MD5.
extension S3Client: UploadDestination {
    public func upload(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        try UploadFile.checkUnchanged(item)
        if item.resume == nil, item.size <= Int64(configuration.multipartThreshold) {
            return try await putWhole(item, context: context)
        }
        return try await uploadMultipart(item, context: context)
    }

    public func abandon(_ item: UploadItem) async throws {
        guard case .s3Multipart(let uploadID, _, _) = item.resume else { return }
        try await abortMultipartUpload(key: item.objectName, uploadID: uploadID)
    }

    private func putWhole(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        let body = try Digests.read(path: item.file, offset: 0, length: Int(item.size))
        let md5 = Digests.md5(body)
        try UploadFile.checkDigest(Digests.hex(md5), of: item)
        try await context.throttle(body.count)
        let etag = try await putObject(key: item.objectName, body: body, contentMD5: md5,
                                       contentType: item.contentType, metadata: item.metadata)
        guard etag == item.md5 else {
            throw UploadError(.verification, context: "PUT \(configuration.bucket)/\(item.objectName)",
                              "ETag \(etag) is not the file's MD5 \(item.md5)")
        }
        return UploadReceipt(verifiedBy: etag, bodiesSent: 1)
    }

    private func uploadMultipart(_ item: UploadItem, context: UploadAttemptContext) async throws -> UploadReceipt {
        let key = item.objectName
        var uploadID: String
        var partSize: Int
        var stored: [Int: Part] = [:]
        if case .s3Multipart(let id, let size, _) = item.resume {
            (uploadID, partSize) = (id, size)
            do {
                // Trust S3's own list over the journal's: it also holds parts confirmed after the
                // journal's last write.
                for part in try await listParts(key: key, uploadID: id) { stored[part.number] = part }
            } catch let error as UploadError where error.serviceCode == "NoSuchUpload" {
                // Completed by an attempt whose answer was lost, or aborted: check the object.
                if let receipt = try await existingObject(item, partSize: size) { return receipt }
                partSize = configuration.effectivePartSize(forFileOfSize: item.size)
                uploadID = try await createMultipartUpload(key: key, contentType: item.contentType, metadata: item.metadata)
                stored = [:]
                try await context.progressed(.s3Multipart(uploadID: uploadID, partSize: partSize, parts: []))
            }
        } else {
            partSize = configuration.effectivePartSize(forFileOfSize: item.size)
            uploadID = try await createMultipartUpload(key: key, contentType: item.contentType, metadata: item.metadata)
            try await context.progressed(.s3Multipart(uploadID: uploadID, partSize: partSize, parts: []))
        }

        let count = UploadFile.chunkCount(size: item.size, chunk: partSize)
        var confirmed: [Part] = []
        var partMD5s: [[UInt8]] = []
        var whole = UploadFile.RunningMD5()
        var sent = 0
        for number in 1...count {
            try Task.checkCancellation()
            let body = try Digests.read(path: item.file, offset: Int64(number - 1) * Int64(partSize), length: partSize)
            let md5 = Digests.md5(body)
            whole.update(body)
            partMD5s.append(md5)
            if let part = stored[number], part.etag == Digests.hex(md5), part.size.map({ $0 == Int64(body.count) }) ?? true {
                confirmed.append(part)
                continue
            }
            try await context.throttle(body.count)
            let etag = try await uploadPart(key: key, uploadID: uploadID, number: number, body: body, contentMD5: md5)
            guard etag == Digests.hex(md5) else {
                throw UploadError(.verification, context: "PUT \(configuration.bucket)/\(key)?partNumber=\(number)",
                                  "part ETag \(etag) is not the part's MD5 \(Digests.hex(md5))")
            }
            sent += 1
            confirmed.append(Part(number: number, etag: etag, size: Int64(body.count)))
            try await context.progressed(.s3Multipart(uploadID: uploadID, partSize: partSize, parts: confirmed))
        }
        try UploadFile.checkDigest(whole.hex, of: item)

        let expected = Self.multipartETag(partMD5s: partMD5s)
        let etag: String
        do {
            etag = try await completeMultipartUpload(key: key, uploadID: uploadID, parts: confirmed)
        } catch let error as UploadError where error.serviceCode == "NoSuchUpload" {
            if let receipt = try await existingObject(item, partSize: partSize) { return receipt }
            throw error
        }
        guard etag == expected else {
            throw UploadError(.verification, context: "POST \(configuration.bucket)/\(key)?uploadId",
                              "object ETag \(etag) is not the expected \(expected)")
        }
        return UploadReceipt(verifiedBy: etag, bodiesSent: sent)
    }

    /// The receipt for an object already stored with the ETag this file would have (a complete
    /// whose answer was lost), else nil.
    private func existingObject(_ item: UploadItem, partSize: Int) async throws -> UploadReceipt? {
        guard let head = try await headObject(key: item.objectName), head.size == item.size else { return nil }
        let count = UploadFile.chunkCount(size: item.size, chunk: partSize)
        var md5s: [[UInt8]] = []
        for number in 1...count {
            md5s.append(Digests.md5(try Digests.read(path: item.file, offset: Int64(number - 1) * Int64(partSize), length: partSize)))
        }
        let expected = Self.multipartETag(partMD5s: md5s)
        return head.etag == expected ? UploadReceipt(verifiedBy: expected, bodiesSent: 0) : nil
    }
}
