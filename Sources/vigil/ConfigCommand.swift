import ArgumentParser
import Foundation
import VigilApp

/// `vigil config`: check a configuration, or print the reference of every key.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Check a vigil.yaml (with VIGIL_* overrides) or print the configuration reference.",
        subcommands: [Check.self, Docs.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load and validate a configuration; print what it sets up.")

        @Argument(help: "The configuration file.")
        var file: String

        func run() throws {
            let loaded = try Console.attempt { try VigilConfiguration.load(file: URL(fileURLWithPath: file)) }
            for warning in loaded.warnings { Console.error("warning: \(warning)") }
            print(loaded.configuration.summary)
        }
    }

    struct Docs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print docs/configuration.md (every key, its default and its environment variable).")

        func run() throws {
            print(ConfigurationReference.markdown(), terminator: "")
        }
    }
}
