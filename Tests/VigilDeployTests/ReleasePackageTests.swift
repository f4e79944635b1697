import Foundation
import VigilApp
import VigilTestSupport
import XCTest
import Yams

/// The release tarball (`make dist`, scripts/make-dist.sh): its contents, its unit and default
/// configuration, and its installer on a fresh Debian 12 root.
final class ReleasePackageTests: XCTestCase {
    /// The packages the package needs that no library names (make-dist.sh's `data_packages`).
    static let dataPackages: Set<String> = ["ca-certificates"]

    func testDist_shipsTheProgramTheSwiftRuntimeAndTheOwnersOfWhatItLinks() throws {
        let package = try ReleasePackage.made()
        let version = VigilVersion.current
        let arch = try DeployTools.run("dpkg", ["--print-architecture"]).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(package.name, "vigil-\(version)-linux-\(arch)")
        try DeployTools.run("sha256sum", ["--check", "--quiet", "\(package.name).tar.gz.sha256"], directory: package.output)

        // The tarball holds the tree under one folder.
        let listing = try DeployTools.run("tar", ["-tzf", package.tarball.path]).split(separator: "\n").map(String.init)
        XCTAssertTrue(listing.allSatisfy { $0.hasPrefix(package.name + "/") }, "\(listing.prefix(5))")
        for file in ["bin/vigil", "install.sh", "README.md", "etc/vigil.yaml", "systemd/vigil.service",
                     "share/vigil/runtime-packages.txt", "share/vigil/demo/model/model.onnx",
                     "share/vigil/demo/model/labels.txt", "share/vigil/demo/video.mp4"] {
            XCTAssertTrue(listing.contains("\(package.name)/\(file)"), "\(file) missing from the tarball")
        }
        let executables = ["bin/vigil", "install.sh"].map { package.tree.appendingPathComponent($0).path }
        XCTAssertTrue(executables.allSatisfy(FileManager.default.isExecutableFile(atPath:)))

        // lib/ is exactly the unowned libraries of the binary's closure; bin/vigil finds them there.
        let linked = try LinkedLibraries(program: ReleasePackage.binary)
        let shipped = try FileManager.default.contentsOfDirectory(atPath: package.tree.appendingPathComponent("lib").path)
        XCTAssertEqual(Set(shipped), linked.unowned)
        XCTAssertTrue(linked.unowned.contains("libswiftCore.so") && linked.unowned.contains("libFoundation.so"), "\(linked.unowned)")
        let program = package.tree.appendingPathComponent("bin/vigil").path
        XCTAssertEqual(try LinkedLibraries.runpath(program), "$ORIGIN/../lib")
        let ldd = try DeployTools.run("ldd", [program])
        XCTAssertFalse(ldd.contains("not found"), ldd)
        for soname in linked.unowned {
            XCTAssertTrue(ldd.contains("\(soname) => \(package.tree.path)/bin/../lib/\(soname)"), "\(soname) not from lib/:\n\(ldd)")
        }
        XCTAssertEqual(try DeployTools.run(URL(fileURLWithPath: program), ["--version"]).trimmingCharacters(in: .whitespacesAndNewlines), version)

        // runtime-packages.txt: the owners of what bin/ and lib/ link, plus the data packages.
        XCTAssertEqual(try Self.runtimePackages(package), linked.packages.union(Self.dataPackages))
        XCTAssertTrue(linked.packages.isSuperset(of: ["libavcodec59", "libopenblas0-pthread", "libcurl4", "libc6"]), "\(linked.packages.sorted())")
    }

