import Foundation

/// Keeps a source's most recent encoded video packets, from a keyframe on, so a clip can begin
/// up to `preRoll` seconds before the event that starts it.
///
/// What is kept: every packet of the last `preRoll` seconds of presentation time plus the packets
/// back to the last keyframe at or before that window, so the oldest packet is always a keyframe.
/// Packets that arrive before the first keyframe (or after a loss, until the next one) are skipped:
/// they could not be decoded. Memory is bounded by `byteLimit`: when a packet would pass it, the
/// oldest GOPs (a keyframe and the packets up to the next one) are dropped whole.
///
/// Storage: packet bytes are copied into one circular byte buffer that grows by doubling up to
/// `byteLimit` (it starts at 1 MiB and grows only while the retained bytes outgrow it), and their
/// descriptions into an array used as a queue; neither allocates per packet once the buffer has
/// reached the stream's high-water mark.
///
/// A clip writer reads packets by sequence number (`read(_:into:)`) while the source keeps
/// appending; `pin(_:)` keeps the window from trimming packets the writer has not read yet, so the
/// only bound on a slow writer is `byteLimit` (packets it loses show as `.evicted`).
///
/// Thread-safe: `append` runs on a source's reading thread (a `PacketObserver`), the writer reads
/// on its own thread, and statistics may be read from anywhere; one lock guards the state.
public final class PacketRingBuffer: @unchecked Sendable {
    /// A packet as stored (its bytes are read with `read(_:into:)`).
    public struct StoredPacket: Sendable, Equatable {
        /// Position in the buffer's input: +1 per stored packet, never reused.
        public var sequence: UInt64
        public var size: Int
        /// Presentation and decoding timestamps in the stream's time base, made complete and
        /// continuous by `PacketClock`.
        public var pts: Int64
        public var dts: Int64
        /// Timeline seconds of `pts` and of `dts`.
        public var time: Double
        public var decodeTime: Double
        public var isKeyframe: Bool
        /// +1 whenever the stream's parameters change (a reconnect to a different stream).
        public var generation: Int
        /// Where the bytes are in the storage.
        var offset: Int
    }

    /// Counters and extent, for status pages and tests.
    public struct Statistics: Sendable, Equatable {
        public var packets = 0
        public var bytes = 0
        /// Bytes the storage has grown to.
        public var storageCapacity = 0
        /// Timeline seconds of the oldest packet (a keyframe) and of the newest presentation time.
        public var oldestTime: Double?
        public var newestTime: Double?
        /// GOPs and packets dropped to stay under `byteLimit`.
        public var droppedGOPs = 0
        public var droppedPackets = 0
        /// Packets never stored: before a first keyframe, empty, or larger than `byteLimit`.
        public var skippedPackets = 0
    }

    /// The outcome of reading a packet.
    enum ReadResult: Equatable {
        /// The packet, its bytes now in the `PacketBytes`.
        case packet(StoredPacket)
        /// Not appended yet.
        case pending
        /// Dropped (byte limit or stream change); the oldest stored packet is `oldest`, if any.
        case evicted(oldest: UInt64?)
    }

    /// Seconds of presentation time kept before the newest packet (0...60).
    public let preRoll: Double
    /// Most packet bytes held.
    public let byteLimit: Int

    private let lock = NSLock()
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    private var entries: [StoredPacket] = []
    private var head = 0
    /// Sequences of the stored keyframes, oldest first (`keyHead` is the first live one).
    private var keyframes: [UInt64] = []
    private var keyHead = 0
    private var nextSequence: UInt64 = 1
    private var usedBytes = 0
    private var newestTime: Double?
    private var awaitingKeyframe = true
    private var pinned: UInt64?
    private var clock: PacketClock?
    private var counters = Statistics()
    private(set) var generation = 0
    /// The stream of the stored packets (nil before the first packet).
    public var stream: StreamParameters? { lock.withLock { _stream } }
    private var _stream: StreamParameters?

