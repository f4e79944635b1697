import Foundation
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilEngine

/// NonMaxSuppression and RoiAlign against naive references written from the ONNX spec (and the
/// ONNX reference implementation, which ONNX Runtime matches), plus hand-checked cases.
@Suite struct DetectionOpTests {
    // MARK: NonMaxSuppression

    /// The spec's own example: two clusters and a far box, IoU 0.5, top 3.
    @Test func nonMaxSuppression_specExampleInBothBoxEncodings() throws {
        let scores = Tensor(shape: [1, 1, 6], floats: [0.9, 0.75, 0.6, 0.95, 0.5, 0.3])
        let corners: [Float] = [0, 0, 1, 1, 0, 0.1, 1, 1.1, 0, -0.1, 1, 0.9, 0, 10, 1, 11, 0, 10.1, 1, 11.1, 0, 100, 1, 101]
        let flipped: [Float] = [1, 1, 0, 0, 0, 0.1, 1, 1.1, 0, 0.9, 1, -0.1, 0, 10, 1, 11, 1, 10.1, 0, 11.1, 1, 101, 0, 100]
        let centers: [Float] = [0.5, 0.5, 1, 1, 0.5, 0.6, 1, 1, 0.5, 0.4, 1, 1, 0.5, 10.5, 1, 1, 0.5, 10.6, 1, 1, 0.5, 100.5, 1, 1]
        for (boxes, center) in [(corners, 0), (flipped, 0), (centers, 1)] {
            let out = try runNMS(boxes: Tensor(shape: [1, 6, 4], floats: boxes), scores: scores, maxOutput: 3, iou: 0.5, score: 0,
                                 centerPointBox: center)
            #expect(out.shape == [3, 3])
            #expect(out.ints == [0, 0, 3, 0, 0, 0, 0, 0, 5], "center_point_box \(center)")
        }
    }

    @Test func nonMaxSuppression_equalScoresKeepLowerIndexAndIoUEqualToThresholdIsKept() throws {
        // Boxes 0 and 1 are disjoint, box 2 overlaps box 1 with IoU exactly 1/3.
        let boxes = Tensor(shape: [1, 3, 4], floats: [0, 0, 1, 1, 0, 2, 1, 4, 0, 3, 1, 5])
        let scores = Tensor(shape: [1, 1, 3], floats: [0.5, 0.5, 0.5])
        let kept = try runNMS(boxes: boxes, scores: scores, maxOutput: 10, iou: 1.0 / 3.0)
        #expect(kept.ints == [0, 0, 0, 0, 0, 1, 0, 0, 2])
        let suppressed = try runNMS(boxes: boxes, scores: scores, maxOutput: 10, iou: 0.3)
        #expect(suppressed.ints == [0, 0, 0, 0, 0, 1])
    }

