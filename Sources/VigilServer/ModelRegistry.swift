import Foundation
import Logging
import Synchronization
import VigilCore
import VigilImage
import VigilVision

/// The models a server holds, by name, with hot reload: a replaced model folder (or a reload
/// request) is loaded beside the serving one and swapped in atomically; requests already running
/// finish on the old one. A model that fails to load is rejected and the old one keeps serving,
/// with the error kept for `GET /models`.
public final class ModelRegistry: Sendable {
    /// A loaded model: its bundle and one predictor per worker (predictors are not reentrant).
    public final class Entry: Sendable {
        public let name: String
        public let bundle: ModelBundle
        public let loadedAt: Date
        let fingerprint: String
        private let predictors: Mutex<[Predictor]>
        /// Where extra predictors come from when more callers than workers run at once.
        private let template: Predictor

        init(name: String, bundle: ModelBundle, workers: Int, threads: Int, fingerprint: String) throws {
            self.name = name
            self.bundle = bundle
            self.fingerprint = fingerprint
            loadedAt = Date()
            // One prepared model, one session per worker: the workers share the packed weights.
            let first = try Predictor(bundle: bundle, threads: threads)
            predictors = Mutex([first] + (1..<max(1, workers)).map { _ in first.sibling() })
            template = first
        }

        /// Scores a decoded image with a predictor of its own (callers bound concurrency: the worker pool).
        public func predict(_ image: DecodedImage) throws -> [Prediction] {
            try withPredictor { try $0.predict(image) }
        }

        /// Runs `body` with a predictor of its own (the worker pool bounds how many are out at once).
        func withPredictor<T>(_ body: (Predictor) throws -> T) throws -> T {
            let spare = predictors.withLock { $0.popLast() }
            let predictor = spare ?? template.sibling()
            defer { predictors.withLock { $0.append(predictor) } }
            return try body(predictor)
        }
    }

    /// What `GET /models` reports for one name.
    public struct Status: Sendable {
        public var source: URL
        public var entry: Entry?
        public var lastError: String?
        public var lastErrorAt: Date?
        var attemptedFingerprint: String?
    }

    private let state = Mutex<[String: Status]>([:])
    private let order: [String]
    private let workers: Int
    private let threads: Int
    private let logger: Logger
    let onLoadError: @Sendable (String) -> Void

    /// Loads every model now; a model that cannot load stops the server from starting. An empty
    /// list is allowed only with `allowEmpty` (a dashboard for cameras scored by remote endpoints).
    public init(models: [ServerConfiguration.ModelSource], workers: Int, threads: Int, logger: Logger, allowEmpty: Bool = false,
                onLoadError: @escaping @Sendable (String) -> Void = { _ in }) throws {
        guard !models.isEmpty || allowEmpty else {
            throw ServerError(.internalServerError, code: "NoModel", "no model to serve (give --model DIR)")
        }
        var names = Set<String>()
        for model in models where !names.insert(model.name).inserted {
            throw ServerError(.internalServerError, code: "DuplicateModel", "two models are named '\(model.name)'")
        }
        order = models.map(\.name)
        self.workers = workers
        self.threads = threads
        self.logger = logger
        self.onLoadError = onLoadError
        var initial: [String: Status] = [:]
        for model in models {
            let fingerprint = Self.fingerprint(model.url)
            let entry = try Entry(name: model.name, bundle: try ModelBundle.load(model.url), workers: workers, threads: threads, fingerprint: fingerprint)
            initial[model.name] = Status(source: model.url, entry: entry, attemptedFingerprint: fingerprint)
            logger.info("loaded model", metadata: ["model": "\(model.name)", "source": "\(model.url.path)", "version": "\(entry.bundle.version)"])
        }
        state.withLock { $0 = initial }
    }

    public var names: [String] { order }
    /// The first model's name ("" when there is none).
    public var defaultName: String { order.first ?? "" }

    /// The serving entry for a name (nil: the default model).
    public func entry(_ name: String?) -> Entry? {
        state.withLock { $0[name ?? defaultName]?.entry }
    }

    public func status() -> [(name: String, status: Status)] {
        let snapshot = state.withLock { $0 }
        return order.map { ($0, snapshot[$0]!) }
    }

    /// Loads the model's source again and swaps it in; on failure the old one keeps serving.
    @discardableResult
    public func reload(_ name: String) throws -> Entry {
        guard let source = state.withLock({ $0[name]?.source }) else {
            throw ServerError.unknownModel(name, available: order)
        }
        let fingerprint = Self.fingerprint(source)
        do {
            let entry = try Entry(name: name, bundle: try ModelBundle.load(source), workers: workers, threads: threads, fingerprint: fingerprint)
            state.withLock {
                $0[name]?.entry = entry
                $0[name]?.lastError = nil
                $0[name]?.lastErrorAt = nil
                $0[name]?.attemptedFingerprint = fingerprint
            }
            logger.info("reloaded model", metadata: ["model": "\(name)", "version": "\(entry.bundle.version)"])
            return entry
        } catch {
            let message = "\(error)"
            state.withLock {
                $0[name]?.lastError = message
                $0[name]?.lastErrorAt = Date()
                $0[name]?.attemptedFingerprint = fingerprint
            }
            onLoadError(name)
            logger.error("model reload rejected; the previous version keeps serving", metadata: ["model": "\(name)", "error": "\(message)"])
            throw ServerError(.unprocessableContent, code: "ModelLoadFailed", message)
        }
    }

    /// Watches the model sources and reloads one whose files changed and then stayed unchanged
    /// for one interval (so a folder being copied is not loaded half-written). Runs until cancelled.
    public func watch(every interval: Duration) async {
        var pending: [String: String] = [:]
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            for (name, status) in state.withLock({ $0 }) {
                let now = Self.fingerprint(status.source)
                guard now != status.attemptedFingerprint else { pending[name] = nil; continue }
                if pending[name] == now {
                    pending[name] = nil
                    _ = try? reload(name)
                } else {
                    pending[name] = now
                }
            }
        }
    }

    /// Names, sizes and modification times of a bundle's files: changes when any file does.
    static func fingerprint(_ url: URL) -> String {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return "missing" }
        let files = isDirectory.boolValue ? ((try? manager.contentsOfDirectory(atPath: url.path)) ?? []).sorted().map { url.appendingPathComponent($0) } : [url]
        return files.map { file in
            let attributes = (try? manager.attributesOfItem(atPath: file.path)) ?? [:]
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            return "\(file.lastPathComponent):\(size):\(modified)"
        }.joined(separator: "|")
    }
}
