import Core

extension JSONRPCMessage {
    /// The id of a body that `parse` refused, when it can still be read, so the error answer names the request
    /// it refuses: the body must be a JSON object whose `id` the envelope accepts for a request (a string or an
    /// integer). nil — answer with `null`, as JSON-RPC 2.0 asks when the id cannot be detected — for a body
    /// that is not JSON, not an object (a batch), or has no such id.
    public static func refusedID(_ bytes: [UInt8]) -> JSONValue? {
        guard let value = try? JSONParser.parse(bytes, maxDepth: maximumDepth), let id = value["id"] else { return nil }
        // The envelope's own rule for ids, applied to the smallest request that carries this one.
        return try? envelope(.object(["jsonrpc": .string("2.0"), "id": id, "method": .string("ping")])).id
    }
}
