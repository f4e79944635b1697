import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// The `vigil` executable, run as a user runs it.
@Suite struct CLITests {
    static var binary: URL { VigilBinary.url }

    struct Result { let status: Int32; let stdout: String; let stderr: String }

    static func vigil(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    static var demo: String { SharedAssets.packageRoot.appendingPathComponent("demo/model").path }

    @Test func predict_printsOneDocumentPerImage() throws {
        let samples = ["red-shape.jpg", "no-shape.jpg"].map { "\(Self.demo)/samples/\($0)" }
        let result = try Self.vigil(["predict", Self.demo] + samples + ["--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for (line, expected) in zip(lines, ["red shape", "no shape"]) {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            #expect(Set(object.keys) == ["created", "id", "iteration", "predictions", "project"])
            let predictions = object["predictions"] as! [[String: Any]]
            let top = predictions.max { ($0["probability"] as! Double) < ($1["probability"] as! Double) }
            #expect(top?["tagName"] as? String == expected)
        }
    }

    @Test func predict_topAndThreshold() throws {
        let image = "\(Self.demo)/samples/blue-shape.jpg"
        let top1 = try Self.vigil(["predict", Self.demo, image, "--top", "1"])
        let object = try JSONSerialization.jsonObject(with: Data(top1.stdout.utf8)) as! [String: Any]
        let predictions = object["predictions"] as! [[String: Any]]
        #expect(predictions.count == 1 && predictions[0]["tagName"] as? String == "blue shape")
        let none = try Self.vigil(["predict", Self.demo, image, "--threshold", "1.01"])
        #expect(none.stdout.contains(#""predictions":[]"#))
    }

    @Test func predict_badImage_reportsAndFails() throws {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-not-an-image-\(UUID().uuidString).jpg")
        try Data("definitely not a JPEG".utf8).write(to: temp)
        defer { try? FileManager.default.removeItem(at: temp) }
        let result = try Self.vigil(["predict", Self.demo, temp.path])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("vigil: \(temp.path): "), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func inspect_describesTheModel() throws {
        let result = try Self.vigil(["inspect", Self.demo])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("task       classification"))
        #expect(result.stdout.contains("input      image float32 [1, 3, 64, 64]"))
        #expect(result.stdout.contains("output     scores float32 [1, 5]"))
        #expect(result.stdout.contains("parameters 53 "))
        #expect(result.stdout.contains("             Conv 1"))
    }

    @Test func bench_json_hasTheFields() throws {
        let result = try Self.vigil(["bench", Self.demo, "--runs", "5", "--warmup", "1", "--threads", "1", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        for key in ["median_ms", "p90_ms", "fps", "threads", "peak_rss_mb"] { #expect(object[key] != nil, "missing \(key)") }
        #expect(object["threads"] as? Int == 1)
        #expect((object["median_ms"] as? Double ?? 0) > 0)
    }

    @Test func infer_writesOneNpyPerOutput() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/cv-tf-fruits4")
        let derived = export.appendingPathComponent("derived/model.tf2onnx-opset13.onnx")
        let input = export.appendingPathComponent("reference/apple-red-01.jpg.input.npy")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-infer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.vigil(["infer", derived.path, "--input", input.path, "--output-dir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let written = try NumpyArray.read(contentsOf: out.appendingPathComponent("loss_0.npy"))
        let expected = try NumpyArray.read(contentsOf: export.appendingPathComponent("reference/apple-red-01.jpg.output.npy"))
        #expect(written.shape == expected.shape)
        #expect(maxAbsDiff(written.floats, expected.floats) <= 1e-5)
    }

    /// An AutoML Faster R-CNN export (outputs of data-dependent size): `infer` writes the sizes
    /// of this input, labels as int64; `inspect` says the outputs depend on the image.
    @Test func automlRCNN_inferAndInspect() throws {
        let folder = SharedAssets.packageRoot.appendingPathComponent("Tests/Goldens/automl-rcnn/faster-rcnn")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-infer-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Self.vigil(["infer", folder.appendingPathComponent("model.onnx").path, "--input",
                                     folder.appendingPathComponent("input.npy").path, "--output-dir", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        for name in ["boxes_0", "labels_0", "scores_0"] {
            let written = try NumpyArray.read(contentsOf: out.appendingPathComponent("\(name).npy"))
            let expected = try NumpyArray.read(contentsOf: folder.appendingPathComponent("\(name).npy"))
            #expect(written.shape == expected.shape, "\(name)")
            if case .int64(let labels) = expected.elements { #expect(written.elements == .int64(labels)) }
            else { #expect(worstExcess(written.floats, expected.floats, abs: 1e-4, rel: 1e-3).excess <= 0, "\(name)") }
        }
        let inspect = try Self.vigil(["inspect", folder.path])
        #expect(inspect.status == 0, "\(inspect.stderr)")
        #expect(inspect.stdout.contains("output     boxes_0 (size depends on the image)"), "\(inspect.stdout)")
        #expect(inspect.stdout.contains("nodes prepared per run"), "\(inspect.stdout)")
    }

    @Test func unknownModel_failsWithThePath() throws {
        let result = try Self.vigil(["predict", "/no/such/model", "x.jpg"])
        #expect(result.status == 1)
        #expect(result.stderr == "vigil: /no/such/model: no such file or folder\n")
    }
}
