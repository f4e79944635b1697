import VigilImage

/// What a model expects as its image input: size, layout, channel order, resizing, normalisation.
///
/// A model bundle fills one in from the export's metadata (models/README §6) or, when the keys
/// are absent, uses `customVisionCompact` (the 2018 convention: BGR, 0...255, the seed's crop
/// pipeline). Normalisation per output channel c, in the model's channel order:
/// `value = (sample · pixelScale − mean[c]) / std[c]`, computed in double and rounded once to
/// float32. `pixelScale == 1/255` divides by 255 instead (as numpy does in Microsoft's sample
/// code) so the result is the correctly rounded quotient. Identity normalisation (1, 0, 1)
/// passes samples through unchanged.
public struct InputContract: Sendable, Hashable {
    /// Tensor width and height in pixels (the model's input, e.g. 227×227).
    public var width: Int
    public var height: Int
    /// How the batch-1 tensor is laid out: [1,3,H,W] or [1,H,W,3].
    public var layout: TensorLayout
    public var colorOrder: ColorOrder
    public var resizing: Resizing
    /// Multiplies the 0...255 samples; 1 (default) or 1/255.
    public var pixelScale: Float
    /// Per-channel offset subtracted after scaling, in the model's channel order; default [0,0,0].
    public var mean: [Float]
    /// Per-channel divisor applied after the mean; default [1,1,1].
    public var std: [Float]

    public init(width: Int, height: Int, layout: TensorLayout, colorOrder: ColorOrder, resizing: Resizing,
                pixelScale: Float = 1, mean: [Float] = [0, 0, 0], std: [Float] = [1, 1, 1]) {
        self.width = width
        self.height = height
        self.layout = layout
        self.colorOrder = colorOrder
        self.resizing = resizing
        self.pixelScale = pixelScale
        self.mean = mean
        self.std = std
    }

    /// The 2018–2019 Custom Vision "General (compact)" input: `size`×`size` BGR 0...255 through
    /// the seed's centre-crop pipeline; NCHW for native ONNX, NHWC for TensorFlow/TFLite.
    public static func customVisionCompact(layout: TensorLayout, size: Int = 227) -> InputContract {
        InputContract(width: size, height: size, layout: layout, colorOrder: .bgr, resizing: .customVisionCenterCrop)
    }

