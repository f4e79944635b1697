import CFFmpeg
import Foundation

/// The images of a folder (jpg, jpeg, png, bmp), decoded one by one in file-name order.
///
/// The file list is read when the folder opens (and again on each loop). An image that cannot
/// be decoded is skipped and reported through `onSkip`; the folder fails only when it holds no
/// images at all. Image `i` has presentation time `i / frameRate`.
final class ImageFolderInput: PictureInput {
    private let path: String
    private let frameRate: Double
    private let interrupt: InterruptState
    private let readTimeout: Double
    private let onSkip: (FrameSourceError) -> Void
    private var files: [String]
    private var index = 0
    /// The open image; its decoded frame is what `nextPicture` lends out.
    private var current: FFmpegInput?
    private var skipped = 0

    /// Lists the folder; throws (permanently) when it is missing or has no images.
    init(path: String, frameRate: Double, interrupt: InterruptState, readTimeout: Double,
         onSkip: @escaping (FrameSourceError) -> Void) throws(FrameSourceError) {
        self.path = path
        self.frameRate = frameRate
        self.interrupt = interrupt
        self.readTimeout = readTimeout
        self.onSkip = onSkip
        self.files = try Self.imageFiles(in: path)
    }

    var streamParameters: StreamParameters? { nil }

    var rejectionSummary: String? { skipped > 0 ? "\(skipped) image(s) could not be decoded" : nil }

    func nextPicture(observer: PacketObserver?) throws(FrameSourceError) -> Picture? {
        while index < files.count {
            let file = files[index]
            let position = index
            index += 1
            current = nil
            do {
                let input = try FFmpegInput(url: "file:" + file, formatName: nil, options: [], interrupt: interrupt,
                                            openTimeout: readTimeout, readTimeout: readTimeout, source: file,
                                            openFailuresArePermanent: true)
                current = input
                if let picture = try input.nextPicture(observer: nil) {
                    return (picture.frame, Double(position) / frameRate)
                }
                skip(FrameSourceError(source: file, operation: "decode", reason: input.rejectionSummary ?? "it holds no picture"))
            } catch {
                if interrupt.isStopRequested { throw error }
                skip(error)
            }
        }
        return nil
    }

    func rewind() -> Bool {
        guard let files = try? Self.imageFiles(in: path) else { return false }
        self.files = files
        index = 0
        skipped = 0
        return true
    }

    private func skip(_ error: FrameSourceError) {
        skipped += 1
        onSkip(error)
    }

    /// Full paths of the folder's images, sorted by file name.
    static func imageFiles(in path: String) throws(FrameSourceError) -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path)
        } catch {
            throw FrameSourceError(source: path, operation: "list the folder", reason: "no such folder or it cannot be read", isPermanent: true)
        }
        let images = names.filter { SourceSpec.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
        guard !images.isEmpty else {
            throw FrameSourceError(source: path, operation: "read the folder",
                                   reason: "it holds no images (\(SourceSpec.imageExtensions.sorted().joined(separator: ", ")))",
                                   isPermanent: true)
        }
        return images.map { (path as NSString).appendingPathComponent($0) }
    }
}
