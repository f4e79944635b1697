import Foundation

/// A clock that moves only when a test says so, for the event detector's times.
struct MockClock {
    var now = Date(timeIntervalSince1970: 1_795_000_000)

    /// Moves time forward and returns the new time.
    @discardableResult
    mutating func advance(by seconds: TimeInterval) -> Date {
        now = now.addingTimeInterval(seconds)
        return now
    }
}
