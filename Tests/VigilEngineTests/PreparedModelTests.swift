import Foundation
import Testing
@testable import VigilEngine

/// Sessions made from one `PreparedModel` share its kernels and weights but not their activations.
@Suite struct PreparedModelTests {
    @Test func sessionsOfOneModel_runConcurrentlyWithTheirOwnArenas() async throws {
        let (graph, _) = ConcatInPlaceTests().fireModule(batch: 1)
        let model = try PreparedModel(graph: graph, options: SessionOptions(threads: 1))
        let inputs = (0..<2).map { ConcatInPlaceTests.waves([1, 5, 17, 17], phase: Float($0) * 2 + 0.5) }
        // What each input gives on a session of its own model.
        let expected = try inputs.map { try InferenceSession(graph: graph, options: SessionOptions(threads: 1)).run(["x": $0])["y"]!.floats }
        #expect(expected[0] != expected[1])

        let sessions = [InferenceSession(model: model), InferenceSession(model: model)]
        #expect(sessions[0].outputBuffer(0).baseAddress != sessions[1].outputBuffer(0).baseAddress)
        let results = try await withThrowingTaskGroup(of: (Int, [[Float]]).self) { group in
            for (index, session) in sessions.enumerated() {
                group.addTask {
                    // Each session keeps running its own input while the other runs the other one.
                    try (index, (0..<50).map { _ in try session.run(["x": inputs[index]])["y"]!.floats })
                }
            }
            var results = [[[Float]]](repeating: [], count: 2)
            for try await (index, runs) in group { results[index] = runs }
            return results
        }
        for index in 0..<2 {
            #expect(results[index].allSatisfy { $0 == expected[index] }, "session \(index) gave another result")
        }
    }
}
