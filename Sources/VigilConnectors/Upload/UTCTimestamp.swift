import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The UTC calendar fields of an instant, formatted the ways the storage services and object
/// names want them.
///
/// Built on `gmtime_r`, so no locale or time zone setting can change the output.
public struct UTCTimestamp: Sendable, Equatable {
    public let year, month, day, hour, minute, second, weekday: Int

    public init(_ date: Date) {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var fields = tm()
        gmtime_r(&seconds, &fields)
        year = Int(fields.tm_year) + 1900
        month = Int(fields.tm_mon) + 1
        day = Int(fields.tm_mday)
        hour = Int(fields.tm_hour)
        minute = Int(fields.tm_min)
        second = Int(fields.tm_sec)
        weekday = Int(fields.tm_wday)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `20130524` (the SigV4 credential scope date).
    public var dateStamp: String { Self.pad(year, 4) + Self.pad(month, 2) + Self.pad(day, 2) }
    /// `20130524T000000Z` (`x-amz-date`).
    public var amzDate: String { dateStamp + "T" + Self.pad(hour, 2) + Self.pad(minute, 2) + Self.pad(second, 2) + "Z" }
    /// `2013-05-24` (the `{date}` placeholder).
    public var isoDate: String { Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) }
    /// `00-00-00` (the `{time}` placeholder; no colons, which some tools mishandle in names).
    public var isoTime: String { Self.pad(hour, 2) + "-" + Self.pad(minute, 2) + "-" + Self.pad(second, 2) }

    /// `Fri, 24 May 2013 00:00:00 GMT` (RFC 1123, `x-ms-date`).
    public var rfc1123: String {
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[weekday]), \(Self.pad(day, 2)) \(months[month - 1]) \(Self.pad(year, 4)) "
            + "\(Self.pad(hour, 2)):\(Self.pad(minute, 2)):\(Self.pad(second, 2)) GMT"
    }
}
