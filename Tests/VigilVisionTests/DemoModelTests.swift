import Foundation
import Testing
import VigilCore
import VigilEngine
import VigilImage
import VigilONNX
import VigilTestSupport
@testable import VigilVision

/// The bundled demo model is what `vigil demo-model` makes, and it recognises what its labels say.
@Suite struct DemoModelTests {
    @Test func committedDemoModel_matchesRegeneration() throws {
        let committed = try ONNXImporter.load(contentsOf: DemoFixture.folder.appendingPathComponent("model.onnx"))
        let rebuilt = try ONNXImporter.load(try DemoModel.build())
        #expect(committed.graph.nodes == rebuilt.graph.nodes)
        #expect(committed.metadata == rebuilt.metadata)
        for (name, tensor) in rebuilt.graph.initializers {
            let stored = try #require(committed.graph.initializers[name])
            #expect(stored.shape == tensor.shape)
            #expect(maxAbsDiff(stored.floats, tensor.floats) <= 1e-4 * max(1, tensor.floats.map(abs).max() ?? 0), "\(name)")
        }
        let labels = try String(contentsOf: DemoFixture.folder.appendingPathComponent("labels.txt"), encoding: .utf8)
        #expect(labels == DemoModel.labels.joined(separator: "\n") + "\n")
    }

    @Test func demoModel_recognisesUnseenScenes() throws {
        let predictor = try Predictor(bundle: try ModelBundle.load(DemoFixture.folder), threads: 1)
        var generator = SplitMix64(seed: 99)   // not the training seed
        var correct = 0, total = 0
        for subject in DemoScene.Subject.allCases {
            for _ in 0..<20 {
                let image = DemoScene.random(subject, using: &generator).render(width: 320, height: 240)
                let jpeg = try JPEGEncoder.encode(image, quality: 90)
                let predictions = try predictor.predict(imageData: jpeg, name: "scene.jpg")
                let top = predictions.max { $0.probability < $1.probability }
                if top?.tagName == subject.label { correct += 1 }
                total += 1
            }
        }
        #expect(Double(correct) / Double(total) >= 0.95, "\(correct) of \(total) correct")
    }

    @Test func demoSamples_areNamedForWhatTheyShow() throws {
        let predictor = try Predictor(bundle: try ModelBundle.load(DemoFixture.folder), threads: 1)
        for subject in DemoScene.Subject.allCases {
            let name = subject.label.replacingOccurrences(of: " ", with: "-") + ".jpg"
            let data = try Data(contentsOf: DemoFixture.folder.appendingPathComponent("samples/\(name)"))
            let top = try predictor.predict(imageData: data, name: name).max { $0.probability < $1.probability }
            #expect(top?.tagName == subject.label, "\(name): \(top?.tagName ?? "none")")
        }
    }
}
