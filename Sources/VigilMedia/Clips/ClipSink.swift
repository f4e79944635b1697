import CFFmpeg
import Foundation

/// What a finished sink reports about its file.
struct ClipSummary {
    var bytes: Int
    var startTime: Double
    var endTime: Double
    var samples: Int
    var codec: String
    var mode: ClipResult.Mode
}

/// One clip being written: packets copied (`RemuxClipSink`) or frames encoded (`EncodeClipSink`).
protocol ClipSink: AnyObject {
    var path: String { get }
    /// Completes the file (trailer, sync, rename to the final name).
    func finish() throws(ClipError) -> ClipSummary
    /// Stops and removes the `.partial`.
    func discard()
}

/// Copies a stream's H.264/H.265 packets into an MP4 without decoding them.
///
/// The clip's time zero is its first packet's pts (a keyframe); decoding timestamps before it
/// stay negative and the muxer writes an edit list, as `ffmpeg -c copy` does. Each packet lasts
/// one frame step unless the next one says otherwise.
final class RemuxClipSink: ClipSink {
    let generation: Int
    private let writer: MP4ClipWriter
    private let sourceTimeBase: AVRational
    private let origin: Int64
    private let stepTicks: Int64
    private let stepSeconds: Double
    private let codecName: String
    private let startTime: Double
    private var endTime: Double
    var path: String { writer.finalPath }

    init(url: URL, stream: StreamParameters, first: PacketRingBuffer.StoredPacket, stepTicks: Int64) throws(ClipError) {
        generation = first.generation
        sourceTimeBase = AVRational(num: stream.timeBase.numerator, den: stream.timeBase.denominator)
        origin = first.pts
        self.stepTicks = stepTicks
        stepSeconds = stream.timeBase.seconds(stepTicks)
        codecName = stream.codecName
        startTime = first.time
        endTime = first.time
        let rate = stream.averageFrameRate.map { av_d2q($0, 1 << 16) }
        writer = try MP4ClipWriter(url: url, timeBase: sourceTimeBase, frameRate: rate) { parameters throws(ClipError) in
            try Self.configure(parameters, for: stream, path: url.path)
        }
    }

    func write(_ packet: PacketRingBuffer.StoredPacket, bytes: PacketBytes) throws(ClipError) {
        try writer.write(bytes.pointer, size: packet.size, pts: packet.pts - origin, dts: packet.dts - origin,
                         duration: stepTicks, in: sourceTimeBase, isKeyframe: packet.isKeyframe)
        endTime = max(endTime, packet.time + stepSeconds)
    }

    func finish() throws(ClipError) -> ClipSummary {
        let bytes = try writer.finish()
        return ClipSummary(bytes: bytes, startTime: startTime, endTime: endTime, samples: writer.samples,
                           codec: codecName, mode: .remux)
    }

    func discard() { writer.discard() }

    /// The source's codec, size and extradata; tag `hvc1` for H.265, which browsers require.
    private static func configure(_ parameters: UnsafeMutablePointer<AVCodecParameters>, for stream: StreamParameters,
                                  path: String) throws(ClipError) {
        parameters.pointee.codec_type = AVMEDIA_TYPE_VIDEO
        parameters.pointee.codec_id = AVCodecID(rawValue: UInt32(stream.codecID))
        parameters.pointee.width = Int32(stream.width)
        parameters.pointee.height = Int32(stream.height)
        parameters.pointee.codec_tag = parameters.pointee.codec_id == AV_CODEC_ID_HEVC ? fourCC("hvc1") : 0
        guard !stream.extradata.isEmpty else { return }
        guard let extradata = av_mallocz(stream.extradata.count + PacketBytes.padding) else {
            throw ClipError(path: path, operation: "copy the codec extradata", reason: "out of memory")
        }
        stream.extradata.withUnsafeBytes { extradata.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        parameters.pointee.extradata = extradata.assumingMemoryBound(to: UInt8.self)
        parameters.pointee.extradata_size = Int32(stream.extradata.count)
    }

    private static func fourCC(_ text: String) -> UInt32 {
        text.utf8.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }
}

/// Encodes the RGB frames of a clip with libx264 into an MP4.
final class EncodeClipSink: ClipSink {
    private let encoder: H264FrameEncoder
    private let writer: MP4ClipWriter
    private let startTime: Double
    private var endTime: Double
    private let frameSeconds: Double
    var path: String { writer.finalPath }

    init(url: URL, first: Frame, frameRate: Double, settings: ClipConfiguration.Encoder) throws(ClipError) {
        encoder = try H264FrameEncoder(width: first.width, height: first.height, frameRate: frameRate,
                                       settings: settings, path: url.path)
        let encoder = self.encoder
        writer = try MP4ClipWriter(url: url, timeBase: H264FrameEncoder.timeBase,
                                   frameRate: av_d2q(frameRate, 1 << 16)) { parameters throws(ClipError) in
            try encoder.configure(parameters)
        }
        startTime = first.presentationTime
        endTime = first.presentationTime
        frameSeconds = 1 / frameRate
    }

    func write(_ frame: Frame) throws(ClipError) {
        try encoder.encode(frame, at: frame.presentationTime - startTime, into: writer)
        endTime = max(endTime, frame.presentationTime + frameSeconds)
    }

    func finish() throws(ClipError) -> ClipSummary {
        do throws(ClipError) {
            try encoder.finish(into: writer)
        } catch {
            writer.discard()
            throw error
        }
        let bytes = try writer.finish()
        return ClipSummary(bytes: bytes, startTime: startTime, endTime: endTime, samples: writer.samples,
                           codec: "h264", mode: .encode)
    }

    func discard() { writer.discard() }
}
