import Foundation
import XCTest
@testable import VigilApp

/// Cameras shared out among StatefulSet replicas by rendezvous hashing, and the `shard` and
/// `fleet` configuration keys.
final class CameraShardTests: XCTestCase {
    let names = (0..<200).map { "camera-\($0)" }

    func testEveryCameraHasExactlyOneShard_andTheSplitIsEven() {
        for count in [1, 2, 3, 5, 8] {
            var perShard = Array(repeating: 0, count: count)
            for name in names {
                let owners = (0..<count).filter { CameraShard(index: $0, count: count).owns(name) }
                XCTAssertEqual(owners.count, 1, "\(name) with \(count) shards")
                perShard[owners[0]] += 1
            }
            // 200 cameras: each shard within ±50 % of its fair share.
            let fair = Double(names.count) / Double(count)
            for load in perShard { XCTAssertEqual(Double(load), fair, accuracy: fair * 0.5, "\(perShard)") }
        }
    }

    func testAddingAShard_movesOnlyCamerasToTheNewShard() {
        for count in 1...7 {
            var moved = 0
            for name in names {
                let before = CameraShard.owner(of: name, count: count), after = CameraShard.owner(of: name, count: count + 1)
                if before != after {
                    XCTAssertEqual(after, count, "\(name) moved between old shards when going \(count) → \(count + 1)")
                    moved += 1
                }
            }
            // About 1/(count+1) of the cameras move.
            let expected = Double(names.count) / Double(count + 1)
            XCTAssertEqual(Double(moved), expected, accuracy: expected * 0.5, "\(count) → \(count + 1)")
        }
    }

    func testOwner_isStable() {
        // Fixed values, computed independently (a few lines of Python in the commit that added
        // this): the assignment must not change between releases or processes, since replicas of
        // different versions run side by side during a rolling update.
        XCTAssertEqual(CameraShard.weight("yard", 0), 0xee98_0c4c_5a98_52e7)
        XCTAssertEqual(["front-door", "yard", "garage", "gate"].map { CameraShard.owner(of: $0, count: 3) }, [1, 0, 1, 1])
    }

    func testOrdinal_ofStatefulSetPodNames() {
        XCTAssertEqual(CameraShard.ordinal(ofHostName: "vigil-capture-2"), 2)
        XCTAssertEqual(CameraShard.ordinal(ofHostName: "vigil-capture-12.vigil-capture.default.svc"), 12)
        XCTAssertNil(CameraShard.ordinal(ofHostName: "raspberrypi"))
        XCTAssertNil(CameraShard.ordinal(ofHostName: "node-a"))
    }

    static let fourCameras = """
        models: [{name: demo, path: demo/model}]
        cameras:
          - {name: a, source: demo/video.mp4}
          - {name: b, source: demo/video.mp4}
          - {name: c, source: demo/video.mp4}
          - {name: d, source: demo/video.mp4}
        """

    func load(_ yaml: String, _ environment: [String: String] = [:]) throws -> VigilConfiguration {
        try VigilConfiguration.load(yaml: yaml, name: "test.yaml", baseDirectory: SharedFolders.packageRoot, environment: environment).configuration
    }

    func testShardAuto_takesThePodOrdinal_andKeepsThatShardsCameras() throws {
        var union: [String] = []
        for ordinal in 0..<3 {
            let configuration = try load(Self.fourCameras, ["VIGIL_SHARD_COUNT": "3", "VIGIL_SHARD_INDEX": "auto",
                                                             "HOSTNAME": "vigil-capture-\(ordinal)"])
            XCTAssertEqual(configuration.shard, CameraShard(index: ordinal, count: 3))
            XCTAssertEqual(configuration.cameras.map(\.name), ["a", "b", "c", "d"].filter { CameraShard.owner(of: $0, count: 3) == ordinal })
            union += configuration.cameras.map(\.name)
        }
        XCTAssertEqual(union.sorted(), ["a", "b", "c", "d"], "the replicas run every camera once")
    }

    func testShardErrors_nameTheKey() {
        let cases: [([String: String], String)] = [
            (["VIGIL_SHARD_COUNT": "2", "VIGIL_SHARD_INDEX": "2"], "outside 0...1"),
            (["VIGIL_SHARD_COUNT": "2", "VIGIL_SHARD_INDEX": "auto", "HOSTNAME": "raspberrypi"], "does not end in -<ordinal>"),
            (["VIGIL_SHARD_INDEX": "first"], "not an integer or auto"),
        ]
        for (environment, reason) in cases {
            XCTAssertThrowsError(try load(Self.fourCameras, environment)) { error in
                let error = error as? ConfigError
                XCTAssertTrue(error?.keyPath.hasPrefix("shard.index") == true, "\(String(describing: error))")
                XCTAssertTrue(error?.reason.contains(reason) == true, "\(String(describing: error))")
            }
        }
    }

    func testFleet_needsMQTT_andServerURLMustBeHTTP() throws {
        XCTAssertThrowsError(try load(Self.fourCameras + "\nfleet: true")) { error in
            XCTAssertEqual((error as? ConfigError)?.keyPath, "fleet")
        }
        let configuration = try load(Self.fourCameras + "\nfleet: true\nmqtt: {url: 'mqtt://127.0.0.1:1883'}\nnode: hub",
                                     ["VIGIL_SERVER_URL": "http://10.1.2.3:8080"])
        XCTAssertTrue(configuration.fleet)
        XCTAssertEqual(configuration.mqtt?.topics.availability, "vigil/nodes/hub/available")
        XCTAssertEqual(NodeReport.url(configured: configuration.publicURL, host: "0.0.0.0", port: 8080), "http://10.1.2.3:8080/")
        XCTAssertEqual(NodeReport.url(configured: nil, host: "127.0.0.1", port: 4321), "http://127.0.0.1:4321/")
        XCTAssertThrowsError(try load(Self.fourCameras, ["VIGIL_SERVER_URL": "ftp://x"])) { error in
            XCTAssertEqual((error as? ConfigError)?.keyPath, "server.url (from VIGIL_SERVER_URL)")
        }
    }
}
