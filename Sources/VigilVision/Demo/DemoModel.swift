import Foundation
import VigilCore
import VigilEngine
import VigilImage
import VigilONNX

/// Builds Vigil's bundled demo model from synthetic scenes, so `make run` works with no third-party
/// weights. It recognises the colour of a single shape on a grey background (`DemoScene`).
///
/// Graph (ONNX opset 13, input `image` [1,3,64,64] RGB 0..1, the newer Custom Vision metadata keys):
///
///     Conv 1×1 (3→6: the six pairwise colour differences R−G, G−R, R−B, B−R, G−B, B−G) → Relu
///     → GlobalMaxPool → Flatten → Gemm (nearest-centroid weights) → Softmax → `scores`
///
/// The Gemm is a nearest-centroid classifier: logit_k = s·(2·μ_k·f − |μ_k|²), with μ_k the mean
/// feature of class k over `samplesPerClass` rendered scenes and s set so the median training
/// margin is 8 logits.
public enum DemoModel {
    public static let inputSize = 64
    public static let labels = DemoScene.Subject.allCases.map(\.label)

    public static let metadata: [String: String] = [
        "Image.BitmapPixelFormat": "Rgb8",
        "Image.NominalPixelRange": "Normalized_0_1",
        "CustomVision.Preprocess.TargetWidth": "\(inputSize)",
        "CustomVision.Preprocess.TargetHeight": "\(inputSize)",
        "CustomVision.Postprocess.Method": "ClassificationMultiClass",
        "CustomVision.Metadata.AdditionalModelInfo": "Vigil demo model: recognises the colour of one shape (red, green, blue, yellow) or no shape, on synthetic scenes. Made by `vigil demo-model`; not trained on real photos.",
    ]

    /// The feature extractor: 1×1 colour-difference filters, Relu, global max pool (strongest colour anywhere, whatever the shape's size), flatten.
    static func featureNodes() -> (nodes: [Node], initializers: [String: Tensor]) {
        let w: [Float] = [1, -1, 0,  -1, 1, 0,  1, 0, -1,  -1, 0, 1,  0, 1, -1,  0, -1, 1]
        let nodes = [
            Node(name: "colour_differences", opType: "Conv", opset: 13, inputs: ["image", "diff_w"], outputs: ["diff"]),
            Node(name: "relu", opType: "Relu", opset: 13, inputs: ["diff"], outputs: ["diff_relu"]),
            Node(name: "pool", opType: "GlobalMaxPool", opset: 13, inputs: ["diff_relu"], outputs: ["pooled"]),
            Node(name: "flatten", opType: "Flatten", opset: 13, inputs: ["pooled"], outputs: ["features"], attributes: ["axis": .int(1)]),
        ]
        return (nodes, ["diff_w": Tensor(shape: [6, 3, 1, 1], floats: w)])
    }

    static var input: Graph.Input { Graph.Input(name: "image", dtype: .float32, shape: [1, 3, inputSize, inputSize]) }

    static var contract: InputContract {
        InputContract(width: inputSize, height: inputSize, layout: .nchw, colorOrder: .rgb,
                      resizing: .stretch(filter: .bicubic), pixelScale: 1 / 255)
    }

    /// Renders training scenes, measures their features with the engine, and returns the ONNX bytes.
    public static func build(samplesPerClass: Int = 48, seed: UInt64 = 2026) throws -> Data {
        let (nodes, initializers) = featureNodes()
        let featureGraph = Graph(name: "features", nodes: nodes, initializers: initializers, inputs: [input], outputs: ["features"])
        let session = try InferenceSession(graph: featureGraph, options: SessionOptions(threads: 1))
        let preprocessor = Preprocessor(contract: contract)
        var generator = SplitMix64(seed: seed)
        let classes = DemoScene.Subject.allCases
        var features: [[[Double]]] = Array(repeating: [], count: classes.count)
        for subject in classes {
            for _ in 0..<samplesPerClass {
                let image = DemoScene.random(subject, using: &generator).render()
                preprocessor.run(DecodedImage(image: image, format: .png, sourceMode: .rgb), into: session.inputBuffer(0).baseAddress!)
                session.run()
                features[subject.rawValue].append(session.outputBuffer(0).map { Double($0) })
            }
        }
        let dims = 6
        var centroids: [[Double]] = []
        for rows in features {
            var mean = [Double](repeating: 0, count: dims)
            for row in rows { for d in 0..<dims { mean[d] += row[d] / Double(rows.count) } }
            centroids.append(mean)
        }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var sum = 0.0
            for i in a.indices { sum += a[i] * b[i] }
            return sum
        }
        func logits(_ f: [Double]) -> [Double] {
            centroids.map { mu in 2 * dot(mu, f) - dot(mu, mu) }
        }
        var margins: [Double] = []
        for (k, rows) in features.enumerated() {
            for f in rows {
                let l = logits(f)
                margins.append(l[k] - l.enumerated().filter { $0.offset != k }.map(\.element).max()!)
            }
        }
        let median = margins.sorted()[margins.count / 2]
        let scale = 8 / max(median, 1e-6)
        var weights = [Float](repeating: 0, count: dims * classes.count)   // B [6, 5]
        var bias = [Float](repeating: 0, count: classes.count)
        for (k, mu) in centroids.enumerated() {
            for d in 0..<dims { weights[d * classes.count + k] = Float(2 * scale * mu[d]) }
            bias[k] = Float(-scale * dot(mu, mu))
        }
        var graph = featureGraph
        graph.name = "vigil-demo"
        graph.nodes += [
            Node(name: "classifier", opType: "Gemm", opset: 13, inputs: ["features", "classifier_w", "classifier_b"], outputs: ["logits"]),
            Node(name: "softmax", opType: "Softmax", opset: 13, inputs: ["logits"], outputs: ["scores"], attributes: ["axis": .int(1)]),
        ]
        graph.initializers["classifier_w"] = Tensor(shape: [dims, classes.count], floats: weights)
        graph.initializers["classifier_b"] = Tensor(shape: [classes.count], floats: bias)
        graph.outputs = ["scores"]
        return try ONNXWriter.serialize(graph, outputs: [.init(name: "scores", shape: [1, classes.count])],
                                        producer: "vigil demo-model", metadata: metadata)
    }

    /// Writes model.onnx, labels.txt and a few sample JPEGs (one per class) into `folder`.
    public static func write(to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try build().write(to: folder.appendingPathComponent("model.onnx"))
        try Data((labels.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("labels.txt"))
        let samples = folder.appendingPathComponent("samples")
        try FileManager.default.createDirectory(at: samples, withIntermediateDirectories: true)
        var generator = SplitMix64(seed: 7)
        for subject in DemoScene.Subject.allCases {
            let scene = DemoScene.random(subject, using: &generator)
            let name = subject.label.replacingOccurrences(of: " ", with: "-") + ".jpg"
            try JPEGEncoder.encode(scene.render(width: 320, height: 240), quality: 92).write(to: samples.appendingPathComponent(name))
        }
    }
}
