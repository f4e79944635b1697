/// One demuxed, still-encoded packet of a source's video stream, lent to a `PacketObserver`.
///
/// `data` is valid only during the observer call; copy what you keep. For clip recording: keep a
/// ring of packets from a keyframe on, then remux them with `stream`'s parameters.
public struct EncodedPacket {
    /// The encoded bytes (borrowed; valid only during the call).
    public let data: UnsafeRawBufferPointer
    /// Presentation timestamp in `stream.timeBase` ticks, if the packet has one.
    public let pts: Int64?
    /// Decoding timestamp in `stream.timeBase` ticks, if the packet has one.
    public let dts: Int64?
    /// The packet starts a keyframe (a point where decoding can begin).
    public let isKeyframe: Bool
    /// The stream the packet belongs to.
    public let stream: StreamParameters
}

/// Called on a source's reading thread with every video packet before it is decoded.
///
/// Keep it quick: the reading thread waits for it. It must not call the source's `stop()`.
public typealias PacketObserver = @Sendable (EncodedPacket) -> Void
