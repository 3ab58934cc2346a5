import Core
import Testing
import MCP

@Suite("The id of a refused message")
struct RefusedIDTests {
    @Test(arguments: [
        (#"{"jsonrpc":"2.0","id":4,"method":"ping","params":[]}"#, JSONValue?.some(.integer(4))),
        (#"{"jsonrpc":"1.0","id":"a","method":"ping"}"#, .string("a")),
        (#"{"jsonrpc":"2.0","id":5,"method":"ping","extra":true}"#, .integer(5)),
        (#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#, nil),
        (#"{"jsonrpc":"2.0","method":"ping","params":1}"#, nil),
        (#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#, nil),
        (#"{"jsonrpc":"2.0","id":1,"#, nil),
    ])
    func readWhenTheEnvelopeWouldAcceptIt(_ text: String, _ id: JSONValue?) {
        #expect(JSONRPCMessage.refusedID(Array(text.utf8)) == id)
    }
}
