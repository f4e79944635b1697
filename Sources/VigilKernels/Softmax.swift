#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Softmax or LogSoftmax along one axis of [outer, axis, inner] (ONNX opset >= 13 semantics).
///
/// Subtracts the maximum before exponentiating, so large inputs do not overflow. When `inner == 1`
/// each row is contiguous; otherwise eight inner positions are processed side by side walking the
/// axis with stride `inner`. `output` may be `input`.
/// See https://onnx.ai/onnx/operators/onnx__Softmax.html and onnx__LogSoftmax.html
public func softmax(
    input: UnsafePointer<Float>,  // input [outer, axis, inner]
    output: UnsafeMutablePointer<Float>,  // output [outer, axis, inner]
    outer: Int, axis: Int, inner: Int, log: Bool
) {
    precondition(outer >= 0 && axis >= 0 && inner >= 0, "softmax: negative size")
    if axis == 0 { return }
    for block in 0..<outer {
        let source = input + block * axis * inner
        let target = output + block * axis * inner
        if inner == 1 {
            softmaxRow(source, target, axis, log: log)
            continue
        }
        var start = 0
        while start < inner {
            let lanes = min(8, inner - start)
            @inline(__always) func load(_ k: Int) -> Float8 {
                lanes == 8 ? load8(source + k * inner + start) : loadPartial(source + k * inner + start, lanes)
            }
            @inline(__always) func store(_ value: Float8, _ k: Int) {
                if lanes == 8 {
                    store8(value, target + k * inner + start)
                } else {
                    storePartial(value, target + k * inner + start, lanes)
                }
            }
            var maximum = load(0)
            for k in 1..<axis { maximum = vmax(maximum, load(k)) }
            var sum = Float8()
            for k in 0..<axis {
                let e = vexp(load(k) - maximum)
                sum += e
                if !log { store(e, k) }
            }
            if log {
                // (x - max) - log(sum): exact first step, no cancellation against a large max.
                let logSum = vlog(sum)
                for k in 0..<axis { store((load(k) - maximum) - logSum, k) }
            } else {
                let scale = 1 / sum
                for k in 0..<axis {
                    let e = target + k * inner + start
                    store((lanes == 8 ? load8(e) : loadPartial(e, lanes)) * scale, k)
                }
            }
            start += 8
        }
    }
}

/// Softmax of one contiguous row.
@inline(__always)
private func softmaxRow(_ source: UnsafePointer<Float>, _ target: UnsafeMutablePointer<Float>, _ count: Int, log: Bool) {
    let maximum = Float8(repeating: rowMax(source, count: count))
    var sum = Float8()
    var index = 0
    while index + 8 <= count {
        let e = vexp(load8(source + index) - maximum)
        sum += e
        if !log { store8(e, target + index) }
        index += 8
    }
    let rest = count - index
    if rest > 0 {
        // Lanes past the row are zeroed before they join the sum.
        var e = vexp(loadPartial(source + index, rest, fill: -.infinity) - maximum)
        for lane in rest..<8 { e[lane] = 0 }
        sum += e
        if !log { storePartial(e, target + index, rest) }
    }
    let total = sum.sum()
    if log {
        let logSum = Float8(repeating: logf(total))
        index = 0
        while index + 8 <= count {
            store8((load8(source + index) - maximum) - logSum, target + index)
            index += 8
        }
        if rest > 0 { storePartial((loadPartial(source + index, rest) - maximum) - logSum, target + index, rest) }
    } else {
        let scale = Float8(repeating: 1 / total)
        index = 0
        while index + 8 <= count {
            store8(load8(target + index) * scale, target + index)
            index += 8
        }
        if rest > 0 { storePartial(loadPartial(target + index, rest) * scale, target + index, rest) }
    }
}
