import CFFmpeg
import Foundation

/// One opened FFmpeg input: demuxer, the best video stream and its decoder.
///
/// Owns the `AVFormatContext`, `AVCodecContext`, and one reused `AVPacket` and `AVFrame` (no
/// allocation per frame). Every blocking call is bounded by `InterruptState`. Used only on the
/// reading thread. See https://ffmpeg.org/doxygen/5.1/group__lavf__decoding.html and
/// https://ffmpeg.org/doxygen/5.1/group__lavc__encdec.html (send/receive decoding).
final class FFmpegInput {
    private var format: UnsafeMutablePointer<AVFormatContext>?
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var frame: UnsafeMutablePointer<AVFrame>?
    private let interrupt: InterruptState
    private let source: String
    private let readTimeout: Double
    private let streamIndex: Int32
    private let timeBase: TimeBase
    /// The stream's first timestamp, subtracted so presentation time starts near 0.
    private var startTimestamp: Int64?
    private var draining = false
    /// The video stream, for packet observers and status.
    let stream: StreamParameters
    /// Packets the decoder rejected (corrupt data), and FFmpeg's text for the last rejection.
    private(set) var rejectedPackets = 0
    private(set) var lastRejection: String?

    /// Opens `url` (a path, URL or device) and its best video stream's decoder.
    ///
    /// - Parameters:
    ///   - formatName: a demuxer to force (`video4linux2`), or nil to probe.
    ///   - options: demuxer/protocol options (`rtsp_transport`, `video_size`...).
    ///   - source: the redacted source, for errors.
    ///   - openFailuresArePermanent: files: a failed open will never succeed on retry.
    init(url: String, formatName: String?, options: [(String, String)], interrupt: InterruptState,
         openTimeout: Double, readTimeout: Double, source: String,
         openFailuresArePermanent: Bool) throws(FrameSourceError) {
        _ = FFmpegLibrary.setUp
        self.interrupt = interrupt
        self.source = source
        self.readTimeout = readTimeout

        func failure(_ code: Int32, _ operation: String) -> FrameSourceError {
            if code == vigil_averror_exit() || interrupt.fired {
                return FrameSourceError(source: source, operation: operation, reason: interrupt.interruptionReason, ffmpegCode: code)
            }
            return .ffmpeg(code, source: source, operation: operation, isPermanent: openFailuresArePermanent)
        }

        guard var context = avformat_alloc_context() else {
            throw FrameSourceError(source: source, operation: "open", reason: "out of memory")
        }
        context.pointee.interrupt_callback = interrupt.callback()
        var dictionary: OpaquePointer?
        for (key, value) in options { av_dict_set(&dictionary, key, value, 0) }
        defer { av_dict_free(&dictionary) }
        let inputFormat = formatName.flatMap { av_find_input_format($0) }
        if formatName != nil && inputFormat == nil {
            avformat_free_context(context)
            throw FrameSourceError(source: source, operation: "open",
                                   reason: "this FFmpeg has no '\(formatName!)' input format", isPermanent: true)
        }

        interrupt.arm(seconds: openTimeout)
        var opened: UnsafeMutablePointer<AVFormatContext>? = context
        let openCode = avformat_open_input(&opened, url, inputFormat, &dictionary)  // frees the context on failure
        guard openCode >= 0, let openedContext = opened else { throw failure(openCode, "open") }
        context = openedContext
        format = context

        let infoCode = avformat_find_stream_info(context, nil)
        guard infoCode >= 0 else { avformat_close_input(&format); throw failure(infoCode, "find the streams") }

        var decoder: UnsafePointer<AVCodec>?
        let index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, &decoder, 0)
        guard index >= 0, let decoder else {
            avformat_close_input(&format)
            let reason = index == vigil_averror_decoder_not_found() ? "no decoder for its video stream" : "it has no video stream"
            throw FrameSourceError(source: source, operation: "open", reason: reason, ffmpegCode: index, isPermanent: openFailuresArePermanent)
        }
        streamIndex = index
        let streams = UnsafeBufferPointer(start: context.pointee.streams, count: Int(context.pointee.nb_streams))
        for (i, other) in streams.enumerated() where Int32(i) != index { other?.pointee.discard = AVDISCARD_ALL }
        let videoStream = streams[Int(index)]!
        let parameters = videoStream.pointee.codecpar!
        timeBase = TimeBase(numerator: videoStream.pointee.time_base.num, denominator: videoStream.pointee.time_base.den)
        let start = videoStream.pointee.start_time
        startTimestamp = start == vigil_nopts_value() ? nil : start
        let rate = videoStream.pointee.avg_frame_rate
        stream = StreamParameters(
            containerName: context.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown",
            codecID: Int(parameters.pointee.codec_id.rawValue),
            codecName: String(cString: avcodec_get_name(parameters.pointee.codec_id)),
            width: Int(parameters.pointee.width), height: Int(parameters.pointee.height),
            extradata: parameters.pointee.extradata.map {
                Array(UnsafeBufferPointer(start: $0, count: Int(parameters.pointee.extradata_size)))
            } ?? [],
            timeBase: timeBase,
            averageFrameRate: rate.num > 0 && rate.den > 0 ? Double(rate.num) / Double(rate.den) : nil)

