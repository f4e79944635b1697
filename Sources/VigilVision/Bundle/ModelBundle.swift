import Foundation
import VigilCore
import VigilEngine

/// A model as users hand it over: an export folder (or its .zip, or a bare model file) with its
/// labels and metadata, resolved into a graph, the input contract and the task.
///
/// Recognised layouts (models/README.md):
/// - Custom Vision ONNX export: `model.onnx` (+ `labels.txt`; 2018 files carry labels in ZipMap);
/// - Azure ML AutoML for images: `model.onnx` + `labels.json` (classification, and object
///   detection in its YOLOv5 flavour);
/// - any ONNX classifier or detector, with labels from `labels.txt` or generic names.
public struct ModelBundle: Sendable {
    public enum Kind: String, Sendable {
        /// 2018–2019 Custom Vision compact export: BGR 0..255, the seed's centre-crop pipeline.
        case customVisionCompact = "Custom Vision (compact, 2018-2019)"
        /// Newer Custom Vision export described by metadata keys (Image.*, CustomVision.*).
        case customVisionMetadata = "Custom Vision (with preprocessing metadata)"
        case autoML = "Azure ML AutoML for images"
        case generic = "ONNX model"
    }

    /// The folder, zip or file the bundle was loaded from.
    public let source: URL
    /// The model file inside it.
    public let modelFile: URL
    public let kind: Kind
    public let graph: Graph
    public let labels: [String]
    /// True when the labels were made up (`class 0`, ...) because the bundle has none.
    public let labelsAreGeneric: Bool
    public let task: ModelTask
    public let contract: InputContract
    /// The graph input the image goes into and the output holding scores or the grid.
    public let inputName: String
    public let outputName: String
    /// Metadata from the model file and side files (manifest, metadata_properties.json).
    public let metadata: [String: String]
    /// A content hash of the model file and labels (16 hex digits), used as the model's version.
    public let version: String
    public let opsets: [String: Int]

    /// Loads a bundle; every failure names the file and what is wrong.
    public static func load(_ url: URL) throws -> ModelBundle {
        try BundleLoader(url).load()
    }
}
