import Foundation

/// Naive channel-last reference ops, written from TensorFlow's op definitions (tf.raw_ops and the
/// kernels' documented index maths), accumulating in Double. They are slow on purpose: one
/// readable loop per definition, never shared with the importer or the engine.
enum NHWCReference {
    enum Padding { case same, valid }

    /// Output length and leading pad of one spatial axis (TensorFlow's GetWindowedOutputSize):
    /// SAME gives ceil(in / stride) with the odd pixel of padding at the end; VALID no padding.
    static func window(input: Int, kernel: Int, stride: Int, dilation: Int = 1, padding: Padding) -> (output: Int, before: Int) {
        let extent = (kernel - 1) * dilation + 1
        switch padding {
        case .valid:
            return ((input - extent) / stride + 1, 0)
        case .same:
            let output = (input + stride - 1) / stride
            let total = max((output - 1) * stride + extent - input, 0)
            return (output, total / 2)
        }
    }

    /// Conv2D: x [N, H, W, C], filter HWIO [kh, kw, C, O] -> [N, OH, OW, O].
    static func conv2D(_ x: NDArray, filter w: NDArray, strides: [Int], dilations: [Int] = [1, 1], padding: Padding) -> NDArray {
        let (h, wd, c) = (x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, o) = (w.shape[0], w.shape[1], w.shape[3])
        precondition(w.shape[2] == c)
        let rows = window(input: h, kernel: kh, stride: strides[0], dilation: dilations[0], padding: padding)
        let cols = window(input: wd, kernel: kw, stride: strides[1], dilation: dilations[1], padding: padding)
        return .build([x.shape[0], rows.output, cols.output, o]) { i in
            var sum = 0.0
            for dy in 0..<kh {
                let y = i[1] * strides[0] - rows.before + dy * dilations[0]
                guard y >= 0, y < h else { continue }
                for dx in 0..<kw {
                    let xx = i[2] * strides[1] - cols.before + dx * dilations[1]
                    guard xx >= 0, xx < wd else { continue }
                    for k in 0..<c { sum += x[[i[0], y, xx, k]] * w[[dy, dx, k, i[3]]] }
                }
            }
            return sum
        }
    }

    /// DepthwiseConv2dNative: x [N, H, W, C], filter [kh, kw, C, M] -> [N, OH, OW, C·M], where
    /// output channel c·M + m filters input channel c with filter[:, :, c, m].
    static func depthwiseConv2D(_ x: NDArray, filter w: NDArray, strides: [Int], dilations: [Int] = [1, 1], padding: Padding) -> NDArray {
        let (h, wd, c) = (x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw, m) = (w.shape[0], w.shape[1], w.shape[3])
        precondition(w.shape[2] == c)
        let rows = window(input: h, kernel: kh, stride: strides[0], dilation: dilations[0], padding: padding)
        let cols = window(input: wd, kernel: kw, stride: strides[1], dilation: dilations[1], padding: padding)
        return .build([x.shape[0], rows.output, cols.output, c * m]) { i in
            let (channel, q) = (i[3] / m, i[3] % m)
            var sum = 0.0
            for dy in 0..<kh {
                let y = i[1] * strides[0] - rows.before + dy * dilations[0]
                guard y >= 0, y < h else { continue }
                for dx in 0..<kw {
                    let xx = i[2] * strides[1] - cols.before + dx * dilations[1]
                    guard xx >= 0, xx < wd else { continue }
                    sum += x[[i[0], y, xx, channel]] * w[[dy, dx, channel, q]]
                }
            }
            return sum
        }
    }

    /// MaxPool / AvgPool: padding cells never take part (AvgPool divides by the real cells only).
    static func pool(_ x: NDArray, kernel: [Int], strides: [Int], padding: Padding, max isMax: Bool) -> NDArray {
        let (h, wd) = (x.shape[1], x.shape[2])
        let rows = window(input: h, kernel: kernel[0], stride: strides[0], padding: padding)
        let cols = window(input: wd, kernel: kernel[1], stride: strides[1], padding: padding)
        return .build([x.shape[0], rows.output, cols.output, x.shape[3]]) { i in
            var best = -Double.infinity, sum = 0.0, cells = 0
            for dy in 0..<kernel[0] {
                let y = i[1] * strides[0] - rows.before + dy
                guard y >= 0, y < h else { continue }
                for dx in 0..<kernel[1] {
                    let xx = i[2] * strides[1] - cols.before + dx
                    guard xx >= 0, xx < wd else { continue }
                    let v = x[[i[0], y, xx, i[3]]]
                    best = Swift.max(best, v)
                    sum += v
                    cells += 1
                }
            }
            return isMax ? best : sum / Double(cells)
        }
    }

