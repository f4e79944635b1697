import Foundation

/// What a `FrameSource` reads, parsed from a user string the way the seed's `VIDEO_PATH` is.
///
/// - a bare integer `N`: the V4L2 device `/dev/videoN`
/// - `/dev/video…`: that V4L2 device
/// - `rtsp://` or `rtsps://`: an RTSP stream; credentials in the URL are allowed and never logged
/// - `http://` or `https://`: an HTTP stream, usually MJPEG (`multipart/x-mixed-replace`, FFmpeg's
///   `mpjpeg` demuxer, chosen by the response's MIME type); other HTTP video is probed
/// - an existing directory: the images in it (jpg, jpeg, png, bmp), sorted by file name
/// - any other path (or `file://` URL): a video file
///
/// Parsing touches the file system only to tell a directory from a file; whether a file exists is
/// checked when the source opens it, so the error comes with the source's status.
public enum SourceSpec: Sendable, Equatable, CustomStringConvertible {
    /// A V4L2 capture device such as `/dev/video0`.
    case device(path: String)
    /// An RTSP (or RTSPS) URL, possibly with `user:password@`.
    case rtsp(url: String)
    /// An HTTP(S) URL: MJPEG over multipart, or any other stream FFmpeg can probe.
    case http(url: String)
    /// A folder of still images, read in file-name order.
    case imageFolder(path: String)
    /// A video file.
    case file(path: String)

    /// File-name extensions (lower case) of the images a folder source reads.
    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp"]

    /// Parses a user string; throws only for an empty one.
    public init(parsing text: String) throws(FrameSourceError) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw FrameSourceError(source: "\"\(text)\"", operation: "parse the source", reason: "the source is empty")
        }
        let lower = trimmed.lowercased()
        if let index = Int(trimmed), index >= 0 {
            self = .device(path: "/dev/video\(index)")
        } else if lower.hasPrefix("rtsp://") || lower.hasPrefix("rtsps://") {
            self = .rtsp(url: trimmed)
        } else if lower.hasPrefix("http://") || lower.hasPrefix("https://") {
            self = .http(url: trimmed)
        } else if trimmed.hasPrefix("/dev/video") {
            self = .device(path: trimmed)
        } else {
            let path = lower.hasPrefix("file://") ? (URL(string: trimmed)?.path ?? String(trimmed.dropFirst(7))) : trimmed
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                self = .imageFolder(path: path)
            } else {
                self = .file(path: path)
            }
        }
    }

    /// The source as it may appear in logs, errors and status: URL credentials become `***`.
    public var redacted: String {
        switch self {
        case .device(let path), .imageFolder(let path), .file(let path): return path
        case .rtsp(let url), .http(let url): return CredentialRedaction.redactingURLs(in: url)
        }
    }

    /// Same as `redacted`, so string interpolation never leaks a password.
    public var description: String { redacted }

    /// Live sources (cameras and streams) reconnect forever; files and folders can end or fail.
    public var isLive: Bool {
        switch self {
        case .device, .rtsp, .http: return true
        case .imageFolder, .file: return false
        }
    }

    /// The password in the URL, if any, percent-decoded; used to scrub library messages.
    var password: String? {
        switch self {
        case .rtsp(let url), .http(let url): return CredentialRedaction.password(in: url)
        case .device, .imageFolder, .file: return nil
        }
    }

    /// Removes credentials from a message about this source (URLs anywhere, and the password
    /// itself when it is long enough to be told from ordinary text).
    func scrub(_ message: String) -> String {
        var text = CredentialRedaction.redactingURLs(in: message)
        if let password, password.count >= 3 {
            text = text.replacingOccurrences(of: password, with: "***")
            let encoded = password.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed) ?? password
            text = text.replacingOccurrences(of: encoded, with: "***")
        }
        return text
    }
}
