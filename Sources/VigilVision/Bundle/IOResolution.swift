import VigilEngine

/// Which graph input takes the image and which output holds the scores (or the detection grid).
struct IOResolution {
    struct Value {
        let name: String
        /// Declared dims (nil where symbolic).
        let shape: [Int?]
    }

    let input: Value
    let output: Value

    init(graph: Graph, file: String, metadata: [String: String]) throws {
        let imageInputs = graph.inputs.filter { graph.initializers[$0.name] == nil }
        guard let image = imageInputs.first(where: { $0.shape.count == 4 && $0.dtype == .float32 }) else {
            throw VisionError(.model, file, "no float image input of rank 4 (inputs: \(imageInputs.map { "\($0.name) \($0.shape.map { $0.map(String.init) ?? "?" })" }.joined(separator: ", ")))")
        }
        guard imageInputs.count == 1 else {
            throw VisionError(.model, file, "the model takes \(imageInputs.count) inputs (\(imageInputs.map(\.name).joined(separator: ", "))); an image model takes one")
        }
        input = Value(name: image.name, shape: image.shape)

        // Prefer an output produced by Softmax/Sigmoid (classifiers with logits + probs outputs).
        let producers = graph.producers()
        let scored = graph.outputs.first { name in
            guard let index = producers[name] else { return false }
            return ["Softmax", "Sigmoid"].contains(graph.nodes[index].opType)
        }
        guard let name = scored ?? graph.outputs.first else { throw VisionError(.model, file, "the model has no outputs") }
        output = Value(name: name, shape: [])   // shape resolved by the session; see TaskDetection
    }
}