    @Test func nonMaxSuppression_scoreThresholdIsStrictAndZeroAreaNeverSuppresses() throws {
        let boxes = Tensor(shape: [1, 3, 4], floats: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1])   // two points, one unit box
        let scores = Tensor(shape: [1, 1, 3], floats: [0.9, 0.8, 0.5])
        let out = try runNMS(boxes: boxes, scores: scores, maxOutput: 10, iou: 0, score: 0.5)
        #expect(out.ints == [0, 0, 0, 0, 0, 1])
    }

    @Test func nonMaxSuppression_missingOrZeroMaxOutputSelectsNothing() throws {
        let boxes = Tensor(shape: [1, 2, 4], floats: [0, 0, 1, 1, 2, 2, 3, 3])
        let scores = Tensor(shape: [1, 1, 2], floats: [0.9, 0.8])
        #expect(try runNMS(boxes: boxes, scores: scores, maxOutput: 0).shape == [0, 3])
        #expect(try runNMS(boxes: boxes, scores: scores, maxOutput: nil).shape == [0, 3])
        #expect(try runNMS(boxes: boxes, scores: scores, maxOutput: -4).shape == [0, 3])
    }

    @Test func nonMaxSuppression_matchesReferenceAcrossBatchesClassesAndAttributes() throws {
        var rng = SplitMix64(seed: 7)
        var cases = 0, selected = 0, mismatches: [String] = []
        for center in [0, 1] {
            for (batches, classes, count) in [(1, 1, 12), (2, 3, 20), (3, 2, 1), (1, 4, 0)] {
                for (maxOutput, iou, score) in [(100, Float(0.5), Float?.none), (3, 0.3, 0.4), (1, 0, 0.0), (0, 0.5, nil), (7, 1, 0.9), (50, 0.45, 0.2)] {
                    let boxes = randomBoxes(&rng, batches: batches, count: count, center: center == 1)
                    // Scores on a coarse grid so ties are common.
                    let scores = (0..<(batches * classes * count)).map { _ in Float(rng.below(8)) / 8 }
                    let boxTensor = Tensor(shape: [batches, count, 4], floats: boxes)
                    let scoreTensor = Tensor(shape: [batches, classes, count], floats: scores)
                    let got = try runNMS(boxes: boxTensor, scores: scoreTensor, maxOutput: Int64(maxOutput), iou: iou, score: score,
                                         centerPointBox: center)
                    let expected = referenceNMS(boxes: boxes, scores: scores, batches: batches, classes: classes, count: count,
                                                maxOutput: maxOutput, iou: iou, score: score, center: center == 1)
                    cases += 1
                    selected += expected.count / 3
                    if got.shape != [expected.count / 3, 3] || got.ints != expected {
                        mismatches.append("center \(center) [\(batches),\(classes),\(count)] max \(maxOutput) iou \(iou) "
                                          + "score \(String(describing: score)): got \(got.shape[0]) rows, expected \(expected.count / 3)")
                    }
                }
            }
        }
        #expect(cases == 48 && selected > 100, "the sweep should select boxes: \(selected)")
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.first ?? "")")
    }

    @Test func nonMaxSuppression_rejectsBadShapesAndAttributes() throws {
        let scores = Tensor(shape: [1, 1, 2], floats: [0.9, 0.8])
        let badBoxes = Tensor(shape: [1, 2, 3], floats: [Float](repeating: 0, count: 6))
        expectError(containing: "NonMaxSuppression") { _ = try runNMS(boxes: badBoxes, scores: scores, maxOutput: 1) }
        let boxes = Tensor(shape: [1, 2, 4], floats: [Float](repeating: 0, count: 8))
        expectError(containing: "center_point_box") { _ = try runNMS(boxes: boxes, scores: scores, maxOutput: 1, centerPointBox: 2) }
        expectError(containing: "iou_threshold") { _ = try runNMS(boxes: boxes, scores: scores, maxOutput: 1, iou: 1.5) }
        let mismatched = Tensor(shape: [1, 1, 3], floats: [0.9, 0.8, 0.1])
        expectError(containing: "[1, 1, 3]") { _ = try runNMS(boxes: boxes, scores: mismatched, maxOutput: 1) }
    }

    // MARK: RoiAlign

    /// A 2x2 image [[1, 2], [3, 4]] and the unit roi: one sample per bin, worked out by hand.
    @Test func roiAlign_handCheckedSingleSample() throws {
        let x = Tensor(shape: [1, 1, 2, 2], floats: [1, 2, 3, 4])
        let roi = Tensor(shape: [1, 4], floats: [0, 0, 1, 1])
        // opset 10 (output_half_pixel): the sample sits at (0.5, 0.5), the mean of the four pixels.
        #expect(try runRoiAlign(x: x, rois: roi, batch: [0], opset: 10, attributes: ["sampling_ratio": .int(1)]).floats == [2.5])
        // opset 16 default half_pixel: the roi shifts by -0.5 and the sample lands on pixel (0, 0).
        #expect(try runRoiAlign(x: x, rois: roi, batch: [0], opset: 16, attributes: ["sampling_ratio": .int(1)]).floats == [1])
        // max mode takes the largest weighted corner: 0.25 · 4.
        #expect(try runRoiAlign(x: x, rois: roi, batch: [0], opset: 10, attributes: ["sampling_ratio": .int(1), "mode": .string("max")]).floats == [1])
        // A roi far outside the image samples nothing but zeros.
        let outside = Tensor(shape: [1, 4], floats: [10, 10, 12, 12])
        #expect(try runRoiAlign(x: x, rois: outside, batch: [0], opset: 10, attributes: [:]).floats == [0])
    }

    @Test func roiAlign_matchesReferenceAcrossModesAndSampling() throws {
        var rng = SplitMix64(seed: 11)
        let (n, c, h, w) = (2, 3, 7, 9)
        let x = Tensor(shape: [n, c, h, w], floats: (0..<(n * c * h * w)).map { _ in rng.unitFloat() * 4 - 2 })
        var rois: [Float] = []
        for _ in 0..<6 {
            // Partly outside the image, some reversed, one degenerate.
            let x1 = rng.unitFloat() * 14 - 3, y1 = rng.unitFloat() * 12 - 3
            rois += [x1, y1, x1 + rng.unitFloat() * 10 - 1, y1 + rng.unitFloat() * 8 - 1]
        }
        rois += [2, 2, 2, 2]
        let batch: [Int64] = [0, 1, 1, 0, 1, 0, 1]
        var checked = 0, nonZero = 0, total = 0, failures: [String] = []
        for opset in [10, 16] {
            for transform in opset == 16 ? ["half_pixel", "output_half_pixel"] : [""] {
                for mode in ["avg", "max"] {
                    for sampling in [0, 2] {
                        for (outH, outW, scale) in [(2, 3, Float(1)), (3, 3, 0.5), (1, 1, 2)] {
                            var attributes: [String: Attribute] = ["mode": .string(mode), "sampling_ratio": .int(sampling),
                                                                   "output_height": .int(outH), "output_width": .int(outW),
                                                                   "spatial_scale": .float(scale)]
                            if !transform.isEmpty { attributes["coordinate_transformation_mode"] = .string(transform) }
                            let got = try runRoiAlign(x: x, rois: Tensor(shape: [7, 4], floats: rois), batch: batch, opset: opset,
                                                      attributes: attributes)
                            let expected = referenceRoiAlign(x: x.floats, n: n, c: c, h: h, w: w, rois: rois, batch: batch,
                                                             outH: outH, outW: outW, sampling: sampling, scale: scale,
                                                             halfPixel: transform == "half_pixel", max: mode == "max")
                            checked += 1
                            nonZero += expected.filter { $0 != 0 }.count
                            total += expected.count
                            if got.shape != [7, c, outH, outW] {
                                failures.append("shape \(got.shape)")
                            } else if let bad = firstMismatch(got.floats, expected, tolerance: 1e-5) {
                                failures.append("opset \(opset) \(transform) \(mode) sampling \(sampling) \(outH)x\(outW) scale \(scale): \(bad)")
                            }
                        }
                    }
                }
            }
        }
        #expect(checked == 36 && nonZero > total / 2, "most outputs should be non-zero: \(nonZero) of \(total)")
        #expect(failures.isEmpty, "\(failures.count) failing configurations, first: \(failures.first ?? "")")
    }

    @Test func roiAlign_zeroRoisGivesEmptyOutput() throws {
        let x = iota([1, 2, 4, 4])
        // Session inputs cannot have a zero dim, so the empty rois come as a constant.
        let out = try OpHarness("RoiAlign", opset: 16, attributes: ["output_height": .int(2), "output_width": .int(2)], inputs: [
            ("x", x, false), ("rois", Tensor(shape: [0, 4], floats: []), true), ("batch", Tensor(shape: [0], ints: []), true),
        ]).run()["y"]!
        #expect(out.shape == [0, 2, 2, 2])
    }

    @Test func roiAlign_rejectsBadShapesAndAttributes() throws {
        let x = iota([1, 1, 4, 4]), roi = Tensor(shape: [1, 4], floats: [0, 0, 2, 2])
        expectError(containing: "RoiAlign") { _ = try runRoiAlign(x: x, rois: Tensor(shape: [1, 3], floats: [0, 0, 2]), batch: [0], opset: 16, attributes: [:]) }
        expectError(containing: "mode 'mean'") { _ = try runRoiAlign(x: x, rois: roi, batch: [0], opset: 16, attributes: ["mode": .string("mean")]) }
        expectError(containing: "coordinate_transformation_mode") {
            _ = try runRoiAlign(x: x, rois: roi, batch: [0], opset: 16, attributes: ["coordinate_transformation_mode": .string("asymmetric")])
        }
        expectError(containing: "batch index 3") { _ = try runRoiAlign(x: x, rois: roi, batch: [3], opset: 16, attributes: [:]) }
    }
}

