import ArgumentParser
import Foundation
import VigilCore
import VigilEngine

/// `vigil bench MODEL`: inference latency of the engine alone (no decoding or preprocessing).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time inference: warm-up, then N runs; median and p90 latency, frames/s, peak memory.")

    @Argument(help: "Model bundle, folder or .onnx file.")
    var model: String

    @Option(help: "Inference threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Timed runs.")
    var runs: Int = 50

    @Option(help: "Untimed warm-up runs.")
    var warmup: Int = 10

    @Option(name: .customLong("input-shape"), help: "Bind a dynamic input: NAME=1,3,224,224.")
    var inputShape: [String] = []

    @Flag(help: "Print one JSON object.")
    var json = false

    @Flag(help: "Also print the time of every op (median over the runs), slowest first.")
    var profile = false

    func validate() throws {
        if threads < 1 { throw ValidationError("--threads must be at least 1") }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
        if warmup < 0 { throw ValidationError("--warmup must not be negative") }
    }

    func run() throws {
        let url = URL(fileURLWithPath: model)
        let loaded = try Console.attempt { try LoadedModel.load(url, inputShapes: try InputShapes.parse(inputShape), threads: threads) }
        let session = loaded.session
        // Input: the model folder's input.npy when it fits, else a fixed pseudo-random pattern.
        for index in session.inputs.indices where session.inputs[index].dtype == .float32 {
            let buffer = session.inputBuffer(index)
            let npy = loaded.file.deletingLastPathComponent().appendingPathComponent("input.npy")
            if let array = try? NumpyArray.read(contentsOf: npy), array.count == buffer.count {
                _ = buffer.update(from: array.floats)
            } else {
                var state: UInt32 = 12345
                for i in buffer.indices { state = state &* 1_664_525 &+ 1_013_904_223; buffer[i] = Float(state >> 8) / Float(1 << 24) }
            }
        }
        for _ in 0..<warmup { session.run() }
        var times: [Double] = []
        times.reserveCapacity(runs)
        let clock = ContinuousClock()
        for _ in 0..<runs {
            let start = clock.now
            session.run()
            let elapsed = start.duration(to: clock.now)
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        times.sort()
        let median = times.count % 2 == 1 ? times[times.count / 2] : (times[times.count / 2 - 1] + times[times.count / 2]) / 2
        let p90 = times[min(times.count - 1, Int((Double(times.count) * 0.9).rounded(.up)) - 1)]
        let mean = times.reduce(0, +) / Double(times.count)
        let peak = PeakMemory.residentMegabytes()
        if profile {
            let ops = session.profile(runs: runs)
            let total = ops.map(\.milliseconds).reduce(0, +)
            print("profile  \(ops.count) ops, \(String(format: "%.2f", total)) ms in total")
            for op in ops.sorted(by: { $0.milliseconds > $1.milliseconds }).prefix(25) {
                print(String(format: "  %7.3f ms %5.1f%%  ", op.milliseconds, op.milliseconds / total * 100) + "\(op.op) \(op.node)")
            }
        }
        if json {
            let fields: [(String, String)] = [
                ("model", JSONText.string(loaded.file.path)), ("threads", "\(threads)"), ("runs", "\(runs)"), ("warmup", "\(warmup)"),
                ("median_ms", JSONText.number(median)), ("p90_ms", JSONText.number(p90)), ("mean_ms", JSONText.number(mean)),
                ("min_ms", JSONText.number(times[0])), ("fps", JSONText.number(1000 / median)),
                ("gflops", JSONText.number(Double(session.flops) / 1e9)), ("peak_rss_mb", JSONText.number(peak)),
            ]
            print("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}")
        } else {
            print("model    \(loaded.file.path)")
            print("threads  \(threads), \(warmup) warm-up + \(runs) timed runs")
            print(String(format: "latency  median %.2f ms, p90 %.2f ms, mean %.2f ms, min %.2f ms", median, p90, mean, times[0]))
            print(String(format: "speed    %.1f frames/s, %.1f GFLOP/s", 1000 / median, Double(session.flops) / 1e6 / median))
            print(String(format: "memory   peak RSS %.1f MB", peak))
        }
    }
}

/// The process's peak resident set size (VmHWM on Linux).
enum PeakMemory {
    static func residentMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }
}