        codec = avcodec_alloc_context3(decoder)
        packet = av_packet_alloc()
        frame = av_frame_alloc()
        guard let codec, packet != nil, frame != nil else {
            close()
            throw FrameSourceError(source: source, operation: "open", reason: "out of memory")
        }
        var code = avcodec_parameters_to_context(codec, parameters)
        if code >= 0 {
            codec.pointee.pkt_timebase = videoStream.pointee.time_base
            // One decoding thread: the machine's cores go to inference, and frame threading
            // would delay every frame of a live stream by a frame per thread.
            codec.pointee.thread_count = 1
            code = avcodec_open2(codec, decoder, nil)
        }
        guard code >= 0 else { close(); throw failure(code, "open the \(stream.codecName) decoder") }
    }

    deinit { close() }

    private func close() {
        av_frame_free(&frame)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        avformat_close_input(&format)
    }

    /// Decodes the next picture; nil at the end of the input.
    ///
    /// The returned frame is owned by this input and valid until the next call. Its presentation
    /// time is seconds from the stream's start, or nil when the stream carries no timestamps.
    /// Packets the decoder rejects as corrupt are skipped and counted (`rejectedPackets`).
    func nextPicture(observer: PacketObserver?) throws(FrameSourceError) -> (frame: UnsafeMutablePointer<AVFrame>, presentationTime: Double?)? {
        guard let format, let codec, let packet, let frame else { return nil }
        while true {
            let received = avcodec_receive_frame(codec, frame)
            if received == 0 { return (frame, presentationTime(of: frame)) }
            if received == vigil_averror_eof() { return nil }
            if received != vigil_averror(EAGAIN) {
                if received == vigil_averror_invaliddata() { reject(received); continue }
                throw .ffmpeg(received, source: source, operation: "decode")
            }
            if draining { return nil }

            interrupt.arm(seconds: readTimeout)
            let read = av_read_frame(format, packet)
            if read == vigil_averror_eof() {
                draining = true
                avcodec_send_packet(codec, nil)  // flush: the decoder hands out what it holds
                continue
            }
            if read == vigil_averror_exit() || (read < 0 && interrupt.fired) {
                throw FrameSourceError(source: source, operation: "read", reason: interrupt.interruptionReason, ffmpegCode: read)
            }
            guard read >= 0 else { throw .ffmpeg(read, source: source, operation: "read") }
            defer { av_packet_unref(packet) }
            guard packet.pointee.stream_index == streamIndex else { continue }
            if let observer { observer(encodedPacket(packet)) }
            let sent = avcodec_send_packet(codec, packet)
            if sent < 0 && sent != vigil_averror(EAGAIN) {
                guard sent == vigil_averror_invaliddata() else { throw .ffmpeg(sent, source: source, operation: "decode") }
                reject(sent)
            }
        }
    }

    /// Seeks back to the start for looping; false when the input cannot seek.
    func rewind() -> Bool {
        guard let format, let codec else { return false }
        let target = startTimestamp ?? 0
        interrupt.arm(seconds: readTimeout)
        guard av_seek_frame(format, streamIndex, target, AVSEEK_FLAG_BACKWARD) >= 0 else { return false }
        avcodec_flush_buffers(codec)
        draining = false
        return true
    }

    private func reject(_ code: Int32) {
        rejectedPackets += 1
        lastRejection = ffmpegErrorText(code)
    }

    private func presentationTime(of frame: UnsafeMutablePointer<AVFrame>) -> Double? {
        let timestamp = frame.pointee.best_effort_timestamp
        guard timestamp != vigil_nopts_value() else { return nil }
        if startTimestamp == nil { startTimestamp = timestamp }
        return timeBase.seconds(timestamp - startTimestamp!)
    }

    private func encodedPacket(_ packet: UnsafeMutablePointer<AVPacket>) -> EncodedPacket {
        let nopts = vigil_nopts_value()
        return EncodedPacket(
            data: UnsafeRawBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)),
            pts: packet.pointee.pts == nopts ? nil : packet.pointee.pts,
            dts: packet.pointee.dts == nopts ? nil : packet.pointee.dts,
            isKeyframe: packet.pointee.flags & vigil_pkt_flag_key() != 0,
            stream: stream)
    }
}
