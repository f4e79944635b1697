import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VigilServer

/// Servers started inside the test process on a free loopback port, for the length of a closure.
///
/// Each `with…` function binds 127.0.0.1 port 0, passes the base URL (`http://127.0.0.1:PORT`, no
/// trailing slash) to `body`, and stops the server when `body` returns or throws, so tests can run
/// in parallel without sharing ports. Servers log warnings and errors only.
enum TestServer {
    /// A failure to start a test server.
    struct StartError: Error, CustomStringConvertible {
        let description: String
    }

    /// The configuration tests start from: loopback, port 0, the given models, no folder watching.
    static func configuration(models: [ServerConfiguration.ModelSource]) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.models = models
        configuration.watchInterval = nil
        return configuration
    }

    /// Runs a `PredictionServer` serving `models` (the first is the default) while `body` runs.
    /// `configure` adjusts the configuration before the models load.
    static func withPredictionServer<T>(
        models: [ServerConfiguration.ModelSource],
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (URL) async throws -> T
    ) async throws -> T {
        var configuration = configuration(models: models)
        configure(&configuration)
        let server = try PredictionServer(configuration: configuration, logger: logger("vigil.test.serve"))
        return try await withRunning(server, body)
    }

    /// Runs an already built `PredictionServer` while `body` runs; keep the server to look at its
    /// registry or metrics. Its configuration should use port 0.
    static func withRunning<T>(_ server: PredictionServer, _ body: (URL) async throws -> T) async throws -> T {
        try await withApplication({ server.application(onRunning: $0) }, body)
    }

    /// Serves the files of `folder` (not listing it) at `/<name>` while `body` runs, with content
    /// types from the file extensions; stands in for the remote image hosts of the `/url` routes.
    static func withStaticFiles<T>(at folder: URL, _ body: (URL) async throws -> T) async throws -> T {
        let log = logger("vigil.test.files")
        let router = Router()
        router.add(middleware: FileMiddleware(folder.path, logger: log))
        return try await withApplication({ onRunning in
            Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "vigil-test-files"),
                        onServerRunning: { await onRunning($0.localAddress?.port ?? 0) }, logger: log)
        }, body)
    }

    /// Runs the application made by `make` (which is handed the callback reporting the bound port)
    /// until `body` ends, then shuts it down gracefully and waits for it to close.
    static func withApplication<App: ApplicationProtocol, T>(
        _ make: (@escaping @Sendable (Int) async -> Void) -> App,
        _ body: (URL) async throws -> T
    ) async throws -> T {
        let (ports, reportPort) = AsyncStream.makeStream(of: Int.self)
        let app = make { port in
            reportPort.yield(port)
            reportPort.finish()
        }
        let services = ServiceGroup(configuration: .init(services: [app], logger: app.logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                defer { reportPort.finish() }
                try await services.run()
            }
            var waiting = ports.makeAsyncIterator()
            guard let port = await waiting.next(), port > 0 else {
                group.cancelAll()
                try await group.waitForAll()
                throw StartError(description: "the test server stopped before reporting the port it bound")
            }
            let result: Result<T, any Error>
            do { result = .success(try await body(URL(string: "http://127.0.0.1:\(port)")!)) } catch { result = .failure(error) }
            await services.triggerGracefulShutdown()
            do { try await group.waitForAll() } catch { if case .success = result { throw error } }
            return try result.get()
        }
    }

    static func logger(_ label: String) -> Logger {
        var logger = Logger(label: label)
        logger.logLevel = .warning
        return logger
    }
}
