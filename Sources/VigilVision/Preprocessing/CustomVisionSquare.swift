/// The seed's "centre square, bilinear to 256×256" step (models/README §3 step 5), bit for bit.
///
/// The seed resamples the centred square of the (capped) image straight to 256×256 with its own
/// bilinear formula, in double:
/// ```
/// pos = (i + 0.5)·ratio − 0.5;  k = trunc(pos);  f = pos − k;  k += origin
/// k < 0 -> taps (0,0), f = 0;   k ≥ n−1 -> taps (n−1,n−1), f = 0;   else taps (k, k+1)
/// bottom = fx·P[y0,x1] + (1−fx)·P[y0,x0];  top = fx·P[y1,x1] + (1−fx)·P[y1,x0]
/// value  = fy·top + (1−fy)·bottom                      -> rounded once to float32
/// ```
/// `trunc` (not floor) makes f negative for the first outputs of images under 256 px: the seed
/// extrapolates there. Swift evaluates `a*b + c*d` as written (no FMA contraction), which the
/// bit-exact reference tests rely on.
struct CustomVisionSquare {
    static let side = 256

    /// Source pixels per output pixel.
    let ratio: Double
    let xOrigin: Int
    let yOrigin: Int
    let sourceWidth: Int
    let sourceHeight: Int

    init(sourceWidth w: Int, sourceHeight h: Int) {
        let side = Double(Self.side)
        sourceWidth = w
        sourceHeight = h
        if w > h {
            ratio = Double(h) / side
            xOrigin = Int(0.5 * (Double(w) - ratio * side))
            yOrigin = 0
        } else if w < h {
            ratio = Double(w) / side
            xOrigin = 0
            yOrigin = Int(0.5 * (Double(h) - ratio * side))
        } else {
            ratio = Double(h) / side
            xOrigin = 0
            yOrigin = 0
        }
    }

    /// The two source indices and the weight of the second for output index `i` on one axis.
    @inline(__always)
    func taps(_ i: Int, origin: Int, count n: Int) -> Tap {
        let pos = (Double(i) + 0.5) * ratio - 0.5
        let k = Int(pos)                       // truncation toward zero, as Python's int()
        let f = pos - Double(k)
        let shifted = k + origin
        if shifted < 0 { return Tap(first: 0, second: 0, weight: 0) }
        if shifted >= n - 1 { return Tap(first: n - 1, second: n - 1, weight: 0) }
        return Tap(first: shifted, second: shifted + 1, weight: f)
    }

    func columnTap(_ x: Int) -> Tap { taps(x, origin: xOrigin, count: sourceWidth) }
    func rowTap(_ y: Int) -> Tap { taps(y, origin: yOrigin, count: sourceHeight) }

    struct Tap {
        var first: Int
        var second: Int
        var weight: Double
    }

    /// 128·w when the weight w is a whole multiple of 1/128 in [0, 1), else nil. Such weights make
    /// `interpolate` exact: with 8-bit samples no product or sum needs more than 23 bits. They are
    /// the usual case: the weights are multiples of 1/(512 / gcd(side, 512)) for the square's side,
    /// so 480, 720 and 1080-pixel frames give sixteenths, thirty-seconds and sixty-fourths.
    @inline(__always)
    static func fixedPointWeight(_ w: Double) -> Int? {
        let scaled = w * 128
        guard scaled >= 0, scaled < 128, scaled == scaled.rounded(.down) else { return nil }
        return Int(scaled)
    }

    /// The seed's interpolation of one sample from its four neighbours.
    @inline(__always)
    static func interpolate(p00: UInt8, p01: UInt8, p10: UInt8, p11: UInt8, fx: Double, fy: Double) -> Float {
        let bottom = fx * Double(p01) + (1.0 - fx) * Double(p00)
        let top = fx * Double(p11) + (1.0 - fx) * Double(p10)
        return Float(fy * top + (1.0 - fy) * bottom)
    }
}
