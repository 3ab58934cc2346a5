import Core

@testable import Gateway

/// Builds test documents from a dialect's declarations: every place text can sit (a route through the
/// declaration to a text field, a schema, a caller-chosen member name), and for each a minimal document that
/// is valid under the declaration and carries a planted string exactly there. Also every object a field
/// nobody declared could be added to. The matrix tests are generated from these, so a field added to a
/// declaration is tested without anyone writing a test for it.
enum DeclaredSamples {
    enum Step: Hashable {
        case member(String), element, alternative(Int), variant(String), schemaValue, schemaName, mapKey, mapValue
    }

    struct Route: Hashable {
        var steps: [Step]
        /// The field's template (`messages[].content[].text`, `metadata{*}`).
        var template: String
        var isDelta: Bool
        /// An id: planted without spaces (it must stay an identifier).
        var isIdentifier: Bool
    }

    /// Every route to a text-bearing place. `identifiers`: ids count as text (requests inspect them too).
    static func textRoutes(_ shape: FieldShape, identifiers: Bool) -> [Route] {
        var out: [Route] = []
        walk(shape, [], "", identifiers: identifiers, mirror: false, objects: nil, into: &out)
        var seen = Set<String>()
        return out.filter { seen.insert($0.template + ($0.isDelta ? "#delta" : "")).inserted }
    }

    /// Every route to an object (where an undeclared member could be added).
    static func objectRoutes(_ shape: FieldShape) -> [Route] {
        var texts: [Route] = []
        var objects: [Route] = [Route(steps: [], template: "", isDelta: false, isIdentifier: false)]
        walk(shape, [], "", identifiers: false, mirror: false, objects: &objects, into: &texts)
        var seen = Set<String>()
        return objects.filter { seen.insert($0.template).inserted }
    }

    private static func walk(
        _ shape: FieldShape, _ steps: [Step], _ template: String, identifiers: Bool, mirror: Bool, objects: UnsafeMutablePointer<[Route]>?,
        into out: inout [Route]
    ) {
        func join(_ name: String) -> String { template.isEmpty ? name : template + "." + name }
        switch shape {
        case .text(let field):
            if !mirror { out.append(Route(steps: steps, template: template, isDelta: field.isDelta, isIdentifier: false)) }
        case .parameter(.identifier):
            if identifiers { out.append(Route(steps: steps, template: template, isDelta: false, isIdentifier: true)) }
        case .parameter, .refused:
            break
        case .object(let object):
            members(object, steps, template, identifiers: identifiers, mirror: mirror, objects: objects, into: &out)
        case .array(let element):
            walk(element, steps + [.element], template + "[]", identifiers: identifiers, mirror: mirror, objects: objects, into: &out)
        case .either(let shapes):
            for (i, s) in shapes.enumerated() {
                walk(s, steps + [.alternative(i)], template, identifiers: identifiers, mirror: mirror, objects: objects, into: &out)
            }
        case .variants(let variants):
            for variant in variants.variants {
                members(variant.shape, steps + [.variant(variant.tag)], template, identifiers: identifiers, mirror: mirror, objects: objects, into: &out)
            }
        case .freeform:
            guard !mirror else { return }
            out.append(Route(steps: steps + [.schemaValue], template: template + "{value}", isDelta: false, isIdentifier: false))
            out.append(Route(steps: steps + [.schemaName], template: template + "{name}", isDelta: false, isIdentifier: false))
        case .map(let keys, let values):
            if keys != nil, !mirror { out.append(Route(steps: steps + [.mapKey], template: template + "{key}", isDelta: false, isIdentifier: false)) }
            walk(values, steps + [.mapValue], template + "{*}", identifiers: identifiers, mirror: mirror, objects: objects, into: &out)
        }
    }

