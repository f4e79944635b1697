/// Steps a multi-dimensional index to the next element in row-major order (the last axis
/// fastest), wrapping to all zeros after the last element of `shape`.
@inline(__always)
public func advanceRowMajor(_ index: inout [Int], in shape: [Int]) {
    var axis = shape.count - 1
    while axis >= 0 {
        index[axis] += 1
        if index[axis] < shape[axis] { return }
        index[axis] = 0
        axis -= 1
    }
}
