/// A growable byte buffer a packet is copied into and muxed from; reused packet after packet, so
/// it allocates only when a packet is larger than every one before it.
///
/// Owned by one thread (a clip writer). Keeps 64 zeroed bytes past the end, as FFmpeg's parsers
/// expect (`AV_INPUT_BUFFER_PADDING_SIZE`).
final class PacketBytes {
    static let padding = 64
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int
    /// Bytes of the current packet.
    var count = 0

    init(capacity: Int = 256 << 10) {
        self.capacity = capacity
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity + Self.padding, alignment: 64)
    }

    deinit { pointer.deallocate() }

    /// Makes room for `size` bytes (contents are not kept) and sets `count`.
    func prepare(_ size: Int) -> UnsafeMutableRawPointer {
        if size > capacity {
            pointer.deallocate()
            capacity = max(size, capacity * 2)
            pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity + Self.padding, alignment: 64)
        }
        count = size
        (pointer + size).initializeMemory(as: UInt8.self, repeating: 0, count: Self.padding)
        return pointer
    }
}