// MARK: - harness

private func runNMS(boxes: Tensor, scores: Tensor, maxOutput: Int64?, iou: Float? = nil, score: Float? = nil,
                    centerPointBox: Int = 0) throws -> Tensor {
    var inputs: [(String, Tensor, Bool)] = [("boxes", boxes, true), ("scores", scores, true)]
    if let maxOutput { inputs.append(("max", Tensor(shape: [1], ints: [maxOutput]), true)) } else { inputs.append(("", Tensor.scalar(0), true)) }
    if let iou { inputs.append(("iou", Tensor(shape: [1], floats: [iou]), true)) } else { inputs.append(("", Tensor.scalar(0), true)) }
    if let score { inputs.append(("score", Tensor(shape: [1], floats: [score]), true)) }
    var harness = OpHarness("NonMaxSuppression", opset: 11, attributes: ["center_point_box": .int(centerPointBox)], inputs: inputs)
    harness.inputs.removeAll { $0.name.isEmpty }   // omitted optional inputs keep their empty name in the node
    return try harness.run()["y"]!
}

private func runRoiAlign(x: Tensor, rois: Tensor, batch: [Int64], opset: Int, attributes: [String: Attribute]) throws -> Tensor {
    try OpHarness("RoiAlign", opset: opset, attributes: attributes, inputs: [
        ("x", x, false), ("rois", rois, false), ("batch", Tensor(shape: [batch.count], ints: batch), true),
    ]).run()["y"]!
}

