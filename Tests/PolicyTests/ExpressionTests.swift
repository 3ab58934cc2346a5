import Testing
@testable import Policy

@Suite("Cedar expressions")
struct ExpressionTests {
    @Test(arguments: [
        // literals, equality across types (never an error)
        ("1 == 1", true), ("1 == \"1\"", false), ("\"a\" != \"b\"", true), ("[1, 2] == [2, 1, 1]", true),
        ("{a: 1} == {\"a\": 1}", true), ("User::\"alice\" == principal", true), ("principal == resource", false),
        ("decimal(\"1.0\") == decimal(\"1.0000\")", true), ("ip(\"1.2.3.4\") == ip(\"1.2.3.4/32\")", true),
        ("ip(\"1.2.3.4/24\") == ip(\"1.2.3.0/24\")", false),
        // arithmetic and comparison
        ("1 + 2 * 3 == 7", true), ("-5 < -4", true), ("principal.n - -3 == 8", true), ("10 >= 10", true),
        ("-9223372036854775808 < 0", true), ("-(-1) == 1", true), ("!!true", true),
        // boolean logic and short-circuit
        ("false && (1 < \"a\")", false), ("true || (1 < \"a\")", true), ("!false", true),
        ("if principal.flag then 1 == 1 else 1 < \"x\"", true),
        // hierarchy
        ("principal in Org::\"o\"", true), ("principal in Team::\"t1\"", true), ("principal in principal", true),
        ("principal in [Doc::\"d\", Dept::\"d1\"]", true), ("principal in []", false), ("resource in Folder::\"f\"", true),
        ("User::\"nobody\" in Org::\"o\"", false), ("action in Action::\"readOnly\"", true),
        ("principal is User", true), ("principal is Team", false), ("principal is User in Dept::\"d1\"", true),
        ("resource is Doc in Org::\"o\"", false),
        // has, attributes
        ("principal has n", true), ("principal has missing", false), ("principal has \"s\"", true),
        ("principal has rec.inner.c", true), ("principal has rec.nope", false), ("User::\"nobody\" has n", false),
        ("context has purpose", true), ("principal.rec.inner.c", true), ("principal[\"rec\"][\"a\"] == 1", true),
        ("resource.owner == principal", true), ("{a: 1}.a == 1", true),
        // like
        ("\"summarise\" like \"sum*\"", true), ("\"abc\" like \"a*c\"", true), ("\"abc\" like \"*d\"", false),
        ("\"a*c\" like \"a\\*c\"", true), ("\"abc\" like \"a\\*c\"", false), ("\"a\\\\bc\" like \"a\\\\*c\"", true), ("\"\" like \"*\"", true),
        ("\"日本語\" like \"日*\"", true), ("\"aXbXc\" like \"*X*X*\"", true),
        // sets
        ("principal.tags.contains(\"a\")", true), ("[1, \"a\"].contains(\"a\")", true),
        ("principal.tags.containsAll([\"a\", \"b\"])", true), ("principal.tags.containsAll([\"a\", \"z\"])", false),
        ("principal.tags.containsAny([\"z\", \"b\"])", true), ("[].containsAny([])", false), ("[].isEmpty()", true),
        // extensions
        ("principal.ip.isInRange(ip(\"10.0.0.0/8\"))", true), ("ip(\"10.0.0.0/8\").isInRange(ip(\"10.1.0.0/16\"))", false),
        ("ip(\"::1\").isIpv6()", true), ("ip(\"127.0.0.1\").isLoopback()", true), ("ip(\"127.1.2.3/4\").isLoopback()", false),
        ("ip(\"224.0.0.1\").isMulticast()", true), ("ip(\"ff02::1\").isMulticast()", true), ("ip(\"10.0.0.1\").isIpv4()", true),
        ("ip(\"2001:db8::1\").isInRange(ip(\"2001:db8::/32\"))", true), ("ip(\"10.0.0.1\").isInRange(ip(\"::/0\"))", false),
        ("decimal(\"1.5\").lessThan(decimal(\"2.25\"))", true), ("decimal(\"-1.5\").greaterThanOrEqual(decimal(\"-1.5\"))", true),
        ("decimal(\"-0.0001\").greaterThan(decimal(\"0.0\"))", false),
        // tags
        ("principal.hasTag(\"env\")", true), ("principal.getTag(\"env\") == \"prod\"", true),
        // escapes are processed before wildcards: only `\*` is a literal star
        ("\"xb\" like \"\\u{2a}b\"", true), ("\"xb\" like \"\\x2ab\"", true), ("\"xb\" like \"\\*b\"", false),
        // extension-function arity is checked at evaluation, so short-circuit skips it
        ("false && ip()", false), ("true || decimal(\"1.0\").lessThan()", true), ("!!!!true", true), ("----1 == 1", true),
        // strings with escapes
        ("\"a\\u{41}\\n\" == \"aA\\n\"", true),
    ])
    func evaluatesTo(expression: String, expected: Bool) throws {
        #expect(try Fixtures.evaluate(expression).get() == .bool(expected), "\(expression)")
    }

