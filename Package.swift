// swift-tools-version:6.0
//
// Vigil: custom vision at the edge. Dependencies point one way:
//   C shims -> VigilKernels -> VigilEngine -> VigilONNX/VigilTensorFlow -> VigilVision
//   VigilMedia (FFmpeg sources, clips) + VigilVision -> VigilPipeline -> VigilServer -> VigilApp -> vigil
//   VigilStore (GRDB: events, clips, uploads) -> VigilServer
//   VigilConnectors (MQTT, Dapr, displays) -> VigilApp
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
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries from Debian -dev packages, each behind a thin shim.
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CTurboJPEG", pkgConfig: "libturbojpeg", providers: [.apt(["libturbojpeg0-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CFFmpeg", pkgConfig: "libavformat",
                       providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libavdevice-dev"])]),
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto", providers: [.apt(["libmosquitto-dev"])]),

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
        // Domain value types: Prediction, BoundingBox, Event, Clip, NumpyArray, prediction payloads.
        .target(name: "VigilCore"),
        // Still-image decoding (JPEG, PNG, BMP) and EXIF orientation.
        .target(name: "VigilImage", dependencies: ["CTurboJPEG", "CPNG"]),
        // Model bundles, pre- and post-processing, the prediction document.
        .target(name: "VigilVision", dependencies: ["CZlib", "VigilCore", "VigilEngine", "VigilONNX", "VigilTensorFlow", "VigilImage"]),
        // Frame sources through FFmpeg: files, folders, RTSP, HTTP MJPEG, V4L2.
        .target(name: "VigilMedia", dependencies: ["CFFmpeg", .product(name: "Logging", package: "swift-log")]),
        // Per-camera pipelines: sampler, scorer (embedded or remote), sinks, the dashboard's live view.
        .target(name: "VigilPipeline", dependencies: [
            "VigilMedia", "VigilVision", "VigilImage", "VigilCore", .product(name: "Logging", package: "swift-log"),
        ]),
        // Local record of events, snapshots, clips and the upload outbox (GRDB, SQLite in WAL mode); retention planning.
        .target(name: "VigilStore", dependencies: [
            "VigilCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Ways out: MQTT (libmosquitto), Dapr pub/sub, LED-matrix and terminal displays, cloud uploads (S3, Azure Blob).
        .target(name: "VigilConnectors", dependencies: [
            "CMosquitto", "VigilCore",
            .product(name: "Logging", package: "swift-log"), .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The Custom-Vision-compatible prediction server: routes, model registry, metrics, pages, dashboard.
        .target(name: "VigilServer", dependencies: [
            "VigilVision", "VigilCore", "VigilImage", "VigilPipeline", "VigilStore", "VigilConnectors",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ], resources: [.copy("Resources/ui")]),
        // Configuration loading (YAML + VIGIL_* variables) and the composition root of the roles.
        .target(name: "VigilApp", dependencies: [
            "VigilPipeline", "VigilConnectors", "VigilServer", "VigilMedia", "VigilStore",
            .product(name: "Yams", package: "Yams"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The thin executable: commands only.
        .executableTarget(name: "vigil", dependencies: [
            "VigilVision", "VigilServer", "VigilApp", "VigilImage", "VigilStore", "VigilCore", "VigilConnectors",
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
        .testTarget(name: "VigilMediaTests", dependencies: ["VigilMedia", "VigilTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "VigilPipelineTests", dependencies: ["VigilPipeline", "VigilImage", "VigilCore"]),
        .testTarget(name: "VigilConnectorsTests", dependencies: [
                        "VigilConnectors", "VigilCore", "VigilTestSupport", .product(name: "Logging", package: "swift-log")],
                    exclude: ["Display/Goldens"]),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"]),
        .testTarget(name: "VigilStoreTests", dependencies: ["VigilStore", "VigilCore"]),
        // Release package, container image, Kubernetes/Helm/IoT Edge manifests and the fleet view,
        // checked against the code (config keys, ports, probe paths) and real tools.
        .testTarget(name: "VigilDeployTests", dependencies: [
            "VigilApp", "VigilTestSupport", .product(name: "Yams", package: "Yams"),
        ]),
        .testTarget(name: "VigilAppTests", dependencies: [
            "VigilApp", "VigilTestSupport", "VigilStore", "VigilCore", .product(name: "Logging", package: "swift-log"),
        ]),
    ]
)
