import ArgumentParser
import Foundation
import Logging
import VigilApp

/// `vigil display`: the seed's sense-hat-display, fed over MQTT or Dapr.
struct DisplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "display",
        abstract: "Show the top predicted tag on a Sense HAT LED matrix and/or the terminal, from MQTT or Dapr messages.",
        discussion: """
            Uses the display, mqtt, dapr and server sections of --config (or VIGIL_* variables, e.g. \
            VIGIL_MQTT_URL=mqtt://broker:1883 VIGIL_DISPLAY_TERMINAL=true). The seed's THRESHOLD variable sets display.threshold. \
            It serves GET /healthz and /readyz on server.host:server.port (server.enabled: false turns             that off); with Dapr, the sidecar is told to deliver to POST /display there.
            """)

    @Option(help: "The configuration file (default: $VIGIL_CONFIG, else only VIGIL_* variables).")
    var config: String?

    func run() async throws {
        Logs.bootstrap()
        let logger = Logger(label: "vigil.display")
        var environment = ProcessInfo.processInfo.environment
        if let threshold = environment["THRESHOLD"], environment["VIGIL_DISPLAY_THRESHOLD"] == nil {
            environment["VIGIL_DISPLAY_THRESHOLD"] = threshold
        }
        let loaded = try Console.attempt {
            if let path = config ?? environment["VIGIL_CONFIG"] {
                return try VigilConfiguration.load(file: URL(fileURLWithPath: path), environment: environment)
            }
            return try VigilConfiguration.load(yaml: "", name: "the environment",
                                               baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
                                               environment: environment)
        }
        for warning in loaded.warnings { logger.warning("\(warning)") }
        let role = try Console.attempt { try DisplayRole(configuration: loaded.configuration, logger: logger) }
        try await role.run { port in
            var line = "vigil display running"
            let host = loaded.configuration.server.host
            if let port { line += "; probes at http://\(host):\(port)/healthz" }
            if let port, loaded.configuration.dapr.enabled { line += "; Dapr delivers to http://\(host):\(port)/display" }
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
    }
}
