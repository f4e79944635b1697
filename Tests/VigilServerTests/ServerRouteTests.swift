import Foundation
import Testing
import VigilCore
import VigilTestSupport

/// The real server, started on a free loopback port, answering every route shape of the Custom
/// Vision export container with the same document `vigil predict` prints.
@Suite(.serialized) struct ServerRouteTests {
    static let demo = SharedAssets.packageRoot.appendingPathComponent("demo/model")

    /// The predictions of a document, as (tag, probability).
    static func predictions(_ json: [String: Any]) -> [(String, Double)] {
        ((json["predictions"] as? [[String: Any]]) ?? []).map { ($0["tagName"] as! String, ($0["probability"] as! NSNumber).doubleValue) }
    }

    /// What `vigil predict` prints for an image.
    static func cliPredictions(_ model: URL, _ image: URL) throws -> [(String, Double)] {
        let process = Process()
        process.executableURL = VigilBinary.url
        process.arguments = ["predict", model.path, image.path, "--threads", "1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return predictions((try JSONSerialization.jsonObject(with: data)) as! [String: Any])
    }

    @Test func everyRouteShape_answersLikeVigilPredict() async throws {
        let server = try ServedVigil(["--model", "demo=\(Self.demo.path)", "--port", "0"])
        defer { #expect(server.stop() == 0, "clean exit on SIGTERM") }
        let image = Self.demo.appendingPathComponent("samples/yellow-shape.jpg")
        let data = try Data(contentsOf: image)
        let expected = try Self.cliPredictions(Self.demo, image)
        #expect(expected.first { $0.1 > 0.5 }?.0 == "yellow shape")

        let root = try await HTTP.get(server.base)
        #expect(root.status == 200 && root.text == "CustomVision.ai model host harness")
        // Probes (Kubernetes, Docker HEALTHCHECK): live, and ready once every model serves.
        let live = try await HTTP.get(server.base.appendingPathComponent("healthz"))
        #expect(live.status == 200 && live.text == "ok")
        let ready = try await HTTP.get(server.base.appendingPathComponent("readyz"))
        #expect(ready.status == 200)
        #expect(ready.json["ready"] as? Bool == true)
        #expect(ready.json["models"] as? [String: String] == ["demo": "ok"])

        var paths = ["/image", "/proj/image", "/proj/image/nostore"]
        for task in ["classify", "detect"] { paths += ["/proj/\(task)/iterations/demo/image", "/proj/\(task)/iterations/demo/image/nostore"] }
        for path in paths {
            for multipart in [false, true] {
                let url = server.base.appendingPathComponent(path)
                let result = multipart ? try await HTTP.postMultipart(url, data) : try await HTTP.postImage(url, data)
                #expect(result.status == 200, "\(path) multipart \(multipart): \(result.text)")
                #expect(result.headers["content-type"]?.hasPrefix("application/json") == true)
                let json = result.json
                #expect(Set(json.keys) == ["created", "id", "iteration", "predictions", "project"])
                let got = Self.predictions(json)
                #expect(got.map(\.0) == expected.map(\.0), "\(path)")
                for (a, b) in zip(got, expected) { #expect(a.1 == b.1, "\(path) \(a.0)") }
                #expect(json["project"] as? String == (path == "/image" ? "" : "proj"))
            }
        }

        // The /url routes fetch from a local HTTP server.
        let files = try StaticFiles(Self.demo.appendingPathComponent("samples"))
        defer { files.stop() }
        let imageURL = files.base.appendingPathComponent("yellow-shape.jpg").absoluteString
        for path in ["/url", "/proj/url", "/proj/url/nostore", "/proj/classify/iterations/demo/url", "/proj/detect/iterations/demo/url/nostore"] {
            for key in ["url", "Url"] {
                let result = try await HTTP.postJSON(server.base.appendingPathComponent(path), [key: imageURL])
                #expect(result.status == 200, "\(path): \(result.text)")
                #expect(Self.predictions(result.json).map(\.0) == expected.map(\.0))
            }
        }
    }

    @Test func customVisionExport_servedMatchesReferencePredictions() async throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        let export = models.appendingPathComponent("customvision/cv-tf-apples-bananas")
        let server = try ServedVigil(["--model", "fruit=\(export.path)", "--model", "demo=\(Self.demo.path)", "--port", "0"])
        defer { server.stop() }
        let references = try referencePredictions(export)
        for (sample, reference) in references.sorted(by: { $0.key < $1.key }).prefix(8) {
            let data = try Data(contentsOf: export.appendingPathComponent("samples/\(sample)"))
            let result = try await HTTP.postMultipart(server.base.appendingPathComponent("/custom-vision-edge/classify/iterations/fruit/image"), data)
            #expect(result.status == 200)
            let got = Self.predictions(result.json)
            #expect(got.map(\.0) == reference.predictions.map(\.tag), "\(sample)")
            for (a, b) in zip(got, reference.predictions) { #expect(abs(a.1 - b.probability) <= 1e-5, "\(sample) \(a.0)") }
        }
        // The bare routes answer with the default (first) model.
        let bare = try await HTTP.postImage(server.base.appendingPathComponent("/image"), try Data(contentsOf: export.appendingPathComponent("samples/apple-red-01.jpg")))
        #expect(Self.predictions(bare.json).map(\.0).contains("Apple"))
        let listing = try await HTTP.get(server.base.appendingPathComponent("/models")).json
        #expect(listing["default"] as? String == "fruit")
        let names = (listing["models"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
        #expect(names == ["fruit", "demo"])
    }

    @Test func badInput_getsTheRightStatusNeverA500() async throws {
        let server = try ServedVigil(["--model", "demo=\(Self.demo.path)", "--port", "0"])
        defer { server.stop() }
        let image = server.base.appendingPathComponent("/image")
        func expectError(_ result: HTTPResult, _ status: Int, _ fragment: String) {
            #expect(result.status == status, "\(result.status) \(result.text)")
            let error = result.json["error"] as? [String: Any]
            #expect((error?["message"] as? String)?.contains(fragment) == true, "\(result.text)")
        }
        expectError(try await HTTP.postImage(image, Data(repeating: 0xFF, count: 4 * 1024 * 1024 + 1)), 413, "larger than 4194304 bytes")
        expectError(try await HTTP.postImage(image, Data("this is not an image".utf8)), 400, "not a JPEG, PNG or BMP image")
        let jpeg = try Data(contentsOf: Self.demo.appendingPathComponent("samples/red-shape.jpg"))
        expectError(try await HTTP.postImage(image, jpeg.prefix(600)), 400, "JPEG")
        expectError(try await HTTP.postImage(image, Data()), 400, "empty body")
        expectError(try await HTTP.postMultipart(image, field: "other", jpeg), 400, "no 'imageData' file")
        expectError(try await HTTP.postMultipart(image, filename: nil, Data("/etc/passwd".utf8)), 400, "must be a file upload")
        expectError(try await HTTP.postImage(server.base.appendingPathComponent("/p/classify/iterations/missing/image"), jpeg), 404, "no model named 'missing'")
        expectError(try await HTTP.postJSON(server.base.appendingPathComponent("/url"), ["url": "file:///etc/passwd"]), 400, "not an http or https URL")
        expectError(try await HTTP.postJSON(server.base.appendingPathComponent("/url"), ["nothing": 1]), 400, "expected a JSON body")
        expectError(try await HTTP.postJSON(server.base.appendingPathComponent("/url"), ["url": "http://127.0.0.1:9/x.jpg"]), 502, "could not fetch")
        let files = try StaticFiles(Self.demo.appendingPathComponent("samples"))
        defer { files.stop() }
        expectError(try await HTTP.postJSON(server.base.appendingPathComponent("/url"), ["url": files.base.appendingPathComponent("missing.jpg").absoluteString]), 502, "HTTP 404")
        // Still serving afterwards.
        #expect(try await HTTP.postImage(image, jpeg).status == 200)
    }

    @Test func fullQueue_answers503WithRetryAfter() async throws {
        guard let models = SharedAssets.models else { print(SharedAssets.missingMessage); return }
        // One worker, no queue, a slow model: concurrent requests beyond the first are refused.
        let server = try ServedVigil(["--model", "yolo=\(models.appendingPathComponent("zoo/cv_tiny_yolov2_416").path)",
                                      "--port", "0", "--workers", "1", "--queue", "0"])
        defer { server.stop() }
        let jpeg = try Data(contentsOf: Self.demo.appendingPathComponent("samples/red-shape.jpg"))
        let url = server.base.appendingPathComponent("/image")
        let results = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for _ in 0..<12 { group.addTask { try await HTTP.postImage(url, jpeg) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let busy = results.filter { $0.status == 503 }
        #expect(results.allSatisfy { $0.status == 200 || $0.status == 503 }, "\(results.map(\.status))")
        #expect(!busy.isEmpty && results.contains { $0.status == 200 }, "\(results.map(\.status))")
        #expect(busy.allSatisfy { $0.headers["retry-after"] == "1" })
        let metrics = try await HTTP.get(server.base.appendingPathComponent("/metrics")).text
        #expect(metrics.contains("vigil_inference_rejected_total \(busy.count)"), "\(metrics)")
    }

    @Test func metricsAndDapr_areServed() async throws {
        let server = try ServedVigil(["--model", "demo=\(Self.demo.path)", "--port", "0"])
        defer { server.stop() }
        let jpeg = try Data(contentsOf: Self.demo.appendingPathComponent("samples/green-shape.jpg"))
        _ = try await HTTP.postImage(server.base.appendingPathComponent("/p/classify/iterations/demo/image"), jpeg)
        _ = try await HTTP.postImage(server.base.appendingPathComponent("/image"), Data("x".utf8))

        let subscribe = try await HTTP.get(server.base.appendingPathComponent("/dapr/subscribe"))
        let subscriptions = try JSONSerialization.jsonObject(with: subscribe.body) as? [[String: String]]
        #expect(subscriptions == [["pubsubname": "customvisionpubsub", "topic": "camera_capture_predict_topic", "route": "predict_image_handler"]])
        let handler = server.base.appendingPathComponent("/predict_image_handler")
        let viaForm = try await HTTP.postMultipart(handler, jpeg)
        #expect(Self.predictions(viaForm.json).max { $0.1 < $1.1 }?.0 == "green shape")
        let event: [String: Any] = ["specversion": "1.0", "type": "com.dapr.event.sent", "source": "capture", "id": "1",
                                    "datacontenttype": "image/jpeg", "data_base64": jpeg.base64EncodedString()]
        let viaEvent = try await HTTP.send("POST", handler, body: try JSONSerialization.data(withJSONObject: event), contentType: "application/cloudevents+json")
        #expect(Self.predictions(viaEvent.json).max { $0.1 < $1.1 }?.0 == "green shape", "\(viaEvent.text)")

        let metrics = try await HTTP.get(server.base.appendingPathComponent("/metrics"))
        #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
        let text = metrics.text
        #expect(text.contains(#"vigil_http_requests_total{route="/{project}/classify/iterations/{name}/image",method="POST",status="200"} 1"#), "\(text)")
        #expect(text.contains(#"vigil_http_requests_total{route="/image",method="POST",status="400"} 1"#))
        // One image route and two Dapr deliveries were inferred; the bad body never reached a worker.
        #expect(text.contains(#"vigil_inference_duration_seconds_count{model="demo"} 3"#))
        #expect(text.contains("vigil_inference_queue_depth"))
    }

    @Test func portFromSeedVariable_isUsed() throws {
        let server = try ServedVigil(["--model", Self.demo.path], environment: ["IMAGE_CLASSIFIER_PORT": "0"])
        #expect(server.base.port != 8080)
        #expect(server.stop() == 0)
        let bad = try ChildProcess(VigilBinary.url, ["serve", "--model", Self.demo.path], environment: ["IMAGE_CLASSIFIER_PORT": "http"])
        bad.process.waitUntilExit()
        #expect(bad.process.terminationStatus == 1)
        #expect(bad.printed.contains("IMAGE_CLASSIFIER_PORT='http' is not a port number"))
    }
}
