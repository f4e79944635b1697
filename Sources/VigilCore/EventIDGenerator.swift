import Foundation

/// Makes event ids that sort by time: `<unix milliseconds, zero-padded to 13 digits>-<6 base-36 characters>`.
///
/// The random part comes from the system generator, or from a seeded SplitMix64 so that tests
/// get the same ids on every run. A value type: copy it and both copies produce the same ids.
public struct EventIDGenerator: Sendable {
    private var seed: UInt64?

    /// Ids with a random part from the system's random number generator.
    public static var random: EventIDGenerator { EventIDGenerator(seed: nil) }

    /// Ids with a reproducible random part (tests).
    public static func seeded(_ seed: UInt64) -> EventIDGenerator { EventIDGenerator(seed: seed) }

    private init(seed: UInt64?) { self.seed = seed }

    /// The next id for an event that starts at `date`.
    public mutating func next(at date: Date) -> String {
        let millis = max(0, Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        var bits: UInt64
        if var state = seed {
            bits = Self.splitMix64(&state)
            seed = state
        } else {
            bits = UInt64.random(in: .min ... .max)
        }
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyz")
        var suffix = ""
        for _ in 0..<6 {
            suffix.append(alphabet[Int(bits % 36)])
            bits /= 36
        }
        let digits = String(millis)
        return String(repeating: "0", count: max(0, 13 - digits.count)) + digits + "-" + suffix
    }

    private static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
