import Core

/// JWT headers and claims are parsed with Core's strict `JSONParser` (duplicate member names refused,
/// RFC 7515 §5.2), with nesting limited to 32 levels for tokens.
enum TokenJSON {
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes, maxDepth: 32)
    }
}
