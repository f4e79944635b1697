import Foundation
import Hummingbird

/// `GET /healthz` (liveness) and `GET /readyz` (readiness), for Kubernetes probes, Docker's
/// HEALTHCHECK and load balancers.
///
/// Live means the server answers. Ready means every configured model has a serving version (a
/// model whose reload failed keeps its old version and stays ready). Cameras are reported but do
/// not gate readiness: a camera that is down is the camera's problem, and an unready capture pod
/// would only stall a rolling update.
extension PredictionServer {
    func addHealthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ in
            let (ready, body) = self.readiness()
            return Self.json(body, status: ready ? .ok : .serviceUnavailable)
        }
    }

    /// Whether the server is ready, and `{ready, models:{name: ok|error}, cameras:{name: state}}`.
    func readiness() -> (Bool, String) {
        let models = registry.status().map { ($0.name, $0.status.entry == nil ? "error" : "ok") }
        let cameras = live?.statuses.map { ($0.camera, $0.state.rawValue) } ?? []
        let ready = models.allSatisfy { $0.1 == "ok" }
        let body: [String: Any] = [
            "ready": ready,
            "models": Dictionary(uniqueKeysWithValues: models),
            "cameras": Dictionary(uniqueKeysWithValues: cameras),
        ]
        return (ready, Self.serialize(body))
    }
}
