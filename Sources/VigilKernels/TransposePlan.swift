/// An N-d transpose planned at prepare time (ONNX Transpose: output axis i is input axis perm[i]).
///
/// The plan drops size-1 axes and merges input axes that stay adjacent in the permutation, so NCHW to
/// NHWC becomes a batch of [C, H*W] matrix transposes and many permutations become plain copies.
/// Matrix transposes go in 16x16 tiles to keep both sides in cache; other permutations walk the output
/// in order with an odometer on the stack. `run` allocates nothing and may run on several threads.
/// See https://onnx.ai/onnx/operators/onnx__Transpose.html
public final class TransposePlan: @unchecked Sendable {
    public let outputShape: [Int]
    let count: Int
    /// Merged input sizes and permutation.
    let sizes: [Int]
    let permutation: [Int]
    /// Input stride of each merged output axis.
    let inputStrides: [Int]

    public init(shape: [Int], permutation: [Int]) {
        precondition(
            permutation.count == shape.count && Set(permutation) == Set(0..<shape.count),
            "TransposePlan: \(permutation) is not a permutation of the \(shape.count) axes of \(shape)")
        precondition(shape.allSatisfy { $0 >= 0 }, "TransposePlan: negative size in \(shape)")
        outputShape = permutation.map { shape[$0] }
        count = shape.reduce(1, *)
        // Drop size-1 axes, renumbering the rest.
        let kept = shape.indices.filter { shape[$0] != 1 }
        let renumber = Dictionary(uniqueKeysWithValues: kept.enumerated().map { ($1, $0) })
        var sizes = kept.map { shape[$0] }
        var order = permutation.compactMap { renumber[$0] }
        // Merge input axes a, a+1 that are neighbours in the output too.
        var merged = true
        while merged {
            merged = false
            for i in 0..<max(0, order.count - 1) where order[i + 1] == order[i] + 1 {
                let axis = order[i]
                sizes[axis] *= sizes[axis + 1]
                sizes.remove(at: axis + 1)
                order.remove(at: i + 1)
                order = order.map { $0 > axis ? $0 - 1 : $0 }
                merged = true
                break
            }
        }
        var strides = [Int](repeating: 1, count: sizes.count)
        for axis in stride(from: sizes.count - 2, through: 0, by: -1) { strides[axis] = strides[axis + 1] * sizes[axis + 1] }
        self.sizes = sizes
        self.permutation = order
        self.inputStrides = order.map { strides[$0] }
    }

    public func run(
        input: UnsafePointer<Float>,  // input [shape]
        output: UnsafeMutablePointer<Float>  // output [outputShape]
    ) {
        if count == 0 { return }
        let rank = sizes.count
        if rank <= 1 {
            output.update(from: input, count: count)
        } else if rank == 2 {
            transposeMatrix(input, output, rows: sizes[0], columns: sizes[1])
        } else if rank == 3 && permutation == [0, 2, 1] {
            let matrix = sizes[1] * sizes[2]
            for batch in 0..<sizes[0] {
                transposeMatrix(input + batch * matrix, output + batch * matrix, rows: sizes[1], columns: sizes[2])
            }
        } else {
            runGeneral(input, output)
        }
    }

    /// Walks the output in order; the innermost output axis is one strided run of the input.
    private func runGeneral(_ input: UnsafePointer<Float>, _ output: UnsafeMutablePointer<Float>) {
        let inner = sizes.count - 1
        let length = sizes[permutation[inner]], step = inputStrides[inner]
        permutation.withUnsafeBufferPointer { permutation in
            sizes.withUnsafeBufferPointer { sizes in
                inputStrides.withUnsafeBufferPointer { strides in
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: inner) { counters in
                        counters.initialize(repeating: 0)
                        var inputOffset = 0, outputOffset = 0
                        while outputOffset < count {
                            let source = input + inputOffset, target = output + outputOffset
                            for index in 0..<length { target[index] = source[index &* step] }
                            outputOffset &+= length
                            var axis = inner - 1
                            while axis >= 0 {
                                counters[axis] &+= 1
                                inputOffset &+= strides[axis]
                                if counters[axis] < sizes[permutation[axis]] { break }
                                inputOffset &-= strides[axis] &* sizes[permutation[axis]]
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

/// output[c, r] = input[r, c] in 16x16 tiles.
private func transposeMatrix(
    _ input: UnsafePointer<Float>,  // input [rows, columns]
    _ output: UnsafeMutablePointer<Float>,  // output [columns, rows]
    rows: Int, columns: Int
) {
    let tile = 16
    for rowStart in stride(from: 0, to: rows, by: tile) {
        let rowEnd = min(rows, rowStart + tile)
        for columnStart in stride(from: 0, to: columns, by: tile) {
            let columnEnd = min(columns, columnStart + tile)
            for column in columnStart..<columnEnd {
                let target = output + column &* rows
                for row in rowStart..<rowEnd { target[row] = input[row &* columns &+ column] }
            }
        }
    }
}
