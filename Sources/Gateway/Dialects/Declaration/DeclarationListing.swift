import Core
import Foundation

/// The declarations of a dialect as rows — one per declared field, request and answer side — for the field
/// tables of docs/apis.md (`portcullis apis --markdown`) and for the check against the official SDK's typed
/// parameters (`portcullis apis --json`, tests/e2e/test_dialect_declarations.py).
public struct DeclarationListing: Sendable {
    public struct Row: Sendable, Hashable {
        /// `request` or `answer`, or the stream event type.
        public let part: String
        /// The field, array elements as `[]` and caller-chosen member names as `{*}`.
        public let path: String
        /// `text`, `tool`, `parameter`, `refused`, `schema` (arbitrary JSON the model reads: all of it text),
        /// `report` (a provider's structured report of API words and numbers), `mirror` (token logprobs), and
        /// the containers `object`, `array`, `map`.
        public let kind: String
        /// The role of a text, what a parameter may be, why a field is refused.
        public let detail: String
    }

    public let api: String
    public let rows: [Row]

    /// Every dialect's listing.
    public static func all() -> [DeclarationListing] {
        Dialects.all.map { dialect in
            var rows: [Row] = []
            if dialect.operation != .modelsList { Self.walk(.object(dialect.requestShape), part: "request", path: "", into: &rows) }
            Self.walk(.object(dialect.answerShape), part: "answer", path: "", into: &rows)
            if dialect.operation == .chatCompletions {
                Self.walk(.object(ChatAnswerShape.chunk), part: "stream chunk", path: "", into: &rows)
            }
            if dialect.operation == .responses {
                let common = Set(ResponsesEvents.common.map(\.0))
                for (name, shape) in ResponsesEvents.common { Self.walk(shape, part: "every event", path: name, into: &rows) }
                for (type, shape) in ResponsesEvents.shapes.sorted(by: { $0.key < $1.key }) {
                    let own = shape.members.filter { !common.contains($0.name) }
                    if own.isEmpty { rows.append(Row(part: "event " + type, path: "", kind: "parameter", detail: "no member beyond those of every event")) }
                    for member in own {
                        switch member.name {
                        case "response": rows.append(Row(part: "event " + type, path: "response", kind: "answer", detail: "the response object, declared as the answer"))
                        case "item": rows.append(Row(part: "event " + type, path: "item", kind: "answer", detail: "an output item, declared as the answer's output[]"))
                        default: Self.walk(member.shape, part: "event " + type, path: member.name, mirror: member.isMirror, into: &rows)
                        }
                    }
                }
                for (type, reason) in ResponsesEvents.refused.sorted(by: { $0.key < $1.key }) {
                    rows.append(Row(part: "event " + type, path: "", kind: "refused", detail: reason))
                }
            }
            if dialect.operation == .messages {
                for (type, shape) in MessagesAnswerShape.events.sorted(by: { $0.key < $1.key }) {
                    Self.walk(.object(shape), part: "event " + type, path: "", into: &rows)
                }
            }
            return DeclarationListing(api: dialect.operation.rawValue, rows: Self.deduplicated(rows))
        }
    }

    private static func deduplicated(_ rows: [Row]) -> [Row] {
        var seen = Set<Row>()
        return rows.filter { seen.insert($0).inserted }
    }

    static func walk(_ shape: FieldShape, part: String, path: String, mirror: Bool = false, into rows: inout [Row]) {
        func add(_ kind: String, _ detail: String) { rows.append(Row(part: part, path: path, kind: mirror ? "mirror" : kind, detail: detail)) }
        switch shape {
        case .text(let field):
            add("text", [field.role.map { "role \($0.rawValue)" }, Self.describe(field.form), field.isDelta ? "streamed piece" : nil]
                .compactMap { $0 }.joined(separator: ", "))
        case .parameter(let p):
            switch p {
            case .identifier where part == "request": add("parameter", p.expectation + "; inspected as text too")
            case .report: add("report", p.expectation)
            default: add("parameter", p.expectation)
            }
        case .object(let object):
            if object.tool != nil {
                add("tool", "offered to the model: its name feeds context.tools and @tools")
            } else if !path.isEmpty {
                add("object", "")
            }
            for member in object.members {
                walk(member.shape, part: part, path: path.isEmpty ? member.name : path + "." + member.name, mirror: mirror || member.isMirror, into: &rows)
            }
        case .array(let element):
            add("array", "")
            walk(element, part: part, path: path + "[]", mirror: mirror, into: &rows)
        case .either(let shapes):
            for s in shapes { walk(s, part: part, path: path, mirror: mirror, into: &rows) }
        case .variants(let variants):
            if !path.isEmpty { add("object", "one of several types") }
            let tagPath = path.isEmpty ? variants.tag : path + "." + variants.tag
            rows.append(Row(part: part, path: tagPath, kind: "parameter", detail: "one of " + variants.variants.map(\.tag).joined(separator: ", ")))
            for (tag, reason) in variants.refused {
                rows.append(Row(part: part, path: tagPath + "=" + tag, kind: "refused", detail: reason))
            }
            for variant in variants.variants { walk(.object(variant.shape), part: part, path: path, mirror: mirror, into: &rows) }
        case .freeform(let field):
            add("schema", "every member name and string is text" + (field.role.map { ", role \($0.rawValue)" } ?? ""))
        case .map(let keys, let values):
            add("map", "member names chosen by the caller")
            if keys != nil { rows.append(Row(part: part, path: path + "{*}", kind: mirror ? "mirror" : "text", detail: "member names")) }
            walk(values, part: part, path: path + "{*}", mirror: mirror, into: &rows)
        case .refused(let reason):
            add("refused", reason)
        }
    }

    private static func describe(_ form: TextField.Form) -> String? {
        switch form {
        case .prose: nil
        case .name: "a name"
        case .url: "a URL (inline data: pictures are not text)"
        case .json: "JSON text, \\u escapes decoded before inspection"
        }
    }

    /// The listing as markdown tables: one per part of the API.
    public var markdown: String {
        var out = "### `\(api)`\n"
        var part = ""
        for row in rows {
            if row.part != part {
                part = row.part
                out += "\n**\(part)**\n\n| field | kind | detail |\n|---|---|---|\n"
            }
            let field = row.path.isEmpty ? "(the event)" : "`\(row.path)`"
            out += "| \(field) | \(row.kind) | \(row.detail.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }
}

