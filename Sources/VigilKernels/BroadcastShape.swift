/// Two shapes that do not broadcast together.
public struct BroadcastError: Error, CustomStringConvertible {
    public let lhs: [Int]
    public let rhs: [Int]

    public var description: String { "shapes \(lhs) and \(rhs) do not broadcast (numpy rules)" }
}

/// The numpy broadcast of several shapes, or nil when they are incompatible.
///
/// Shapes are right-aligned; on each axis all sizes must be equal or 1 (a 0 wins over 1).
/// See https://onnx.ai/onnx/repo-docs/Broadcasting.html
public func broadcastShape(_ shapes: [[Int]]) -> [Int]? {
    let rank = shapes.map(\.count).max() ?? 0
    var result = [Int](repeating: 1, count: rank)
    for shape in shapes {
        let offset = rank - shape.count
        for (axis, size) in shape.enumerated() {
            precondition(size >= 0, "broadcastShape: negative size in \(shape)")
            let current = result[offset + axis]
            if current == size || size == 1 { continue }
            if current == 1 { result[offset + axis] = size } else { return nil }
        }
    }
    return result
}
