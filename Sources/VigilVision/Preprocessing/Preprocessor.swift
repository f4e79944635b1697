import VigilImage

/// Turns a decoded image into a model's batch-1 input tensor, as its `InputContract` says.
///
/// Build one per model when the model is loaded (the contract is validated then, and the
/// normalisation table is built); `run` is then a pure function of the image that neither
/// throws nor keeps state, so one instance can serve many threads.
///
/// EXIF orientation (reported by `ImageDecoder`, not applied by it):
/// * `.customVisionCenterCrop` follows the seed exactly: only images Pillow opens as "RGB"
///   and that keep `_getexif` are oriented, i.e. RGB JPEGs and, with Pillow 13, RGB PNGs
///   carrying an eXIf chunk; the seed's arithmetic applies to any value (0 does nothing, 9+
///   transposes). Grayscale, CMYK, palette and alpha images are converted first and never
///   rotated (`case-gray-exif6.jpg`).
/// * `.stretch`, `.resizeThenCenterCrop` and `.letterbox` apply the standard EXIF transpose
///   (`ImageOps.exif_transpose`): orientations 2...8, whatever the source mode; other values
///   are ignored.
///
/// Per frame, the Custom Vision path allocates nothing unless the image needs orienting or
/// capping (then one intermediate image per step); the 256×256 square is never materialised:
/// only the cropped window is interpolated, straight into `output`. The Pillow-resize and
/// letterbox paths allocate their resized image.
public struct Preprocessor: Sendable {
    public let contract: InputContract
    /// Floats written by `run`: width × height × 3.
    public let elementCount: Int
    /// For tensor channel c, the index (0 R, 1 G, 2 B) of the RGB sample that feeds it.
    private let sourceChannel: [Int]
    private let normalization: Normalization?
    /// 3 × 256 normalised values of the byte samples, per tensor channel (Pillow-resize paths).
    private let byteTable: [Float]

    /// Precondition: `contract.validate()` succeeds (check it when loading the model to report
    /// a proper error).
    public init(contract: InputContract) {
        do {
            try contract.validate()
        } catch {
            preconditionFailure("\(error)")
        }
        self.contract = contract
        elementCount = contract.elementCount
        sourceChannel = contract.colorOrder == .rgb ? [0, 1, 2] : [2, 1, 0]
        let normalization = contract.isIdentityNormalization ? nil : Normalization(contract)
        self.normalization = normalization
        var table = [Float](repeating: 0, count: 3 * 256)
        for c in 0..<3 {
            for v in 0..<256 { table[c * 256 + v] = normalization?.apply(Double(v), channel: c) ?? Float(v) }
        }
        byteTable = table
    }

    /// Writes exactly `elementCount` floats for `image` into `output`.
    public func run(_ image: DecodedImage, into output: UnsafeMutablePointer<Float>) {
        switch contract.resizing {
        case .customVisionCenterCrop:
            var rgb = image.image
            if [.jpeg, .png].contains(image.format), image.sourceMode == .rgb, let orientation = image.exifOrientation {
                rgb = rgb.oriented(exifOrientation: orientation)
            }
            writeCustomVisionCrop(Self.customVisionCap(rgb), into: output)
        case .stretch(let filter):
            let resized = resizePillow(Self.standardOriented(image), width: contract.width, height: contract.height, filter: filter)
            writeWindow(of: resized, left: 0, top: 0, into: output)
        case .resizeThenCenterCrop(let side, let filter):
            let resized = resizePillow(Self.standardOriented(image), width: side, height: side, filter: filter)
            writeWindow(of: resized,
                        left: CenterCrop.pillowOrigin(source: side, target: contract.width),
                        top: CenterCrop.pillowOrigin(source: side, target: contract.height),
                        into: output)
        case .letterbox(let scaleUp):
            let upright = Self.standardOriented(image)
            let box = Letterbox(sourceWidth: upright.width, sourceHeight: upright.height,
                                targetWidth: contract.width, targetHeight: contract.height, scaleUp: scaleUp)
            let resized = box.keepsSize ? upright : OpenCVLinearResize.resize(upright, width: box.resizedWidth, height: box.resizedHeight)
            writeLetterbox(resized, left: box.left, top: box.top, into: output)
        }
    }

    /// Runs into a new array (tests and tools; the serving path reuses its buffer).
    public func run(_ image: DecodedImage) -> [Float] {
        [Float](unsafeUninitializedCapacity: elementCount) { buffer, count in
            run(image, into: buffer.baseAddress!)
            count = elementCount
        }
    }

