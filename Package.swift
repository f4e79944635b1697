// swift-tools-version:6.0
//
// Vigil: custom vision at the edge. Dependencies point one way:
//   C shims -> VigilKernels -> VigilEngine -> VigilONNX -> VigilVision -> vigil
//   VigilCore (domain values) and VigilImage (still-image codecs) sit beside them.
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vigil", targets: ["vigil"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // C libraries from Debian -dev packages, each behind a thin shim.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // Maths on raw buffers; knows nothing of graphs.
        .target(name: "VigilKernels", dependencies: ["CBLAS"]),
        // Tensor, Graph, passes, memory plan, InferenceSession.
        .target(name: "VigilEngine", dependencies: ["VigilKernels", "VigilCore"]),
        // ONNX protobuf -> engine graph (generated onnx.pb.swift is committed).
        .target(name: "VigilONNX", dependencies: [
            "VigilEngine",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // TensorFlow frozen GraphDef and TFLite FlatBuffer importers (generated protos committed).
        .target(name: "VigilTensorFlow", dependencies: [
            "VigilEngine",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        // Domain value types: Prediction, Detection, BoundingBox, NumpyArray.
        .target(name: "VigilCore"),
        // Still-image decoding (JPEG, PNG, BMP) and EXIF orientation.
        .target(name: "VigilImage", dependencies: ["CTurboJPEG", "CPNG"]),
        // Model bundles, pre- and post-processing, the prediction document.
        .target(name: "VigilVision", dependencies: ["CZlib", "VigilCore", "VigilEngine", "VigilONNX", "VigilTensorFlow", "VigilImage"]),
        // The Custom-Vision-compatible prediction server: routes, model registry, metrics, test page.
        .target(name: "VigilServer", dependencies: [
            "VigilVision", "VigilCore", "VigilImage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Resources/ui")]),
        // The thin executable: commands only.
        .executableTarget(name: "vigil", dependencies: [
            "VigilVision", "VigilServer",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .target(name: "VigilTestSupport", dependencies: ["VigilCore"], path: "Tests/VigilTestSupport"),
        .testTarget(name: "VigilKernelsTests", dependencies: ["VigilKernels", "VigilTestSupport"]),
        .testTarget(name: "VigilEngineTests", dependencies: ["VigilEngine", "VigilTestSupport"]),
        .testTarget(name: "VigilONNXTests", dependencies: ["VigilONNX", "VigilTestSupport"]),
        .testTarget(name: "VigilTensorFlowTests", dependencies: ["VigilTensorFlow", "VigilVision", "VigilTestSupport"]),
        .testTarget(name: "VigilImageTests", dependencies: ["VigilImage", "VigilTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "VigilVisionTests", dependencies: ["VigilVision", "VigilImage", "VigilCore", "VigilTestSupport"]),
        .testTarget(name: "VigilServerTests", dependencies: [
            "VigilServer", "VigilVision", "VigilTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "VigilCLITests", dependencies: ["vigil", "VigilTestSupport"]),
    ]
)
