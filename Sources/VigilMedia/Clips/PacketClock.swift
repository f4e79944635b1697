/// Gives every packet of a stream a presentation and a decoding timestamp, continuous across
/// loops and reconnects, and places them on a seconds timeline.
///
/// Packets without a dts take their pts and vice versa; packets with neither are placed one frame
/// step after the previous one. When the dts jumps back by more than a second or forward by more
/// than `maximumJump` (a file looping, a camera restarting its clock) the clock re-bases so the
/// packet follows one step after the last. Timeline second 0 is the first packet's pts, which is
/// where `Frame.presentationTime` starts for MP4/Matroska files and RTSP streams (their
/// `start_time` is the first pts); a stream whose first video pts is not its start time is offset
/// by the difference.
struct PacketClock {
    /// The stream's time base.
    let timeBase: TimeBase
    /// One frame in ticks (from the stated frame rate, else 25 fps), at least 1.
    let stepTicks: Int64
    /// The largest forward dts jump still taken as continuous: 10 s in ticks.
    private let maximumJump: Int64
    private let maximumBackstep: Int64
    private var offset: Int64 = 0
    private var lastDecode: Int64?
    private var origin: Int64?

    init(timeBase: TimeBase, frameRate: Double?) {
        self.timeBase = timeBase
        let ticksPerSecond = timeBase.numerator > 0 ? Double(timeBase.denominator) / Double(timeBase.numerator) : 90_000
        stepTicks = max(1, Int64((ticksPerSecond / max(frameRate ?? 25, 1e-3)).rounded()))
        maximumJump = Int64(ticksPerSecond * 10)
        maximumBackstep = Int64(ticksPerSecond)
    }

    /// Complete, continuous timestamps for a packet with these (possibly missing) ones.
    mutating func place(pts: Int64?, dts: Int64?) -> (pts: Int64, dts: Int64) {
        guard let rawDecode = dts ?? pts, let rawPresentation = pts ?? dts else {
            let decode = lastDecode.map { $0 + stepTicks } ?? 0
            return commit(pts: decode, dts: decode)
        }
        if let lastDecode {
            let candidate = rawDecode + offset
            if candidate < lastDecode - maximumBackstep || candidate > lastDecode + maximumJump {
                offset = lastDecode + stepTicks - rawDecode
            }
        }
        return commit(pts: rawPresentation + offset, dts: rawDecode + offset)
    }

    private mutating func commit(pts: Int64, dts: Int64) -> (pts: Int64, dts: Int64) {
        if origin == nil { origin = pts }
        lastDecode = max(lastDecode ?? dts, dts)
        return (pts, dts)
    }

    /// Timeline seconds of `ticks` (a value `place` returned).
    func seconds(_ ticks: Int64) -> Double { timeBase.seconds(ticks - (origin ?? 0)) }
}
