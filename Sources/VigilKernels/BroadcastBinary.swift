#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// Element-wise binary operators with numpy broadcasting (ONNX Add, Sub, Mul, Div, Pow, Max, Min).
public enum BinaryOp: Sendable, Hashable { case add, sub, mul, div, pow, max, min }

/// A numpy-broadcast binary operation planned at prepare time; `run` allocates nothing.
///
/// The plan drops size-1 axes and merges neighbouring axes that broadcast the same way, so the
/// common cases reduce to one loop shape: equal shapes and a scalar on either side become a single
/// run; per-channel operands ([C,1,1] or [1,C,1,1] against [N,C,H,W]) become runs of H*W against one
/// value; a row vector on the last axis becomes rows against the same vector. Anything else walks the
/// outer axes with precomputed strides and an odometer kept on the stack, so one plan may run on
/// several threads at once. Max and Min keep the left operand when the right one is NaN.
/// See https://onnx.ai/onnx/operators/onnx__Add.html and https://onnx.ai/onnx/repo-docs/Broadcasting.html
public final class BroadcastBinary: @unchecked Sendable {
    public let outputShape: [Int]
    let op: BinaryOp
    /// Merged output axes, outermost first; the last one is the inner run.
    let sizes: [Int]
    /// Strides of each merged axis in the operands (0 where the operand broadcasts).
    let lhsStrides: [Int]
    let rhsStrides: [Int]
    let count: Int

    /// Throws `BroadcastError` when the shapes are incompatible.
    public init(_ op: BinaryOp, lhsShape: [Int], rhsShape: [Int]) throws {
        guard let output = broadcastShape([lhsShape, rhsShape]) else {
            throw BroadcastError(lhs: lhsShape, rhs: rhsShape)
        }
        self.op = op
        self.outputShape = output
        self.count = output.reduce(1, *)
        let rank = output.count
        let lhs = [Int](repeating: 1, count: rank - lhsShape.count) + lhsShape
        let rhs = [Int](repeating: 1, count: rank - rhsShape.count) + rhsShape
        // Merge axes that broadcast alike; size-1 output axes vanish.
        var sizes: [Int] = [], lhsBroadcasts: [Bool] = [], rhsBroadcasts: [Bool] = []
        for axis in 0..<rank where output[axis] != 1 {
            let l = lhs[axis] == 1, r = rhs[axis] == 1
            if let last = sizes.indices.last, lhsBroadcasts[last] == l, rhsBroadcasts[last] == r {
                sizes[last] *= output[axis]
            } else {
                sizes.append(output[axis])
                lhsBroadcasts.append(l)
                rhsBroadcasts.append(r)
            }
        }
        if sizes.isEmpty {
            sizes = [1]
            lhsBroadcasts = [false]
            rhsBroadcasts = [false]
        }
        func strides(_ broadcasts: [Bool]) -> [Int] {
            var result = [Int](repeating: 0, count: sizes.count)
            var stride = 1
            for axis in sizes.indices.reversed() where !broadcasts[axis] {
                result[axis] = stride
                stride *= sizes[axis]
            }
            return result
        }
        self.sizes = sizes
        self.lhsStrides = strides(lhsBroadcasts)
        self.rhsStrides = strides(rhsBroadcasts)
    }

    public func run(
        lhs: UnsafePointer<Float>,  // lhs [lhsShape]
        rhs: UnsafePointer<Float>,  // rhs [rhsShape]
        output: UnsafeMutablePointer<Float>  // output [outputShape]
    ) {
        if count == 0 { return }
        switch op {
        case .add: run(AddFunction(), lhs, rhs, output)
        case .sub: run(SubFunction(), lhs, rhs, output)
        case .mul: run(MulFunction(), lhs, rhs, output)
        case .div: run(DivFunction(), lhs, rhs, output)
        case .pow: run(PowFunction(), lhs, rhs, output)
        case .max: run(MaxFunction(), lhs, rhs, output)
        case .min: run(MinFunction(), lhs, rhs, output)
        }
    }

