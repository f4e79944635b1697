/// Detection-specific ops: NonMaxSuppression here, RoiAlign in DetectionOps+RoiAlign.swift.
///
/// NonMaxSuppression produces a data-dependent number of boxes, so it is computed at prepare
/// time from constant inputs (the deferred execution mode makes every input constant); in a
/// statically planned session with run-time boxes it fails at load naming the input.
enum DetectionOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["NonMaxSuppression"] = nonMaxSuppression
        table["RoiAlign"] = roiAlign
    }

    /// NonMaxSuppression (opset 10/11, same semantics): greedy per-class suppression.
    ///
    /// boxes [B, N, 4] ([y1, x1, y2, x2] with either corner order, or [xc, yc, w, h] when
    /// center_point_box = 1), scores [B, C, N]; optional max_output_boxes_per_class (default 0:
    /// nothing selected), iou_threshold in [0, 1] (default 0) and score_threshold (boxes need a
    /// score strictly above it; absent keeps all). Output int64 [count, 3] of (batch, class, box):
    /// per batch, per class, by descending score with ties to the lower box index. A box is
    /// suppressed when its IoU with a selected box is strictly above the threshold; boxes without
    /// area or overlap never suppress. Follows the ONNX reference and ONNX Runtime.
    /// https://onnx.ai/onnx/operators/onnx__NonMaxSuppression.html
    static func nonMaxSuppression(_ ctx: OpContext) throws -> PreparedOp {
        let boxesSpec = try ctx.input(0), scoresSpec = try ctx.input(1)
        guard boxesSpec.dtype == .float32, scoresSpec.dtype == .float32 else {
            throw ctx.error(.unsupportedType, "NonMaxSuppression boxes and scores must be float32, got \(boxesSpec.dtype) and \(scoresSpec.dtype)")
        }
        let b = boxesSpec.shape, s = scoresSpec.shape
        guard b.count == 3, s.count == 3, b[2] == 4, b[0] == s[0], b[1] == s[2] else {
            throw ctx.error(.shapeMismatch, "NonMaxSuppression needs boxes [B, N, 4] and scores [B, C, N], got \(b) and \(s)")
        }
        let centerPointBox = try ctx.int("center_point_box", default: 0)
        guard centerPointBox == 0 || centerPointBox == 1 else {
            throw ctx.error(.invalidModel, "NonMaxSuppression center_point_box is \(centerPointBox); it must be 0 or 1")
        }
        let maxOutput = try scalar(ctx, 2, "max_output_boxes_per_class")?.ints.first.map { max(Int($0), 0) } ?? 0
        let iouThreshold = try scalar(ctx, 3, "iou_threshold")?.floats.first ?? 0
        let scoreThreshold = try scalar(ctx, 4, "score_threshold")?.floats.first
        guard iouThreshold >= 0, iouThreshold <= 1 else {
            throw ctx.error(.invalidModel, "NonMaxSuppression iou_threshold \(iouThreshold) is outside [0, 1]")
        }
        let boxes = try ctx.constant(0, "boxes").floats, scores = try ctx.constant(1, "scores").floats
        let (batches, classes, count) = (s[0], s[1], s[2])
        var selected: [Int64] = []
        if maxOutput > 0 {
            for batch in 0..<batches {
                let corners = (0..<count).map { Corners(boxes, at: (batch * count + $0) * 4, centerPoint: centerPointBox == 1) }
                for klass in 0..<classes {
                    let base = (batch * classes + klass) * count
                    var candidates: [Int] = (0..<count).filter { (i: Int) -> Bool in
                        guard let threshold = scoreThreshold else { return true }
                        return scores[base + i] > threshold
                    }
                    // Descending score, lower index first on ties.
                    candidates.sort { (i: Int, j: Int) -> Bool in
                        let a = scores[base + i], b = scores[base + j]
                        return a > b || (a == b && i < j)
                    }
                    var kept: [Int] = []
                    for candidate in candidates where kept.count < maxOutput {
                        if kept.contains(where: { corners[candidate].suppresses(corners[$0], above: iouThreshold) }) { continue }
                        kept.append(candidate)
                        selected += [Int64(batch), Int64(klass), Int64(candidate)]
                    }
                }
            }
        }
        return .constants([Tensor(shape: [selected.count / 3, 3], ints: selected)])
    }

    /// An optional scalar input (a 0-d or one-element tensor); an empty tensor counts as absent.
    static func scalar(_ ctx: OpContext, _ index: Int, _ what: String) throws -> Tensor? {
        guard let value = try ctx.optionalConstant(index, what), value.count > 0 else { return nil }
        guard value.count == 1 else {
            throw ctx.error(.shapeMismatch, "NonMaxSuppression \(what) must hold one value, got shape \(value.shape)")
        }
        return value
    }

    /// A box as ordered extents, whichever encoding it came in.
    struct Corners {
        let xMin: Float, xMax: Float, yMin: Float, yMax: Float

        init(_ values: [Float], at offset: Int, centerPoint: Bool) {
            let v0 = values[offset], v1 = values[offset + 1], v2 = values[offset + 2], v3 = values[offset + 3]
            if centerPoint {
                // [x_center, y_center, width, height]
                xMin = v0 - v2 / 2; xMax = v0 + v2 / 2; yMin = v1 - v3 / 2; yMax = v1 + v3 / 2
            } else {
                // [y1, x1, y2, x2], either diagonal
                xMin = Swift.min(v1, v3); xMax = Swift.max(v1, v3); yMin = Swift.min(v0, v2); yMax = Swift.max(v0, v2)
            }
        }

        /// Whether IoU(self, other) > threshold; disjoint or degenerate boxes never suppress.
        func suppresses(_ other: Corners, above threshold: Float) -> Bool {
            let ix0 = Swift.max(xMin, other.xMin), ix1 = Swift.min(xMax, other.xMax)
            guard ix1 > ix0 else { return false }
            let iy0 = Swift.max(yMin, other.yMin), iy1 = Swift.min(yMax, other.yMax)
            guard iy1 > iy0 else { return false }
            let intersection = (ix1 - ix0) * (iy1 - iy0)
            guard intersection > 0 else { return false }
            let area = (xMax - xMin) * (yMax - yMin), otherArea = (other.xMax - other.xMin) * (other.yMax - other.yMin)
            let union = area + otherArea - intersection
            guard area > 0, otherArea > 0, union > 0 else { return false }
            return intersection / union > threshold
        }
    }
}