    func testUnitAndConfiguration_runTheDemoAsVigilWithDataInVarLibVigil() throws {
        let unit = try Self.unitSettings(DeployPaths.file("packaging/vigil.service"))
        let expected = [
            "User": "vigil", "Group": "vigil", "SupplementaryGroups": "video",
            "ExecStart": "/opt/vigil/bin/vigil run --config /etc/vigil/vigil.yaml",
            "StateDirectory": "vigil", "WorkingDirectory": "/var/lib/vigil", "ReadWritePaths": "/var/lib/vigil",
            "Restart": "on-failure", "KillSignal": "SIGTERM",
            "NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
            "WantedBy": "multi-user.target",
        ]
        for (key, value) in expected { XCTAssertEqual(unit[key], value, key) }
        XCTAssertNil(unit["PrivateDevices"], "PrivateDevices would hide /dev/video* from the cameras")

        // The shipped configuration, read by Vigil's own loader (the demo's installed paths
        // pointed at the checkout's: the loader checks they exist; the chroot test runs them).
        let yaml = try String(contentsOf: DeployPaths.file("packaging/vigil.yaml"), encoding: .utf8)
        let loaded = try VigilConfiguration.load(
            yaml: yaml, name: "packaging/vigil.yaml", baseDirectory: URL(fileURLWithPath: "/etc/vigil"), environment: [
                "VIGIL_MODELS_0_PATH": DeployPaths.file("demo/model").path,
                "VIGIL_CAMERAS_0_SOURCE": DeployPaths.file("demo/video.mp4").path,
            ])
        XCTAssertEqual(loaded.warnings, [])
        let configuration = loaded.configuration
        XCTAssertEqual(configuration.storage.directory.path, "/var/lib/vigil")
        XCTAssertEqual(configuration.server.host, "0.0.0.0")
        XCTAssertEqual(configuration.server.port, 8080)
        XCTAssertEqual(configuration.cameras.map(\.name), ["demo"])
        // Its paths are where install.sh and the image put the demo.
        let document = try XCTUnwrap(try Yams.load(yaml: yaml) as? [String: Any])
        let model = try XCTUnwrap((document["models"] as? [[String: Any]])?.first?["path"] as? String)
        let source = try XCTUnwrap((document["cameras"] as? [[String: Any]])?.first?["source"] as? String)
        XCTAssertEqual(model, "/opt/vigil/share/vigil/demo/model")
        XCTAssertEqual(source, "/opt/vigil/share/vigil/demo/video.mp4")
    }

