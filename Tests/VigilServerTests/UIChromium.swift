import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Headless Chromium driven from the command line, for the quick-test page's browser tests.
///
/// Each run gets a fresh profile folder (so runs never contend for a profile lock) and a time
/// limit after which the browser is killed. The flags are those that work as root in a container:
/// no sandbox, no GPU, and a virtual time budget so the page's scripts and requests finish before
/// the DOM is dumped or the screenshot taken.
struct Chromium {
    /// A run that failed: what was asked, how it ended and the end of Chromium's stderr.
    struct RunError: Error, CustomStringConvertible {
        let description: String
    }

    static let installHint = "chromium is not installed or not on PATH: run `apt-get install chromium` (`make test` installs it)"

    let executable: URL
    var windowSize = (width: 1200, height: 900)
    var virtualTimeBudgetMilliseconds = 8000
    /// Wall-clock limit of one run, after which the browser is killed.
    var timeout: Duration = .seconds(120)

    /// The first `chromium` (or `chromium-browser`) on PATH, nil when none is installed.
    init?() {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let candidates = ["chromium", "chromium-browser"].flatMap { name in
            path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else { return nil }
        executable = found
    }

    /// The page's DOM, serialised after its scripts ran.
    func dumpDOM(of page: URL) async throws -> String {
        String(decoding: try await run(["--dump-dom", page.absoluteString]), as: UTF8.self)
    }

    /// Saves a PNG of the window to `file`, replacing any older one.
    func screenshot(of page: URL, to file: URL) async throws {
        try? FileManager.default.removeItem(at: file)
        _ = try await run(["--screenshot=\(file.path)", page.absoluteString])
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw RunError(description: "chromium exited without writing \(file.path)")
        }
    }

    /// Runs the browser with the common flags plus `arguments`; returns its stdout.
    func run(_ arguments: [String]) async throws -> Data {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-chromium-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let stdoutFile = work.appendingPathComponent("stdout")
        let stderrFile = work.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdoutFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        let process = Process()
        process.executableURL = executable
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
            "--user-data-dir=\(work.appendingPathComponent("profile").path)",
            "--window-size=\(windowSize.width),\(windowSize.height)",
            "--virtual-time-budget=\(virtualTimeBudgetMilliseconds)",
        ] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutFile)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        let (exits, reportExit) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { finished in
            reportExit.yield(finished.terminationStatus)
            reportExit.finish()
        }
        try process.run()
        let pid = process.processIdentifier
        let limit = timeout

        // Whichever comes first: the exit, or the limit (then the browser is killed and its exit awaited).
        let timedOut = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in exits {}
                return false
            }
            group.addTask {
                do { try await Task.sleep(for: limit) } catch { return false }
                kill(pid, SIGKILL)
                return true
            }
            let first = await group.next() ?? false
            if !first { group.cancelAll() }
            await group.waitForAll()
            return first
        }
        let status = process.isRunning ? nil : process.terminationStatus

        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        let tail = stderr.split(separator: "\n").suffix(12).joined(separator: "\n")
        let command = "chromium \(arguments.joined(separator: " "))"
        if timedOut {
            throw RunError(description: "\(command) did not finish within \(limit) and was killed; stderr ends:\n\(tail)")
        }
        guard status == 0 else {
            throw RunError(description: "\(command) exited with status \(status.map(String.init) ?? "?"); stderr ends:\n\(tail)")
        }
        return try Data(contentsOf: stdoutFile)
    }
}

/// Just enough HTML reading to check what a dumped DOM shows.
enum DumpedHTML {
    /// The text of the element whose `id` is `id` (nested tags dropped, entities decoded, whitespace
    /// trimmed); nil when no element has that id.
    static func text(ofElementWithID id: String, in html: String) -> String? {
        inner(ofElementWithID: id, in: html).map { inner in
            decodeEntities(inner.replacing(/<[^>]*>/, with: "")).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// The attributes text of the element's start tag, e.g. ` id="error" class="error" hidden`.
    static func attributes(ofElementWithID id: String, in html: String) -> String? {
        startTag(id: id, in: html).map { String($0.output.2) }
    }

    /// The markup between the element's start tag and its matching end tag.
    static func inner(ofElementWithID id: String, in html: String) -> String? {
        guard let start = startTag(id: id, in: html) else { return nil }
        let name = String(start.output.1).lowercased()
        var depth = 1
        var cursor = start.range.upperBound
        // Walks the tags of the same name after the start tag until the one that closes it.
        while let tag = html[cursor...].firstMatch(of: /<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>/) {
            if tag.output.2.lowercased() == name {
                depth += tag.output.1.isEmpty ? 1 : -1
                if depth == 0 { return String(html[start.range.upperBound..<tag.range.lowerBound]) }
            }
            cursor = tag.range.upperBound
        }
        return nil
    }

    private static func startTag(id: String, in html: String) -> Regex<(Substring, Substring, Substring)>.Match? {
        html.matches(of: /<([A-Za-z][A-Za-z0-9-]*)(\s[^>]*)>/).first { match in
            match.output.2.contains(" id=\"\(id)\"")
        }
    }

    static func decodeEntities(_ text: String) -> String {
        var decoded = text
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", "\u{A0}")] {
            decoded = decoded.replacingOccurrences(of: entity, with: character)
        }
        decoded = decoded.replacing(/&#(x?)([0-9A-Fa-f]+);/) { match in
            UInt32(match.output.2, radix: match.output.1.isEmpty ? 10 : 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) } ?? String(match.output.0)
        }
        return decoded.replacingOccurrences(of: "&amp;", with: "&")
    }
}
