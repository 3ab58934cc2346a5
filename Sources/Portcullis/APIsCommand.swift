import ArgumentParser
import Foundation
import Gateway

/// `portcullis apis [--json | --markdown]`: every field of every client API the gateway speaks, as its dialect
/// declares it — what is inspected as text, what declares a tool, what is a checked parameter, what is refused.
struct APIsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apis", abstract: "List every declared field of every client API (request, answer, stream events).")

    @Flag(help: "One JSON object per line: {\"api\",\"part\",\"path\",\"kind\",\"detail\"}.") var json = false
    @Flag(help: "Markdown tables (the field tables of docs/apis.md).") var markdown = false

    func run() throws {
        let listings = DeclarationListing.all()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            for listing in listings {
                for row in listing.rows {
                    let line = ["api": listing.api, "part": row.part, "path": row.path, "kind": row.kind, "detail": row.detail]
                    print(String(decoding: try encoder.encode(line), as: UTF8.self))
                }
            }
        } else {
            print(listings.map(\.markdown).joined(separator: "\n"))
        }
    }
}
