/// The largest |a - b| - (abs + rel * |b|) over two equally long arrays; <= 0 means within tolerance.
public func worstExcess(_ actual: [Float], _ expected: [Float], abs absTol: Float, rel relTol: Float) -> (excess: Float, index: Int) {
    precondition(actual.count == expected.count, "lengths differ: \(actual.count) vs \(expected.count)")
    var worst: Float = -.infinity
    var at = -1
    for i in 0..<actual.count {
        let e = abs(actual[i] - expected[i]) - (absTol + relTol * abs(expected[i]))
        if e > worst || e.isNaN { worst = e; at = i }
    }
    return (worst, at)
}

public func maxAbsDiff(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count)
    var m: Float = 0
    for i in 0..<a.count { m = max(m, abs(a[i] - b[i])) }
    return m
}
