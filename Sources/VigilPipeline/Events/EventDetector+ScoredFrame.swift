import VigilCore

extension EventDetector {
    /// Takes a scored frame of this detector's camera; its `sequence` names it in `saveSnapshot`.
    public mutating func observe(_ frame: ScoredFrame) -> [EventAction] {
        observe(frame.predictions, frameSequence: frame.sequence, at: frame.frameTime)
    }
}
