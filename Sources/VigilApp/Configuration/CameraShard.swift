import Foundation

/// One replica's share of the configured cameras, for scaling a camera fleet out across nodes
/// (a Kubernetes StatefulSet whose pods all read the same vigil.yaml).
///
/// Each camera belongs to exactly one of `count` shards, chosen by rendezvous (highest random
/// weight) hashing of its name: every shard scores the camera with a hash of `name` and its own
/// index, and the highest score wins. The choice depends only on the name and `count`, so every
/// replica agrees without talking to the others, and going from N to N+1 replicas moves only the
/// cameras the new shard wins (about 1/(N+1) of them); none move between old shards.
public struct CameraShard: Sendable, Equatable {
    public var index: Int
    public var count: Int

    /// The single shard that runs every camera.
    public static let whole = CameraShard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count >= 1 && (0..<count).contains(index), "shard \(index) of \(count)")
        self.index = index
        self.count = count
    }

    /// The shard that runs the camera named `name`.
    public static func owner(of name: String, count: Int) -> Int {
        var best = 0, bestWeight: UInt64 = 0
        for shard in 0..<count {
            let weight = weight(name, shard)
            if shard == 0 || weight > bestWeight { best = shard; bestWeight = weight }
        }
        return best
    }

    /// Whether this shard runs the camera named `name`.
    public func owns(_ name: String) -> Bool {
        count == 1 || Self.owner(of: name, count: count) == index
    }

    /// The ordinal at the end of a StatefulSet pod's host name (`vigil-capture-2` → 2), or nil.
    public static func ordinal(ofHostName host: String) -> Int? {
        let label = host.split(separator: ".").first.map(String.init) ?? host
        guard let dash = label.lastIndex(of: "-") else { return nil }
        let digits = label[label.index(after: dash)...]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    /// FNV-1a (64-bit) over the UTF-8 name, a separator and the shard's index, finished with
    /// SplitMix64's mixer: stable across processes, platforms and releases (Swift's `Hasher` is
    /// seeded per process, so it cannot be used here).
    static func weight(_ name: String, _ shard: Int) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in Array(name.utf8) + [0] + Array(String(shard).utf8) {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}

extension VigilConfiguration {
    /// Reads `shard` and keeps only this shard's cameras. `hostName` is `$HOSTNAME` (a pod's
    /// name in Kubernetes), else the system's host name.
    mutating func readShard(_ section: ConfigSection, hostName: String) throws {
        guard section.isPresent else { return }
        let count = try section.int("count", in: 1...10_000) ?? 1
        let index: Int
        switch section.string("index") {
        case nil:
            index = 0
        case "auto"?:
            guard let ordinal = CameraShard.ordinal(ofHostName: hostName) else {
                throw section.fail("index", "is auto but the host name '\(hostName)' does not end in -<ordinal> (a StatefulSet pod name does)")
            }
            index = ordinal
        case let text?:
            guard let value = Int(text) else { throw section.fail("index", "'\(text)' is not an integer or auto") }
            index = value
        }
        guard (0..<count).contains(index) else {
            throw section.fail("index", "\(index) is outside 0...\(count - 1) (shard.count is \(count); keep it equal to the replicas)")
        }
        shard = CameraShard(index: index, count: count)
        cameras = cameras.filter { shard.owns($0.name) }
    }
}
