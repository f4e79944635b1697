import Foundation
import VigilEngine

/// Walks a GraphDef in dependency order and translates each node with `NHWCGraphBuilder`.
struct GraphDefTranslator {
    let file: String
    let nodes: [String: Tensorflow_NodeDef]
    let order: [String]
    var builder = NHWCGraphBuilder(name: "tensorflow", subject: "TensorFlow node")
    /// Source tensor name (`node:index`) -> engine value.
    var values: [String: NHWCGraphBuilder.Value] = [:]

    init(file: String, nodes list: [Tensorflow_NodeDef]) {
        self.file = file
        var nodes: [String: Tensorflow_NodeDef] = [:]
        for node in list where nodes[node.name] == nil { nodes[node.name] = node }
        self.nodes = nodes
        order = list.map(\.name)
    }

    /// `name`, `name:1`, `^name` -> (node, output index); nil for control inputs.
    static func reference(_ input: String) -> (node: String, index: Int)? {
        if input.hasPrefix("^") { return nil }
        if let colon = input.lastIndex(of: ":"), let index = Int(input[input.index(after: colon)...]) {
            return (String(input[..<colon]), index)
        }
        return (input, 0)
    }

    mutating func translate(outputs requested: [String]?) throws {
        // Outputs: the requested nodes, else those nothing consumes (ignoring constants and no-ops).
        var consumed = Set<String>()
        for node in nodes.values { for input in node.input { if let r = Self.reference(input) { consumed.insert(r.node) } } }
        let outputNames = requested ?? order.filter { name in
            !consumed.contains(name) && !["Const", "NoOp", "Placeholder", "Assert"].contains(nodes[name]!.op)
        }
        guard !outputNames.isEmpty else { throw ImportError(subject: "TensorFlow model", node: file, "the graph has no output node") }

        // Depth-first from the outputs, so only what they need is translated, in dependency order.
        var state: [String: Bool] = [:]   // false: visiting, true: done
        var sequence: [String] = []
        var stack: [(String, Bool)] = []
        for output in outputNames.reversed() {
            guard let r = Self.reference(output), nodes[r.node] != nil else {
                throw ImportError(subject: "TensorFlow model", node: file, "output '\(output)' is not a node of the graph")
            }
            stack.append((r.node, false))
        }
        while let (name, expanded) = stack.popLast() {
            if expanded { state[name] = true; sequence.append(name); continue }
            if state[name] == true { continue }
            if state[name] == false { throw ImportError(subject: "TensorFlow node", node: name, "the graph has a cycle through this node") }
            guard let node = nodes[name] else { throw ImportError(subject: "TensorFlow model", node: file, "input '\(name)' is not a node of the graph") }
            state[name] = false
            stack.append((name, true))
            for input in node.input.reversed() {
                guard let r = Self.reference(input) else { continue }
                guard nodes[r.node] != nil else { throw ImportError(subject: "TensorFlow node", node: name, "input '\(input)' is not a node of the graph") }
                if state[r.node] != true { stack.append((r.node, false)) }
            }
        }
        for name in sequence { try translate(nodes[name]!) }
        for output in outputNames {
            let r = Self.reference(output)!
            let key = "\(r.node):\(r.index)"
            guard let value = values[key] else { throw ImportError(subject: "TensorFlow node", node: r.node, "output \(r.index) is not produced") }
            builder.output(value, named: key)
        }
    }

    /// The engine value of a node's i-th data input.
    func input(_ node: Tensorflow_NodeDef, _ index: Int) throws -> NHWCGraphBuilder.Value {
        let data = node.input.filter { !$0.hasPrefix("^") }
        guard index < data.count, let r = Self.reference(data[index]) else {
            throw ImportError(subject: "TensorFlow node", node: node.name, "\(node.op) needs input #\(index)")
        }
        guard let value = values["\(r.node):\(r.index)"] else {
            throw ImportError(subject: "TensorFlow node", node: node.name, "input '\(data[index])' has no value")
        }
        return value
    }

    func constantInput(_ node: Tensorflow_NodeDef, _ index: Int, _ what: String) throws -> Tensor {
        guard let constant = try input(node, index).constant else {
            throw ImportError(subject: "TensorFlow node", node: node.name, "\(node.op) needs a constant \(what) (input #\(index))")
        }
        return constant
    }

    mutating func set(_ node: Tensorflow_NodeDef, _ value: NHWCGraphBuilder.Value, index: Int = 0) {
        values["\(node.name):\(index)"] = value
    }
}