func expectError(containing text: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("expected an error mentioning '\(text)'", sourceLocation: sourceLocation)
    } catch {
        #expect("\(error)".contains(text), "error '\(error)' does not mention '\(text)'", sourceLocation: sourceLocation)
    }
}

/// The first index where `a` and `b` differ by more than `tolerance` (relative above 1), or a length mismatch.
func firstMismatch(_ a: [Float], _ b: [Float], tolerance: Float) -> String? {
    guard a.count == b.count else { return "count \(a.count) vs \(b.count)" }
    for i in a.indices where !(abs(a[i] - b[i]) <= tolerance * max(1, abs(b[i]))) {
        return "[\(i)] \(a[i]) vs \(b[i]) (\(a.indices.filter { !(abs(a[$0] - b[$0]) <= tolerance * max(1, abs(b[$0]))) }.count) differ)"
    }
    return nil
}


// MARK: - references

/// Random boxes on a small grid: overlaps, duplicates, reversed corners and zero-area boxes.
private func randomBoxes(_ rng: inout SplitMix64, batches: Int, count: Int, center: Bool) -> [Float] {
    (0..<(batches * count)).flatMap { _ -> [Float] in
        let a = Float(rng.below(10)) / 2, b = Float(rng.below(10)) / 2
        let sizeA = Float(rng.below(6)) / 2, sizeB = Float(rng.below(6)) / 2   // 0 gives a degenerate box
        if center { return [a, b, sizeA, sizeB] }
        return rng.below(2) == 0 ? [a, b, a + sizeA, b + sizeB] : [a + sizeA, b + sizeB, a, b]
    }
}

