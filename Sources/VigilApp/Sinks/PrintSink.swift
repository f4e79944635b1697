import Foundation
import VigilImage
import VigilPipeline

/// Prints each prediction message on standard output, one line per frame (the seed's VERBOSE).
struct PrintSink: PipelineSink {
    func deliver(_ frame: ScoredFrame, image: RGBImage) {
        FileHandle.standardOutput.write(Data((frame.messageJSON() + "\n").utf8))
    }
}