    private func run<F: BinaryFunction>(
        _ function: F, _ lhs: UnsafePointer<Float>, _ rhs: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>
    ) {
        let inner = sizes.count - 1
        let length = sizes[inner], lhsStep = lhsStrides[inner], rhsStep = rhsStrides[inner]
        if inner == 0 {
            runLine(function, lhs, lhsStep, rhs, rhsStep, output, length)
            return
        }
        // Short rows against a repeated row (a [C] constant on NHWC data, C = 3): one scalar pass,
        // since per-row vector setup would cost more than the row.
        if length < 8, inner == 1 {
            let lhsOuter = lhsStrides[0], rhsOuter = rhsStrides[0]
            for row in 0..<sizes[0] {
                let l = lhs + row * lhsOuter, r = rhs + row * rhsOuter, o = output + row * length
                for k in 0..<length { o[k] = function.scalar(l[k * lhsStep], r[k * rhsStep]) }
            }
            return
        }
        sizes.withUnsafeBufferPointer { sizes in
            lhsStrides.withUnsafeBufferPointer { lhsStrides in
                rhsStrides.withUnsafeBufferPointer { rhsStrides in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: inner) { counters in
                        counters.initialize(repeating: 0)
                        var lhsOffset = 0, rhsOffset = 0, outputOffset = 0
                        while outputOffset < count {
                            runLine(function, lhs + lhsOffset, lhsStep, rhs + rhsOffset, rhsStep, output + outputOffset, length)
                            outputOffset &+= length
                            // Odometer over the outer axes, innermost first.
                            var axis = inner - 1
                            while axis >= 0 {
                                counters[axis] &+= 1
                                lhsOffset &+= lhsStrides[axis]
                                rhsOffset &+= rhsStrides[axis]
                                if counters[axis] < sizes[axis] { break }
                                lhsOffset &-= lhsStrides[axis] &* sizes[axis]
                                rhsOffset &-= rhsStrides[axis] &* sizes[axis]
                                counters[axis] = 0
                                axis -= 1
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One run of `count` outputs; each operand steps by 1 (a vector) or 0 (a repeated scalar).
@inline(__always)
private func runLine<F: BinaryFunction>(
    _ function: F, _ lhs: UnsafePointer<Float>, _ lhsStep: Int, _ rhs: UnsafePointer<Float>, _ rhsStep: Int,
    _ output: UnsafeMutablePointer<Float>, _ count: Int
) {
    var index = 0
    switch (lhsStep, rhsStep) {
    case (1, 1):
        while index + 8 <= count {
            store8(function(load8(lhs + index), load8(rhs + index)), output + index)
            index &+= 8
        }
        if index < count {
            let rest = count - index
            storePartial(function(loadPartial(lhs + index, rest), loadPartial(rhs + index, rest)), output + index, rest)
        }
    case (0, 1):
        let scalar = Float8(repeating: lhs[0])
        while index + 8 <= count {
            store8(function(scalar, load8(rhs + index)), output + index)
            index &+= 8
        }
        if index < count {
            let rest = count - index
            storePartial(function(scalar, loadPartial(rhs + index, rest)), output + index, rest)
        }
    case (1, 0):
        let scalar = Float8(repeating: rhs[0])
        while index + 8 <= count {
            store8(function(load8(lhs + index), scalar), output + index)
            index &+= 8
        }
        if index < count {
            let rest = count - index
            storePartial(function(loadPartial(lhs + index, rest), scalar), output + index, rest)
        }
    default:  // (0, 0): only for a single element
        for index in 0..<count { output[index] = function(Float8(repeating: lhs[0]), Float8(repeating: rhs[0]))[0] }
    }
}

/// A binary function on eight lanes.
protocol BinaryFunction {
    func callAsFunction(_ a: Float8, _ b: Float8) -> Float8
}

extension BinaryFunction {
    /// One element, through lane 0 (for short rows).
    @inline(__always) func scalar(_ a: Float, _ b: Float) -> Float {
        callAsFunction(Float8(repeating: a), Float8(repeating: b))[0]
    }
}

struct AddFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { a + b }
}

struct SubFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { a - b }
}

struct MulFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { a * b }
}

struct DivFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { a / b }
}

struct PowFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 {
        var result = Float8()
        for lane in 0..<8 { result[lane] = powf(a[lane], b[lane]) }
        return result
    }
}

struct MaxFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { vmax(a, b) }
}

struct MinFunction: BinaryFunction {
    @inline(__always) func callAsFunction(_ a: Float8, _ b: Float8) -> Float8 { vmin(a, b) }
}
