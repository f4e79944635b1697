import Foundation
import Logging
import VigilConnectors
import VigilImage
import VigilPipeline

/// Shows the cameras' top tags on the configured displays (terminal, Sense HAT).
final class DisplaySink: PipelineSink {
    let controller: DisplayController

    init(controller: DisplayController) { self.controller = controller }

    func deliver(_ frame: ScoredFrame, image: RGBImage) {
        controller.offer(frame.predictions, camera: frame.camera)
    }

    func clear() { controller.stop() }

    /// The displays a configuration turns on (nil when none); a Sense HAT that cannot be found fails here.
    static func make(_ configuration: DisplayConfiguration, logger: Logger) throws -> DisplaySink? {
        try DisplayController.make(configuration, logger: logger).map(DisplaySink.init)
    }
}

extension DisplayController {
    /// A controller over the displays `configuration` turns on, or nil when it turns on none.
    static func make(_ configuration: DisplayConfiguration, logger: Logger) throws -> DisplayController? {
        guard configuration.isEnabled else { return nil }
        var displays: [any Display] = []
        if configuration.terminal {
            let style = TerminalDisplay.style(environment: ProcessInfo.processInfo.environment)
            displays.append(TerminalDisplay(style: style, icons: configuration.icons) { text in
                FileHandle.standardOutput.write(Data(text.utf8))
            })
        }
        if let senseHat = configuration.senseHat {
            displays.append(try SenseHatFramebuffer.prepare(.init(
                devicePath: senseHat == "auto" ? nil : senseHat, rotation: configuration.rotation,
                lowLight: configuration.lowLight, icons: configuration.icons)))
        }
        return DisplayController(configuration: configuration, displays: displays) { message in
            logger.warning("display failed", metadata: ["error": "\(message)"])
        }
    }
}
