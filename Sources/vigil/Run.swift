import ArgumentParser
import Foundation
import Logging
import VigilApp

/// `vigil run`: cameras, models, MQTT/Dapr, displays and the dashboard from one vigil.yaml.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the cameras, models, publishers, displays and dashboard described by a vigil.yaml (docs/configuration.md).",
        discussion: "Without --config, runs the demo: the demo camera and model, dashboard at http://127.0.0.1:8080/dashboard. Every key can be set by an environment variable VIGIL_<KEY_PATH>, e.g. VIGIL_MQTT_URL=mqtt://host:1883.")

    @Option(help: "The configuration file (default: $VIGIL_CONFIG, else the embedded demo).")
    var config: String?

    func run() async throws {
        Logs.bootstrap()
        let logger = Logger(label: "vigil")
        let environment = ProcessInfo.processInfo.environment
        let loaded = try Console.attempt {
            if let path = config ?? environment["VIGIL_CONFIG"] {
                return try VigilConfiguration.load(file: URL(fileURLWithPath: path), environment: environment)
            }
            return try VigilConfiguration.load(yaml: VigilConfiguration.demoYAML, name: "the embedded demo configuration",
                                               baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                               environment: environment)
        }
        for warning in loaded.warnings { logger.warning("\(warning)") }
        try await Runner.run(loaded.configuration, logger: logger)
    }
}

/// Starts a runtime and prints where its dashboard is.
enum Runner {
    static func run(_ configuration: VigilConfiguration, endsWhenCamerasEnd: Bool = false, logger: Logger) async throws {
        let runtime = try Console.attempt { try VigilRuntime(configuration: configuration, endsWhenCamerasEnd: endsWhenCamerasEnd, logger: logger) }
        let host = configuration.server.host
        let cameras = configuration.cameras.map(\.name).joined(separator: ", ")
        try await runtime.run { port in
            var line = "vigil running \(configuration.cameras.count) camera(s)" + (cameras.isEmpty ? "" : " (\(cameras))")
            if let port { line += "; dashboard: http://\(host):\(port)/dashboard" }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}

/// Log lines to standard error at LOG_LEVEL (default info).
enum Logs {
    static func bootstrap() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "") ?? .info
            return handler
        }
    }
}
