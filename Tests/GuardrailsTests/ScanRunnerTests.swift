import Core
import Foundation
import Testing

@testable import Guardrails

@Suite("scan CLI runner")
struct ScanRunnerTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration(), directions: [.request])

    func run(_ input: String, threads: Int = 2) throws -> (lines: [[String: Any]], code: Int32) {
        let inPipe = Pipe(), outPipe = Pipe()
        let writer = Thread {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        writer.start()
        let code = ScanRunner.run(
            input: inPipe.fileHandleForReading, output: outPipe.fileHandleForWriting, engine: Self.engine,
            direction: .request, threads: threads)
        try outPipe.fileHandleForWriting.close()
        let data = outPipe.fileHandleForReading.readDataToEndOfFile()
        let lines = try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
        return (lines, code)
    }

    @Test("one output line per input line, in order, ids echoed, scalar offsets")
    func contract() throws {
        var input = ""
        for i in 0..<300 {
            input += #"{"id":"r\#(i)","text":"👋🏽 é mail x\#(i)@example.com"}"# + "\n"
        }
        input += #"{"id":7,"text":"nothing here","role":"system"}"#  // no trailing newline
        let (lines, code) = try run(input)
        #expect(code == 0)
        #expect(lines.count == 301)
        #expect(lines[0]["id"] as? String == "r0")
        #expect(lines[299]["id"] as? String == "r299")
        #expect(lines[300]["id"] as? Int == 7)
        #expect(lines[300]["action"] as? String == "allow")
        let finding = (lines[5]["findings"] as? [[String: Any]])?.first
        #expect(finding?["category"] as? String == "pii.email")
        #expect(finding?["detector"] as? String == "pii.email")
        #expect(finding?["start"] as? Int == 10)  // 👋🏽 is two scalars
        #expect(finding?["end"] as? Int == 10 + "x5@example.com".count)
        #expect(lines[5]["action"] as? String == "flag")
    }

    @Test("secrets make the action redact under the default profile; bad lines get an error line and exit 1")
    func actionsAndErrors() throws {
        let input = #"{"id":1,"text":"key AKIAZ7QW3ERT5YUI2OPL"}"# + "\nnot json\n" + #"{"id":3,"text":"ok"}"# + "\n"
        let (lines, code) = try run(input, threads: 1)
        #expect(code == 1)
        #expect(lines.count == 3)
        #expect(lines[0]["action"] as? String == "redact")
        #expect(lines[1]["action"] as? String == "error")
        #expect(lines[2]["id"] as? Int == 3)
    }
}
