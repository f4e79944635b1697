import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VigilCore
import VigilImage

/// Scores frames on a remote Custom-Vision-compatible server, as the seed's camera-capture module
/// does with IMAGE_PROCESSING_ENDPOINT: the frame, optionally resized and greyed, is POSTed as a
/// JPEG (`application/octet-stream`) with the configured query parameters, and the answer's
/// `predictions` are read back.
public final class RemoteScorer: FrameScorer {
    /// What goes wrong talking to the endpoint; the URL is shown without credentials.
    public struct Failure: Error, CustomStringConvertible {
        public let endpoint: String
        public let reason: String
        public var description: String { "scoring endpoint \(endpoint): \(reason)" }
    }

    public let modelName: String
    private let request: URLRequest
    private let redactedEndpoint: String
    private let resize: (width: Int, height: Int)?
    private let gray: Bool
    private let session: URLSession

    public init(endpoint: URL, parameters: [String: String] = [:], resizeWidth: Int? = nil, resizeHeight: Int? = nil,
                convertToGray: Bool = false, timeout: TimeInterval = 10) {
        var components = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)!
        if !parameters.isEmpty {
            components.queryItems = (components.queryItems ?? []) + parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        }
        var request = URLRequest(url: components.url!, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/octet-stream", forHTTPHeaderField: "Content-Type")
        self.request = request
        redactedEndpoint = Self.redact(endpoint)
        modelName = endpoint.host ?? "remote"
        if let width = resizeWidth, let height = resizeHeight { resize = (width, height) } else { resize = nil }
        gray = convertToGray
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    public func score(_ image: RGBImage) throws -> [Prediction] {
        var picture = image
        if let resize { picture = resizePillow(picture, width: resize.width, height: resize.height, filter: .bilinear) }
        if gray { picture = Self.grey(picture) }
        var request = self.request
        request.httpBody = try JPEGEncoder.encode(picture, quality: 90)
        let (data, status) = try send(request)
        guard status == 200 else {
            let text = String(decoding: data.prefix(200), as: UTF8.self)
            throw Failure(endpoint: redactedEndpoint, reason: "answered HTTP \(status): \(text)")
        }
        do {
            return try PredictionPayload.parse(data)
        } catch {
            throw Failure(endpoint: redactedEndpoint, reason: "the answer is not a prediction document: \(error)")
        }
    }

    private func send(_ request: URLRequest) throws -> (Data, Int) {
        final class Box: @unchecked Sendable { var result: Result<(Data, Int), Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let endpoint = redactedEndpoint
        session.dataTask(with: request) { data, response, error in
            if let error {
                box.result = .failure(Failure(endpoint: endpoint, reason: error.localizedDescription))
            } else {
                box.result = .success((data ?? Data(), (response as? HTTPURLResponse)?.statusCode ?? 0))
            }
            done.signal()
        }.resume()
        done.wait()
        return try box.result!.get()
    }

    /// Luma as OpenCV's BGR2GRAY computes it (ITU-R BT.601, fixed point), written to all three channels.
    static func grey(_ image: RGBImage) -> RGBImage {
        var out = image
        out.pixels.withUnsafeMutableBufferPointer { pixels in
            var i = 0
            while i < pixels.count {
                let y = (Int(pixels[i]) * 4899 + Int(pixels[i + 1]) * 9617 + Int(pixels[i + 2]) * 1868 + 8192) >> 14
                pixels[i] = UInt8(y); pixels[i + 1] = UInt8(y); pixels[i + 2] = UInt8(y)
                i += 3
            }
        }
        return out
    }

    static func redact(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "endpoint" }
        if components.user != nil || components.password != nil { components.user = "***"; components.password = nil }
        components.query = nil
        return components.string ?? "endpoint"
    }
}
