/// Something that shows the display decision: the Sense HAT's LEDs, a terminal, or both.
///
/// The display role parses each prediction message (`PredictionPayload`), decides
/// (`DisplayDecision`) and hands the decision to every configured display. Implementations map
/// the decision to a matrix with their `DisplayIcons`.
public protocol Display: Sendable {
    /// Shows the decision's icon, colour block, or nothing.
    func show(_ decision: DisplayDecision) throws
}
