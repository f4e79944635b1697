import CFFmpeg

/// A decoded picture lent by an input: valid until the input's next call.
typealias Picture = (frame: UnsafeMutablePointer<AVFrame>, presentationTime: Double?)

/// What the reading loop reads pictures from: one FFmpeg input, or a folder of images.
protocol PictureInput: AnyObject {
    /// The video stream, when there is one encoded stream (not for a folder).
    var streamParameters: StreamParameters? { get }
    /// Why pictures were rejected, if any were (for "no frame could be decoded" errors).
    var rejectionSummary: String? { get }
    /// The next picture; nil at the end of the input.
    func nextPicture(observer: PacketObserver?) throws(FrameSourceError) -> Picture?
    /// Goes back to the start for looping; false when it cannot.
    func rewind() -> Bool
}

extension FFmpegInput: PictureInput {
    var streamParameters: StreamParameters? { stream }

    var rejectionSummary: String? {
        lastRejection.map { "the decoder rejected \(rejectedPackets) packet(s): \($0)" }
    }
}
