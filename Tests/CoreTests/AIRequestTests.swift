import Core
import Testing

/// What removing declared tools does to a request: the body, and the locations of every text and tool after them.
@Suite struct AIRequestTests {
    @Test("removing tools moves the texts and tools after them, and drops the texts inside them")
    func removingTools() {
        let body: JSONValue = ["tools": [["name": "a", "description": "da"], ["name": "b", "description": "db"], ["name": "c", "description": "dc"]]]
        var request = AIRequest(
            operation: .responses, model: "m",
            messages: ["a", "b", "c"].enumerated().map { AIMessage(role: .system, text: "d" + $1, location: JSONLocation(parsing: "tools[\($0)].description")!) },
            tools: ["a", "b", "c"].enumerated().map { AITool(name: $1, location: JSONLocation([.key("tools"), .index($0)]), execution: .client) },
            body: body)
        request.remove(tools: [request.tools[0], request.tools[1]])
        #expect(request.toolNames == ["c"])
        #expect(request.tools[0].location == "tools[0]")
        #expect(request.messages.map(\.text) == ["dc"])
        #expect(request.messages[0].location == "tools[0].description")
        #expect(request.body.value(at: request.messages[0].location) == "dc")
    }

    @Test("removing several tools of one array removes exactly those, whatever their order and index width")
    func removingSeveralTools() {
        let names = (0..<12).map { "t\($0)" }
        var request = AIRequest(
            operation: .responses, model: "m",
            messages: names.enumerated().map { AIMessage(role: .system, text: "d" + $1, location: JSONLocation([.key("tools"), .index($0), .key("description")])) },
            tools: names.enumerated().map { AITool(name: $1, location: JSONLocation([.key("tools"), .index($0)]), execution: .client) },
            body: ["tools": .array(names.map { ["name": .string($0), "description": .string("d" + $0)] })])
        request.remove(tools: [request.tools[2], request.tools[10], request.tools[3]])
        let kept = names.filter { !["t2", "t3", "t10"].contains($0) }
        #expect(request.toolNames == kept)
        #expect(request.body["tools"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == kept)
        for (i, tool) in request.tools.enumerated() { #expect(tool.location == JSONLocation([.key("tools"), .index(i)])) }
        for message in request.messages { #expect(request.body.value(at: message.location)?.stringValue == message.text) }
    }
}