    /// - Parameters:
    ///   - preRoll: seconds of presentation time to keep (plus back to a keyframe). Default 5, max 60.
    ///   - byteLimit: most packet bytes held; oldest GOPs are dropped past it. Default 64 MiB.
    public init(preRoll: Double = 5, byteLimit: Int = 64 << 20) {
        precondition((0...ClipConfiguration.maximumPreRoll).contains(preRoll), "preRoll must be in 0...60 s")
        precondition(byteLimit > 0, "byteLimit must be positive")
        self.preRoll = preRoll
        self.byteLimit = byteLimit
        capacity = min(byteLimit, 1 << 20)
        storage = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
    }

    deinit { storage.deallocate() }

    /// Copies `packet` in and trims what the window and the byte limit no longer need.
    ///
    /// A packet of another stream (other codec, size or extradata) empties the buffer first: the
    /// packets before it cannot be decoded with the new parameters.
    public func append(_ packet: EncodedPacket) {
        lock.lock()
        defer { lock.unlock() }
        if _stream != packet.stream { restart(for: packet.stream) }
        let stamps = clock!.place(pts: packet.pts, dts: packet.dts)
        let size = packet.data.count
        guard size > 0, size <= byteLimit, let source = packet.data.baseAddress else { skip(); return }
        if awaitingKeyframe && !packet.isKeyframe { counters.skippedPackets += 1; return }
        guard let offset = makeRoom(for: size, isKeyframe: packet.isKeyframe) else { skip(); return }
        awaitingKeyframe = false
        (storage + offset).copyMemory(from: source, byteCount: size)
        let time = clock!.seconds(stamps.pts)
        let entry = StoredPacket(sequence: nextSequence, size: size, pts: stamps.pts, dts: stamps.dts, time: time,
                                 decodeTime: clock!.seconds(stamps.dts), isKeyframe: packet.isKeyframe,
                                 generation: generation, offset: offset)
        entries.append(entry)
        if packet.isKeyframe { keyframes.append(nextSequence) }
        nextSequence += 1
        usedBytes += size
        newestTime = max(newestTime ?? time, time)
        trimWindow()
    }

    /// The sequence a clip for an event at `time` starts from: the last stored keyframe at or
    /// before `time`, else the oldest stored keyframe; nil when nothing is stored.
    public func clipStart(at time: Double) -> UInt64? {
        lock.lock()
        defer { lock.unlock() }
        guard keyHead < keyframes.count else { return nil }
        return keyframes[keyframes[keyHead...].lastIndex { entry($0)!.time <= time } ?? keyHead]
    }

    /// The stored packets, oldest first (descriptions only).
    public var packets: [StoredPacket] {
        lock.withLock { Array(entries[head...]) }
    }

    public var statistics: Statistics {
        lock.lock()
        defer { lock.unlock() }
        var copy = counters
        copy.packets = entries.count - head
        copy.bytes = usedBytes
        copy.storageCapacity = capacity
        copy.oldestTime = head < entries.count ? entries[head].time : nil
        copy.newestTime = newestTime
        return copy
    }

    /// The clock's frame step in seconds (a packet's duration when the stream states none).
    var frameStep: (ticks: Int64, timeBase: TimeBase)? {
        lock.withLock { clock.map { ($0.stepTicks, $0.timeBase) } }
    }

