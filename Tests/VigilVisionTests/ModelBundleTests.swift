import Foundation
import Testing
import VigilCore
import VigilTestSupport
@testable import VigilVision

/// Bundles are recognised from folders, zips and bare files, with the right contract and task.
@Suite struct ModelBundleTests {
    @Test func compactExport_usesSeedContract() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let bundle = try ModelBundle.load(models.appendingPathComponent("customvision/cv-onnx-plankton"))
        #expect(bundle.kind == .customVisionCompact)
        #expect(bundle.labels == ["Chaetognath", "Copepod", "Hydromedusae", "Mollusc", "TunicateDoliolid"])
        #expect(bundle.contract.colorOrder == .bgr && bundle.contract.layout == .nchw)
        #expect(bundle.contract.width == 227 && bundle.contract.resizing == .customVisionCenterCrop)
        #expect(bundle.outputName == "loss.1")
        #expect(bundle.task == .classification(activation: nil))
    }

    @Test func zipOfExport_loadsLikeTheFolder() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/cv-onnx-cat-or-dog")
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-zip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        // A real zip made with the system's Python (deflate), nested in a folder as downloads are.
        let zip = temp.appendingPathComponent("export.zip")
        let script = "import zipfile,sys; z=zipfile.ZipFile(sys.argv[1],'w',zipfile.ZIP_DEFLATED); z.write(sys.argv[2],'CatDog/model.onnx'); z.close()"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, zip.path, export.appendingPathComponent("model.onnx").path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fromZip = try ModelBundle.load(zip)
        let fromFolder = try ModelBundle.load(export)
        #expect(fromZip.labels == fromFolder.labels)
        #expect(fromZip.version == fromFolder.version)
        let predictor = try Predictor(bundle: fromZip, threads: 1)
        let image = try Data(contentsOf: export.appendingPathComponent("samples/dog1.jpg"))
        #expect(try predictor.predict(imageData: image, name: "dog1.jpg").max { $0.probability < $1.probability }?.tagName == "dog")
    }

    @Test func missingFolder_andCorruptZip_failClearly() throws {
        do { _ = try ModelBundle.load(URL(fileURLWithPath: "/nonexistent/model")); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "/nonexistent/model: no such file or folder")
        }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bad-\(UUID().uuidString).zip")
        try Data("PK this is not really a zip archive, only text".utf8).write(to: temp)
        defer { try? FileManager.default.removeItem(at: temp) }
        do { _ = try ModelBundle.load(temp); Issue.record("expected a failure") } catch {
            #expect("\(error)" == "\(temp.path): not a zip archive (no end-of-central-directory record)")
        }
    }

    @Test func labelsCountMismatch_isRejected() throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-labels-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        try FileManager.default.copyItem(at: models.appendingPathComponent("customvision/cv-onnx-cat-or-dog/model.onnx"),
                                         to: temp.appendingPathComponent("model.onnx"))
        try Data("cat\r\ndog\r\n".utf8).write(to: temp.appendingPathComponent("labels.txt"))
        do { _ = try ModelBundle.load(temp); Issue.record("expected a failure") } catch {
            #expect("\(error)".contains("2 labels but the model's output 'loss1' [1, 3] has 3 classes"), "\(error)")
        }
    }

    @Test func labelsText_stripsLikeTheSeed() throws {
        #expect(try Labels.text(Data("Apple\r\nBanana\r\n".utf8), file: "l") == ["Apple", "Banana"])
        #expect(try Labels.text(Data("a\n\nb".utf8), file: "l") == ["a", "", "b"])
    }

    @Test func badImage_isAClearError() throws {
        let bundle = try ModelBundle.load(DemoFixture.folder)
        let predictor = try Predictor(bundle: bundle, threads: 1)
        for (data, name) in [(Data(), "empty.jpg"), (Data("not an image".utf8), "text.jpg"), (Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), "cut.jpg")] {
            #expect(throws: VisionError.self) { try predictor.predict(imageData: data, name: name) }
            do { _ = try predictor.predict(imageData: data, name: name) } catch {
                #expect("\(error)".hasPrefix("\(name): "), "\(error)")
            }
        }
    }
}

/// The committed demo bundle.
enum DemoFixture {
    static var folder: URL { SharedAssets.packageRoot.appendingPathComponent("demo/model") }
}
