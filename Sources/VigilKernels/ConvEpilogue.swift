/// Adds the bias and the residual and applies the activation over a block of output rows, in one
/// pass while the block is still in cache.
///
/// Rows are channels: row r gets bias[r]; `residual` has the output's layout. The order is ONNX's
/// graph order after fusion: (sum + bias) + residual, then activation. Vectorised eight lanes at a
/// time; tails use the same vector maths so results do not depend on how work was split.
struct ConvEpilogue: ActivationVisitor {
    let output: UnsafeMutablePointer<Float>  // output [rows, rowStride], `columns` used per row
    let residual: UnsafePointer<Float>?  // residual [rows, rowStride] or nil
    let bias: UnsafePointer<Float>?  // bias [rows] or nil
    let rows: Int
    let columns: Int
    let rowStride: Int

    /// Whether running the epilogue would change anything.
    static func isNeeded(bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, activation: Activation) -> Bool {
        bias != nil || residual != nil || activation != .identity
    }

    func visit<F: VectorFunction>(_ function: F) {
        for row in 0..<rows {
            let shift = Float8(repeating: bias?[row] ?? 0)
            let line = output + row * rowStride
            if let residual {
                let extra = residual + row * rowStride
                var index = 0
                while index + 8 <= columns {
                    store8(function(load8(line + index) + shift + load8(extra + index)), line + index)
                    index += 8
                }
                if index < columns {
                    let rest = columns - index
                    let value = loadPartial(line + index, rest) + shift + loadPartial(extra + index, rest)
                    storePartial(function(value), line + index, rest)
                }
            } else {
                var index = 0
                while index + 8 <= columns {
                    store8(function(load8(line + index) + shift), line + index)
                    index += 8
                }
                if index < columns {
                    let rest = columns - index
                    storePartial(function(loadPartial(line + index, rest) + shift), line + index, rest)
                }
            }
        }
    }
}
