import Core
import Foundation

/// `portcullis policy decide` (hidden, for the differential test): each input line is a gateway-form
/// request `{"request": <as in a policy test file>, "model": {name, provider, hosting, ...}}`, decided by
/// `PolicyEngine.decide` exactly as the gateway does — action-scope prefilter, request-local principal and
/// model entities over the static ones. Each output line is the decision in the `policy eval` shape plus
/// `cedar`: the Cedar request the mapping built (`principal`, `action`, `resource`, `context` and the
/// request-local `entities`), so the reference engine can decide the same request.
public struct GatewayFormEvaluation: Sendable {
    public let engine: PolicyEngine

    public init(engine: PolicyEngine) { self.engine = engine }

    struct Line: Decodable {
        var request: TestRequest
        var model: TestModel?
    }

    public func evaluate(line: String) -> String {
        let parsed: Line
        do {
            parsed = try JSONDecoder().decode(Line.self, from: Data(line.utf8))
        } catch {
            return PolicyEvaluation.outputLine(decision: "Deny", reasons: [], errors: ["invalid request: \(error)"])
        }
        do {
            let query = try parsed.request.query(models: parsed.model.map { [$0.name: $0.descriptor] } ?? [:])
            let decision = engine.decide(query)
            let request = PolicyRequestMapping.request(for: query, entities: engine.entities)
            // Decision errors read `<policy id>: <message>`.
            let errors = decision.errors.map { e -> JSONValue in
                let (id, message) = e.firstRange(of: ": ").map { (e[..<$0.lowerBound], e[$0.upperBound...]) } ?? (Substring(e), "")
                return .string("error while evaluating policy `\(id)`: \(message)")
            }
            let out: JSONValue = [
                "decision": .string(decision.effect == .allow ? "Allow" : "Deny"),
                "reasons": .array(decision.determiningPolicies.map(JSONValue.string)), "errors": .array(errors),
                "cedar": [
                    "principal": CedarJSON.json(request.principal), "action": CedarJSON.json(request.action),
                    "resource": CedarJSON.json(request.resource), "context": CedarJSON.json(request.context),
                    "entities": .array(request.localEntities.map(CedarJSON.json)),
                ],
            ]
            return String(decoding: out.serialized(), as: UTF8.self)
        } catch {
            return PolicyEvaluation.outputLine(decision: "Deny", reasons: [], errors: ["invalid request: \(error)"])
        }
    }
}

extension PolicyCommands {
    /// `policy decide --policies FILE... [--entities FILE]`: see `GatewayFormEvaluation`.
    public static func decide(
        policyPaths: [String], entitiesPath: String?, readLine: () -> String?, output: (String) -> Void,
        errorOutput: (String) -> Void
    ) -> Int32 {
        let engine: PolicyEngine
        do {
            engine = try PolicySource(policyPaths: policyPaths, entitiesPath: entitiesPath, hasher: { _ in "" }).load()
        } catch {
            errorOutput(error.message)
            return 1
        }
        let evaluation = GatewayFormEvaluation(engine: engine)
        while let line = readLine() {
            if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) { continue }
            output(evaluation.evaluate(line: line))
        }
        return 0
    }
}
