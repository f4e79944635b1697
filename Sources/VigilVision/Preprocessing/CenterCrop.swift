/// Where centre crops start, in the two conventions Vigil's pipelines reproduce.
public enum CenterCrop {
    /// The seed's numpy slice start `max(0, source // 2 − target // 2)` (models/README §3 step 6):
    /// 15 for a 227 crop of 256.
    public static func seedOrigin(source: Int, target: Int) -> Int {
        max(0, source / 2 - target / 2)
    }

    /// Pillow's `Image.crop` left/top for the box `((source − target) / 2, ...)`: Python's
    /// `round` of the half-integer, i.e. half to even (16 for 224 of 256; 14 for 227 of 256).
    public static func pillowOrigin(source: Int, target: Int) -> Int {
        Int((Double(source - target) / 2).rounded(.toNearestOrEven))
    }
}
