import ArgumentParser
import Foundation
import Logging
import VigilApp

/// `vigil capture`: one camera, configured by the seed camera-capture module's variables.
struct Capture: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score one camera as the seed's camera-capture module did (VIDEO_PATH, IMAGE_PROCESSING_ENDPOINT, ...).",
        discussion: """
            Reads VIDEO_PATH, IMAGE_PROCESSING_ENDPOINT, IMAGE_PROCESSING_PARAMS, SHOW_VIDEO, VERBOSE, LOOP_VIDEO, \
            CONVERT_TO_GRAY, RESIZE_WIDTH and RESIZE_HEIGHT. Without an endpoint, scores with --model (or VIGIL_MODEL). \
            Publishes to MQTT when VIGIL_MQTT_URL is set and to Dapr when DAPR_HTTP_PORT is. Ends when a file that \
            does not loop ends.
            """)

    @Option(help: "The model bundle that scores frames when IMAGE_PROCESSING_ENDPOINT is not set (default: $VIGIL_MODEL).")
    var model: String?

    func run() async throws {
        Logs.bootstrap()
        let logger = Logger(label: "vigil.capture")
        let loaded = try Console.attempt {
            try SeedCaptureSettings.configuration(environment: ProcessInfo.processInfo.environment, model: model,
                                                  baseDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        }
        for warning in loaded.warnings { logger.warning("\(warning)") }
        var configuration = loaded.configuration
        configuration.printsPredictions = loaded.verbose
        try await Runner.run(configuration, endsWhenCamerasEnd: true, logger: logger)
    }
}
