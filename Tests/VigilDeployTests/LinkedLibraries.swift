import Foundation

/// What a program links and which Debian packages own it, from `ldd`, `readelf -d` and
/// `dpkg-query -S` on this machine.
///
/// The tests' own derivation, written apart from scripts/make-dist.sh so that each checks the
/// other. Starting from the program, each library it names (NEEDED) is resolved to the file the
/// loader uses (ldd); a file dpkg owns contributes its package, any other file is one the release
/// package must ship, and the libraries it names are followed in turn. Packages are direct needs
/// only: apt installs their own dependencies.
struct LinkedLibraries {
    /// soname → the file the loader picks, over the program's whole closure.
    let resolved: [String: String]
    /// Sonames no Debian package owns (the Swift runtime): the release package's lib/.
    let unowned: Set<String>
    /// Owners of the libraries the program and the unowned libraries name, without ":arch".
    let packages: Set<String>

    init(program: URL) throws {
        let ldd = try DeployTools.run("ldd", [program.path])
        var resolved: [String: String] = [:]
        for line in ldd.split(separator: "\n") {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if fields.count >= 3, fields[1] == "=>" {
                guard fields[2] != "not" else { throw DeployToolError("ldd \(program.path): \(fields[0]) not found") }
                resolved[fields[0]] = fields[2]
            } else if let path = fields.first, path.hasPrefix("/") {
                resolved[URL(fileURLWithPath: path).lastPathComponent] = path
            }
        }
        var unowned: Set<String> = []
        var packages: Set<String> = []
        var queue = [program.path]
        var owners: [String: String?] = [:]
        while !queue.isEmpty {
            let file = queue.removeFirst()
            for soname in try Self.needed(file) {
                guard let path = resolved[soname] else { throw DeployToolError("ldd did not resolve \(soname), needed by \(file)") }
                let owner = try owners[path] ?? Self.owner(path)
                owners[path] = owner
                if let owner {
                    packages.insert(owner)
                } else if unowned.insert(soname).inserted {
                    queue.append(path)
                }
            }
        }
        self.resolved = resolved
        self.unowned = unowned
        self.packages = packages
    }

    /// The sonames an ELF file names in its dynamic section (NEEDED), in order.
    static func needed(_ file: String) throws -> [String] {
        try DeployTools.run("readelf", ["-d", file]).split(separator: "\n").compactMap { line in
            guard line.contains("(NEEDED)"), let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }

    /// The RUNPATH (or RPATH) of an ELF file, or nil.
    static func runpath(_ file: String) throws -> String? {
        for line in try DeployTools.run("readelf", ["-d", file]).split(separator: "\n")
        where line.contains("(RUNPATH)") || line.contains("(RPATH)") {
            guard let open = line.firstIndex(of: "["), let close = line.lastIndex(of: "]") else { continue }
            return String(line[line.index(after: open)..<close])
        }
        return nil
    }

    /// The package owning a library file, or nil. With merged /usr the loader's path and dpkg's
    /// record may differ by the /usr prefix, and alternatives (libopenblas.so.0) are symlinks to
    /// the owned file: each spelling is asked for.
    static func owner(_ path: String) throws -> String? {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        var spellings: [String] = []
        for candidate in [path, real] {
            spellings.append(candidate)
            spellings.append(candidate.hasPrefix("/usr/") ? String(candidate.dropFirst(4)) : "/usr" + candidate)
        }
        let dpkgQuery = try DeployTools.which("dpkg-query")
        for spelling in spellings {
            let result = try DeployTools.status(dpkgQuery, ["-S", spelling])
            guard result.status == 0 else { continue }
            // "libc6:amd64: /lib/x86_64-linux-gnu/libc.so.6"; diversions print extra lines.
            guard let line = result.output.split(separator: "\n").first(where: { !$0.hasPrefix("diversion ") }),
                  let owners = line.split(separator: ":").first else { continue }
            return String(owners.split(separator: ",")[0]).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }
}
