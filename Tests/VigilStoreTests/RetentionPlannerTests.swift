import Foundation
import XCTest
@testable import VigilStore

final class RetentionPlannerTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    let gb: Int64 = 1_000_000_000

    func file(_ path: String, _ kind: MediaKind = .clip, gb size: Double, daysAgo: Double, uploaded: Bool = false,
              event: String? = nil) -> StoredFile {
        StoredFile(path: path, kind: kind, bytes: Int64(size * Double(gb)), created: now.addingTimeInterval(-daysAgo * 86_400),
                   uploaded: uploaded, eventID: event ?? path)
    }

    func testPlan_ageThenUploadedOldestThenOldestUntilUnderTheCap() {
        let files = [
            file("new-uploaded", gb: 2, daysAgo: 0.5, uploaded: true),
            file("old-clip", gb: 1, daysAgo: 8),
            file("old-snapshot", .snapshot, gb: 0.001, daysAgo: 8),
            file("mid", gb: 3, daysAgo: 3),
            file("oldest-kept", gb: 2, daysAgo: 6),
            file("mid-uploaded", gb: 1, daysAgo: 4, uploaded: true),
            file("active", gb: 4, daysAgo: 9, event: "live"),
            file("newest", gb: 2, daysAgo: 0.1),
        ]
        // 15.001 GB in all; age removes the 8-day clip (the 8-day snapshot is within its 30 days), the cap
        // then takes the uploaded files and the oldest others until 10 GB or less is left.
        let plan = RetentionPlanner.plan(files: files, policy: RetentionPolicy(maxTotalBytes: 10 * gb, minFreeBytes: 0),
                                         freeBytes: 100 * gb, activeEventIDs: ["live"], now: now)
        XCTAssertEqual(plan.map(\.file.path), ["old-clip", "mid-uploaded", "new-uploaded", "old-snapshot", "oldest-kept"])
        XCTAssertEqual(plan.map(\.reason), [
            "older than 7 days",
            "over the 10 GB cap: uploaded first",
            "over the 10 GB cap: uploaded first",
            "over the 10 GB cap: oldest",
            "over the 10 GB cap: oldest",
        ])
    }

    func testPlan_lowDiskDeletesUntilTheMinimumIsFree() {
        let files = [
            file("a", gb: 0.5, daysAgo: 3),
            file("b", gb: 0.5, daysAgo: 2, uploaded: true),
            file("c", gb: 0.5, daysAgo: 1),
        ]
        let plan = RetentionPlanner.plan(files: files, policy: RetentionPolicy(minFreeBytes: 2 * gb), freeBytes: gb,
                                         activeEventIDs: [], now: now)
        XCTAssertEqual(plan.map(\.file.path), ["b", "a"])
        XCTAssertEqual(plan.map(\.reason), ["under 2 GB free: uploaded first", "under 2 GB free: oldest"])
    }

    func testPlan_activeEventsAreKeptEvenWhenOld() {
        let files = [file("old", gb: 5, daysAgo: 30, event: "live"), file("fine", .snapshot, gb: 0.0015, daysAgo: 29.9)]
        XCTAssertEqual(RetentionPlanner.plan(files: files, policy: RetentionPolicy(maxTotalBytes: 10 * gb), freeBytes: 50 * gb,
                                             activeEventIDs: ["live"], now: now), [])
    }

    func testPlan_activeFilesCountTowardsTheCapButOthersGo() {
        let files = [file("old", gb: 5, daysAgo: 30, event: "live"), file("fine", .snapshot, gb: 0.0015, daysAgo: 29.9)]
        let plan = RetentionPlanner.plan(files: files, policy: RetentionPolicy(maxTotalBytes: gb), freeBytes: 50 * gb,
                                         activeEventIDs: ["live"], now: now)
        XCTAssertEqual(plan.map(\.file.path), ["fine"])
        XCTAssertEqual(plan.map(\.reason), ["over the 1 GB cap: oldest"])
    }

    func testByteText_decimalUnits() {
        XCTAssertEqual(ByteText.size(10_000_000_000), "10 GB")
        XCTAssertEqual(ByteText.size(1_500_000_000), "1.5 GB")
        XCTAssertEqual(ByteText.size(500_000_000), "500 MB")
        XCTAssertEqual(ByteText.size(999), "999 bytes")
        XCTAssertEqual(ByteText.number(7), "7")
        XCTAssertEqual(ByteText.number(0.5), "0.5")
    }
}
