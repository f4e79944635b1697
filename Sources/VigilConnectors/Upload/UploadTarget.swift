import Foundation
import Logging

/// One named place uploads go to, as configured: the service and the object name pattern.
public struct UploadTargetConfiguration: Sendable, Equatable {
    /// The service and its settings.
    public enum Service: Sendable, Equatable {
        case s3(S3Configuration)
        case azureBlob(AzureBlobConfiguration)
    }

    /// How items name their target (`clips`, `archive`...).
    public var name: String
    public var service: Service
    /// The object name pattern. Default ``ObjectNameTemplate/defaultPattern``.
    public var objectName = ObjectNameTemplate.defaultPattern

    public init(name: String, service: Service, objectName: String = ObjectNameTemplate.defaultPattern) {
        self.name = name
        self.service = service
        self.objectName = objectName
    }

    /// Validates every field (the pattern's placeholders included) and builds the client.
    public func resolve(transport: any StorageTransport = URLSessionStorageTransport(), logger: Logger = Logger(label: "vigil.upload"),
                        now: @escaping @Sendable () -> Date = { Date() }, keyPath: String? = nil) throws -> UploadTarget {
        let base = keyPath ?? "upload.targets.\(name)"
        guard !name.isEmpty else { throw UploadError(.invalidConfiguration, context: base, "a target needs a name") }
        let template = try ObjectNameTemplate(objectName, keyPath: "\(base).object_name")
        switch service {
        case .s3(let configuration):
            try configuration.validate(keyPath: "\(base).s3")
            return UploadTarget(name: name, template: template,
                                destination: S3Client(configuration: configuration, transport: transport, logger: logger, now: now))
        case .azureBlob(let configuration):
            try configuration.validate(keyPath: "\(base).azure")
            return UploadTarget(name: name, template: template,
                                destination: AzureBlobClient(configuration: configuration, transport: transport, logger: logger, now: now))
        }
    }
}

/// A resolved target: its name, object name template and the client that uploads to it.
public struct UploadTarget: Sendable {
    public let name: String
    public let template: ObjectNameTemplate
    public let destination: any UploadDestination

    public init(name: String, template: ObjectNameTemplate, destination: any UploadDestination) {
        self.name = name
        self.template = template
        self.destination = destination
    }
}
