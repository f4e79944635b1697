/// What the planner knows about a value at load time: its type, its concrete shape, and its
/// contents when it is a constant (an initializer or a folded result).
public struct ValueSpec: Sendable, Equatable {
    public var dtype: DataType
    public var shape: [Int]
    public var constant: Tensor?

    public init(dtype: DataType, shape: [Int], constant: Tensor? = nil) {
        self.dtype = dtype; self.shape = shape; self.constant = constant
    }

    public init(_ tensor: Tensor) {
        self.init(dtype: tensor.dtype, shape: tensor.shape, constant: tensor)
    }

    public var count: Int { shape.reduce(1, *) }
    public var byteCount: Int { count * dtype.byteSize }
}
