import ArgumentParser
import VigilApp

/// The `vigil` command: custom vision at the edge.
@main
struct Vigil: AsyncParsableCommand {
    static let version = VigilVersion.current

    static let configuration = CommandConfiguration(
        commandName: "vigil",
        abstract: "Run Azure Custom Vision and AutoML image models at the edge.",
        version: version,
        subcommands: [Run.self, Serve.self, Capture.self, DisplayCommand.self, Predict.self, Inspect.self, Bench.self, Infer.self, DemoModelCommand.self, ConfigCommand.self, EventsCommand.self, UploadsCommand.self])
}
