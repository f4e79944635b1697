import CFFmpeg
import Foundation

/// Encodes RGB24 frames to H.264 with libx264 (through libavcodec) into an `MP4ClipWriter`.
///
/// Frames are converted to yuv420p by swscale (BT.601, limited range, which the stream is tagged
/// with; odd sizes are scaled to the even size 4:2:0 needs) into one reused `AVFrame`. Settings:
/// `preset` and `crf` from `ClipConfiguration.Encoder`, a keyframe every second (GOP = frame
/// rate), global headers (the MP4's avcC). Timestamps are the frames' presentation times in
/// 1/90000 s from the clip's first frame, forced strictly increasing.
/// See https://ffmpeg.org/doxygen/5.1/group__lavc__encdec.html (send/receive encoding).
///
/// Used by one thread (a recorder's writer).
final class H264FrameEncoder {
    static let timeBase = AVRational(num: 1, den: 90_000)

    private let path: String
    private var codec: UnsafeMutablePointer<AVCodecContext>?
    private var picture: UnsafeMutablePointer<AVFrame>?
    private var packet: UnsafeMutablePointer<AVPacket>?
    private var scaler: OpaquePointer?
    private let width: Int32
    private let height: Int32
    private var lastPTS: Int64?
    /// A padded copy of a frame whose pixel array has no spare capacity (swscale's SIMD input
    /// readers may touch a few bytes past the last row).
    private var paddedPixels: [UInt8] = []
    private let planes = UnsafeMutablePointer<UnsafePointer<UInt8>?>.allocate(capacity: 4)
    private let strides = UnsafeMutablePointer<Int32>.allocate(capacity: 4)

