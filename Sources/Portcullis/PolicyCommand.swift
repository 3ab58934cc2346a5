import ArgumentParser
import Foundation
import Policy

/// `portcullis policy check|test|eval`: thin wrappers over `PolicyCommands` in the Policy module.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Validate, test and evaluate Cedar policies.",
        subcommands: [Check.self, Test.self, Eval.self, Decide.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Parse and compile policy files; errors are printed as file:line:col: message.")

        @Argument(help: "Cedar policy files (.cedar), checked together as one policy set.")
        var files: [String]

        func run() async throws {
            let code = PolicyCommands.check(paths: files, output: { print($0) })
            if code != 0 { throw ExitCode(code) }
        }
    }

    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the expected decisions of a policy test file (YAML).")

        @Argument(help: "Test file: policies, optional entities and models, and cases with `expect: allow|deny`.")
        var file: String

        func run() async throws {
            let code = PolicyCommands.test(path: file, output: { print($0) })
            if code != 0 { throw ExitCode(code) }
        }
    }

    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide JSONL requests from stdin as cedarpy.is_authorized does.",
            discussion: """
                Each input line: {"principal","action","resource","context","entities"} in the Cedar JSON formats.
                Each output line: {"decision":"Allow"|"Deny","reasons":[policy ids],"errors":[...]}.
                """)

        @Option(name: .customLong("policies"), help: "Cedar policy file (repeat for several, concatenated in order).")
        var policies: [String]

        @Flag(name: .customLong("annotation-ids"), help: "Report @id annotations instead of the positional ids policy0, policy1, ...")
        var annotationIDs = false

        func run() async throws {
            let code = PolicyCommands.eval(
                policyPaths: policies, annotationIDs: annotationIDs, readLine: { Swift.readLine() },
                output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
                errorOutput: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
            if code != 0 { throw ExitCode(code) }
        }
    }

    /// Hidden: gateway-form requests through `PolicyEngine.decide`, for the differential test
    /// (tests/policy/gateway_differential.py). Not a stable contract.
    struct Decide: AsyncParsableCommand {
        static let configuration = CommandConfiguration(shouldDisplay: false)

        @Option(name: .customLong("policies")) var policies: [String]
        @Option(name: .customLong("entities")) var entities: String?

        func run() async throws {
            let code = PolicyCommands.decide(
                policyPaths: policies, entitiesPath: entities, readLine: { Swift.readLine() },
                output: { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) },
                errorOutput: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
            if code != 0 { throw ExitCode(code) }
        }
    }
}
