/// The table from tag name to icon that turns a `DisplayDecision` into an `LEDMatrix`.
///
/// Lookup ignores case. A tag with no entry of its own falls back, as the seed's
/// sense-hat-display did, to the first entry whose name it contains ("Green Apple" shows the
/// apple), unless `matchesContainedNames` is false. A tag with no icon at all gets a solid
/// colour block derived from its name (`colourBlock(forTag:)`), and no tag blanks the matrix.
/// The default table is `seed`: apple, raspberry, banana, orange and lemon.
public struct DisplayIcons: Sendable, Hashable {
    /// One row of the table.
    public struct Entry: Sendable, Hashable {
        /// The tag name, compared ignoring case.
        public var name: String
        public var icon: LEDIcon

        public init(name: String, icon: LEDIcon) {
            self.name = name
            self.icon = icon
        }
    }

    /// The entries in lookup order (the order matters only for contained names).
    public private(set) var entries: [Entry]
    /// Whether a tag may match an entry whose name it contains (the seed's `'apple' in tag`).
    /// Default true.
    public var matchesContainedNames: Bool

    /// A table of `entries` in that order; of two entries with the same name the first is kept.
    public init(entries: [Entry], matchesContainedNames: Bool = true) {
        self.entries = []
        self.matchesContainedNames = matchesContainedNames
        for entry in entries.reversed() { set(entry.icon, forTag: entry.name) }
    }

    /// Adds or replaces the icon for `tag`; a new tag goes first so it wins over the built-ins.
    public mutating func set(_ icon: LEDIcon, forTag tag: String) {
        let key = tag.lowercased()
        if let i = entries.firstIndex(where: { $0.name.lowercased() == key }) {
            entries[i].icon = icon
        } else {
            entries.insert(Entry(name: tag, icon: icon), at: 0)
        }
    }

    /// The icon for `tag`: its own entry, else (when enabled) the first entry it contains, else nil.
    public func icon(forTag tag: String) -> LEDIcon? {
        let key = tag.lowercased()
        if let exact = entries.first(where: { $0.name.lowercased() == key }) { return exact.icon }
        guard matchesContainedNames else { return nil }
        return entries.first { !$0.name.isEmpty && key.contains($0.name.lowercased()) }?.icon
    }

    /// What the LEDs show for a decision: the tag's icon, its colour block, or all off.
    public func matrix(for decision: DisplayDecision) -> LEDMatrix {
        guard let tag = decision.tagName else { return .blank }
        return icon(forTag: tag)?.matrix ?? Self.colourBlock(forTag: tag)
    }
}
