import Foundation
import Synchronization

/// Results of the pipeline benchmark, printed as one Markdown table plus notes.
final class StepTable: Sendable {
    private let rows = Mutex<[(String, [Double], Double)]>([])
    private let notes = Mutex<[String]>([])

    func add(_ name: String, samples: [Double], cpuMicroseconds: Double) {
        rows.withLock { $0.append((name, samples.sorted(), cpuMicroseconds)) }
    }

    func note(_ text: String) { notes.withLock { $0.append(text) } }

    func markdown(title: String) -> String {
        var out = "\(title)\n\n| step | p50 µs | p99 µs | mean CPU µs |\n|---|---|---|---|\n"
        for (name, s, cpu) in rows.withLock({ $0 }) {
            func pct(_ p: Double) -> Double { s.isEmpty ? 0 : s[min(s.count - 1, Int(Double(s.count) * p))] }
            out += String(format: "| %@ | %.1f | %.1f | %.1f |\n", name, pct(0.5), pct(0.99), cpu)
        }
        for n in notes.withLock({ $0 }) { out += "\n- " + n }
        return out + "\n"
    }
}
