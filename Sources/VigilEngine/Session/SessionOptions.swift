/// How an `InferenceSession` is prepared.
public struct SessionOptions: Sendable {
    /// Threads for kernels and OpenBLAS (OpenBLAS's count is process-wide). Default: all cores.
    public var threads: Int
    /// Concrete shapes for inputs with dynamic dims, by input name. A dynamic leading (batch)
    /// dim not given here binds to 1; any other dynamic dim must be given.
    public var inputShapes: [String: [Int]]
    /// Run the optimisation passes (BatchNorm folding, activation and residual fusion).
    public var optimize: Bool

    public init(threads: Int = SessionOptions.defaultThreads, inputShapes: [String: [Int]] = [:], optimize: Bool = true) {
        self.threads = max(1, threads)
        self.inputShapes = inputShapes
        self.optimize = optimize
    }

    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }
}

import Foundation
