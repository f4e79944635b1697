import Foundation
import VigilConnectors
import VigilPipeline
import VigilServer

extension VigilConfiguration {
    /// Reads a configuration file and applies `VIGIL_*` overrides from `environment`.
    ///
    /// Returns the configuration and warnings (VIGIL_ variables that name no key). Throws a
    /// `ConfigError` naming the key path for a misspelt key, a wrong type, a missing required
    /// value or an inconsistent setup (a camera naming an unknown model).
    public static func load(file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (configuration: VigilConfiguration, warnings: [String]) {
        let text: String
        do { text = try String(contentsOf: file, encoding: .utf8) } catch {
            throw ConfigError("", "cannot read \(file.path): \(error.localizedDescription)")
        }
        return try load(yaml: text, name: file.path, baseDirectory: file.deletingLastPathComponent(), environment: environment)
    }

    /// As `load(file:)` for YAML text; relative paths resolve against `baseDirectory`.
    public static func load(yaml: String, name: String, baseDirectory: URL,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (configuration: VigilConfiguration, warnings: [String]) {
        let (reader, unknown) = try ConfigReader.read(yaml: yaml, name: name, environment: environment, shape: shape)
        let root = ConfigSection(reader: reader, path: [], value: reader.root)
        var configuration = VigilConfiguration()
        try configuration.read(root, baseDirectory: baseDirectory, environment: environment)
        let warnings = unknown.map { "\($0) names no configuration key; ignored" }
        return (configuration, warnings)
    }

    private mutating func read(_ root: ConfigSection, baseDirectory: URL, environment: [String: String]) throws {
        if let node = root.string("node") {
            guard Self.isValidName(node) else { throw root.fail("node", "'\(node)' may hold only letters, digits, '-' and '_'") }
            self.node = node
        }
        try readServer(root.section("server"))
        try readStorage(root.section("storage"), baseDirectory: baseDirectory)
        try readModels(root, baseDirectory: baseDirectory)
        try readCameras(root, baseDirectory: baseDirectory)
        try readShard(root.section("shard"), hostName: environment["HOSTNAME"] ?? ProcessInfo.processInfo.hostName)
        try readMQTT(root.section("mqtt"))
        if let fleet = try root.bool("fleet") {
            guard !fleet || mqtt != nil else { throw root.fail("fleet", "needs mqtt.url: the nodes report to the fleet view over MQTT") }
            self.fleet = fleet
        }
        try readDapr(root.section("dapr"))
        try readUploads(root.section("uploads"))
        try readDisplay(root.section("display"))
    }

    /// Names that are safe in topics, metric labels and URLs: letters, digits, `-` and `_`.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" }
    }

    private mutating func readServer(_ section: ConfigSection) throws {
        if let enabled = try section.bool("enabled") { serverEnabled = enabled }
        if let host = section.string("host") { server.host = host }
        if let port = try section.int("port", in: 0...65535) { server.port = port }
        if let workers = try section.int("workers", in: 1...256) {
            server.workers = workers
            server.queueLimit = 16 * workers
        }
        if let queue = try section.int("queue", in: 0...100_000) { server.queueLimit = queue }
        if let watch = try section.bool("watch") { server.watchInterval = watch ? .seconds(2) : nil }
        publicURL = try section.url("url", schemes: ["http", "https"])
    }

    private mutating func readModels(_ root: ConfigSection, baseDirectory: URL) throws {
        var names = Set<String>()
        server.models = try root.items("models").map { item in
            let path = try item.requiredString("path")
            let url = URL(fileURLWithPath: path, relativeTo: baseDirectory).standardizedFileURL
            let name = item.string("name") ?? ServerConfiguration.ModelSource.defaultName(for: url)
            guard names.insert(name).inserted else { throw item.fail("name", "another model is also named '\(name)'") }
            guard FileManager.default.fileExists(atPath: url.path) else { throw item.fail("path", "\(url.path) does not exist") }
            return .init(name: name, url: url)
        }
    }

    private mutating func readCameras(_ root: ConfigSection, baseDirectory: URL) throws {
        var names = Set<String>()
        cameras = try root.items("cameras").map { item in
            let name = try item.requiredString("name")
            guard Self.isValidName(name) else { throw item.fail("name", "'\(name)' may hold only letters, digits, '-' and '_'") }
            guard names.insert(name).inserted else { throw item.fail("name", "another camera is also named '\(name)'") }
            var source = try item.requiredString("source")
            // Relative file and folder paths are relative to the configuration file.
            if !source.contains("://"), Int(source) == nil, !source.hasPrefix("/") {
                source = URL(fileURLWithPath: source, relativeTo: baseDirectory).standardizedFileURL.path
            }
            var camera = CameraConfiguration(name: name, source: source)
            if let loop = try item.bool("loop") { camera.loop = loop }
            if let pacing = try item.choice("pacing", CameraConfiguration.Pacing.self) { camera.pacing = pacing }
            if let transport = try item.choice("rtsp_transport", CameraConfiguration.Transport.self) { camera.rtspTransport = transport }
            camera.captureWidth = try item.int("width", in: 1...16384)
            camera.captureHeight = try item.int("height", in: 1...16384)
            camera.captureFPS = try item.int("capture_fps", in: 1...1000)
            camera.pixelFormat = item.string("pixel_format")
            if let fps = try item.double("fps", atLeast: 0) { camera.fps = fps }
            camera.model = item.string("model")
            camera.endpoint = try item.url("endpoint", schemes: ["http", "https"])
            if let parameters = try item.stringMap("endpoint_params") { camera.endpointParameters = parameters }
            let roi = item.section("roi")
            if roi.isPresent {
                guard let width = try roi.int("width", in: 1...65536) else { throw roi.fail("width", "is required") }
                guard let height = try roi.int("height", in: 1...65536) else { throw roi.fail("height", "is required") }
                camera.regionOfInterest = .init(x: try roi.int("x", in: 0...65536) ?? 0, y: try roi.int("y", in: 0...65536) ?? 0,
                                                width: width, height: height)
            }
            camera.resizeWidth = try item.int("resize_width", in: 1...16384)
            camera.resizeHeight = try item.int("resize_height", in: 1...16384)
            if (camera.resizeWidth == nil) != (camera.resizeHeight == nil) {
                throw item.fail(camera.resizeWidth == nil ? "resize_width" : "resize_height", "give both resize_width and resize_height")
            }
            if let gray = try item.bool("gray") { camera.convertToGray = gray }
            if let events = try readEvents(item.section("events")) {
                camera.events = events.rules
                camera.recordsClips = events.clips
            }
            if camera.endpoint == nil {
                if let model = camera.model {
                    guard server.models.contains(where: { $0.name == model }) else {
                        let known = server.models.map(\.name).joined(separator: ", ")
                        throw item.fail("model", "no model is named '\(model)' (models: \(known.isEmpty ? "none" : known))")
                    }
                } else if server.models.isEmpty {
                    throw item.fail(nil, "needs a model: list one under `models`, or give the camera an `endpoint`")
                }
            }
            return camera
        }
    }

    private mutating func readDapr(_ section: ConfigSection) throws {
        if let enabled = try section.bool("enabled") { dapr.enabled = enabled }
        if let port = try section.int("http_port", in: 1...65535) { dapr.httpPort = port }
        if let pubsub = section.string("pubsub") { dapr.pubsub = pubsub }
        if let topic = section.string("topic") { dapr.topic = topic }
    }
}
