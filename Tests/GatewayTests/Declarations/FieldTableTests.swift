import Foundation
import Testing

@testable import Gateway

/// docs/apis-fields.md is what the declarations say (`portcullis apis --markdown`).
@Suite struct FieldTableTests {
    @Test func theFieldTablesInTheDocsAreTheDeclarations() throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../../docs/apis-fields.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        let generated = DeclarationListing.all().map(\.markdown).joined(separator: "\n") + "\n"
        #expect(text.hasSuffix(generated), "docs/apis-fields.md is stale: regenerate it with `portcullis apis --markdown` (see its header)")
    }
}
