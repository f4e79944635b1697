import Foundation
import VigilImage

/// Works out the input contract (size, layout, colour order, range, resizing) from the input's
/// declared shape and the export's metadata keys (models/README.md §3 and §6).
enum ContractDetection {
    static func detect(kind: ModelBundle.Kind, input: IOResolution.Value, metadata: [String: String], file: String) throws -> InputContract {
        let dims = input.shape
        // Layout: channels of 3 (or 1) in position 1 is NCHW; in position 3, NHWC.
        let layout: TensorLayout
        if dims[1] == 3 { layout = .nchw }
        else if dims[3] == 3 { layout = .nhwc }
        else if dims[1] == nil, dims[3] == nil { layout = .nchw }
        else {
            throw VisionError(.model, file, "input '\(input.name)' \(dims.map { $0.map(String.init) ?? "?" }) is not a 3-channel NCHW or NHWC image")
        }
        let (hDim, wDim) = layout == .nchw ? (dims[2], dims[3]) : (dims[1], dims[2])
        let targetW = metadata["CustomVision.Preprocess.TargetWidth"].flatMap { Int($0) }
        let targetH = metadata["CustomVision.Preprocess.TargetHeight"].flatMap { Int($0) }
        guard let width = wDim ?? targetW ?? (kind == .autoML ? 224 : nil),
              let height = hDim ?? targetH ?? (kind == .autoML ? 224 : nil) else {
            throw VisionError(.model, file, "input '\(input.name)' has a dynamic size and no CustomVision.Preprocess.TargetWidth/TargetHeight metadata; Vigil cannot tell the image size")
        }

        var contract: InputContract
        switch kind {
        case .autoML:
            contract = .autoMLImageClassification
            contract.width = width
            contract.height = height
            contract.layout = layout
            // AutoML's sample code resizes to 256 for a 224 crop; keep the same ratio for other sizes.
            contract.resizing = .resizeThenCenterCrop(resize: Int((Double(max(width, height)) * 256 / 224).rounded()), filter: .bicubic)
        case .customVisionMetadata:
            contract = InputContract(width: width, height: height, layout: layout, colorOrder: .rgb, resizing: .stretch(filter: .bicubic))
        case .customVisionCompact, .generic:
            contract = InputContract(width: width, height: height, layout: layout, colorOrder: .bgr,
                                     resizing: width <= 256 && height <= 256 ? .customVisionCenterCrop : .stretch(filter: .bicubic))
        }
        // The metadata keys override the defaults of each kind.
        switch metadata["Image.BitmapPixelFormat"] {
        case "Bgr8"?: contract.colorOrder = .bgr
        case "Rgb8"?: contract.colorOrder = .rgb
        case nil: break
        case let other?: throw VisionError(.model, file, "metadata Image.BitmapPixelFormat '\(other)' is not supported (Bgr8, Rgb8)")
        }
        switch metadata["Image.NominalPixelRange"] {
        case "NominalRange_0_255"?: contract.pixelScale = 1
        case "Normalized_0_1"?: contract.pixelScale = 1 / 255
        case nil: break
        case let other?: throw VisionError(.model, file, "metadata Image.NominalPixelRange '\(other)' is not supported (NominalRange_0_255, Normalized_0_1)")
        }
        if let mean = metadata["CustomVision.Preprocess.NormalizeMean"] {
            let values = TaskDetection.parseNumbers(mean).map { Float($0) }
            guard values.count == 3 else { throw VisionError(.model, file, "metadata CustomVision.Preprocess.NormalizeMean '\(mean)' needs 3 values") }
            contract.mean = values
        }
        if let std = metadata["CustomVision.Preprocess.NormalizeStd"] {
            let values = TaskDetection.parseNumbers(std).map { Float($0) }
            guard values.count == 3 else { throw VisionError(.model, file, "metadata CustomVision.Preprocess.NormalizeStd '\(std)' needs 3 values") }
            contract.std = values
        }
        do { try contract.validate() } catch {
            throw VisionError(.model, file, "input contract: \(error)")
        }
        return contract
    }
}

extension InputContract {
    /// The batch-1 input tensor shape.
    public var inputShape: [Int] { layout == .nchw ? [1, 3, height, width] : [1, height, width, 3] }
}
