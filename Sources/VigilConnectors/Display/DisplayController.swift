import Foundation
import Synchronization
import VigilCore

/// Feeds predictions to the displays from a thread of its own, so whoever offers them (a camera
/// thread, an MQTT callback, an HTTP handler) never waits on a terminal or a device write.
///
/// Only the newest decision matters: offers overwrite a pending one, and a display is written
/// only when the decision (tag, or probability to 0.1 %) changes. A display error is reported
/// through `onError` once per distinct message and the others carry on.
public final class DisplayController: Sendable {
    private struct State {
        var pending: DisplayDecision?
        var shown: DisplayDecision?
        var stopping = false
        var lastError: String?
    }

    public let configuration: DisplayConfiguration
    private let displays: [any Display]
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    private let onError: @Sendable (String) -> Void

    public init(configuration: DisplayConfiguration, displays: [any Display], onError: @escaping @Sendable (String) -> Void) {
        self.configuration = configuration
        self.displays = displays
        self.onError = onError
        let thread = Thread { [self] in
            loop()
            finished.signal()
        }
        thread.name = "vigil.display"
        thread.start()
    }

    /// Offers a camera's predictions; ignored when the display follows another camera.
    public func offer(_ predictions: [Prediction], camera: String?) {
        if let wanted = configuration.camera, let camera, wanted != camera { return }
        let decision = DisplayDecision(predictions: predictions, threshold: configuration.threshold)
        state.withLock { $0.pending = decision }
        wake.signal()
    }

    /// What the displays show now (nil before the first offer).
    public var shown: DisplayDecision? { state.withLock { $0.shown } }

    /// Blanks the displays and stops the thread.
    public func stop() {
        state.withLock { state in
            state.pending = .nothing
            state.stopping = true
        }
        wake.signal()
        _ = finished.wait(timeout: .now() + 2)
    }

    private func loop() {
        while true {
            wake.wait()
            let (decision, stopping) = state.withLock { state -> (DisplayDecision?, Bool) in
                defer { state.pending = nil }
                return (state.pending, state.stopping)
            }
            if let decision, !Self.same(decision, state.withLock { $0.shown }) {
                for display in displays {
                    do { try display.show(decision) } catch {
                        let text = "\(error)"
                        let isNew = state.withLock { state -> Bool in
                            defer { state.lastError = text }
                            return state.lastError != text
                        }
                        if isNew { onError(text) }
                    }
                }
                state.withLock { $0.shown = decision }
            }
            if stopping { return }
        }
    }

    static func same(_ a: DisplayDecision, _ b: DisplayDecision?) -> Bool {
        guard let b else { return false }
        return a.tagName == b.tagName && (a.probability * 1000).rounded() == (b.probability * 1000).rounded()
    }
}