/// NMS as the spec describes it: repeatedly take the best remaining box (highest score, then
/// lowest index) and keep it unless its IoU with a kept box exceeds the threshold.
private func referenceNMS(boxes: [Float], scores: [Float], batches: Int, classes: Int, count: Int,
                          maxOutput: Int, iou: Float, score: Float?, center: Bool) -> [Int64] {
    func extents(_ batch: Int, _ i: Int) -> (y0: Float, x0: Float, y1: Float, x1: Float) {
        let v = Array(boxes[((batch * count + i) * 4)..<((batch * count + i) * 4 + 4)])
        if center { return (v[1] - v[3] / 2, v[0] - v[2] / 2, v[1] + v[3] / 2, v[0] + v[2] / 2) }
        return (min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3]))
    }
    func overlapsTooMuch(_ batch: Int, _ i: Int, _ j: Int) -> Bool {
        let a = extents(batch, i), b = extents(batch, j)
        let iw = min(a.x1, b.x1) - max(a.x0, b.x0), ih = min(a.y1, b.y1) - max(a.y0, b.y0)
        guard iw > 0, ih > 0 else { return false }
        let inter = iw * ih
        let areaA = (a.x1 - a.x0) * (a.y1 - a.y0), areaB = (b.x1 - b.x0) * (b.y1 - b.y0)
        guard inter > 0, areaA > 0, areaB > 0, areaA + areaB - inter > 0 else { return false }
        return inter / (areaA + areaB - inter) > iou
    }
    var result: [Int64] = []
    for batch in 0..<batches {
        for klass in 0..<classes {
            let s = { (i: Int) in scores[(batch * classes + klass) * count + i] }
            var remaining = Set((0..<count).filter { score == nil || s($0) > score! })
            var kept: [Int] = []
            while kept.count < maxOutput, !remaining.isEmpty {
                let best = remaining.min { s($0) > s($1) || (s($0) == s($1) && $0 < $1) }!
                remaining.remove(best)
                if !kept.contains(where: { overlapsTooMuch(batch, best, $0) }) {
                    kept.append(best)
                    result += [Int64(batch), Int64(klass), Int64(best)]
                }
            }
        }
    }
    return result
}

/// RoiAlign one output element at a time, as the spec's reference computes it.
private func referenceRoiAlign(x: [Float], n: Int, c: Int, h: Int, w: Int, rois: [Float], batch: [Int64],
                               outH: Int, outW: Int, sampling: Int, scale: Float, halfPixel: Bool, max isMax: Bool) -> [Float] {
    func bilinear(_ plane: ArraySlice<Float>, _ yIn: Float, _ xIn: Float) -> [Float] {
        // The four weighted corners, or zeros outside [-1, size].
        if yIn < -1 || yIn > Float(h) || xIn < -1 || xIn > Float(w) { return [0, 0, 0, 0] }
        var y = max(yIn, 0), x = max(xIn, 0)
        var y0 = Int(y.rounded(.down)), x0 = Int(x.rounded(.down))
        var y1 = y0 + 1, x1 = x0 + 1
        if y0 >= h - 1 { y0 = h - 1; y1 = h - 1; y = Float(y0) }
        if x0 >= w - 1 { x0 = w - 1; x1 = w - 1; x = Float(x0) }
        let ly = y - Float(y0), lx = x - Float(x0)
        let base = plane.startIndex
        return [(1 - ly) * (1 - lx) * plane[base + y0 * w + x0], (1 - ly) * lx * plane[base + y0 * w + x1],
                ly * (1 - lx) * plane[base + y1 * w + x0], ly * lx * plane[base + y1 * w + x1]]
    }
    var out: [Float] = []
    let shift: Float = halfPixel ? 0.5 : 0
    for r in 0..<batch.count {
        let sw = rois[r * 4] * scale - shift, sh = rois[r * 4 + 1] * scale - shift
        var rw = rois[r * 4 + 2] * scale - shift - sw, rh = rois[r * 4 + 3] * scale - shift - sh
        if !halfPixel { rw = max(rw, 1); rh = max(rh, 1) }
        let bh = rh / Float(outH), bw = rw / Float(outW)
        let gh = sampling > 0 ? sampling : Int((rh / Float(outH)).rounded(.up))
        let gw = sampling > 0 ? sampling : Int((rw / Float(outW)).rounded(.up))
        for ch in 0..<c {
            let start = (Int(batch[r]) * c + ch) * h * w
            let plane = x[start..<(start + h * w)]
            for ph in 0..<outH {
                for pw in 0..<outW {
                    var values: [Float] = []
                    for iy in 0..<max(gh, 0) {
                        for ix in 0..<max(gw, 0) {
                            let yy = sh + Float(ph) * bh + (Float(iy) + 0.5) * bh / Float(gh)
                            let xx = sw + Float(pw) * bw + (Float(ix) + 0.5) * bw / Float(gw)
                            let corners = bilinear(plane, yy, xx)
                            values.append(isMax ? corners.max()! : corners[0] + corners[1] + corners[2] + corners[3])
                        }
                    }
                    if isMax { out.append(values.max() ?? 0) }
                    else { out.append(values.reduce(0, +) / Float(max(gh * gw, 1))) }
                }
            }
        }
    }
    return out
}
