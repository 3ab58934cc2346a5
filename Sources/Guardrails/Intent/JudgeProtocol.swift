import Foundation

/// Request and answer formats of the two judge kinds, mapped onto `harmful.<kind>`.
enum JudgeProtocol {
    static func requestBody(_ text: String, configuration: ExternalJudgeConfiguration) -> [UInt8] {
        let object: [String: Any]
        switch configuration.kind {
        case .moderation:
            object = ["model": configuration.model ?? "omni-moderation-latest", "input": text]
        case .chat:
            object = [
                "model": configuration.model ?? "llama-guard", "temperature": 0, "max_tokens": 32,
                "messages": [["role": "user", "content": text]],
            ]
        }
        return [UInt8]((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Harmful kinds the answer flags (empty = safe). Throws `JudgeFailure.unreadable`.
    static func flaggedKinds(_ body: [UInt8], kind: ExternalJudgeConfiguration.Kind) throws -> [String] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            throw JudgeFailure.unreadable
        }
        switch kind {
        case .moderation:
            guard let results = root["results"] as? [[String: Any]], !results.isEmpty else { throw JudgeFailure.unreadable }
            var kinds: [String] = []
            for result in results where (result["flagged"] as? Bool) == true {
                let categories = (result["categories"] as? [String: Any]) ?? [:]
                let flagged = categories.filter { ($0.value as? Bool) == true }.map(\.key).sorted()
                let mapped = flagged.map(moderationKind)
                kinds += mapped.isEmpty ? ["other"] : mapped
            }
            return unique(kinds)
        case .chat:
            guard let choices = root["choices"] as? [[String: Any]],
                let message = choices.first?["message"] as? [String: Any],
                let content = message["content"] as? String
            else { throw JudgeFailure.unreadable }
            let trimmed = content.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            if trimmed.hasPrefix("safe") { return [] }
            guard trimmed.hasPrefix("unsafe") else { throw JudgeFailure.unreadable }
            let codes = trimmed.dropFirst(6).split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            let mapped = codes.map { llamaGuardKind(String($0)) }
            return unique(mapped.isEmpty ? ["other"] : mapped)
        }
    }

    /// OpenAI moderation categories → harmful kinds.
    static func moderationKind(_ category: String) -> String {
        switch category {
        case "sexual/minors": "sexual_minors"
        case let c where c.hasPrefix("self-harm"): "self_harm"
        case let c where c.hasPrefix("hate") || c.hasPrefix("harassment"): "hate"
        case "illicit/violent": "weapons"
        case let c where c.hasPrefix("violence"): "weapons"
        case "illicit": "fraud"
        default: "other"
        }
    }

    /// Llama Guard 3 hazard codes → harmful kinds.
    static func llamaGuardKind(_ code: String) -> String {
        switch code {
        case "s1", "s9": "weapons"
        case "s2": "fraud"
        case "s4": "sexual_minors"
        case "s10": "hate"
        case "s11": "self_harm"
        case "s14": "malware"
        default: "other"
        }
    }

    private static func unique(_ kinds: [String]) -> [String] {
        var seen = Set<String>()
        return kinds.filter { seen.insert($0).inserted }
    }
}
