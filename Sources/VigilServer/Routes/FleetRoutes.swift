import Foundation
import Hummingbird

/// The fleet view of an instance configured with `fleet: true`: `GET /fleet` (page) and
/// `GET /api/fleet` (every node reporting to the broker, its cameras and recent events).
extension PredictionServer {
    func addFleetRoutes(to router: Router<BasicRequestContext>, fleet: FleetView) {
        router.get("/fleet") { _, _ in try Self.page("fleet.html") }
        router.get("/api/fleet") { _, _ in Self.json(fleet.json()) }
    }
}