    /// Where a clip for an event at `time` starts, pinned so the window keeps it: the last stored
    /// keyframe at or before `time`, else the oldest stored keyframe; when nothing is stored, the
    /// sequence the next stored packet gets (always a keyframe).
    func pinClipStart(at time: Double) -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        var start = nextSequence
        if keyHead < keyframes.count {
            start = keyframes[keyframes[keyHead...].lastIndex { entry($0)!.time <= time } ?? keyHead]
        }
        pinned = start
        return start
    }

    /// Keeps the window from trimming packets from `sequence` on (nil: no pin). The byte limit
    /// still applies.
    func pin(_ sequence: UInt64?) {
        lock.withLock { pinned = sequence }
    }

    /// The oldest stored packet (a keyframe), else the sequence the next stored packet gets.
    var resumeSequence: UInt64 {
        lock.withLock { head < entries.count ? entries[head].sequence : nextSequence }
    }

    /// Copies packet `sequence` into `bytes`; also moves the pin to it when one is set.
    func read(_ sequence: UInt64, into bytes: PacketBytes) -> ReadResult {
        lock.lock()
        defer { lock.unlock() }
        if sequence >= nextSequence { return .pending }
        guard let entry = entry(sequence) else {
            return .evicted(oldest: head < entries.count ? entries[head].sequence : nil)
        }
        bytes.prepare(entry.size).copyMemory(from: storage + entry.offset, byteCount: entry.size)
        if pinned != nil { pinned = sequence }
        return .packet(entry)
    }

    // MARK: - Under the lock

    private func entry(_ sequence: UInt64) -> StoredPacket? {
        guard head < entries.count, sequence >= entries[head].sequence, sequence < nextSequence else { return nil }
        return entries[head + Int(sequence - entries[head].sequence)]
    }

    private func skip() {
        counters.skippedPackets += 1
        awaitingKeyframe = true
    }

    private func restart(for stream: StreamParameters) {
        removeOldest(entries.count - head)
        generation += _stream == nil ? 0 : 1
        _stream = stream
        clock = PacketClock(timeBase: stream.timeBase, frameRate: stream.averageFrameRate)
        newestTime = nil
        awaitingKeyframe = true
    }

    /// Drops whole GOPs older than the window, keeping the last keyframe at or before its start
    /// and everything from the pin on.
    private func trimWindow() {
        guard let newestTime else { return }
        let windowStart = newestTime - preRoll
        while keyHead + 1 < keyframes.count {
            let next = keyframes[keyHead + 1]
            guard entry(next)!.time <= windowStart, pinned.map({ next <= $0 }) ?? true else { return }
            removeOldest(Int(next - entries[head].sequence))
        }
    }

    /// Drops the oldest GOP (all packets when only one keyframe is stored); false when empty.
    private func dropOldestGOP() -> Bool {
        guard head < entries.count else { return false }
        let count = keyHead + 1 < keyframes.count ? Int(keyframes[keyHead + 1] - entries[head].sequence) : entries.count - head
        counters.droppedGOPs += 1
        counters.droppedPackets += count
        removeOldest(count)
        return true
    }

    private func removeOldest(_ count: Int) {
        guard count > 0 else { return }
        for index in head..<(head + count) {
            usedBytes -= entries[index].size
            if entries[index].isKeyframe { keyHead += 1 }
        }
        head += count
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            keyframes.removeAll(keepingCapacity: true)
            head = 0
            keyHead = 0
        } else if head >= 4096 && head * 2 >= entries.count {
            entries.removeFirst(head)  // shifts within the existing capacity: no allocation
            keyframes.removeFirst(keyHead)
            head = 0
            keyHead = 0
        }
    }

    // MARK: - Storage

    /// Where a packet of `size` bytes goes: drops GOPs past the byte limit, grows the storage while
    /// it is below the limit, and drops more GOPs when what is left is too fragmented. Nil when the
    /// packet cannot be stored usefully (its own GOP had to go).
    private func makeRoom(for size: Int, isKeyframe: Bool) -> Int? {
        while usedBytes + size > byteLimit && dropOldestGOP() {}
        while true {
            if head == entries.count && !isKeyframe { return nil }
            if let offset = placement(for: size) { return offset }
            if capacity < byteLimit {
                grow(toFit: size)
            } else if !dropOldestGOP() {
                return nil
            }
        }
    }

    /// A free contiguous range of `size` bytes after the newest packet, wrapping to the start.
    private func placement(for size: Int) -> Int? {
        guard head < entries.count else { return size <= capacity ? 0 : nil }
        let oldest = entries[head].offset
        let newest = entries[entries.count - 1]
        let tail = newest.offset + newest.size
        if newest.offset >= oldest {  // one run: [oldest, tail); free at the end and before oldest
            if tail + size <= capacity { return tail }
            return size <= oldest ? 0 : nil
        }
        return tail + size <= oldest ? tail : nil  // wrapped: free between tail and oldest
    }

    /// Reallocates the storage at up to twice the size, packing the packets from offset 0.
    private func grow(toFit size: Int) {
        var newCapacity = capacity
        while newCapacity < usedBytes + size || newCapacity == capacity { newCapacity *= 2 }
        newCapacity = min(newCapacity, byteLimit)
        let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 64)
        var offset = 0
        for index in head..<entries.count {
            newStorage.advanced(by: offset).copyMemory(from: storage + entries[index].offset, byteCount: entries[index].size)
            entries[index].offset = offset
            offset += entries[index].size
        }
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
