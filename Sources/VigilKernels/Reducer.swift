/// How a reduction maps each element and merges the results.
protocol Reducer {
    var identity: Float { get }
    func map(_ x: Float8) -> Float8
    func merge(_ a: Float8, _ b: Float8) -> Float8
    func horizontal(_ a: Float8) -> Float
}

extension Reducer {
    @inline(__always) func map(_ x: Float8) -> Float8 { x }

    /// Merges already mapped values into the running lanes.
    @inline(__always) func combine(_ total: Float8, _ mapped: Float8) -> Float8 { merge(total, mapped) }

    /// Merges a contiguous run into the running lanes.
    @inline(__always)
    func combine(_ total: Float8, row: UnsafePointer<Float>, _ count: Int) -> Float8 {
        var total = total
        var index = 0
        while index + 8 <= count {
            total = merge(total, map(load8(row + index)))
            index += 8
        }
        if index < count {
            let rest = count - index
            var mapped = map(loadPartial(row + index, rest))
            for lane in rest..<8 { mapped[lane] = identity }
            total = merge(total, mapped)
        }
        return total
    }
}

struct SumReducer: Reducer {
    var identity: Float { 0 }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { a + b }
    @inline(__always) func horizontal(_ a: Float8) -> Float { a.sum() }
}

struct SquareReducer: Reducer {
    var identity: Float { 0 }
    @inline(__always) func map(_ x: Float8) -> Float8 { x * x }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { a + b }
    @inline(__always) func horizontal(_ a: Float8) -> Float { a.sum() }
}

struct AbsReducer: Reducer {
    var identity: Float { 0 }
    @inline(__always) func map(_ x: Float8) -> Float8 { vabs(x) }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { a + b }
    @inline(__always) func horizontal(_ a: Float8) -> Float { a.sum() }
}

struct ExpSumReducer: Reducer {
    let maximum: Float8
    var identity: Float { 0 }
    @inline(__always) func map(_ x: Float8) -> Float8 { vexp(x - maximum) }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { a + b }
    @inline(__always) func horizontal(_ a: Float8) -> Float { a.sum() }
}

struct ProdReducer: Reducer {
    var identity: Float { 1 }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { a * b }
    @inline(__always) func horizontal(_ a: Float8) -> Float {
        var result: Float = 1
        for lane in 0..<8 { result *= a[lane] }
        return result
    }
}

struct MaxReducer: Reducer {
    var identity: Float { -.infinity }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { vmax(a, b) }
    @inline(__always) func horizontal(_ a: Float8) -> Float {
        var result = a[0]
        for lane in 1..<8 where result < a[lane] { result = a[lane] }
        return result
    }
}

struct MinReducer: Reducer {
    var identity: Float { .infinity }
    @inline(__always) func merge(_ a: Float8, _ b: Float8) -> Float8 { vmin(a, b) }
    @inline(__always) func horizontal(_ a: Float8) -> Float {
        var result = a[0]
        for lane in 1..<8 where a[lane] < result { result = a[lane] }
        return result
    }
}
