import VigilKernels

/// The part of a model whose shapes depend on the values flowing through it: everything from
/// the first node that cannot be prepared before its inputs are known (NonZero, NonMaxSuppression,
/// an If on a computed condition, a Reshape to a computed shape) onwards.
///
/// Detection exports (torchvision's Faster R-CNN, RetinaNet and Mask R-CNN as Azure ML AutoML
/// exports them) keep their backbone static and end in such a tail: proposals after NMS, boxes
/// above a score threshold. The static part runs from the session's arena as usual; the tail is
/// prepared again on every run with every value it reads known, so each of its nodes folds (runs
/// once, on buffers of exactly the sizes this frame needs). That allocates, unlike the static
/// steps, and is the price of data-dependent sizes; the tail is the small end of such models.
struct DynamicTail: Sendable {
    let nodes: [Node]
    /// Values from before the tail that it reads (static steps' results, constants).
    let inputs: [String]
    /// The graph outputs the tail produces.
    let outputs: [String]
    /// After node i, the values no later node and no output reads.
    let releases: [[String]]

    init(nodes: [Node], produced: Set<String>, graphOutputs: [String]) {
        self.nodes = nodes
        var inputs: [String] = []
        var lastUse: [String: Int] = [:]
        for (index, node) in nodes.enumerated() {
            for name in node.dependencies {
                if !produced.contains(name), lastUse[name] == nil { inputs.append(name) }
                lastUse[name] = index
            }
        }
        self.inputs = inputs
        outputs = graphOutputs.filter(produced.contains)
        var releases = [[String]](repeating: [], count: nodes.count)
        for (name, index) in lastUse where !outputs.contains(name) { releases[index].append(name) }
        self.releases = releases
    }

    /// Prepares and runs every tail node over the known `values`; returns the tail's outputs.
    func run(_ values: [String: Tensor], parallel: ParallelContext) throws -> [String: Tensor] {
        var preparation = Preparation(constants: values)
        for (index, node) in nodes.enumerated() {
            try preparation.prepare(node, parallel: parallel)
            for name in releases[index] { preparation.forget(name) }
        }
        var result: [String: Tensor] = [:]
        for name in outputs {
            guard let value = preparation.constant(name) else {
                throw EngineError.graph("graph output '\(name)' was not computed by the dynamic part of the model")
            }
            result[name] = value
        }
        return result
    }
}
