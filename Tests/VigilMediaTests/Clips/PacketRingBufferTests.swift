@testable import VigilMedia
import XCTest

/// The pre-roll buffer on synthetic packets: one tick per frame (time base 1/25), so packet `n`
/// is at `n / 25` s; every packet's bytes are its number repeated, to check what comes back.
final class PacketRingBufferTests: XCTestCase {
    private static let stream = StreamParameters(containerName: "test", codecID: 27, codecName: "h264", width: 64, height: 48,
                                                 extradata: [1, 2, 3], timeBase: TimeBase(numerator: 1, denominator: 25),
                                                 averageFrameRate: 25)

    /// Appends packets `range` with a keyframe every `gop` and `size(n)` bytes each.
    private func feed(_ buffer: PacketRingBuffer, _ range: Range<Int>, gop: Int, stream: StreamParameters = stream,
                      size: (Int) -> Int = { _ in 1000 }) {
        for n in range {
            let bytes = [UInt8](repeating: UInt8(truncatingIfNeeded: n), count: size(n))
            bytes.withUnsafeBytes { data in
                buffer.append(EncodedPacket(data: data, pts: Int64(n), dts: Int64(n), isKeyframe: n % gop == 0, stream: stream))
            }
        }
    }

    func test_window_keepsThePreRollBackToTheKeyframeBeforeIt() {
        let buffer = PacketRingBuffer(preRoll: 1, byteLimit: 1 << 20)
        feed(buffer, 0..<100, gop: 10)
        // Newest at 99/25 = 3.96 s; the window starts at 2.96 s; the last keyframe at or before it
        // is packet 70 (2.8 s).
        let packets = buffer.packets
        XCTAssertEqual(packets.first?.pts, 70)
        XCTAssertEqual(packets.first?.isKeyframe, true)
        XCTAssertEqual(packets.last?.pts, 99)
        XCTAssertEqual(packets.count, 30)
        XCTAssertEqual(buffer.statistics.bytes, 30_000)
        XCTAssertEqual(buffer.statistics.droppedGOPs, 0, "window trimming is not a byte-limit drop")
    }

    func test_window_exactlyOnAKeyframe_startsThere() {
        let buffer = PacketRingBuffer(preRoll: 2, byteLimit: 1 << 20)
        feed(buffer, 0..<101, gop: 25)  // newest 4.0 s, window from 2.0 s = packet 50, a keyframe
        XCTAssertEqual(buffer.packets.first?.pts, 50)
    }

    func test_packetsBeforeTheFirstKeyframe_areSkipped() {
        let buffer = PacketRingBuffer(preRoll: 5, byteLimit: 1 << 20)
        feed(buffer, 3..<30, gop: 10)  // 3...9 come before the first keyframe (10)
        XCTAssertEqual(buffer.packets.first?.pts, 10)
        XCTAssertEqual(buffer.statistics.skippedPackets, 7)
    }

    func test_byteLimit_dropsWholeGOPs() {
        let buffer = PacketRingBuffer(preRoll: 60, byteLimit: 25_000)
        feed(buffer, 0..<100, gop: 10)
        let packets = buffer.packets
        let statistics = buffer.statistics
        XCTAssertLessThanOrEqual(statistics.bytes, 25_000)
        XCTAssertEqual(packets.first?.isKeyframe, true, "the oldest packet is always a keyframe")
        XCTAssertEqual((packets.first?.pts ?? -1) % 10, 0)
        XCTAssertEqual(packets.last?.pts, 99)
        XCTAssertEqual(packets.map(\.pts), Array(packets.first!.pts...99), "no gaps inside the kept GOPs")
        XCTAssertGreaterThan(statistics.droppedGOPs, 0)
        XCTAssertEqual(statistics.droppedPackets, statistics.droppedGOPs * 10, "only whole GOPs are dropped")
        XCTAssertEqual(statistics.droppedPackets + packets.count, 100)
    }

