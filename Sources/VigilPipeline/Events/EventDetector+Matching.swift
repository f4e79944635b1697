import VigilCore

extension EventDetector {
    /// The best prediction of one label in a frame, and the zones any of its predictions were in.
    struct Match: Sendable {
        var best: Prediction
        var zones: [String]
    }

    /// The frame's predictions that pass the rules, grouped by label.
    ///
    /// A prediction counts when its label is wanted, its probability reaches the minimum and,
    /// if the camera has zones, its box's bottom-centre lies in at least one of them. The best
    /// prediction is the most probable (the first on ties); zones keep the rules' order.
    func matches(in predictions: [Prediction]) -> [String: Match] {
        var found: [String: Match] = [:]
        for prediction in predictions where prediction.probability >= rules.minProbability {
            guard rules.labels.isEmpty || rules.labels.contains(prediction.tagName) else { continue }
            var zones: [String] = []
            if !rules.zones.isEmpty {
                guard let box = prediction.boundingBox else { continue }
                zones = rules.zones.filter { $0.contains(bottomCentreOf: box) }.map(\.name)
                if zones.isEmpty { continue }
            }
            if var match = found[prediction.tagName] {
                if prediction.probability > match.best.probability { match.best = prediction }
                match.zones = rules.zones.map(\.name).filter { match.zones.contains($0) || zones.contains($0) }
                found[prediction.tagName] = match
            } else {
                found[prediction.tagName] = Match(best: prediction, zones: zones)
            }
        }
        return found
    }
}