    /// Azure AutoML for Images classification ONNX input (its sample scoring code): RGB NCHW,
    /// bicubic resize to 256×256, centre crop 224, /255, ImageNet mean and std.
    public static let autoMLImageClassification = InputContract(
        width: 224, height: 224, layout: .nchw, colorOrder: .rgb,
        resizing: .resizeThenCenterCrop(resize: 256, filter: .bicubic),
        pixelScale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])

    /// Azure ML AutoML for images YOLOv5 object-detection input (`yolo_onnx_preprocessing_utils.py`
    /// `preprocess`): RGB NCHW, letterboxed without enlarging, /255, no mean or std. 640×640 is the
    /// docs' default `img_size`; a bundle uses its graph's static input size.
    public static func autoMLObjectDetectionYolo(width: Int = 640, height: Int = 640) -> InputContract {
        InputContract(width: width, height: height, layout: .nchw, colorOrder: .rgb, resizing: .letterbox(scaleUp: false),
                      pixelScale: 1 / 255)
    }

    /// Azure ML AutoML for images Faster R-CNN, RetinaNet and Mask R-CNN input (the article's
    /// `preprocess`): RGB NCHW, the whole image resized to width × height (Pillow's default
    /// bicubic), /255, ImageNet mean and std.
    public static func autoMLObjectDetectionRCNN(width: Int = 800, height: Int = 600) -> InputContract {
        InputContract(width: width, height: height, layout: .nchw, colorOrder: .rgb, resizing: .stretch(filter: .bicubic),
                      pixelScale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225])
    }

    /// Number of floats in the batch-1 tensor.
    public var elementCount: Int { width * height * 3 }

    /// Whether normalisation is the identity (samples pass through unchanged).
    public var isIdentityNormalization: Bool {
        pixelScale == 1 && mean == [0, 0, 0] && std == [1, 1, 1]
    }

    /// Checks that the contract can be run; call it when a model is loaded.
    public func validate() throws(InputContractError) {
        func fail(_ field: String, _ problem: String) -> InputContractError {
            InputContractError(field: field, problem: problem)
        }
        guard width > 0, height > 0, width <= 16384, height <= 16384 else {
            throw fail("width/height", "\(width)×\(height) is not a usable input size")
        }
        guard mean.count == 3 else { throw fail("mean", "needs 3 values, got \(mean.count)") }
        guard std.count == 3 else { throw fail("std", "needs 3 values, got \(std.count)") }
        guard pixelScale.isFinite, pixelScale > 0 else { throw fail("pixelScale", "must be finite and positive, got \(pixelScale)") }
        guard mean.allSatisfy(\.isFinite) else { throw fail("mean", "values must be finite, got \(mean)") }
        guard std.allSatisfy({ $0.isFinite && $0 != 0 }) else { throw fail("std", "values must be finite and non-zero, got \(std)") }
        switch resizing {
        case .customVisionCenterCrop:
            let side = CustomVisionSquare.side
            guard width <= side, height <= side else {
                throw fail("resizing", "the Custom Vision crop takes at most \(side)×\(side) from its \(side)-pixel square, not \(width)×\(height)")
            }
        case .stretch, .letterbox:
            break
        case .resizeThenCenterCrop(let resize, _):
            guard resize >= width, resize >= height, resize <= 16384 else {
                throw fail("resizing", "resize \(resize) must be at least the crop \(width)×\(height)")
            }
        }
    }
}

/// Why an `InputContract` cannot be used: the field and what is wrong with it.
public struct InputContractError: Error, CustomStringConvertible, Sendable, Equatable {
    public let field: String
    public let problem: String
    public var description: String { "input contract: \(field): \(problem)" }
}

/// The order of a batch-1 image tensor's axes.
public enum TensorLayout: String, Sendable, Hashable {
    /// [1, 3, H, W]: channel planes (ONNX exports).
    case nchw
    /// [1, H, W, 3]: interleaved channels (TensorFlow, TFLite).
    case nhwc
}

/// The order of the three colour channels in the tensor.
public enum ColorOrder: String, Sendable, Hashable {
    case rgb
    case bgr
}

/// How an image of any size becomes `width × height`.
public enum Resizing: Sendable, Hashable {
    /// The 2018 Custom Vision seed pipeline (models/README §3): EXIF orientation only for files
    /// Pillow opens as RGB (JPEG; PNG with eXIf; 0 and >8 included, as the seed does), cap the
    /// longer side at 1600 with
    /// Pillow BILINEAR (ratio ≥ 0.5) or BICUBIC, bilinear resample of the centred square to
    /// 256×256 in double (the seed's truncating arithmetic), centre crop `max(0, 128 − size/2)`.
    case customVisionCenterCrop
    /// Pillow `resize` of the whole image to width × height (aspect ratio not kept), after the
    /// standard EXIF transpose: newer Custom Vision exports' sample code.
    case stretch(filter: ResampleFilter)
    /// Pillow `resize` to resize × resize, then a centre crop whose origin is
    /// `round((resize − size) / 2)` (Python rounding, half to even), after the standard EXIF
    /// transpose: Azure AutoML for Images sample code.
    case resizeThenCenterCrop(resize: Int, filter: ResampleFilter)
    /// Aspect-preserving fit into width × height, centred and padded with grey 114, after the
    /// standard EXIF transpose (as `cv2.imread` does): Azure AutoML for Images YOLO sample code
    /// (see `Letterbox`). The resize is OpenCV's INTER_LINEAR; `scaleUp` false (AutoML's choice)
    /// leaves images smaller than the input at their own size.
    case letterbox(scaleUp: Bool)
}