    private static func members(
        _ object: ObjectShape, _ steps: [Step], _ template: String, identifiers: Bool, mirror: Bool, objects: UnsafeMutablePointer<[Route]>?,
        into out: inout [Route]
    ) {
        objects?.pointee.append(Route(steps: steps, template: template, isDelta: false, isIdentifier: false))
        for m in object.members {
            walk(m.shape, steps + [.member(m.name)], template.isEmpty ? m.name : template + "." + m.name, identifiers: identifiers,
                 mirror: mirror || m.isMirror, objects: objects, into: &out)
        }
    }

    // MARK: documents

    /// A minimal valid document of `shape` with `planted` where `route` leads (for an object route, the
    /// unknown member `planted` added to that object).
    static func document(_ shape: FieldShape, _ route: [Step], planting planted: JSONValue, unknownMember: Bool = false) -> JSONValue {
        build(shape, route[...], planted, unknownMember)
    }

    private static func build(_ shape: FieldShape, _ route: ArraySlice<Step>, _ planted: JSONValue, _ unknown: Bool) -> JSONValue {
        guard let step = route.first else {
            if unknown, case .object(var o) = example(shape) {
                o["x_undeclared_field"] = planted
                return .object(o)
            }
            if unknown, case .variants(let v) = shape, let first = v.variants.first {
                var o = objectExample(first.shape, tag: (v.tag, first.tag)).objectValue ?? [:]
                o["x_undeclared_field"] = planted
                return .object(o)
            }
            return planted
        }
        let rest = route.dropFirst()
        switch (shape, step) {
        case (.object(let object), .member(let name)):
            var o = objectExample(object, tag: nil).objectValue ?? [:]
            o[name] = build(object[name]!.shape, rest, planted, unknown)
            return .object(o)
        case (.array(let element), .element):
            return [build(element, rest, planted, unknown)]
        case (.either(let shapes), .alternative(let i)):
            return build(shapes[i], rest, planted, unknown)
        case (.variants(let variants), .variant(let tag)):
            let object = variants.shape(for: tag)!
            var o = objectExample(object, tag: (variants.tag, tag)).objectValue ?? [:]
            if case .member(let name)? = rest.first {
                o[name] = build(object[name]!.shape, rest.dropFirst(), planted, unknown)
            } else if unknown, rest.isEmpty {
                o["x_undeclared_field"] = planted
            }
            return .object(o)
        case (.freeform, .schemaValue):
            return ["description": planted]
        case (.freeform, .schemaName):
            return .object([planted.stringValue ?? "x": "string"])
        case (.map(_, let values), .mapKey):
            return .object([planted.stringValue ?? "x": example(values)])
        case (.map(_, let values), .mapValue):
            return ["k": build(values, rest, planted, unknown)]
        default:
            preconditionFailure("route \(route) does not fit \(shape)")
        }
    }

    private static func objectExample(_ object: ObjectShape, tag: (String, String)?) -> JSONValue {
        var o: [String: JSONValue] = [:]
        for m in object.members where m.required { o[m.name] = example(m.shape) }
        if let (key, value) = tag { o[key] = .string(value) }
        return .object(o)
    }

    /// A minimal valid value.
    static func example(_ shape: FieldShape) -> JSONValue {
        switch shape {
        case .text: return "hello"
        case .parameter(let p):
            switch p {
            case .boolean, .off: return false
            case .integer(let r): return .integer(r.contains(1) ? 1 : r.lowerBound)
            case .number(let r): return .number(r.contains(0) ? 0 : r.lowerBound)
            case .oneOf(let words): return .string(words.sorted()[0])
            case .identifier: return "id_1"
            case .opaque: return "opaque"
            case .model: return "m"
            case .null: return .null
            case .stringFree: return 1
            case .report: return "ok"
            }
        case .object(let object): return objectExample(object, tag: nil)
        case .array(let element): return [example(element)]
        case .either(let shapes): return example(shapes[0])
        case .variants(let v): return objectExample(v.variants[0].shape, tag: (v.tag, v.variants[0].tag))
        case .freeform, .map: return [:]
        case .refused: return .null
        }
    }
}
