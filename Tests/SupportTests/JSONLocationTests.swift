import Support
import Testing

/// The one location syntax: written and parsed back the same, keys of any shape, member names addressed as
/// text, replacement and removal exactly where it points.
@Suite struct JSONLocationTests {
    @Test("written form round-trips, dots and quotes in keys included",
          arguments: ["messages[2].content[0].text", "input", "tools[0].function.parameters.properties[\"e-mail.to\"].description",
                      "properties{\"customer_email\"}", "a[\"with \\\"quote\\\"\"]{\"k.e.y\"}", "metadata{\"x\"}", "prompt.variables.name"])
    func roundTrip(_ text: String) throws {
        let location = try #require(JSONLocation(parsing: text))
        #expect(location.description == text)
        #expect(JSONLocation(parsing: location.description) == location)
    }

    @Test("malformed written forms are refused", arguments: [".a", "a..b", "a[x]", "a[-1]", "a[\"x]", "a{x}", "a[0]b", "a{\"k\"}c"])
    func malformed(_ text: String) {
        #expect(JSONLocation(parsing: text) == nil)
    }

    @Test("the empty location is the document itself")
    func root() {
        #expect(JSONLocation(parsing: "") == .root)
        #expect(JSONValue.object(["a": 1]).value(at: .root) == ["a": 1])
    }

    @Test("the template names the declared field, whatever the indices")
    func template() {
        let location: JSONLocation = "choices[3].message.tool_calls[1].function.arguments"
        #expect(location.template == "choices[].message.tool_calls[].function.arguments")
    }

    @Test("replace: a string where the location points; a member name renamed; nothing when it leads nowhere")
    func replace() {
        var body: JSONValue = ["messages": [["content": [["type": "text", "text": "x"]]]], "input": ["a", "b"], "schema": ["alice@x.com": ["type": "string"]]]
        do { let done = body.replace(at: "messages[0].content[0].text", with: "y"); #expect(done) }
        #expect(body["messages"]?[0]?["content"]?[0]?["text"]?.stringValue == "y")
        do { let done = body.replace(at: "input[1]", with: "c"); #expect(done) }
        #expect(body["input"]?[1]?.stringValue == "c")
        do { let done = body.replace(at: "messages[3].content", with: "z"); #expect(!done) }
        #expect(body.value(at: "schema{\"alice@x.com\"}") == .string("alice@x.com"))
        do { let done = body.replace(at: "schema{\"alice@x.com\"}", with: "[EMAIL_1]"); #expect(done) }
        #expect(body["schema"]?["[EMAIL_1]"]?["type"] == "string")
        #expect(body["schema"]?["alice@x.com"] == nil)
        do { let done = body.replace(at: "schema{\"missing\"}", with: "m"); #expect(!done) }
    }

    @Test("a rename that would collide with another member changes nothing")
    func renameCollision() {
        var body: JSONValue = ["a": 1, "b": 2]
        do { let done = body.replace(at: "{\"a\"}", with: "b"); #expect(!done) }
        #expect(body == ["a": 1, "b": 2])
    }

    @Test("remove: an array element shifts the rest; a member disappears")
    func remove() {
        var body: JSONValue = ["tools": ["t0", "t1", "t2"], "x": 1]
        do { let done = body.remove(at: "tools[1]"); #expect(done) }
        #expect(body["tools"] == ["t0", "t2"])
        do { let done = body.remove(at: "x"); #expect(done) }
        #expect(body["x"] == nil)
        do { let done = body.remove(at: "tools[5]"); #expect(!done) }
    }
}