    @Test(arguments: [
        ("1 < \"a\"", "type error"), ("true && 1", "type error"), ("false || 1", "type error"), ("!1", "type error"),
        ("-\"a\"", "type error"), ("if 1 then true else false", "type error"),
        ("9223372036854775807 + 1", "overflow"), ("-9223372036854775808 - 1", "overflow"),
        ("4611686018427387904 * 2", "overflow"), ("-(-9223372036854775808)", "overflow"),
        ("principal.missing", "does not have the attribute"), ("context.nope", "does not have the attribute"),
        ("User::\"nobody\".n", "does not exist"), ("1 has x", "type error"), ("principal.n like \"*\"", "type error"),
        ("1 in Org::\"o\"", "type error"), ("principal in 1", "type error"), ("principal in [Org::\"o\", 1]", "type error"),
        ("principal.n.contains(1)", "type error"), ("[1].containsAll(1)", "type error"),
        ("ip(\"bad\")", "invalid IP"), ("ip(\"1.2.3.4/33\")", "prefix"), ("ip(\"::ffff:1.2.3.4\")", "IPv4 embedded"),
        ("decimal(\"1\")", "well-formed"), ("decimal(\"1.23456\")", "too many digits"),
        ("decimal(\"922337203685477.5808\")", "overflow"), ("decimal(\"1.5\") < decimal(\"2.0\")", "type error"),
        ("ip(principal.n)", "type error"), ("principal.n.lessThan(1)", "type error"), ("1 is User", "type error"),
        ("principal.getTag(\"nope\")", "does not have the tag"), ("ip(\"1\", \"2\")", "wrong number of arguments"),
        ("ip(\"1.2.3.4\").isIpv4(1)", "wrong number of arguments"), ("decimal(\"1.0\").lessThan()", "wrong number of arguments"), ("principal.tags.containsAny([\"a\"]) && principal.isEmpty()", "type error"), ("!-1 == 1", "type error"),
    ])
    func failsWith(expression: String, fragment: String) throws {
        guard case .failure(let error) = try Fixtures.evaluate(expression) else {
            Issue.record("\(expression) did not fail")
            return
        }
        #expect(error.message.contains(fragment), "\(expression): \(error.message)")
    }

    @Test func equalityOfDifferentTypesIsFalseNotError() throws {
        #expect(try Fixtures.evaluate("principal == 1").get() == .bool(false))
        #expect(try Fixtures.evaluate("ip(\"1.2.3.4\") == decimal(\"1.0\")").get() == .bool(false))
    }

    @Test func constantsAreFoldedAtCompileTime() throws {
        var parser = Parser(tokens: try Lexer.tokenize("[1, \"a\", User::\"x\", ip(\"10.0.0.1\"), {k: decimal(\"1.5\")}]"))
        guard case .literal(.set(let s)) = try parser.expression() else {
            Issue.record("set of constants was not folded")
            return
        }
        #expect(s.count == 5)
    }
}