    /// The seed's step 3: when either side is ≥ 1600, Pillow-resize so the longer side is 1600
    /// (integer division for the other), BILINEAR if the scale is ≥ 0.5, else BICUBIC. A side
    /// that would round to 0 is kept at 1 (the seed fails on such images).
    public static func customVisionCap(_ image: RGBImage) -> RGBImage {
        let w = image.width, h = image.height, cap = 1600
        guard w >= cap || h >= cap else { return image }
        let size = h > w ? (width: max(1, cap * w / h), height: cap) : (width: cap, height: max(1, cap * h / w))
        let ratio = Double(max(size.width, size.height)) / Double(max(w, h))
        return resizePillow(image, width: size.width, height: size.height, filter: ratio >= 0.5 ? .bilinear : .bicubic)
    }

    /// The image turned upright by the standard EXIF mapping (orientations 2...8 only).
    public static func standardOriented(_ image: DecodedImage) -> RGBImage {
        guard let orientation = image.exifOrientation, (2...8).contains(orientation) else { return image.image }
        return image.image.oriented(exifOrientation: orientation)
    }

    /// The size of `standardOriented(image)`, without orienting it (orientations 5...8 swap sides).
    public static func standardOrientedSize(_ image: DecodedImage) -> (width: Int, height: Int) {
        if let orientation = image.exifOrientation, (5...8).contains(orientation) {
            return (image.image.height, image.image.width)
        }
        return (image.image.width, image.image.height)
    }

    /// Tensor offsets: element (c, y, x) lives at c·channelStride + (y·width + x)·pixelStride.
    private var strides: (channel: Int, pixel: Int) {
        contract.layout == .nchw ? (contract.width * contract.height, 1) : (1, 3)
    }

    /// Steps 5–7 of the seed for the crop window only: interpolate each tensor pixel from the
    /// (capped) image, reorder channels, normalise, store.
    private func writeCustomVisionCrop(_ image: RGBImage, into output: UnsafeMutablePointer<Float>) {
        let width = contract.width, height = contract.height
        let square = CustomVisionSquare(sourceWidth: image.width, sourceHeight: image.height)
        let left = CenterCrop.seedOrigin(source: CustomVisionSquare.side, target: width)
        let top = CenterCrop.seedOrigin(source: CustomVisionSquare.side, target: height)
        let (channelStride, pixelStride) = strides
        let (c0, c1, c2) = (sourceChannel[0], sourceChannel[1], sourceChannel[2])
        image.pixels.withUnsafeBufferPointer { pixels in
            withUnsafeTemporaryAllocation(of: CustomVisionSquare.Tap.self, capacity: width) { columns in
                for x in 0..<width { columns[x] = square.columnTap(left + x) }
                if writeFixedPoint(pixels: pixels, imageWidth: image.width, square: square, columns: columns, top: top,
                                   into: output) {
                    return
                }
                for y in 0..<height {
                    let row = square.rowTap(top + y)
                    let upper = row.first * image.width * 3, lower = row.second * image.width * 3
                    for x in 0..<width {
                        let column = columns[x]
                        let i00 = upper + column.first * 3, i01 = upper + column.second * 3
                        let i10 = lower + column.first * 3, i11 = lower + column.second * 3
                        let at = (y * width + x) * pixelStride
                        @inline(__always) func store(_ c: Int, _ s: Int) {
                            let v = CustomVisionSquare.interpolate(
                                p00: pixels[i00 + s], p01: pixels[i01 + s], p10: pixels[i10 + s], p11: pixels[i11 + s],
                                fx: column.weight, fy: row.weight)
                            output[at + c * channelStride] = normalization?.apply(Double(v), channel: c) ?? v
                        }
                        store(0, c0)
                        store(1, c1)
                        store(2, c2)
                    }
                }
            }
        }
    }