    /// Opens the encoder for `width`×`height` frames at about `frameRate` fps.
    init(width: Int, height: Int, frameRate: Double, settings: ClipConfiguration.Encoder, path: String) throws(ClipError) {
        _ = FFmpegLibrary.setUp
        self.path = path
        self.width = Int32(max(2, width & ~1))
        self.height = Int32(max(2, height & ~1))
        planes.initialize(repeating: nil, count: 4)
        strides.initialize(repeating: 0, count: 4)
        guard let encoder = avcodec_find_encoder_by_name("libx264") else {
            throw ClipError(path: path, operation: "find the libx264 encoder", reason: "this FFmpeg was built without libx264")
        }
        codec = avcodec_alloc_context3(encoder)
        picture = av_frame_alloc()
        packet = av_packet_alloc()
        guard let codec, let picture, packet != nil else {
            throw ClipError(path: path, operation: "open the libx264 encoder", reason: "out of memory")
        }
        let fps = max(1, Int32(frameRate.rounded()))
        codec.pointee.width = self.width
        codec.pointee.height = self.height
        codec.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        codec.pointee.time_base = Self.timeBase
        codec.pointee.framerate = AVRational(num: fps, den: 1)
        codec.pointee.gop_size = fps
        codec.pointee.thread_count = Int32(settings.threads)
        codec.pointee.colorspace = AVCOL_SPC_SMPTE170M
        codec.pointee.color_range = AVCOL_RANGE_MPEG
        codec.pointee.flags |= Int32(AV_CODEC_FLAG_GLOBAL_HEADER)
        var options: OpaquePointer?
        av_dict_set(&options, "preset", settings.preset, 0)
        av_dict_set(&options, "crf", String(settings.crf), 0)
        defer { av_dict_free(&options) }
        var code = avcodec_open2(codec, encoder, &options)
        guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "open the libx264 encoder") }

        picture.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        picture.pointee.width = self.width
        picture.pointee.height = self.height
        code = av_frame_get_buffer(picture, 0)
        guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "allocate the yuv420p frame") }
    }

    deinit {
        sws_freeContext(scaler)
        av_frame_free(&picture)
        av_packet_free(&packet)
        avcodec_free_context(&codec)
        planes.deallocate()
        strides.deallocate()
    }

    /// Copies the encoder's parameters (with its avcC extradata) into a muxer stream.
    func configure(_ parameters: UnsafeMutablePointer<AVCodecParameters>) throws(ClipError) {
        let code = avcodec_parameters_from_context(parameters, codec)
        guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "copy the encoder parameters") }
    }

    /// Encodes `frame` at `seconds` from the clip's start and writes what the encoder hands out.
    func encode(_ frame: Frame, at seconds: Double, into writer: MP4ClipWriter) throws(ClipError) {
        guard let codec, let picture else { return }
        try convert(frame, into: picture)
        var pts = Int64((seconds * Double(Self.timeBase.den)).rounded())
        if let lastPTS, pts <= lastPTS { pts = lastPTS + 1 }
        lastPTS = pts
        picture.pointee.pts = pts
        let code = avcodec_send_frame(codec, picture)
        guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "encode a frame") }
        try drain(into: writer)
    }

    /// Flushes the encoder's delayed frames into `writer`.
    func finish(into writer: MP4ClipWriter) throws(ClipError) {
        let code = avcodec_send_frame(codec, nil)
        guard code >= 0 || code == vigil_averror_eof() else { throw .ffmpeg(code, path: path, operation: "flush the encoder") }
        try drain(into: writer)
    }

    private func drain(into writer: MP4ClipWriter) throws(ClipError) {
        guard let codec, let packet else { return }
        while true {
            let code = avcodec_receive_packet(codec, packet)
            if code == vigil_averror(EAGAIN) || code == vigil_averror_eof() { return }
            guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "encode a frame") }
            try writer.write(packet, from: Self.timeBase)
        }
    }

    private func convert(_ frame: Frame, into picture: UnsafeMutablePointer<AVFrame>) throws(ClipError) {
        var code = av_frame_make_writable(picture)  // the encoder may still hold the previous one
        guard code >= 0 else { throw .ffmpeg(code, path: path, operation: "reuse the yuv420p frame") }
        scaler = sws_getCachedContext(scaler, Int32(frame.width), Int32(frame.height), AV_PIX_FMT_RGB24,
                                      width, height, AV_PIX_FMT_YUV420P, SWS_BICUBIC | SWS_ACCURATE_RND, nil, nil, nil)
        guard let scaler else {
            throw ClipError(path: path, operation: "convert RGB to yuv420p",
                            reason: "swscale cannot convert \(frame.width)x\(frame.height) RGB24")
        }
        let count = frame.width * frame.height * 3
        strides[0] = Int32(frame.width * 3)
        code = withPaddedPixels(of: frame, count: count) { source in
            planes[0] = source
            return withUnsafeMutablePointer(to: &picture.pointee.data) { data in
                withUnsafeMutablePointer(to: &picture.pointee.linesize) { lineSizes in
                    data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { destination in
                        lineSizes.withMemoryRebound(to: Int32.self, capacity: 8) { destinationStrides in
                            sws_scale(scaler, planes, strides, 0, Int32(frame.height), destination, destinationStrides)
                        }
                    }
                }
            }
        }
        guard code == height else {
            throw ClipError(path: path, operation: "convert RGB to yuv420p", reason: "swscale wrote \(code) of \(height) rows")
        }
    }

    private func withPaddedPixels(of frame: Frame, count: Int, _ body: (UnsafePointer<UInt8>) -> Int32) -> Int32 {
        if frame.pixels.capacity >= count + 64 {
            return frame.pixels.withUnsafeBufferPointer { body($0.baseAddress!) }
        }
        if paddedPixels.count < count + 64 { paddedPixels = [UInt8](repeating: 0, count: count + 64) }
        return paddedPixels.withUnsafeMutableBufferPointer { padded in
            frame.pixels.withUnsafeBufferPointer { padded.baseAddress!.update(from: $0.baseAddress!, count: count) }
            return body(UnsafePointer(padded.baseAddress!))
        }
    }
}