    /// install.sh on debootstrap's minbase Debian 12 in a chroot: pulls the runtime packages,
    /// creates the user, installs the program that then runs (`--version`, `config check`,
    /// `run` as user vigil answering the image's health check); a second run with systemd
    /// present changes nothing, keeps an edited configuration and enables the unit, which
    /// `systemd-analyze verify` accepts.
    func testInstallScript_onAFreshDebianRoot_installsAProgramThatRuns() throws {
        let started = Date()
        let package = try ReleasePackage.made()
        let version = VigilVersion.current
        let root = try DebianRoot()
        defer { root.remove() }
        let base = try root.installedPackages()
        XCTAssertTrue(DockerfileTests.slimBasePackages.isSubset(of: base),
                      "the minbase root (what bookworm-slim is made from) lacks \(DockerfileTests.slimBasePackages.subtracting(base))")
        let wanted = try Self.runtimePackages(package)
        XCTAssertFalse(wanted.subtracting(base).isEmpty, "the fresh root already has every runtime package")

        // Unpack and install as a user would.
        try FileManager.default.copyItem(at: package.tarball, to: root.file("/root/\(package.name).tar.gz"))
        try root.run(["tar", "-xzf", "/root/\(package.name).tar.gz", "-C", "/root"])
        let installer = "/root/\(package.name)/install.sh"
        let first = try root.run([installer])
        XCTAssertTrue(first.contains("created system user vigil"), first)
        XCTAssertTrue(first.contains("installed /etc/vigil/vigil.yaml"), first)
        XCTAssertTrue(first.contains("systemd is not running here"), first)
        let installed = try root.installedPackages()
        XCTAssertTrue(wanted.isSubset(of: installed), "not installed: \(wanted.subtracting(installed))")

        XCTAssertEqual(try root.run(["vigil", "--version"]).trimmingCharacters(in: .whitespacesAndNewlines), version)
        XCTAssertEqual(try root.run(["/opt/vigil/bin/vigil", "--version"]).trimmingCharacters(in: .whitespacesAndNewlines), version)
        let ldd = try root.run(["ldd", "/opt/vigil/bin/vigil"])
        XCTAssertFalse(ldd.contains("not found"), ldd)
        XCTAssertTrue(ldd.contains("libswiftCore.so => /opt/vigil/bin/../lib/libswiftCore.so"), ldd)
        XCTAssertTrue(try root.run(["getent", "passwd", "vigil"]).hasSuffix(":/var/lib/vigil:/usr/sbin/nologin\n"))
        XCTAssertEqual(Set(try root.run(["id", "-nG", "vigil"]).split(whereSeparator: \.isWhitespace)), ["vigil", "video"])
        XCTAssertEqual(try root.run(["stat", "-c", "%U %G %a", "/var/lib/vigil"]), "vigil vigil 750\n")
        XCTAssertEqual(try root.run(["stat", "-c", "%U %G %a", "/etc/vigil/vigil.yaml"]), "root vigil 640\n")
        let copies = ["/etc/vigil/vigil.yaml": "packaging/vigil.yaml", "/etc/systemd/system/vigil.service": "packaging/vigil.service"]
        for (installed, shipped) in copies {
            XCTAssertEqual(try Data(contentsOf: root.file(installed)), try Data(contentsOf: DeployPaths.file(shipped)), installed)
        }
        let check = try root.run(["vigil", "config", "check", "/etc/vigil/vigil.yaml"], user: "vigil")
        XCTAssertTrue(check.contains("server: http://0.0.0.0:8080"), check)
        XCTAssertTrue(check.contains("camera demo: /opt/vigil/share/vigil/demo/video.mp4"), check)

        // Again, on a machine with systemd (not running, as in any chroot): nothing is
        // reinstalled, the edited configuration stays, the unit is enabled and verifies.
        let edited = try String(contentsOf: root.file("/etc/vigil/vigil.yaml"), encoding: .utf8) + "# edited by its owner\n"
        try edited.write(to: root.file("/etc/vigil/vigil.yaml"), atomically: false, encoding: .utf8)
        try root.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "systemd"], environment: ["DEBIAN_FRONTEND": "noninteractive"])
        let second = try root.run([installer])
        XCTAssertTrue(second.contains("runtime packages already installed"), second)
        XCTAssertFalse(second.contains("created system user"), second)
        XCTAssertTrue(second.contains("kept /etc/vigil/vigil.yaml"), second)
        XCTAssertTrue(second.contains("enabled for the next boot"), second)
        XCTAssertEqual(try String(contentsOf: root.file("/etc/vigil/vigil.yaml"), encoding: .utf8), edited)
        XCTAssertEqual(try root.run(["readlink", "/etc/systemd/system/multi-user.target.wants/vigil.service"]),
                       "/etc/systemd/system/vigil.service\n")
        XCTAssertEqual(try root.run(["systemd-analyze", "verify", "/etc/systemd/system/vigil.service"]), "")
        // The check has teeth: a unit whose program is missing fails it.
        let broken = try String(contentsOf: DeployPaths.file("packaging/vigil.service"), encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/opt/vigil/bin/vigil", with: "ExecStart=/opt/vigil/bin/missing")
        try broken.write(to: root.file("/etc/systemd/system/vigil-broken.service"), atomically: false, encoding: .utf8)
        let rejected = try root.status(["systemd-analyze", "verify", "/etc/systemd/system/vigil-broken.service"])
        XCTAssertNotEqual(rejected.status, 0)
        XCTAssertTrue(rejected.output.contains("/opt/vigil/bin/missing"), rejected.output)

        // The installed service's command, as its user: serves, answers the image's health check,
        // stops cleanly on SIGTERM.
        let port = try MosquittoBroker.freePort()
        let service = try root.invocation(["/opt/vigil/bin/vigil", "run", "--config", "/etc/vigil/vigil.yaml"],
                                          user: "vigil", environment: ["VIGIL_SERVER_PORT": "\(port)"])
        let vigil = try ChildProcess(service.executable, service.arguments)
        defer { vigil.terminate() }
        _ = try vigil.waitForLine(containing: "vigil running 1 camera(s) (demo); dashboard: http://0.0.0.0:\(port)/dashboard")
        try FileManager.default.copyItem(at: DeployPaths.file("packaging/docker/healthcheck.sh"), to: root.file("/usr/local/bin/vigil-healthcheck"))
        let health = try root.status(["/usr/local/bin/vigil-healthcheck"], user: "vigil", environment: [
            "VIGIL_HEALTHCHECK_PROC": "/proc/\(vigil.process.processIdentifier)", "VIGIL_SERVER_PORT": "\(port)",
        ])
        XCTAssertEqual(health.status, 0, health.output)
        XCTAssertEqual(health.output, "healthy: GET /healthz on 127.0.0.1:\(port): HTTP/1.1 200 OK\n")
        XCTAssertEqual(vigil.terminate(), 0, vigil.printed)
        print("ReleasePackageTests: fresh-root install, reinstall and run took \(Int(Date().timeIntervalSince(started))) s")
    }

    /// The package names in a package's runtime-packages.txt.
    static func runtimePackages(_ package: ReleasePackage) throws -> Set<String> {
        let text = try String(contentsOf: package.tree.appendingPathComponent("share/vigil/runtime-packages.txt"), encoding: .utf8)
        return Set(text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    /// `Key=Value` lines of a unit file (the last one wins; comments and sections dropped).
    static func unitSettings(_ file: URL) throws -> [String: String] {
        var settings: [String: String] = [:]
        for line in try String(contentsOf: file, encoding: .utf8).split(separator: "\n") {
            guard !line.hasPrefix("#"), !line.hasPrefix("["), let equals = line.firstIndex(of: "=") else { continue }
            settings[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return settings
    }
}