    /// `writeCustomVisionCrop` when every weight is a multiple of 1/128 in [0, 1) (see
    /// `CustomVisionSquare.fixedPointWeight`), else false with nothing written: the seed's double
    /// arithmetic is then exact, so the same values come from integers. With weights w·128 and
    /// samples ≤ 255, a horizontal blend is ≤ 255·128 and the vertical one ≤ 255·128², whole numbers
    /// of 1/128² under 2²⁴: each tensor value is that integer, converted to Float exactly, times 2⁻¹⁴.
    private func writeFixedPoint(
        pixels: UnsafeBufferPointer<UInt8>, imageWidth: Int, square: CustomVisionSquare,
        columns: UnsafeMutableBufferPointer<CustomVisionSquare.Tap>, top: Int, into output: UnsafeMutablePointer<Float>
    ) -> Bool {
        let width = contract.width, height = contract.height
        guard (0..<height).allSatisfy({ CustomVisionSquare.fixedPointWeight(square.rowTap(top + $0).weight) != nil })
        else { return false }
        let (channelStride, pixelStride) = strides
        let (s0, s1, s2) = (sourceChannel[0], sourceChannel[1], sourceChannel[2])
        let scale = Float(1.0 / 16384)
        let source = pixels.baseAddress!
        let written = withUnsafeTemporaryAllocation(of: FixedPointTap.self, capacity: width) { fixed -> Bool in
            for x in 0..<width {
                guard let weight = CustomVisionSquare.fixedPointWeight(columns[x].weight).map(Int32.init) else { return false }
                fixed[x] = FixedPointTap(first: columns[x].first * 3, second: columns[x].second * 3,
                                         weight: weight, complement: 128 - weight)
            }
            for y in 0..<height {
                let row = square.rowTap(top + y)
                let wy = Int32(CustomVisionSquare.fixedPointWeight(row.weight)!), gy = 128 - wy
                let upper = source + row.first * imageWidth * 3, lower = source + row.second * imageWidth * 3
                let line = output + y * width * pixelStride
                for x in 0..<width {
                    let column = fixed[x]
                    @inline(__always) func blend(_ row: UnsafePointer<UInt8>, _ s: Int) -> Int32 {
                        column.weight &* Int32(row[column.second &+ s]) &+ column.complement &* Int32(row[column.first &+ s])
                    }
                    @inline(__always) func value(_ s: Int) -> Float {
                        Float(wy &* blend(lower, s) &+ gy &* blend(upper, s)) * scale
                    }
                    let at = line + x &* pixelStride
                    at[0] = value(s0)
                    at[channelStride] = value(s1)
                    at[2 &* channelStride] = value(s2)
                }
            }
            return true
        }
        guard written else { return false }
        if let normalization {
            for c in 0..<3 {
                for i in 0..<(width * height) {
                    let at = output + c * channelStride + i * pixelStride
                    at.pointee = normalization.apply(Double(at.pointee), channel: c)
                }
            }
        }
        return true
    }

    /// A tensor column's two source pixels (byte offsets in a row) and their weights in 128ths.
    private struct FixedPointTap {
        var first: Int
        var second: Int
        var weight: Int32
        var complement: Int32
    }

    /// Copies the width × height window at (left, top) of `image` into the tensor.
    private func writeWindow(of image: RGBImage, left: Int, top: Int, into output: UnsafeMutablePointer<Float>) {
        let width = contract.width, height = contract.height
        let (channelStride, pixelStride) = strides
        image.pixels.withUnsafeBufferPointer { pixels in
            byteTable.withUnsafeBufferPointer { table in
                for y in 0..<height {
                    for x in 0..<width {
                        let source = ((top + y) * image.width + left + x) * 3
                        let at = (y * width + x) * pixelStride
                        for c in 0..<3 {
                            output[at + c * channelStride] = table[c * 256 + Int(pixels[source + sourceChannel[c]])]
                        }
                    }
                }
            }
        }
    }
}

extension Preprocessor {
    /// Fills the tensor with the letterbox grey and copies `image` in with its top-left corner at
    /// (left, top), as `cv2.copyMakeBorder(..., BORDER_CONSTANT, value=(114, 114, 114))` does.
    private func writeLetterbox(_ image: RGBImage, left: Int, top: Int, into output: UnsafeMutablePointer<Float>) {
        let width = contract.width, height = contract.height
        let (channelStride, pixelStride) = strides
        let pad = Int(Letterbox.padValue)
        image.pixels.withUnsafeBufferPointer { pixels in
            byteTable.withUnsafeBufferPointer { table in
                for y in 0..<height {
                    let sourceY = y - top
                    for x in 0..<width {
                        let sourceX = x - left
                        let at = (y * width + x) * pixelStride
                        if sourceY >= 0, sourceY < image.height, sourceX >= 0, sourceX < image.width {
                            let source = (sourceY * image.width + sourceX) * 3
                            for c in 0..<3 { output[at + c * channelStride] = table[c * 256 + Int(pixels[source + sourceChannel[c]])] }
                        } else {
                            for c in 0..<3 { output[at + c * channelStride] = table[c * 256 + pad] }
                        }
                    }
                }
            }
        }
    }
}

/// `(v · scale − mean[c]) / std[c]` in double, rounded once to float32.
private struct Normalization: Sendable {
    let scale: Double
    let dividesBy255: Bool
    let mean: [Double]
    let std: [Double]

    init(_ contract: InputContract) {
        scale = Double(contract.pixelScale)
        dividesBy255 = contract.pixelScale == Float(1.0 / 255.0)
        mean = contract.mean.map(Double.init)
        std = contract.std.map(Double.init)
    }

    @inline(__always)
    func apply(_ v: Double, channel c: Int) -> Float {
        let scaled = dividesBy255 ? v / 255 : v * scale
        return Float((scaled - mean[c]) / std[c])
    }
}
