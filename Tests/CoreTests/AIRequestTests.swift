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
}
