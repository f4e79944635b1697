import Foundation

/// The rounding the seed's `predict.py` applies to each probability: `round(p, 8)` on a NumPy
/// float32, which NumPy evaluates in float32 (`float32(rint(float32(p·1e8)) / 1e8)`, half to even).
/// Doing it in double differs on about 10% of values, so the exact steps matter for identical JSON.
public enum SeedRounding {
    public static func round8(_ p: Float) -> Float {
        let scaled = p * Float(1e8)
        return scaled.rounded(.toNearestOrEven) / Float(1e8)
    }

    /// Python's `round(v, 8)` on a double (for detection boxes and scores).
    public static func round8(_ v: Double) -> Double {
        guard v.isFinite else { return v }
        // Round through the correctly rounded decimal text, as CPython does.
        let text = String(format: "%.8f", v)
        return Double(text) ?? v
    }
}
