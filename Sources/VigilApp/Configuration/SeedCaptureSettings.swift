import Foundation
import VigilCore

/// The seed's camera-capture module settings (its environment variables), mapped onto a
/// one-camera configuration so a seed deployment's settings work unchanged with `vigil capture`.
///
/// VIDEO_PATH (a number is a webcam index, a path a file or device, a URL a stream),
/// IMAGE_PROCESSING_ENDPOINT, IMAGE_PROCESSING_PARAMS (a JSON object of query parameters),
/// SHOW_VIDEO (serve the live view, on the seed's port 5012 unless VIGIL_SERVER_PORT says
/// otherwise), VERBOSE, LOOP_VIDEO, CONVERT_TO_GRAY, RESIZE_WIDTH, RESIZE_HEIGHT. Without an
/// endpoint, frames are scored in process by `model` (`--model` or VIGIL_MODEL). Predictions go
/// to MQTT when VIGIL_MQTT_URL is set and to Dapr when DAPR_HTTP_PORT is (the seed's sidecar).
public struct SeedCaptureSettings: Sendable {
    public var verbose = false

    /// The configuration, and whether VERBOSE asked for every prediction to be printed.
    public static func configuration(environment: [String: String], model: String?, baseDirectory: URL) throws
        -> (configuration: VigilConfiguration, verbose: Bool, warnings: [String]) {
        func flag(_ name: String) throws -> Bool {
            guard let text = environment[name], !text.isEmpty else { return false }
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw ConfigError(name, "'\(text)' is not True or False")
            }
        }
        // A JSON string literal is a YAML double-quoted scalar.
        let quoted = JSONText.string
        guard let videoPath = environment["VIDEO_PATH"], !videoPath.isEmpty else {
            throw ConfigError("VIDEO_PATH", "is required: a webcam index, a video file or device path, or a stream URL")
        }
        let endpoint = environment["IMAGE_PROCESSING_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 }
        let showVideo = try flag("SHOW_VIDEO")
        var yaml = "node: \(quoted(environment["HOSTNAME"].flatMap { $0.isEmpty ? nil : $0 } ?? "capture"))\n"
        yaml += "server:\n  enabled: \(showVideo)\n  host: 0.0.0.0\n  port: 5012\n"
        let modelPath = model ?? environment["VIGIL_MODEL"]
        if endpoint == nil {
            guard let modelPath, !modelPath.isEmpty else {
                throw ConfigError("IMAGE_PROCESSING_ENDPOINT", "is not set, so a model is needed: give --model DIR or VIGIL_MODEL")
            }
            yaml += "models:\n  - path: \(quoted(modelPath))\n"
        }
        yaml += "cameras:\n  - name: camera\n    source: \(quoted(videoPath))\n    loop: \(try flag("LOOP_VIDEO"))\n"
        if let endpoint {
            yaml += "    endpoint: \(quoted(endpoint))\n"
            if let params = environment["IMAGE_PROCESSING_PARAMS"], !params.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let object = try? JSONSerialization.jsonObject(with: Data(params.utf8)) as? [String: Any] else {
                    throw ConfigError("IMAGE_PROCESSING_PARAMS", "must be a JSON object of query parameters, e.g. {\"iterationId\": \"...\"}")
                }
                yaml += "    endpoint_params:\n"
                for (key, value) in object.sorted(by: { $0.key < $1.key }) { yaml += "      \(quoted(key)): \(quoted("\(value)"))\n" }
            }
            yaml += "    gray: \(try flag("CONVERT_TO_GRAY"))\n"
            for name in ["RESIZE_WIDTH", "RESIZE_HEIGHT"] {
                guard let text = environment[name], !text.isEmpty, text != "0" else { continue }
                guard let value = Int(text), value > 0 else { throw ConfigError(name, "'\(text)' is not a positive whole number") }
                yaml += "    \(name.lowercased()): \(value)\n"
            }
        }
        if environment["DAPR_HTTP_PORT"] != nil { yaml += "dapr:\n  enabled: true\n" }
        do {
            let loaded = try VigilConfiguration.load(yaml: yaml, name: "the capture settings", baseDirectory: baseDirectory, environment: environment)
            return (loaded.configuration, try flag("VERBOSE"), loaded.warnings)
        } catch let error as ConfigError {
            throw ConfigError(seedName(error.keyPath), error.reason)
        }
    }

    /// The seed variable behind a generated key path, for errors.
    static func seedName(_ keyPath: String) -> String {
        let names = ["cameras[0].source": "VIDEO_PATH", "cameras[0].endpoint": "IMAGE_PROCESSING_ENDPOINT",
                     "cameras[0].endpoint_params": "IMAGE_PROCESSING_PARAMS", "models[0].path": "--model / VIGIL_MODEL",
                     "cameras[0].resize_width": "RESIZE_WIDTH", "cameras[0].resize_height": "RESIZE_HEIGHT"]
        return names[keyPath] ?? keyPath
    }
}
