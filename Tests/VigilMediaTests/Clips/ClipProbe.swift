import Foundation
import VigilMedia
import XCTest

/// What the clip tests ask ffprobe and ffmpeg about a video file.
enum ClipProbe {
    /// One packet as `ffprobe -show_packets -show_data_hash MD5` lists it.
    struct Packet: Equatable {
        var ptsTime: Double?
        var size: Int
        var isKeyframe: Bool
        var md5: String
    }

    /// The video packets of `url`, in file (decoding) order.
    static func packets(of url: URL) throws -> [Packet] {
        let text = try output("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_packets",
                                                   "-show_data_hash", "MD5", "-show_entries",
                                                   "packet=pts_time,size,flags,data_hash", "-of", "csv=p=0", url.path])
        return text.split(separator: "\n").map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Packet(ptsTime: Double(fields[0]), size: Int(fields[1]) ?? -1,
                          isKeyframe: fields[2].hasPrefix("K"), md5: fields[3])
        }
    }

    /// A field of the first video stream, e.g. `codec_name`.
    static func stream(_ field: String, of url: URL) throws -> String {
        try output("/usr/bin/ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=\(field)",
                                        "-of", "csv=p=0", url.path]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The container's duration in seconds.
    static func duration(of url: URL) throws -> Double {
        let text = try output("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url.path])
        return try XCTUnwrap(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), "duration of \(url.path): \(text)")
    }

    /// Frames the decoder produced from the whole file.
    static func decodedFrameCount(of url: URL) throws -> Int {
        let text = try output("/usr/bin/ffprobe", ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                                   "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", url.path])
        return try XCTUnwrap(Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), "frame count of \(url.path): \(text)")
    }

    /// What `ffmpeg -v error -i url -f null -` reports while decoding every frame (empty: no error).
    static func decodingErrors(of url: URL) throws -> String {
        try output("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-v", "error", "-i", url.path, "-f", "null", "-"],
                   allowFailure: true).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The types of the file's top-level MP4 atoms, in order (`ftyp`, `moov`, `mdat`…).
    static func topLevelAtoms(of url: URL) throws -> [String] {
        let bytes = [UInt8](try Data(contentsOf: url))
        var atoms: [String] = []
        var offset = 0
        while offset + 8 <= bytes.count {
            var size = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            atoms.append(String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self))
            if size == 1, offset + 16 <= bytes.count {  // 64-bit size follows the type
                size = bytes[offset + 8..<offset + 16].reduce(0) { $0 << 8 | Int($1) }
            } else if size == 0 {
                size = bytes.count - offset  // to the end of the file
            }
            guard size >= 8 else { break }
            offset += size
        }
        return atoms
    }

    /// Runs a program and returns its standard output (and error); throws on a non-zero exit
    /// unless `allowFailure`.
    static func output(_ executable: String, _ arguments: [String], allowFailure: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        if process.terminationStatus != 0 && !allowFailure {
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus):\n\(text)")
        }
        return text
    }
}

/// Collects what a `ClipRecorder` reports, from its writer thread.
final class ClipCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [Result<ClipResult, ClipError>] = []

    var results: [Result<ClipResult, ClipError>] { lock.withLock { storage } }

    func record(_ result: Result<ClipResult, ClipError>) { lock.withLock { storage.append(result) } }

    /// The only result, which must be a success.
    func onlyClip(file: StaticString = #filePath, line: UInt = #line) throws -> ClipResult {
        let results = self.results
        guard results.count == 1 else { throw TestFailure("expected one clip, got \(results)") }
        return try results[0].get()
    }
}
