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
            // Cedar JSON numbers are integers; the reference refuses `1.0`, `1e0` and `-0` before deciding.
            if Self.hasNonIntegerNumber(line) {
                throw EntityError("floating-point numbers are not Cedar values")
            }
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

    /// Whether a number token outside strings has a fraction, an exponent, or is `-0`.
    static func hasNonIntegerNumber(_ json: String) -> Bool {
        var inString = false, escaped = false
        var token: [UInt8] = []
        func bad() -> Bool {
            defer { token.removeAll(keepingCapacity: true) }
            return token.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
                || token == Array("-0".utf8)
        }
        for c in json.utf8 {
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            let isDigit = c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
            if isDigit || c == UInt8(ascii: "-") || (!token.isEmpty && (c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
                || c == UInt8(ascii: "e") || c == UInt8(ascii: "E")))
            {
                token.append(c)
                continue
            }
            if bad() { return true }
            if c == UInt8(ascii: "\"") { inString = true }
        }
        return bad()
    }

    static func outputLine(decision: String, reasons: [String], errors: [String]) -> String {
        let quote = { (s: String) in String(decoding: JSONValue.string(s).serialized(), as: UTF8.self) }
        let r = reasons.map(quote).joined(separator: ",")
        let e = errors.map(quote).joined(separator: ",")
        return "{\"decision\":\"\(decision)\",\"reasons\":[\(r)],\"errors\":[\(e)]}"
    }
}