    func test_bytesReadBack_matchAcrossWrapAndGrowth() throws {
        // Sizes from 300 to ~9 kB: the storage starts at 1 MiB (here the limit, 200 kB) and wraps often.
        let buffer = PacketRingBuffer(preRoll: 60, byteLimit: 200_000)
        let size = { (n: Int) in 300 + (n * 7919) % 9000 }
        feed(buffer, 0..<2000, gop: 12, size: size)
        let bytes = PacketBytes(capacity: 16)
        let packets = buffer.packets
        XCTAssertFalse(packets.isEmpty)
        for packet in packets {
            guard case .packet(let read) = buffer.read(packet.sequence, into: bytes) else { return XCTFail("no packet \(packet.sequence)") }
            XCTAssertEqual(read.size, size(Int(read.pts)))
            let expected = UInt8(truncatingIfNeeded: read.pts)
            let content = UnsafeRawBufferPointer(start: bytes.pointer, count: bytes.count)
            XCTAssertTrue(content.allSatisfy { $0 == expected }, "packet \(read.pts) came back altered")
        }
        XCTAssertEqual(buffer.read(packets.last!.sequence + 1, into: bytes), .pending)
        guard case .evicted = buffer.read(packets.first!.sequence - 1, into: bytes) else { return XCTFail("expected evicted") }
    }

    func test_storage_growsOnlyToWhatTheWindowNeeds() {
        let buffer = PacketRingBuffer(preRoll: 1, byteLimit: 64 << 20)
        feed(buffer, 0..<5000, gop: 25)  // ~2 s of 1000-byte packets kept at any time
        XCTAssertEqual(buffer.statistics.storageCapacity, 1 << 20, "the initial 1 MiB holds the window: no growth")
    }

    func test_pin_keepsUnreadPacketsPastTheWindow() {
        let buffer = PacketRingBuffer(preRoll: 1, byteLimit: 1 << 20)
        feed(buffer, 0..<50, gop: 10)  // kept: 20 (0.8 s, the keyframe before 0.96 s) to 49
        let start = buffer.pinClipStart(at: 1.0)  // the keyframe at or before 1.0 s
        XCTAssertEqual(buffer.packets.first { $0.sequence == start }?.pts, 20)
        feed(buffer, 50..<200, gop: 10)
        XCTAssertEqual(buffer.packets.first?.sequence, start, "pinned packets stay")
        buffer.pin(nil)
        feed(buffer, 200..<201, gop: 10)
        XCTAssertEqual(buffer.packets.first?.pts, 170, "unpinned, the window applies again")
    }

    func test_clipStart_isTheKeyframeAtOrBeforeTheTime() {
        let buffer = PacketRingBuffer(preRoll: 10, byteLimit: 1 << 20)
        XCTAssertNil(buffer.clipStart(at: 1))
        feed(buffer, 0..<100, gop: 25)
        let time = { (sequence: UInt64?) in buffer.packets.first { $0.sequence == sequence }?.time }
        XCTAssertEqual(time(buffer.clipStart(at: 2.5)), 2.0)
        XCTAssertEqual(time(buffer.clipStart(at: 1.0)), 1.0)
        XCTAssertEqual(time(buffer.clipStart(at: -3)), 0.0, "before everything: the oldest keyframe")
    }

    func test_newStream_emptiesTheBuffer() {
        let buffer = PacketRingBuffer(preRoll: 5, byteLimit: 1 << 20)
        feed(buffer, 0..<40, gop: 10)
        var other = Self.stream
        other.extradata = [9, 9]
        feed(buffer, 40..<45, gop: 10, stream: other)  // 40 is a keyframe of the new stream
        XCTAssertEqual(buffer.packets.map(\.generation), [1, 1, 1, 1, 1])
        XCTAssertEqual(buffer.stream, other)
    }

    func test_clock_fillsMissingTimestampsAndBridgesJumps() {
        var clock = PacketClock(timeBase: TimeBase(numerator: 1, denominator: 1000), frameRate: 25)
        XCTAssertEqual(clock.stepTicks, 40)
        XCTAssertEqual(clock.place(pts: 1000, dts: nil).dts, 1000, "dts from pts")
        XCTAssertEqual(clock.place(pts: nil, dts: 1040).pts, 1040, "pts from dts")
        let synthesized = clock.place(pts: nil, dts: nil)
        XCTAssertEqual(synthesized.dts, 1080, "no timestamps: one step after the last")
        let looped = clock.place(pts: 0, dts: 0)  // a loop back to the start
        XCTAssertEqual(looped.dts, 1120)
        XCTAssertEqual(clock.seconds(looped.pts), 0.12, accuracy: 1e-9)
    }
}
