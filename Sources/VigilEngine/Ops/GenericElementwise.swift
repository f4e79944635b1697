/// Element-wise maths on `Tensor` values of any numeric type with numpy broadcasting.
///
/// This is the path for integer and boolean tensors: shape arithmetic that is folded at load,
/// and the rare integer op left at run time (it allocates; float32 ops use the kernels).
enum GenericElementwise {
    /// Maps every output index to the flat index of each input (numpy broadcasting).
    static func indexMaps(_ shapes: [[Int]], output: [Int]) -> [[Int]] {
        let rank = output.count
        let count = output.reduce(1, *)
        return shapes.map { shape in
            let padded = Array(repeating: 1, count: rank - shape.count) + shape
            var strides = [Int](repeating: 0, count: rank)
            var running = 1
            for axis in stride(from: rank - 1, through: 0, by: -1) {
                strides[axis] = padded[axis] == 1 ? 0 : running
                running *= padded[axis]
            }
            var result = [Int](repeating: 0, count: count)
            var index = [Int](repeating: 0, count: rank)
            for flat in 0..<count {
                var offset = 0
                for axis in 0..<rank { offset += index[axis] * strides[axis] }
                result[flat] = offset
                advanceRowMajor(&index, in: output)
            }
            return result
        }
    }

    enum Kind { case arithmetic, comparison, logical }

    /// Applies a binary op by name to two tensors of the same numeric type.
    static func binary(_ op: String, _ a: Tensor, _ b: Tensor, outputShape: [Int], dtype: DataType) -> Tensor {
        let maps = indexMaps([a.shape, b.shape], output: outputShape)
        let count = outputShape.reduce(1, *)
        switch op {
        case "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor":
            var out = [Bool](repeating: false, count: count)
            if case .float(let x) = a.storage, case .float(let y) = b.storage {
                for i in 0..<count { out[i] = compare(op, Double(x[maps[0][i]]), Double(y[maps[1][i]])) }
            } else {
                let x = a.ints, y = b.ints
                for i in 0..<count { out[i] = compare(op, x[maps[0][i]], y[maps[1][i]]) }
            }
            return Tensor(shape: outputShape, bools: out)
        default:
            if dtype == .float32 {
                let x = a.floats, y = b.floats
                var out = [Float](repeating: 0, count: count)
                for i in 0..<count { out[i] = arithmetic(op, x[maps[0][i]], y[maps[1][i]]) }
                return Tensor(shape: outputShape, floats: out)
            }
            let x = a.ints, y = b.ints
            var out = [Int64](repeating: 0, count: count)
            for i in 0..<count { out[i] = integer(op, x[maps[0][i]], y[maps[1][i]]) }
            return Tensor(shape: outputShape, ints: out, dtype: dtype)
        }
    }

    static func compare<T: Comparable & Numeric>(_ op: String, _ x: T, _ y: T) -> Bool {
        switch op {
        case "Equal": return x == y
        case "Less": return x < y
        case "Greater": return x > y
        case "LessOrEqual": return x <= y
        case "GreaterOrEqual": return x >= y
        case "And": return x != 0 && y != 0
        case "Or": return x != 0 || y != 0
        default: return (x != 0) != (y != 0)   // Xor
        }
    }

    static func arithmetic(_ op: String, _ x: Float, _ y: Float) -> Float {
        switch op {
        case "Add", "Sum": return x + y
        case "Sub": return x - y
        case "Mul": return x * y
        case "Div": return x / y
        case "Pow": return powf(x, y)
        case "Max": return x.isNaN || y.isNaN ? .nan : Swift.max(x, y)
        case "Min": return x.isNaN || y.isNaN ? .nan : Swift.min(x, y)
        case "Mod": return x - y * (x / y).rounded(.down)
        default: return .nan
        }
    }

    /// Integer semantics: Div truncates toward zero (as ONNX Runtime), Mod follows the divisor's sign (fmod=0),
    /// FMod the dividend's (Mod with fmod=1); division by zero gives 0 and Int64.min / -1 wraps.
    static func integer(_ op: String, _ x: Int64, _ y: Int64) -> Int64 {
        switch op {
        case "Add", "Sum": return x &+ y
        case "Sub": return x &- y
        case "Mul": return x &* y
        case "Div": return y == 0 ? 0 : x.dividedReportingOverflow(by: y).partialValue
        case "Pow":
            var result: Int64 = 1
            if y > 0 { for _ in 0..<y { result = result &* x } }
            return result
        case "Max": return Swift.max(x, y)
        case "Min": return Swift.min(x, y)
        case "Mod":
            guard y != 0 else { return 0 }
            let r = x.remainderReportingOverflow(dividingBy: y).partialValue
            return (r != 0 && (r < 0) != (y < 0)) ? r + y : r
        case "FMod":   // Mod with fmod = 1: the remainder takes the dividend's sign
            return y == 0 ? 0 : x.remainderReportingOverflow(dividingBy: y).partialValue
        default: return 0
        }
    }
}

import Foundation
