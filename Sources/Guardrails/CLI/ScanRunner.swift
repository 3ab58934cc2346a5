import Core
import Dispatch
import Foundation

/// `portcullis scan`: JSONL `{"id","text"[,"role"]}` in, one `{"id","action","findings":[...]}` line out
/// per input line, in input order; offsets in Unicode scalars. Lines are scanned in parallel batches.
public enum ScanRunner {
    private struct Line: Decodable {
        var id: JSONValue?
        var text: String
        var role: String?
    }

    /// Reads `input` to its end and writes results to `output`. Returns the exit code (0; 1 when a line
    /// was not valid JSON — that line still gets an output line with `"action":"error"`).
    /// `threads`: workers scanning lines in parallel (default: one per core).
    public static func run(
        input: FileHandle, output: FileHandle, engine: GuardrailEngine, direction: Finding.Direction,
        threads: Int? = nil
    ) -> Int32 {
        let workers = max(1, threads ?? ProcessInfo.processInfo.activeProcessorCount)
        var carry = Data()
        var failed = false
        let batchBytes = 1 << 20
        while true {
            let chunk = input.readData(ofLength: batchBytes)
            if chunk.isEmpty { break }
            carry.append(chunk)
            guard let lastNewline = carry.lastIndex(of: 0x0A) else { continue }
            let complete = carry[carry.startIndex...lastNewline]
            let (text, ok) = process(complete, engine: engine, direction: direction, workers: workers)
            failed = failed || !ok
            output.write(text)
            carry = Data(carry[(lastNewline + 1)...])
        }
        if !carry.isEmpty {
            let (text, ok) = process(carry, engine: engine, direction: direction, workers: workers)
            failed = failed || !ok
            output.write(text)
        }
        return failed ? 1 : 0
    }

    /// Scans the complete lines in `data`; returns the output lines and whether all inputs parsed.
    static func process(_ data: Data, engine: GuardrailEngine, direction: Finding.Direction, workers: Int) -> (Data, Bool) {
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false).filter {
            !$0.allSatisfy { $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }
        }
        guard !lines.isEmpty else { return (Data(), true) }
        let results = ResultSlots(count: lines.count)
        let workers = min(lines.count, workers)
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            let decoder = JSONDecoder()
            var index = worker
            while index < lines.count {
                results.set(index, line(lines[index], decoder: decoder, engine: engine, direction: direction))
                index += workers
            }
        }
        var out = Data()
        var ok = true
        for result in results.values {
            out.append(result.text)
            ok = ok && result.ok
        }
        return (out, ok)
    }

    private static func line(
        _ raw: Data, decoder: JSONDecoder, engine: GuardrailEngine, direction: Finding.Direction
    ) -> (text: Data, ok: Bool) {
        guard let parsed = try? decoder.decode(Line.self, from: raw) else {
            return (Data(#"{"id":null,"action":"error","findings":[],"error":"expected a JSON object with a string 'text'"}"#.utf8) + [0x0A], false)
        }
        let findings = engine.scan(parsed.text, direction: direction, role: parsed.role.flatMap(AIMessage.Role.init(rawValue:)) ?? .user)
        if findings.contains(where: { $0.category == GuardrailEngine.unavailableCategory }) {
            var s = "{\"id\":"
            s += String(decoding: (parsed.id ?? .null).serialized(), as: UTF8.self)
            s += #","action":"error","findings":[],"error":"the scan could not run"}"# + "\n"
            return (Data(s.utf8), false)
        }
        let action = findings.map { engine.action(for: $0.category, direction: direction) }.max() ?? .allow
        var s = "{\"id\":"
        s += String(decoding: (parsed.id ?? .null).serialized(), as: UTF8.self)
        s += ",\"action\":\"\(action.rawValue)\",\"findings\":["
        for (i, f) in findings.enumerated() {
            if i > 0 { s += "," }
            s += "{\"detector\":"
            s += String(decoding: JSONValue.string(f.detector).serialized(), as: UTF8.self)
            s += ",\"category\":"
            s += String(decoding: JSONValue.string(f.category).serialized(), as: UTF8.self)
            s += ",\"start\":\(f.start),\"end\":\(f.end),\"score\":\((f.score * 1000).rounded() / 1000)}"
        }
        s += "]}\n"
        return (Data(s.utf8), true)
    }
}

/// Output slots filled by parallel workers, each index written by exactly one worker.
/// `@unchecked Sendable`: every index is written once, by one worker (index ≡ worker mod workers), and
/// read only after `concurrentPerform` returned, which orders all writes before the reads.
private final class ResultSlots: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<(text: Data, ok: Bool)>

    init(count: Int) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: (Data(), true))
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    func set(_ index: Int, _ value: (text: Data, ok: Bool)) { storage[index] = value }
    var values: UnsafeMutableBufferPointer<(text: Data, ok: Bool)> { storage }
}
