import Core
import Foundation
import Yams

/// The logic of `portcullis policy check|test|eval`; the executable's command only wires streams.
/// Each returns the process exit code.
public enum PolicyCommands {
    /// Validates policy files: prints `file:line:col: message` per error, exit 1 on any error.
    public static func check(paths: [String], output: (String) -> Void) -> Int32 {
        var failed = false
        var sources: [PolicySet.Source] = []
        for path in paths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                output("\(path): cannot read file")
                failed = true
                continue
            }
            do {
                _ = try PolicySet(sources: [.init(name: path, text: text)])
                sources.append(.init(name: path, text: text))
            } catch {
                output(error.description)
                failed = true
            }
        }
        if failed { return 1 }
        do {
            let set = try PolicySet(sources: sources)
            _ = try PolicyEngine(policies: set, hasher: { _ in "" })
            output("ok: \(set.policies.count) policies in \(paths.count) file(s)")
            return 0
        } catch let error as PolicySetError {
            output(error.description)
        } catch {
            output("\(error)")
        }
        return 1
    }

    /// Runs a YAML test file; prints one line per case and a summary. Exit 1 on any failure.
    public static func test(path: String, output: (String) -> Void) -> Int32 {
        let file: PolicyTestFile
        do {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            file = try YAMLDecoder().decode(PolicyTestFile.self, from: text)
        } catch {
            output("\(path): \(Self.describe(error))")
            return 1
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).path }
        let engine: PolicyEngine
        do {
            engine = try PolicySource(
                policyPaths: file.policies.map(resolve), entitiesPath: file.entities.map(resolve),
                actionGroups: file.actionGroups ?? PolicyEngine.defaultActionGroups, hasher: { _ in "" }
            ).load()
        } catch {
            output(error.message)
            return 1
        }
        let models = Dictionary(file.models.map { ($0.name, $0.descriptor) }, uniquingKeysWith: { a, _ in a })
        var failures = 0
        for testCase in file.cases {
            let problems = PolicyTestRunner.run(testCase, engine: engine, models: models)
            if problems.isEmpty {
                output("PASS \(testCase.name)")
            } else {
                failures += 1
                output("FAIL \(testCase.name): \(problems.joined(separator: "; "))")
            }
        }
        output("\(file.cases.count - failures) passed, \(failures) failed")
        return failures == 0 ? 0 : 1
    }

    /// Decides JSONL requests from `readLine` until it returns nil, writing one JSON line per request.
    public static func eval(
        policyPaths: [String], annotationIDs: Bool = false, readLine: () -> String?, output: (String) -> Void,
        errorOutput: (String) -> Void
    ) -> Int32 {
        let set: PolicySet
        do {
            // As the reference: a duplicate `@id` is just an annotation (reasons are positional ids).
            set = try PolicySource.readPolicies(policyPaths, uniqueIDs: false)
        } catch {
            errorOutput(error.message)
            return 1
        }
        let evaluation = PolicyEvaluation(policies: set, annotationIDs: annotationIDs)
        while let line = readLine() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            output(evaluation.evaluate(line: line))
        }
        return 0
    }

    static func describe(_ error: any Error) -> String {
        if let d = error as? DecodingError {
            switch d {
            case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c):
                let path = c.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
                if case .keyNotFound(let key, _) = d { return "\(path): missing key '\(key.stringValue)'" }
                return "\(path.isEmpty ? "" : path + ": ")\(c.debugDescription)"
            @unknown default: break
            }
        }
        return "\(error)"
    }
}
