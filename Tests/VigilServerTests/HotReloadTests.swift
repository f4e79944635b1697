import Foundation
import Testing
import VigilTestSupport

/// Replacing a model under load swaps it in with no failed request; a broken replacement is
/// rejected and the old model keeps serving.
@Suite(.serialized) struct HotReloadTests {
    @Test func modelSwappedUnderLoad_noRequestFails() async throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = ServerRouteTests.demo
        for name in ["model.onnx", "labels.txt"] {
            try FileManager.default.copyItem(at: demo.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let server = try ServedVigil(["--model", "live=\(folder.path)", "--port", "0"])
        defer { server.stop() }
        let image = try Data(contentsOf: models.appendingPathComponent("customvision/cv-onnx-cat-or-dog/samples/dog1.jpg"))
        let url = server.base.appendingPathComponent("/p/classify/iterations/live/image")

        // Clients hammer the server while the model changes three times.
        let stop = Flag()
        defer { stop.set() }   // clients stop even when an expectation throws
        let clients = Task {
            try await withThrowingTaskGroup(of: [Int: Int].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var statuses: [Int: Int] = [:]
                        while !stop.isSet { statuses[try await HTTP.postImage(url, image).status, default: 0] += 1 }
                        return statuses
                    }
                }
                return try await group.reduce(into: [:]) { total, part in total.merge(part, uniquingKeysWith: +) }
            }
        }
        func labels() async throws -> [String] {
            let listing = try await HTTP.get(server.base.appendingPathComponent("/models")).json
            return ((listing["models"] as? [[String: Any]])?.first?["labels"] as? [String]) ?? []
        }
        #expect(try await labels().first == "red shape")

        // 1. A new model copied into the folder: picked up by the watcher.
        let catDog = models.appendingPathComponent("customvision/cv-onnx-cat-or-dog/model.onnx")
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("labels.txt"))
        try FileManager.default.removeItem(at: folder.appendingPathComponent("model.onnx"))
        try FileManager.default.copyItem(at: catDog, to: folder.appendingPathComponent("model.onnx"))
        var swapped = false
        for _ in 0..<100 where !swapped {
            try await Task.sleep(for: .milliseconds(100))
            swapped = try await labels() == ["cat", "dog", "Negative"]
        }
        #expect(swapped, "the watcher should load the new model within 10 s")

        // 2. A broken model: rejected, the cat-or-dog model keeps serving, the error is shown.
        let good = try Data(contentsOf: catDog)
        try good.prefix(good.count / 2).write(to: folder.appendingPathComponent("model.onnx"))
        let reload = try await HTTP.send("POST", server.base.appendingPathComponent("/models/live/reload"))
        #expect(reload.status == 422, "\(reload.text)")
        let listing = try await HTTP.get(server.base.appendingPathComponent("/models")).json
        let entry = (listing["models"] as? [[String: Any]])?.first
        #expect((entry?["lastError"] as? String)?.contains("corrupt or truncated") == true, "\(listing)")
        #expect(entry?["status"] as? String == "ok")
        #expect(try await labels() == ["cat", "dog", "Negative"])

        // 3. Fixed again, reloaded on request.
        try good.write(to: folder.appendingPathComponent("model.onnx"))
        #expect(try await HTTP.send("POST", server.base.appendingPathComponent("/models/live/reload")).status == 200)

        try await Task.sleep(for: .milliseconds(300))
        stop.set()
        let statuses = try await clients.value
        #expect(statuses.keys.sorted() == [200], "every request succeeded: \(statuses)")
        #expect((statuses[200] ?? 0) > 20)
        let metrics = try await HTTP.get(server.base.appendingPathComponent("/metrics")).text
        #expect(metrics.contains(#"vigil_model_load_errors_total{model="live"}"#))
    }
}

/// A thread-safe one-way switch.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    func set() { lock.lock(); value = true; lock.unlock() }
}
