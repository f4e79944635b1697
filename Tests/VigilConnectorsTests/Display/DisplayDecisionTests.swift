import VigilConnectors
import VigilCore
import XCTest

final class DisplayDecisionTests: XCTestCase {
    private func predictions(_ pairs: [(String, Double)]) -> [Prediction] {
        pairs.map { Prediction(probability: $0.1, tagId: .string(""), tagName: $0.0) }
    }

    func testDecision_highestAboveThreshold() {
        let decision = DisplayDecision(predictions: predictions([("apple", 0.7), ("banana", 0.9), ("lemon", 0.2)]), threshold: 0.5)
        XCTAssertEqual(decision, DisplayDecision(tagName: "banana", probability: 0.9))
    }

    func testDecision_atThreshold_isNothing_asSeed() {
        // The seed's MessageParser requires probability > threshold.
        XCTAssertEqual(DisplayDecision(predictions: predictions([("apple", 0.6)]), threshold: 0.6), .nothing)
    }

    func testDecision_tie_firstWins() {
        let decision = DisplayDecision(predictions: predictions([("apple", 0.8), ("banana", 0.8)]), threshold: 0.5)
        XCTAssertEqual(decision.tagName, "apple")
    }

    func testDecision_emptyOrNaN_isNothing() {
        XCTAssertEqual(DisplayDecision(predictions: []), .nothing)
        XCTAssertEqual(DisplayDecision(predictions: predictions([("apple", .nan)]), threshold: 0), .nothing)
    }

    func testDecision_defaultThreshold_isSeedDeployments() {
        XCTAssertEqual(DisplayDecision.defaultThreshold, 0.6)
        XCTAssertEqual(DisplayDecision(predictions: predictions([("apple", 0.59)])), .nothing)
        XCTAssertEqual(DisplayDecision(predictions: predictions([("apple", 0.61)])).tagName, "apple")
    }

    /// The seed's own unit test (SenseHatDisplay/test/UnitTests.py), case for case.
    func testDecision_seedUnitTestCases() {
        XCTAssertEqual(DisplayDecision(predictions: predictions([("Apple", 0.3), ("Banana", 0.4)]), threshold: 0.5), .nothing)
        XCTAssertEqual(DisplayDecision(predictions: predictions([("Apple", 0.5), ("Banana", 0.4)]), threshold: 0.3).tagName, "Apple")
        XCTAssertEqual(
            DisplayDecision(predictions: predictions([("Apple", 0.038001421838998795), ("Banana", 0.38567957282066345)]), threshold: 0.3).tagName,
            "Banana")
    }
}
