/// Detection-specific ops. NonMaxSuppression produces a data-dependent number of boxes, which
/// a statically planned session cannot hold; Vigil's detectors decode and suppress in
/// VigilVision instead, so the op is rejected at load with that reason.
enum DetectionOps {
    static func register(_ table: inout [String: OperatorRegistry.Prepare]) {
        table["NonMaxSuppression"] = { ctx in
            throw ctx.error(.unsupportedOp, "NonMaxSuppression has a data-dependent output size, which Vigil's static memory plan does not support; export the model without in-graph NMS (Vigil applies NMS itself)")
        }
    }
}
