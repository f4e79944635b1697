import ArgumentParser
import Foundation
import VigilEngine
import VigilVision

/// `vigil inspect MODEL`: what a model is and what it costs.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's inputs, outputs, task, labels, op histogram, parameters and FLOPs.")

    @Argument(help: "Model bundle: an export folder, its .zip, or a model file.")
    var model: String

    @Option(name: .customLong("input-shape"), help: "Bind a dynamic input: NAME=1,3,224,224 (only for models that are not image bundles).")
    var inputShape: [String] = []

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let loaded = try Console.attempt { try LoadedModel.load(url, inputShapes: try InputShapes.parse(inputShape)) }
        var lines: [String] = []
        lines.append("model      \(loaded.file.path)")
        if let bundle = loaded.bundle {
            lines.append("kind       \(bundle.kind.rawValue)")
            lines.append("version    \(bundle.version)")
            lines.append("task       \(bundle.task)")
            let c = bundle.contract
            lines.append("image      \(c.width)x\(c.height) \(c.layout) \(c.colorOrder) scale \(c.pixelScale) mean \(c.mean) std \(c.std) resizing \(c.resizing)")
            lines.append("labels     \(bundle.labels.count)\(bundle.labelsAreGeneric ? " (generic: the bundle has no labels)" : ""): \(bundle.labels.joined(separator: ", "))")
        }
        lines.append("opsets     " + loaded.opsets.sorted { $0.key < $1.key }.map { "\($0.key.isEmpty ? "ai.onnx" : $0.key) \($0.value)" }.joined(separator: ", "))
        for input in loaded.session.inputs { lines.append("input      \(input.name) \(input.dtype) \(input.shape)") }
        for output in loaded.session.outputs {
            lines.append(output.isDynamic ? "output     \(output.name) (size depends on the image)" : "output     \(output.name) \(output.dtype) \(output.shape)")
        }
        for (name, why) in loaded.graph.droppedOutputs.sorted(by: { $0.key < $1.key }) {
            lines.append("dropped    \(name): \(why)")
        }
        var used = loaded.graph
        try? used.sortAndPrune()   // count only the weights the outputs depend on
        let parameters = used.initializers.values.filter { $0.dtype == .float32 }.map(\.count).reduce(0, +)
        lines.append("parameters \(parameters) (\(String(format: "%.2f", Double(parameters) * 4 / 1_048_576)) MiB as float32)")
        lines.append(String(format: "flops      %.3f GFLOPs per image (2 x multiply-adds of Conv, Gemm, MatMul)", Double(loaded.session.flops) / 1e9))
        lines.append(String(format: "memory     %.2f MiB activation arena", Double(loaded.session.arenaBytes) / 1_048_576))
        if loaded.session.model.isDynamic {
            lines.append("dynamic    \(loaded.session.model.dynamicNodeCount) nodes prepared per run (from the first whose sizes depend on values); FLOPs above are the static part's")
        }
        var histogram: [String: Int] = [:]
        for node in loaded.graph.nodes { histogram[node.qualifiedOp, default: 0] += 1 }
        lines.append("ops        \(loaded.graph.nodes.count) nodes in the file:")
        for (op, count) in histogram.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            lines.append("             \(op) \(count)")
        }
        let executed = loaded.session.executedOps.values.reduce(0, +)
        lines.append("executed   \(executed) kernels after folding and fusion: " +
                     loaded.session.executedOps.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(lines.joined(separator: "\n"))
    }
}
