/// The kinds of file Vigil keeps for events.
public enum MediaKind: String, Sendable, Hashable, CaseIterable {
    case snapshot
    case clip
}
