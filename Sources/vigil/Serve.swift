import ArgumentParser
import Foundation
import Logging
import VigilServer

/// `vigil serve`: the Custom-Vision-compatible prediction server.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve models over the Custom Vision prediction API, with /models, /metrics and a test page at /ui.")

    @Option(name: .customLong("model"), help: "A model bundle to serve, as DIR or NAME=DIR (repeatable; the first is the default). NAME defaults to the folder name.")
    var models: [String] = []

    @Option(help: "Listen address.")
    var host = "127.0.0.1"

    @Option(help: "Listen port (default: $IMAGE_CLASSIFIER_PORT, else 8080; 0 picks a free one).")
    var port: Int?

    @Option(help: "Inferences run at once (default: one per core).")
    var workers = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Requests that may wait for a worker before others get 503 (default: 16 per worker).")
    var queue: Int?

    @Flag(name: .customLong("no-watch"), help: "Do not reload models when their files change.")
    var noWatch = false

    func validate() throws {
        if models.isEmpty { throw ValidationError("give at least one --model DIR") }
        if workers < 1 { throw ValidationError("--workers must be at least 1") }
    }

    func run() async throws {
        var config = ServerConfiguration()
        config.host = host
        let environmentPort = ProcessInfo.processInfo.environment["IMAGE_CLASSIFIER_PORT"]
        if port == nil, let text = environmentPort {
            guard let value = Int(text), (0...65535).contains(value) else {
                Console.error("IMAGE_CLASSIFIER_PORT='\(text)' is not a port number")
                throw ExitCode(1)
            }
            config.port = value
        } else {
            config.port = port ?? 8080
        }
        config.workers = workers
        config.queueLimit = queue ?? 16 * workers
        config.watchInterval = noWatch ? nil : .seconds(2)
        config.models = models.map { spec in
            if let equals = spec.firstIndex(of: "="), equals != spec.startIndex {
                return .init(name: String(spec[..<equals]), url: URL(fileURLWithPath: String(spec[spec.index(after: equals)...])))
            }
            let url = URL(fileURLWithPath: spec)
            return .init(name: ServerConfiguration.ModelSource.defaultName(for: url), url: url)
        }
        Logs.bootstrap()
        let server = try Console.attempt { try PredictionServer(configuration: config) }
        let names = config.models.map(\.name).joined(separator: ", ")
        let host = config.host
        try await server.run { port in
            let line = "vigil serving \(names) on http://\(host):\(port) (test page: http://\(host):\(port)/ui)\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
    }
}
