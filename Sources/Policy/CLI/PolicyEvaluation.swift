import Core
import Foundation

/// `portcullis policy eval`: one JSON request per input line, in the formats `cedarpy.is_authorized`
/// takes, one JSON decision per output line `{"decision","reasons","errors"}`.
public struct PolicyEvaluation: Sendable {
    public let policies: PolicySet
    /// Report `@id` annotations instead of the positional ids `policyN` the reference reports.
    public let annotationIDs: Bool

    public init(policies: PolicySet, annotationIDs: Bool = false) {
        self.policies = policies
        self.annotationIDs = annotationIDs
    }

    /// Decides one JSONL line and returns the output line (without newline).
    public func evaluate(line: String) -> String {
        do {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(line.utf8))
            let request = try Self.request(from: json)
            let result = policies.authorize(request)
            let ids = result.determining.map(id(of:))
            let errors = result.errors.map { "error while evaluating policy `\(id(of: $0.policy))`: \($0.error.message)" }
            return Self.outputLine(decision: result.decision.rawValue, reasons: ids, errors: errors)
        } catch let error as EntityError {
            return Self.outputLine(decision: "Deny", reasons: [], errors: ["invalid request: \(error.message)"])
        } catch {
            return Self.outputLine(decision: "Deny", reasons: [], errors: ["invalid request: not a JSON object"])
        }
    }

    private func id(of index: Int) -> String {
        annotationIDs ? policies.policies[index].id : policies.policies[index].positionalID
    }

    static func request(from json: JSONValue) throws(EntityError) -> AuthorizationRequest {
        guard case .object(let o) = json else { throw EntityError("a request must be a JSON object") }
        func uid(_ key: String) throws(EntityError) -> EntityUID {
            guard let v = o[key] else { throw EntityError("missing `\(key)`") }
            return try CedarJSON.entityUID(v)
        }
        var contextJSON = o["context"]
        if case .string(let text)? = contextJSON {
            contextJSON = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
            if contextJSON == nil { throw EntityError("context string is not JSON") }
        }
        let entities: EntityStore
        if let e = o["entities"], e != .null {
            entities = try EntityStore(CedarJSON.entities(e))
        } else {
            entities = .empty
        }
        return AuthorizationRequest(
            principal: try uid("principal"), action: try uid("action"), resource: try uid("resource"),
            context: try CedarJSON.context(contextJSON), entities: entities)
    }

    static func outputLine(decision: String, reasons: [String], errors: [String]) -> String {
        let r = reasons.map(JSONText.quote).joined(separator: ",")
        let e = errors.map(JSONText.quote).joined(separator: ",")
        return "{\"decision\":\"\(decision)\",\"reasons\":[\(r)],\"errors\":[\(e)]}"
    }
}

/// Minimal JSON string quoting for the CLI's output lines.
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}
