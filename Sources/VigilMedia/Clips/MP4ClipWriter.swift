import CFFmpeg
import Foundation

/// Writes one video stream into a fast-start MP4 that appears under its final name only when
/// complete.
///
/// The muxer (libavformat's `mp4`, `movflags=+faststart`) writes `<final>.partial`;
/// `finish()` writes the trailer — which moves the `moov` atom in front of `mdat`, so a browser
/// can start playing before the whole file arrived — closes and fsyncs the file, renames it to
/// `<final>` (atomic on one file system) and fsyncs the directory. A crash at any point leaves at
/// most a `.partial`, which `ClipRecovery` removes. Timestamps are rescaled to the stream time
/// base the muxer chose, decoding timestamps forced strictly increasing and presentation
/// timestamps to at least the decoding ones, as the muxer requires.
/// See https://ffmpeg.org/doxygen/5.1/group__lavf__encoding.html.
///
/// Used by one thread (a recorder's writer).
final class MP4ClipWriter {
    /// The suffix of a clip being written.
    static let partialSuffix = ".partial"

    let finalPath: String
    let partialPath: String
    /// The output stream's time base (chosen by the muxer in `avformat_write_header`).
    private(set) var timeBase = AVRational(num: 1, den: 90_000)
    private var context: UnsafeMutablePointer<AVFormatContext>?
    private let packet: UnsafeMutablePointer<AVPacket>
    private var lastDecode: Int64?
    private var closed = false
    /// Samples written so far.
    private(set) var samples = 0

    /// Creates `<url>.partial` and writes the MP4 header.
    ///
    /// - Parameters:
    ///   - configure: fills the stream's codec parameters (codec, size, extradata).
    ///   - timeBase: the time base the caller's timestamps will be in (the muxer may pick another).
    ///   - frameRate: the stream's average frame rate, when known (stored in the stream).
    init(url: URL, timeBase: AVRational, frameRate: AVRational?,
         configure: (UnsafeMutablePointer<AVCodecParameters>) throws(ClipError) -> Void) throws(ClipError) {
        _ = FFmpegLibrary.setUp
        finalPath = url.path
        partialPath = url.path + Self.partialSuffix
        guard let packet = av_packet_alloc() else {
            throw ClipError(path: url.path, operation: "allocate a packet", reason: "out of memory")
        }
        self.packet = packet
        let outputURL = "file:" + partialPath
        var code = avformat_alloc_output_context2(&context, nil, "mp4", outputURL)
        guard code >= 0, let context else { throw fail(code, "create the MP4 muxer") }
        guard let stream = avformat_new_stream(context, nil) else {
            throw ClipError(path: finalPath, operation: "add the video stream", reason: "out of memory")
        }
        stream.pointee.time_base = timeBase
        if let frameRate { stream.pointee.avg_frame_rate = frameRate }
        try configure(stream.pointee.codecpar)

        code = avio_open(&context.pointee.pb, outputURL, AVIO_FLAG_WRITE)
        guard code >= 0 else { throw fail(code, "create \(partialPath)") }
        var options: OpaquePointer?
        av_dict_set(&options, "movflags", "+faststart", 0)
        defer { av_dict_free(&options) }
        code = avformat_write_header(context, &options)
        guard code >= 0 else { throw fail(code, "write the MP4 header") }
        self.timeBase = stream.pointee.time_base
    }

    deinit {
        if !closed { discard() }
        var packet: UnsafeMutablePointer<AVPacket>? = self.packet
        av_packet_free(&packet)
    }

    /// Writes one packet whose timestamps (`pts`, `dts`, `duration`) are in `sourceTimeBase`.
    /// The bytes are only read during the call (the muxer copies them into the file).
    func write(_ bytes: UnsafeMutableRawPointer, size: Int, pts: Int64, dts: Int64, duration: Int64,
               in sourceTimeBase: AVRational, isKeyframe: Bool) throws(ClipError) {
        av_packet_unref(packet)  // a bare packet: no buffer reference, the data is borrowed
        packet.pointee.data = bytes.assumingMemoryBound(to: UInt8.self)
        packet.pointee.size = Int32(size)
        packet.pointee.pts = pts
        packet.pointee.dts = dts
        packet.pointee.duration = duration
        packet.pointee.flags = isKeyframe ? vigil_pkt_flag_key() : 0
        defer { packet.pointee.data = nil; packet.pointee.size = 0 }
        try write(packet, from: sourceTimeBase)
    }

    /// Writes an encoder's packet (timestamps in `sourceTimeBase`); the packet is unreferenced.
    func write(_ encoded: UnsafeMutablePointer<AVPacket>, from sourceTimeBase: AVRational) throws(ClipError) {
        guard let context else { return }
        let rounding = AVRounding(rawValue: AV_ROUND_NEAR_INF.rawValue | AV_ROUND_PASS_MINMAX.rawValue)
        var dts = av_rescale_q_rnd(encoded.pointee.dts, sourceTimeBase, timeBase, rounding)
        var pts = av_rescale_q_rnd(encoded.pointee.pts, sourceTimeBase, timeBase, rounding)
        if let lastDecode, dts <= lastDecode { dts = lastDecode + 1 }
        if pts < dts { pts = dts }
        lastDecode = dts
        encoded.pointee.dts = dts
        encoded.pointee.pts = pts
        encoded.pointee.duration = av_rescale_q(encoded.pointee.duration, sourceTimeBase, timeBase)
        encoded.pointee.stream_index = 0
        encoded.pointee.pos = -1
        let code = av_write_frame(context, encoded)
        av_packet_unref(encoded)
        guard code >= 0 else { throw fail(code, "write a packet") }
        samples += 1
    }

    /// Writes the trailer (fast-start rewrite included), syncs, and renames the file to its final
    /// name. Returns the file's size. On failure the `.partial` is removed.
    func finish() throws(ClipError) -> Int {
        guard let context, !closed else { throw ClipError(path: finalPath, operation: "finish", reason: "already closed") }
        closed = true
        let trailer = av_write_trailer(context)
        let closing = avio_closep(&context.pointee.pb)
        avformat_free_context(context)
        self.context = nil
        do throws(ClipError) {
            guard trailer >= 0 else { throw fail(trailer, "write the MP4 trailer") }
            guard closing >= 0 else { throw fail(closing, "close \(partialPath)") }
            try sync(partialPath, operation: "sync \(partialPath)")
            guard rename(partialPath, finalPath) == 0 else { throw ClipError.system(errno, path: finalPath, operation: "rename the finished clip") }
            try sync((finalPath as NSString).deletingLastPathComponent, operation: "sync the clip directory")
        } catch {
            unlink(partialPath)
            throw error
        }
        var info = stat()
        return stat(finalPath, &info) == 0 ? Int(info.st_size) : 0
    }

    /// Stops writing and leaves the `.partial` as it is on disk, as a crash would (the trailer, and
    /// so the `moov` atom, is never written).
    func abandon() {
        guard let context, !closed else { return }
        closed = true
        avio_closep(&context.pointee.pb)
        avformat_free_context(context)
        self.context = nil
    }

    /// Stops writing and removes the `.partial` (a clip that failed).
    func discard() {
        abandon()
        unlink(partialPath)
    }

    private func fail(_ code: Int32, _ operation: String) -> ClipError {
        .ffmpeg(code, path: finalPath, operation: operation)
    }

    private func sync(_ path: String, operation: String) throws(ClipError) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw ClipError.system(errno, path: finalPath, operation: operation) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw ClipError.system(errno, path: finalPath, operation: operation) }
    }
}
