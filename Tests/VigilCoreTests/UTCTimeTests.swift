import Foundation
import Testing
@testable import VigilCore

/// The arithmetic UTC formatter against Foundation's Gregorian calendar.
struct UTCTimeTests {
    static func calendarText(_ seconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    @Test func matchesTheCalendar_overTwoCenturies() {
        // Every 1 000 003 s (about 11.6 days, so every day of the month and hour drifts through)
        // from 1900 to 2100, plus the edges of leap days and of the epoch.
        var seconds: Int64 = -2_208_988_800
        while seconds < 4_102_444_800 {
            #expect(UTCTime.secondText(seconds) == Self.calendarText(seconds), "\(seconds)")
            seconds += 1_000_003
        }
        for edge: Int64 in [-1, 0, 1, 951_782_399, 951_782_400, 951_868_800, 4_107_542_399, 1_795_564_800] {
            #expect(UTCTime.secondText(edge) == Self.calendarText(edge), "\(edge)")
        }
    }

    @Test func documentTimes() {
        #expect(PredictionDocument.createdNow(Date(timeIntervalSince1970: 1_795_564_801.25)) == "2026-11-25T00:00:01.250000")
        #expect(PredictionDocument.createdNow(Date(timeIntervalSince1970: 1_795_564_801)) == "2026-11-25T00:00:01")
    }
}
