import Foundation
import VigilConnectors

/// Which files go where (the `uploads` section).
public struct UploadSettings: Sendable {
    public var targets: [UploadTargetConfiguration] = []
    /// Upload snapshots as well as clips. Default false.
    public var snapshots = false
    public var uploader = UploaderConfiguration()

    public init() {}
}

extension VigilConfiguration {
    mutating func readUploads(_ section: ConfigSection) throws {
        if let snapshots = try section.bool("snapshots") { uploads.snapshots = snapshots }
        if let delete = try section.bool("delete_after_upload") { uploads.uploader.policy.deleteLocalAfterUpload = delete }
        uploads.uploader.bandwidthLimit = try section.int("bandwidth", in: 1024...Int.max)
        var names = Set<String>()
        uploads.targets = try section.items("targets").map { item in
            let name = try item.requiredString("name")
            guard names.insert(name).inserted else { throw item.fail("name", "another target is also named '\(name)'") }
            guard let endpoint = try item.url("endpoint", schemes: ["http", "https"]) else { throw item.fail("endpoint", "is required") }
            let service: UploadTargetConfiguration.Service
            switch try item.requiredString("type") {
            case "s3":
                var s3 = S3Configuration(endpoint: endpoint, bucket: try item.requiredString("bucket"),
                                         credentials: S3Credentials(accessKeyID: try item.requiredString("access_key_id"),
                                                                    secretAccessKey: try item.requiredString("secret_access_key")))
                if let region = item.string("region") { s3.region = region }
                service = .s3(s3)
            case "azure_blob":
                let authorization: AzureBlobConfiguration.Authorization
                if let sas = item.string("sas") {
                    authorization = .sas(sas)
                } else {
                    do {
                        authorization = .sharedKey(try AzureSharedKeyCredential(account: try item.requiredString("account"),
                                                                               base64Key: try item.requiredString("account_key")))
                    } catch let error as ConfigError { throw error } catch {
                        throw item.fail("account_key", "is not a base64 storage account key")
                    }
                }
                service = .azureBlob(AzureBlobConfiguration(endpoint: endpoint, container: try item.requiredString("container"),
                                                            authorization: authorization))
            case let other:
                throw item.fail("type", "'\(other)' is not s3 or azure_blob")
            }
            let target = UploadTargetConfiguration(name: name, service: service,
                                                   objectName: item.string("object_name") ?? ObjectNameTemplate.defaultPattern)
            // Validate now (placeholders, sizes) so a bad target fails at start with its key path.
            do { _ = try target.resolve(keyPath: item.reader.label(item.path)) } catch { throw item.fail(nil, "\(error)") }
            return target
        }
    }
}
