/// Mean of each plane (ONNX GlobalAveragePool over [N, C, spatial] seen as [planes, spatial]).
public func globalAveragePool(
    input: UnsafePointer<Float>,  // input [planes, spatial]
    output: UnsafeMutablePointer<Float>,  // output [planes]
    planes: Int, spatial: Int
) {
    precondition(planes >= 0 && spatial >= 1, "globalAveragePool: planes \(planes), spatial \(spatial)")
    for plane in 0..<planes {
        output[plane] = rowSum(input + plane * spatial, count: spatial) / Float(spatial)
    }
}

/// Maximum of each plane (ONNX GlobalMaxPool over [N, C, spatial] seen as [planes, spatial]).
public func globalMaxPool(
    input: UnsafePointer<Float>,  // input [planes, spatial]
    output: UnsafeMutablePointer<Float>,  // output [planes]
    planes: Int, spatial: Int
) {
    precondition(planes >= 0 && spatial >= 1, "globalMaxPool: planes \(planes), spatial \(spatial)")
    for plane in 0..<planes {
        output[plane] = rowMax(input + plane * spatial, count: spatial)
    }
}

/// Sum of a contiguous run, 16 lanes of partial sums (more accurate and faster than a serial sum).
@inline(__always)
func rowSum(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var a = Float8(), b = Float8()
    var index = 0
    while index + 16 <= count {
        a += load8(values + index)
        b += load8(values + index + 8)
        index += 16
    }
    if index + 8 <= count {
        a += load8(values + index)
        index += 8
    }
    if index < count { b += loadPartial(values + index, count - index) }
    return (a + b).sum()
}

/// Maximum of a contiguous run (count >= 1).
@inline(__always)
func rowMax(_ values: UnsafePointer<Float>, count: Int) -> Float {
    var a = Float8(repeating: -.infinity)
    var index = 0
    while index + 8 <= count {
        a = vmax(a, load8(values + index))
        index += 8
    }
    if index < count { a = vmax(a, loadPartial(values + index, count - index, fill: -.infinity)) }
    var best = a[0]
    for lane in 1..<8 where best < a[lane] || a[lane].isNaN { best = a[lane] }
    return best
}
