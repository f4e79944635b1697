import Foundation

/// A fresh Debian 12 root in a temporary folder, for running the installer in a chroot.
///
/// The root is debootstrap's `minbase` variant (what `debian:bookworm-slim` is made from), made
/// once and cached as a tarball (`/tmp/vigil-debootstrap-bookworm.tar`, or
/// `VIGIL_DEBOOTSTRAP_CACHE`; rebuilt when missing); each instance unpacks a new copy. `/proc` is
/// mounted (the loader reads /proc/self/exe to expand `$ORIGIN`) and apt's download folder is
/// bound to a cache that outlives the root, so repeated runs download each package once. Needs
/// root, the debootstrap package and deb.debian.org (or `VIGIL_DEBIAN_MIRROR`) for the first
/// build and for apt. `remove()` (also run by deinit) unmounts everything before deleting.
final class DebianRoot {
    static let cache = URL(fileURLWithPath: ProcessInfo.processInfo.environment["VIGIL_DEBOOTSTRAP_CACHE"]
        ?? "/tmp/vigil-debootstrap-bookworm.tar")
    static let aptCache = cache.deletingPathExtension().appendingPathExtension("apt-cache")
    static let mirror = ProcessInfo.processInfo.environment["VIGIL_DEBIAN_MIRROR"] ?? "http://deb.debian.org/debian"
    /// What chrooted commands see: no variable of the test process leaks into the root.
    static let baseEnvironment = [
        "PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
    ]

    let path: URL
    private var mounts: [URL] = []
    private var removed = false

    init() throws {
        try Self.makeCache()
        path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-debian-root-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: path, withIntermediateDirectories: true)
        do {
            try DeployTools.run("tar", ["--numeric-owner", "-xf", Self.cache.path, "-C", path.path])
            let resolv = try String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)
            try? FileManager.default.removeItem(at: file("/etc/resolv.conf"))
            try resolv.write(to: file("/etc/resolv.conf"), atomically: true, encoding: .utf8)
            try mount(["-t", "proc", "proc"], at: "/proc")
            try FileManager.default.createDirectory(at: Self.aptCache, withIntermediateDirectories: true)
            try mount(["--bind", Self.aptCache.path], at: "/var/cache/apt/archives")
        } catch {
            remove()
            throw error
        }
    }

    deinit { remove() }

    /// `relative` (an absolute path inside the root) as a path on this machine.
    func file(_ relative: String) -> URL { path.appendingPathComponent(String(relative.drop { $0 == "/" })) }

    /// The program and arguments that run `arguments` in the root as `user` (else root), with
    /// `baseEnvironment` plus `environment` only: `env -i VARS... chroot [--userspec] ROOT ...`.
    /// env and chroot each exec the next, so the process started is the command itself.
    func invocation(_ arguments: [String], user: String? = nil, environment: [String: String] = [:]) throws
        -> (executable: URL, arguments: [String]) {
        let variables = Self.baseEnvironment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }.sorted()
        let userspec = user.map { ["--userspec=\($0):\($0)"] } ?? []
        return (try DeployTools.which("env"),
                ["-i"] + variables + [try DeployTools.which("chroot").path] + userspec + [path.path] + arguments)
    }

    /// Runs a command in the root (as `user`, else root) to its end.
    func status(_ arguments: [String], user: String? = nil, environment: [String: String] = [:]) throws -> DeployTools.Result {
        let (executable, args) = try invocation(arguments, user: user, environment: environment)
        return try DeployTools.status(executable, args)
    }

    /// As `status`, throwing with the output when the command fails.
    @discardableResult
    func run(_ arguments: [String], user: String? = nil, environment: [String: String] = [:]) throws -> String {
        let result = try status(arguments, user: user, environment: environment)
        guard result.status == 0 else {
            throw DeployToolError("chroot \(path.path) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output)")
        }
        return result.output
    }

    /// The names of the packages dpkg lists as installed in the root.
    func installedPackages() throws -> Set<String> {
        let listing = try run(["dpkg-query", "-W", "-f", "${db:Status-Abbrev} ${Package}\n"])
        return Set(listing.split(separator: "\n").compactMap { line in
            line.hasPrefix("ii ") ? line.split(separator: " ").last.map(String.init) : nil
        })
    }

    /// Unmounts what was mounted (lazily if busy) and deletes the root, but never while anything
    /// is still mounted below it: a recursive delete would reach into the mount.
    func remove() {
        guard !removed else { return }
        removed = true
        for mountPoint in mounts.reversed() {
            if (try? DeployTools.run("umount", [mountPoint.path])) == nil {
                _ = try? DeployTools.run("umount", ["-l", mountPoint.path])
            }
        }
        Self.removeUnlessMounted(path)
    }

    /// Deletes a folder unless something is mounted below it.
    static func removeUnlessMounted(_ folder: URL) {
        let mountTable = (try? String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)) ?? ""
        guard !mountTable.contains(folder.path) else { return }
        try? FileManager.default.removeItem(at: folder)
    }

    private func mount(_ arguments: [String], at relative: String) throws {
        let mountPoint = file(relative)
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try DeployTools.run("mount", arguments + [mountPoint.path])
        mounts.append(mountPoint)
    }

    /// Builds the cached minbase root with debootstrap unless it exists (a lock keeps concurrent
    /// test processes from building it twice; a half-made tarball is never left under the name).
    static func makeCache() throws {
        if FileManager.default.fileExists(atPath: cache.path) { return }
        try FileManager.default.createDirectory(at: cache.deletingLastPathComponent(), withIntermediateDirectories: true)
        try DeployTools.withLock(cache.appendingPathExtension("lock")) {
            if FileManager.default.fileExists(atPath: cache.path) { return }
            let work = cache.deletingLastPathComponent().appendingPathComponent("vigil-debootstrap-\(UUID().uuidString)")
            defer { removeUnlessMounted(work) }
            let rootDir = work.appendingPathComponent("root")
            try DeployTools.run("debootstrap", ["--variant=minbase", "bookworm", rootDir.path, mirror])
            let partial = work.appendingPathComponent("root.tar")
            try DeployTools.run("tar", ["--numeric-owner", "-cf", partial.path, "-C", rootDir.path, "."])
            try FileManager.default.moveItem(at: partial, to: cache)
        }
    }
}