    /// Element-wise binary op with numpy broadcasting (shapes right-aligned).
    static func broadcast(_ a: NDArray, _ b: NDArray, _ op: (Double, Double) -> Double) -> NDArray {
        let rank = max(a.rank, b.rank)
        let pa = Array(repeating: 1, count: rank - a.rank) + a.shape
        let pb = Array(repeating: 1, count: rank - b.rank) + b.shape
        let shape = zip(pa, pb).map { x, y -> Int in
            precondition(x == y || x == 1 || y == 1, "\(a.shape) and \(b.shape) do not broadcast")
            return max(x, y)
        }
        return .build(shape) { i in
            let ia = zip(i, pa).map { $1 == 1 ? 0 : $0 }.suffix(a.rank)
            let ib = zip(i, pb).map { $1 == 1 ? 0 : $0 }.suffix(b.rank)
            return op(a[Array(ia)], b[Array(ib)])
        }
    }

    static func map(_ x: NDArray, _ op: (Double) -> Double) -> NDArray {
        NDArray(shape: x.shape, values: x.values.map { Float(op(Double($0))) })
    }

    enum Reduction { case mean, max, sum }

    /// Mean / Max / Sum over `axes` (negative counts from the end), keeping them as 1s or not.
    static func reduce(_ x: NDArray, axes raw: [Int], keepDims: Bool, _ op: Reduction) -> NDArray {
        let axes = Set(raw.map { $0 < 0 ? $0 + x.rank : $0 })
        let kept = x.shape.indices.filter { !axes.contains($0) }
        let outShape = keepDims ? x.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element } : kept.map { x.shape[$0] }
        let count = outShape.reduce(1, *)
        var accumulators = [Double](repeating: op == .max ? -.infinity : 0, count: count)
        let reduced = axes.map { x.shape[$0] }.reduce(1, *)
        let keptShape = kept.map { x.shape[$0] }
        NDArray.forEachIndex(x.shape) { i in
            var slot = 0
            for (axis, dim) in zip(kept, keptShape) { slot = slot * dim + i[axis] }
            let v = x[i]
            accumulators[slot] = op == .max ? max(accumulators[slot], v) : accumulators[slot] + v
        }
        if op == .mean { accumulators = accumulators.map { $0 / Double(reduced) } }
        return NDArray(shape: outShape, values: accumulators.map { Float($0) })
    }

    /// ConcatV2: the parts joined along `axis` (non-negative).
    static func concatenate(_ parts: [NDArray], axis: Int) -> NDArray {
        var shape = parts[0].shape
        shape[axis] = parts.map { $0.shape[axis] }.reduce(0, +)
        return .build(shape) { i in
            var index = i, part = 0
            while index[axis] >= parts[part].shape[axis] {
                index[axis] -= parts[part].shape[axis]
                part += 1
            }
            return parts[part][index]
        }
    }

    /// Transpose: output axis k is input axis perm[k].
    static func transpose(_ x: NDArray, _ perm: [Int]) -> NDArray {
        .build(perm.map { x.shape[$0] }) { i in
            var source = [Int](repeating: 0, count: x.rank)
            for (k, axis) in perm.enumerated() { source[axis] = i[k] }
            return x[source]
        }
    }

    enum PadMode { case constant(Double), reflect }

    /// Pad / PadV2 / MirrorPad(REFLECT, edge not repeated) with (before, after) per axis.
    static func pad(_ x: NDArray, _ pairs: [(Int, Int)], mode: PadMode) -> NDArray {
        let shape = x.shape.enumerated().map { $0.element + pairs[$0.offset].0 + pairs[$0.offset].1 }
        return .build(shape) { i in
            var source: [Int] = []
            for axis in 0..<x.rank {
                var j = i[axis] - pairs[axis].0
                let n = x.shape[axis]
                if j < 0 || j >= n {
                    guard case .reflect = mode else {
                        if case .constant(let value) = mode { return value }
                        return 0
                    }
                    j = j < 0 ? -j : 2 * (n - 1) - j
                }
                source.append(j)
            }
            return x[source]
        }
    }

    /// MatMul of 2-D a [M, K] (or [K, M] transposed) and b [K, N] (or [N, K] transposed).
    static func matMul(_ a: NDArray, _ b: NDArray, transposeA: Bool = false, transposeB: Bool = false) -> NDArray {
        let m = transposeA ? a.shape[1] : a.shape[0], k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        return .build([m, n]) { i in
            var sum = 0.0
            for j in 0..<k { sum += (transposeA ? a[[j, i[0]]] : a[[i[0], j]]) * (transposeB ? b[[i[1], j]] : b[[j, i[1]]]) }
            return sum
        }
    }

    /// Softmax over the last axis of beta * x.
    static func softmax(_ x: NDArray, beta: Double = 1) -> NDArray {
        let n = x.shape.last!
        var out: [Float] = []
        for row in stride(from: 0, to: x.values.count, by: n) {
            let logits = x.values[row..<row + n].map { beta * Double($0) }
            let top = logits.max()!
            let exps = logits.map { Foundation.exp($0 - top) }
            let total = exps.reduce(0, +)
            out += exps.map { Float($0 / total) }
        }
        return NDArray(shape: x.shape, values: out)
    }

    /// FusedBatchNorm in inference mode over the last axis.
    static func batchNorm(_ x: NDArray, scale: NDArray, offset: NDArray, mean: NDArray, variance: NDArray, epsilon: Double) -> NDArray {
        .build(x.shape) { i in
            let c = [i.last!]
            return (x[i] - mean[c]) / (variance[c] + epsilon).squareRoot() * scale[c] + offset[c]
        }
    }

    /// ResizeBilinear: scale in/out (or (in-1)/(out-1) with align_corners), source coordinate
    /// out·scale or (out + 0.5)·scale − 0.5 with half_pixel_centers, lower index clamped at 0,
    /// upper at in−1, computed in Float as the kernel does.
    static func resizeBilinear(_ x: NDArray, height: Int, width: Int, alignCorners: Bool, halfPixelCenters: Bool) -> NDArray {
        func taps(_ inSize: Int, _ outSize: Int) -> [(Int, Int, Double)] {
            let scale = alignCorners && outSize > 1 ? Float(inSize - 1) / Float(outSize - 1) : Float(inSize) / Float(outSize)
            return (0..<outSize).map { o in
                let source = halfPixelCenters ? (Float(o) + 0.5) * scale - 0.5 : Float(o) * scale
                let lower = max(Int(source.rounded(.down)), 0), upper = min(Int(source.rounded(.up)), inSize - 1)
                return (lower, upper, Double(source - source.rounded(.down)))
            }
        }
        let ys = taps(x.shape[1], height), xs = taps(x.shape[2], width)
        return .build([x.shape[0], height, width, x.shape[3]]) { i in
            let (y0, y1, ly) = ys[i[1]], (x0, x1, lx) = xs[i[2]]
            let (n, c) = (i[0], i[3])
            let top = x[[n, y0, x0, c]] + (x[[n, y0, x1, c]] - x[[n, y0, x0, c]]) * lx
            let bottom = x[[n, y1, x0, c]] + (x[[n, y1, x1, c]] - x[[n, y1, x0, c]]) * lx
            return top + (bottom - top) * ly
        }
    }

    /// ResizeNearestNeighbor without half-pixel centres: min(floor(out·scale), in−1), or
    /// round(out·(in−1)/(out−1)) (half away from zero) with align_corners.
    static func resizeNearest(_ x: NDArray, height: Int, width: Int, alignCorners: Bool) -> NDArray {
        func index(_ o: Int, _ inSize: Int, _ outSize: Int) -> Int {
            let scale = alignCorners && outSize > 1 ? Float(inSize - 1) / Float(outSize - 1) : Float(inSize) / Float(outSize)
            let source = Float(o) * scale
            return min(Int(alignCorners ? source.rounded(.toNearestOrAwayFromZero) : source.rounded(.down)), inSize - 1)
        }
        return .build([x.shape[0], height, width, x.shape[3]]) { i in
            x[[i[0], index(i[1], x.shape[1], height), index(i[2], x.shape[2], width), i[3]]]
        }
    }

    /// StridedSlice without ellipsis or new axes, as the TensorFlow kernel resolves it: a masked
    /// bound takes the fullest range for the stride's direction, others count from the end when
    /// negative and are clamped; a shrink axis takes element begin[i] (masks and end ignored)
    /// and disappears. Axes past the spec are kept whole.
    static func stridedSlice(_ x: NDArray, begin: [Int], end: [Int], strides: [Int],
                             beginMask: Int = 0, endMask: Int = 0, shrinkAxisMask: Int = 0) -> NDArray {
        var starts: [Int] = [], steps: [Int] = [], lengths: [Int] = [], kept: [Bool] = []
        for axis in 0..<x.rank {
            let dim = x.shape[axis]
            guard axis < begin.count else {
                starts.append(0); steps.append(1); lengths.append(dim); kept.append(true)
                continue
            }
            let s = strides[axis]
            if shrinkAxisMask & (1 << axis) != 0 {
                starts.append(begin[axis] < 0 ? begin[axis] + dim : begin[axis]); steps.append(1); lengths.append(1); kept.append(false)
                continue
            }
            func canonical(_ value: Int, masked: Bool, isBegin: Bool) -> Int {
                if masked { return s > 0 ? (isBegin ? 0 : dim) : (isBegin ? dim - 1 : -1) }
                let forward = value < 0 ? value + dim : value
                return s > 0 ? min(max(forward, 0), dim) : min(max(forward, -1), dim - 1)
            }
            let b = canonical(begin[axis], masked: beginMask & (1 << axis) != 0, isBegin: true)
            let e = canonical(end[axis], masked: endMask & (1 << axis) != 0, isBegin: false)
            starts.append(b); steps.append(s); kept.append(true)
            lengths.append(s > 0 ? max(0, (e - b + s - 1) / s) : max(0, (b - e - s - 1) / -s))
        }
        let full = NDArray.build(lengths) { i in x[(0..<x.rank).map { starts[$0] + i[$0] * steps[$0] }] }
        return full.reshaped(lengths.enumerated().filter { kept[$0.offset] }.map(\.element))
    }
}
