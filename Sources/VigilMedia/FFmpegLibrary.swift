import CFFmpeg
import Logging

/// Process-wide FFmpeg set-up, done once before the first source opens.
///
/// Registers the capture devices (V4L2) and routes FFmpeg's own log through swift-log (label
/// `vigil.ffmpeg`, FFmpeg levels error and worse at `.debug`, with URL credentials redacted), so
/// FFmpeg never writes to stderr. Decoder complaints on a lossy stream come at several per
/// second, hence `.debug`; a source's own failures reach its logger and status as errors.
enum FFmpegLibrary {
    /// FFmpeg messages; raise to `.debug` to see them.
    static let logger = Logger(label: "vigil.ffmpeg")

    /// Evaluated once (Swift runs a static initialiser exactly once, thread-safely).
    static let setUp: Void = {
        avdevice_register_all()
        av_log_set_level(AV_LOG_ERROR)
        // A plain C function pointer with no captures, run on whatever thread FFmpeg logs from.
        av_log_set_callback { avClass, level, format, arguments in
            guard level <= av_log_get_level(), let format, let arguments else { return }
            var line = [CChar](repeating: 0, count: 1024)
            var printPrefix: Int32 = 1
            av_log_format_line2(avClass, level, format, arguments, &line, Int32(line.count), &printPrefix)
            let text = line.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { return }
            FFmpegLibrary.logger.debug("\(CredentialRedaction.redactingURLs(in: text))")
        }
    }()
}
