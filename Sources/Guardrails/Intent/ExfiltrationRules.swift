import Support

/// The response-side exfiltration rules (see `ExfiltrationDetector`).
enum ExfiltrationRules {
    /// The rule patterns end at the scheme; `urlExtension` grows the match over the URL, which keeps
    /// the patterns small (Vectorscan start-of-match tracking) and the stream hold-back bounded.
    static let url = #"<?https?://"#
    /// `[` and `]` are in: a pseudonym placeholder (`[EMAIL_1]`) echoed into a URL is data.
    static let urlExtension = SpanExtension.alphanumeric(plus: "-._~:/?#@!$&*+,;=%[]", limit: 1024)

    static func make(_ configuration: IntentConfiguration) -> [DetectorRule] {
        let allow = configuration.linkAllowList
        func link(_ id: String, _ pattern: String, withData: Double) -> DetectorRule {
            extended(DetectorRule(
                id: id, category: "exfiltration", pattern: pattern, caseless: true, directions: [.response],
                baseScore: withData,
                validate: { match, _ in
                    guard let link = LinkAssessment(in: match), link.carriesData,
                        !LinkAssessment.isAllowed(link.host, allowList: allow)
                    else { return nil }
                    return withData
                }))
        }
        var rules = [
            link("exfiltration.markdown_image", #"!\[[^\]\n]{0,100}\]\([ \t]{0,4}"# + url, withData: 0.95),
            link("exfiltration.html_image", #"<img\b[^>]{0,100}\bsrc[ \t]{0,4}=[ \t]{0,4}["']?"# + url, withData: 0.95),
            link("exfiltration.link_reference", #"\n[ \t]{0,3}\[[^\]\n]{1,40}\]:[ \t]{0,4}"# + url, withData: 0.85),
            extended(DetectorRule(
                id: "exfiltration.markdown_link", category: "exfiltration",
                pattern: #"\[[^\]\n]{0,100}\]\([ \t]{0,4}"# + url, caseless: true, directions: [.response], baseScore: 0.75,
                validate: { match, context in
                    // An image is reported by its own rule: skip `![...](...)` here.
                    if match.startIndex > context.startIndex, context[context.index(before: match.startIndex)] == "!" {
                        return nil
                    }
                    guard let link = LinkAssessment(in: match), link.carriesData,
                        !LinkAssessment.isAllowed(link.host, allowList: allow)
                    else { return nil }
                    return 0.75
                })),
        ]
        for (i, canary) in configuration.canaries.enumerated() {
            rules.append(
                DetectorRule(
                    id: "exfiltration.canary", category: "exfiltration", pattern: tolerantLiteral(canary), caseless: true,
                    directions: [.response], baseScore: 1, validate: { _, _ in 1 }))
            _ = i
        }
        if configuration.flagInstructions {
            rules += instructionRules(allow)
        }
        return rules
    }

    static func instructionRules(_ allow: [String]) -> [DetectorRule] {
        func fixed(_ id: String, _ pattern: String, _ score: Double) -> DetectorRule {
            DetectorRule(
                id: id, category: "exfiltration", pattern: pattern, caseless: true, directions: [.response],
                baseScore: score, validate: { _, _ in score })
        }
        return [
            fixed("exfiltration.run_command", #"\b(run|execute|paste|type|enter|copy)\b[^.\n]{0,40}\b(in|into|on|from)[ \t]{1,4}(your|a|the)[ \t]{1,4}(terminal|shell|console|command line|command prompt|powershell|cmd|run dialog|bash|browser console|devtools console)"#, 0.6),
            fixed("exfiltration.run_command", #"\b(open|launch|start|bring up)\b[^.\n]{0,20}\b(terminal|shell|console|command prompt|powershell|cmd)\b[^.\n]{0,40}\b(paste|run|type|enter|execute)\b"#, 0.6),
            fixed("exfiltration.run_command", #"\b(curl|wget)[ \t][^\n|]*\|[ \t]{0,4}(sudo[ \t]{1,4})?(ba|z|da|k)?sh\b"#, 0.8),
            fixed("exfiltration.run_command", #"\b(iex|invoke-expression)\b[^\n]{0,40}(new-object|iwr|invoke-webrequest|downloadstring|irm|invoke-restmethod)"#, 0.8),
            fixed("exfiltration.run_command", #"\bpowershell(\.exe)?[ \t]{1,4}(-\w+([ \t]{1,4}\w+)?[ \t]{1,4}){0,4}-(e|ec|enc|encodedcommand)[ \t]{1,4}[a-z0-9+/=]{20}"#, 0.85),
            fixed("exfiltration.run_command", #"\b(mshta|regsvr32|rundll32|certutil)(\.exe)?[ \t][^\n]{0,80}https?://"#, 0.8),
            extended(DetectorRule(
                id: "exfiltration.visit_url", category: "exfiltration",
                pattern: #"\b(visit|go to|open|click( on)?|navigate to|log ?in (at|to|on)|sign ?in (at|to|on)|head to|verify (your account )?at|download( it)? from)\b[^\n]{0,30}"# + url,
                caseless: true, directions: [.response], baseScore: 0.55,
                validate: { match, _ in
                    guard let link = LinkAssessment(in: match), !LinkAssessment.isAllowed(link.host, allowList: allow)
                    else { return nil }
                    return 0.55
                })),
        ]
    }

    static func extended(_ rule: DetectorRule) -> DetectorRule {
        var rule = rule
        rule.spanExtension = urlExtension
        return rule
    }

    /// Invisible characters a model (or an attacker's prompt) can slip between a canary's characters:
    /// zero-width space/joiners, bidi marks and embeddings, word joiner, BOM, soft hyphen (UTF-8 bytes).
    static let invisible = #"(?:\xE2\x80[\x8B-\x8F\xAA-\xAE]|\xE2\x81[\xA0-\xA4]|\xEF\xBB\xBF|\xC2\xAD)*"#

    /// `text` literally, with any run of invisible characters allowed between two of its characters.
    static func tolerantLiteral(_ text: String) -> String {
        text.unicodeScalars.map { literal(String($0)) }.joined(separator: invisible)
    }

    /// A Vectorscan pattern matching `text` literally.
    static func literal(_ text: String) -> String {
        var out = ""
        for b in text.utf8 {
            let isAlnum = (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
            if isAlnum {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                out += "\\x" + Hex.encode([b])
            }
        }
        return out
    }
}
