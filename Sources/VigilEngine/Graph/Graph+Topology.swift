extension Graph {
    /// Orders nodes so every producer precedes its consumers (the 2018 exports list MaxPool
    /// before the LegacyPadding feeding it) and drops nodes no output depends on.
    ///
    /// Ties keep the file's order. Throws when a value is consumed but never produced, or on a cycle.
    public mutating func sortAndPrune() throws {
        let producers = producers()
        let dependencies = nodes.map(\.dependencies)   // captures walk subgraphs: compute once
        let known = Set(inputs.map(\.name)).union(initializers.keys)

        // Keep only nodes reachable backwards from the outputs.
        var needed = Set<Int>()
        var stack: [String] = outputs
        var seenValues = Set<String>()
        while let value = stack.popLast() {
            guard seenValues.insert(value).inserted else { continue }
            if known.contains(value) { continue }
            guard let producer = producers[value] else {
                throw EngineError.graph("value '\(value)' is used but no node produces it and it is not an input or initializer")
            }
            if needed.insert(producer).inserted {
                stack.append(contentsOf: dependencies[producer])
            }
        }

        // Kahn's algorithm over the needed nodes, in file order for ties.
        var available = known
        var remaining = needed.sorted()
        var ordered: [Node] = []
        ordered.reserveCapacity(remaining.count)
        while !remaining.isEmpty {
            var progressed = false
            var next: [Int] = []
            for index in remaining {
                let node = nodes[index]
                if dependencies[index].allSatisfy(available.contains) {
                    ordered.append(node)
                    node.outputs.forEach { available.insert($0) }
                    progressed = true
                } else {
                    next.append(index)
                }
            }
            guard progressed else {
                let stuck = next.prefix(3).map { "'\(nodes[$0].name)' (\(nodes[$0].qualifiedOp))" }.joined(separator: ", ")
                throw EngineError.graph("the graph has a cycle through \(stuck)")
            }
            remaining = next
        }
        nodes = ordered
        // Constants nothing reads any more (replaced weights, pruned branches) are dropped.
        var used = Set(outputs)
        for index in needed { dependencies[index].forEach { used.insert($0) } }
        initializers = initializers.filter { used.contains($0.key) }
    }
}
