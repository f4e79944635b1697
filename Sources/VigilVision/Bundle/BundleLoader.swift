import CZlib
import Foundation
import VigilCore
import VigilEngine
import VigilImage
import VigilONNX

/// Resolves a folder, zip or model file into a `ModelBundle`.
struct BundleLoader {
    let url: URL

    init(_ url: URL) { self.url = url }

    func load() throws -> ModelBundle {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw VisionError.bundle(url.path, "no such file or folder")
        }
        if isDirectory.boolValue { return try loadFolder(files: try folderFiles(url)) }
        if url.pathExtension.lowercased() == "zip" { return try loadFolder(files: try zipFiles(url)) }
        // A bare model file: side files are looked up beside it.
        var files = (try? folderFiles(url.deletingLastPathComponent())) ?? [:]
        files = files.filter { !ModelFile.extensions.contains(($0.key as NSString).pathExtension.lowercased()) }
        files[url.lastPathComponent] = .file(url)
        return try loadFolder(files: files, preferred: url.lastPathComponent)
    }

    /// A bundle member: on disk, or extracted from a zip into memory.
    enum Member {
        case file(URL)
        case data(Data, name: String)

        func read(_ bundle: String) throws -> Data {
            switch self {
            case .file(let url):
                do { return try Data(contentsOf: url, options: .mappedIfSafe) } catch {
                    throw VisionError.bundle(url.path, "cannot read (\(error.localizedDescription))")
                }
            case .data(let data, _): return data
            }
        }
    }

    private func folderFiles(_ folder: URL) throws -> [String: Member] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw VisionError.bundle(folder.path, "cannot list the folder (\(error.localizedDescription))")
        }
        var files: [String: Member] = [:]
        for name in names { files[name] = .file(folder.appendingPathComponent(name)) }
        return files
    }

    /// Zip members by base name (exports sometimes nest everything in one folder).
    private func zipFiles(_ zip: URL) throws -> [String: Member] {
        let archive = try ZipArchive(contentsOf: zip)
        var files: [String: Member] = [:]
        for entry in archive.entries where !entry.name.hasSuffix("/") {
            let base = (entry.name as NSString).lastPathComponent
            guard !base.hasPrefix("."), files[base] == nil else { continue }
            files[base] = .data(try archive.extract(entry), name: entry.name)
        }
        return files
    }

    private func loadFolder(files: [String: Member], preferred: String? = nil) throws -> ModelBundle {
        let manifest = try exportManifest(files)
        let modelName: String
        if let preferred { modelName = preferred }
        else if let named = manifest["ModelFileName"] {
            guard files[named] != nil else { throw VisionError.bundle(url.path, "cvexport.manifest names ModelFileName '\(named)', which is not in the bundle") }
            modelName = named
        }
        else { modelName = try ModelFile.choose(from: files.keys, in: url.path) }
        let ext = (modelName as NSString).pathExtension.lowercased()
        let member = files[modelName]!
        let modelURL: URL
        let data: Data
        switch member {
        case .file(let fileURL):
            modelURL = fileURL
            data = try member.read(url.path)
        case .data(let bytes, let name):
            modelURL = url.appendingPathComponent(name)
            data = bytes
        }
        let directory: URL? = if case .file(let fileURL) = member { fileURL.deletingLastPathComponent() } else { nil }
        let model = try ModelFile.load(data, format: ext, file: modelURL.path, directory: directory)

        var metadata = model.metadata
        for (key, value) in try sideMetadata(files) where metadata[key] == nil { metadata[key] = value }

        // Labels: labels.txt, labels.json, the ZipMap's, or generic names.
        var labels: [String]? = nil
        var kind: ModelBundle.Kind = .generic
        if let named = manifest["LabelFileName"], named != "labels.txt", let member = files[named] {
            labels = try Labels.text(member.read(url.path), file: "\(url.path)/\(named)")
        } else if let member = files["labels.txt"] {
            labels = try Labels.text(member.read(url.path), file: "\(url.path)/labels.txt")
        } else if let member = files["labels.json"] {
            labels = try Labels.json(member.read(url.path), file: "\(url.path)/labels.json")
            kind = .autoML
        } else if let zipMapLabels = model.classLabels {
            labels = zipMapLabels
        }
        if kind != .autoML {
            let hasCVKeys = metadata.keys.contains { $0.hasPrefix("CustomVision.") || $0 == "Image.NominalPixelRange" }
            let looksCompact = model.classLabels != nil || files["cvexport.manifest"] != nil || files["labels.txt"] != nil
                || metadata["Image.BitmapPixelFormat"] != nil
            kind = hasCVKeys ? .customVisionMetadata : (looksCompact ? .customVisionCompact : .generic)
        }

        let graph = model.graph
        let resolution = try IOResolution(graph: graph, file: modelURL.path, metadata: metadata)
        let rcnnTask = try TaskDetection.autoMLRCNN(graph: graph, kind: kind, file: modelURL.path)
        var contract = try rcnnTask == nil
            ? ContractDetection.detect(kind: kind, input: resolution.input, metadata: metadata, file: modelURL.path)
            : ContractDetection.autoMLRCNN(input: resolution.input, file: modelURL.path)
        // Prepare once at the contract's size: the model must load, and the output shape tells the task.
        let probe: InferenceSession
        do {
            probe = try InferenceSession(graph: graph, options: SessionOptions(
                threads: 1, inputShapes: [resolution.input.name: contract.inputShape], optimize: false))
        } catch {
            throw VisionError(.model, modelURL.path, "\(error)")
        }
        let task: ModelTask
        let outputName: String
        var labelsAreGeneric = false
        if let rcnnTask, case .autoMLRCNN(let outputs) = rcnnTask {
            task = rcnnTask
            outputName = outputs.boxes
            guard let labels, !labels.isEmpty else {
                throw VisionError.bundle(url.path, "labels.json lists no labels")
            }
        } else {
            guard let outputInfo = probe.outputs.first(where: { $0.name == resolution.output.name }) else {
                throw VisionError(.model, modelURL.path, "output '\(resolution.output.name)' was not produced")
            }
            guard !outputInfo.isDynamic else {
                throw VisionError(.model, modelURL.path, "output '\(outputInfo.name)' has a size that depends on the image (NMS or a threshold inside the graph); Vigil reads such outputs in Azure ML AutoML R-CNN exports, recognised by labels.json and outputs boxes, labels and scores")
            }
            task = try TaskDetection.detect(outputShape: outputInfo.shape, graph: graph, output: outputInfo.name,
                                            labelCount: labels?.count, metadata: metadata, kind: kind, file: modelURL.path)
            if case .autoMLYolo = task { contract = try ContractDetection.autoMLYolo(input: resolution.input, file: modelURL.path) }
            let classCount = task.classCount(outputShape: outputInfo.shape)
            if labels == nil {
                labels = (0..<classCount).map { "class \($0)" }
                labelsAreGeneric = true
            }
            guard labels!.count == classCount else {
                throw VisionError.bundle(url.path, "\(labels!.count) labels but the model's output '\(outputInfo.name)' \(outputInfo.shape) has \(classCount) classes")
            }
            outputName = resolution.output.name
        }

        var hasher = ContentHash()
        hasher.add(data)
        hasher.add(Data(labels!.joined(separator: "\n").utf8))
        return ModelBundle(source: url, modelFile: modelURL, kind: kind, graph: graph, labels: labels!,
                           labelsAreGeneric: labelsAreGeneric, task: task, contract: contract,
                           inputName: resolution.input.name, outputName: outputName,
                           metadata: metadata, version: hasher.hex, opsets: model.opsets)
    }

    /// The Custom Vision export manifest (cvexport.manifest), when the bundle has one.
    private func exportManifest(_ files: [String: Member]) throws -> [String: String] {
        guard let member = files["cvexport.manifest"] else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: member.read(url.path)) as? [String: Any] else {
            throw VisionError.bundle("\(url.path)/cvexport.manifest", "is not a JSON object")
        }
        return object.compactMapValues { $0 as? String }
    }

    /// cvexport.manifest and metadata_properties.json, flattened to string values.
    private func sideMetadata(_ files: [String: Member]) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in ["metadata_properties.json", "cvexport.manifest"] {
            guard let member = files[name] else { continue }
            let data = try member.read(url.path)
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw VisionError.bundle("\(url.path)/\(name)", "is not a JSON object")
            }
            for (key, value) in object {
                if let text = value as? String { result[key] = text }
                else if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]) {
                    result[key] = String(decoding: data, as: UTF8.self)
                }
            }
        }
        return result
    }
}

/// A 64-bit content hash (zlib's CRC-32 and Adler-32 side by side): cheap and stable, for model versions.
struct ContentHash {
    private var crc: UInt = crc32(0, nil, 0)
    private var adler: UInt = adler32(0, nil, 0)

    mutating func add(_ data: Data) {
        data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: Bytef.self) else { return }
            crc = crc32(crc, base, uInt(raw.count))
            adler = adler32(adler, base, uInt(raw.count))
        }
    }

    var hex: String { String(format: "%08lx%08lx", crc, adler) }
}
