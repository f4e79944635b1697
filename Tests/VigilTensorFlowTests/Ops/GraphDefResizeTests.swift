import Testing
import VigilEngine
@testable import VigilTensorFlow

/// ResizeBilinear and ResizeNearestNeighbor with TensorFlow's three coordinate conventions
/// (legacy asymmetric, align_corners, half_pixel_centers), up and down.
@Suite struct GraphDefResizeTests {
    typealias Attr = GraphDefTestGraph.Attr
    typealias Reference = NHWCReference

    /// (output H, output W): up, down, and mixed.
    static let sizes: [(Int, Int)] = [(7, 9), (3, 2), (8, 3), (1, 1)]

    static func resize(_ op: String, _ x: NDArray, size: (Int, Int), alignCorners: Bool, halfPixelCenters: Bool) throws -> Tensor? {
        var g = GraphDefTestGraph()
        g.placeholder("x", x.shape)
        g.constant("size", ints: [size.0, size.1])
        g.node("resize", op, ["x", "size"], ["align_corners": Attr.bool(alignCorners), "half_pixel_centers": Attr.bool(halfPixelCenters),
                                             "T": Attr.type(.dtFloat)])
        return try g.run(x: x, output: "resize")
    }

    /// (align_corners, half_pixel_centers) as TensorFlow allows them.
    @Test(arguments: [(false, false), (true, false), (false, true)], sizes)
    func resizeBilinear_coordinateModes(_ modes: (Bool, Bool), _ size: (Int, Int)) throws {
        let x = NDArray.random([2, 4, 5, 3], seed: 101)
        expectClose(try Self.resize("ResizeBilinear", x, size: size, alignCorners: modes.0, halfPixelCenters: modes.1),
                    Reference.resizeBilinear(x, height: size.0, width: size.1, alignCorners: modes.0, halfPixelCenters: modes.1),
                    "align_corners \(modes.0) half_pixel \(modes.1) \(size)")
    }

    @Test(arguments: [false, true], sizes)
    func resizeNearestNeighbor_withoutHalfPixelCenters(_ alignCorners: Bool, _ size: (Int, Int)) throws {
        let x = NDArray.random([2, 4, 5, 3], seed: 102)
        expectClose(try Self.resize("ResizeNearestNeighbor", x, size: size, alignCorners: alignCorners, halfPixelCenters: false),
                    Reference.resizeNearest(x, height: size.0, width: size.1, alignCorners: alignCorners),
                    "align_corners \(alignCorners) \(size)")
    }

    /// Integer scale factors make the float products exact: x2 upsampling repeats pixels.
    @Test func resizeNearestNeighbor_doublesEachPixel() throws {
        let x = NDArray.random([1, 3, 4, 2], seed: 103)
        let expected = NDArray.build([1, 6, 8, 2]) { i in x[[0, i[1] / 2, i[2] / 2, i[3]]] }
        expectClose(try Self.resize("ResizeNearestNeighbor", x, size: (6, 8), alignCorners: false, halfPixelCenters: false), expected)
    }
}
