/// Credentials published in vendors' documentation and tutorials as examples (they work, if at all, only
/// against test sandboxes and appear in countless code samples): reported as placeholders, not secrets.
/// Exact values, so nothing else is excused. Sources: the vendors' API references and quick starts.
enum DocumentationKeys {
    static let values: Set<String> = [
        // Stripe API reference and quick starts (test mode).
        "sk_test_4eC39HqLyjWDarjtT1zdp7dc", "sk_test_BQokikJOvBiI2HlWgH4olfQ2", "sk_test_26PHem9AhJZvU623DfE1x4sd",
        "rk_test_4eC39HqLyjWDarjtT1zdp7dc",
        // AWS documentation example access key pairs.
        "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AKIAI44QH8DHBEXAMPLE",
        "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY",
        // Azure storage emulator (Azurite) well-known development account key.
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==",
        // jwt.io's introduction token (HS256, secret "your-256-bit-secret").
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
        // Slack API documentation sample bot token.
        "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
        // Google Maps JavaScript API documentation sample key.
        "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    ]

    static func contains<S: StringProtocol>(_ value: S) -> Bool { values.contains(String(value)) }
}
