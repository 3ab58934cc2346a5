import Core
import Testing

@testable import Guardrails

@Suite("Detector catalogue")
struct DetectorTests {
    static let engine = try! GuardrailEngine(configuration: GuardrailsConfiguration())

    func findings(_ text: String) -> [Finding] { Self.engine.scan(text, direction: .request) }

    @Test("every sample is found with its category and exact span", arguments: DetectorSamples.positives)
    func truePositive(_ sample: (String, String)) {
        let (value, category) = sample
        let text = "Please note \(value) for later."
        let hits = findings(text)
        let start = 12
        #expect(hits.contains { $0.category == category && $0.start == start && $0.end == start + value.unicodeScalars.count },
                "\(category) in \(text): \(hits)")
    }

    @Test("samples with context words", arguments: DetectorSamples.contextual)
    func contextual(_ sample: (String, String, String)) {
        let (text, category, value) = sample
        let scalars = Array(text.unicodeScalars)
        let hits = findings(text)
        let found = hits.first { $0.category == category }
        #expect(found != nil, "\(category) in \(text): \(hits)")
        if let found {
            #expect(String(String.UnicodeScalarView(scalars[found.start..<found.end])) == value)
        }
    }

    @Test("context words decide: the same digits without them are not reported")
    func contextRequired() {
        #expect(findings("Reference K12345678 attached").allSatisfy { $0.category != "pii.passport" })
        #expect(findings("Meeting on 14/07/1985 went well").allSatisfy { $0.category != "pii.date_of_birth" })
        #expect(findings("Item 12345678 is in stock").allSatisfy { $0.category != "pii.bank_account" })
        #expect(findings("the password is required").isEmpty)
    }

    @Test("near misses: checksums, placeholders and look-alikes", arguments: DetectorSamples.negatives)
    func nearMiss(_ text: String) {
        #expect(findings(text).isEmpty, "\(text): \(findings(text))")
    }

    @Test("offsets are Unicode scalars, across emoji, accents and CJK")
    func unicodeOffsets() {
        let text = "Héllo 👋🏽 你好, write to ana@exämple.com or ana@example.com\nS1234567D"
        let hits = findings(text)
        let scalars = Array(text.unicodeScalars)
        let values = hits.map { String(String.UnicodeScalarView(scalars[$0.start..<$0.end])) }
        #expect(values.contains("ana@example.com"))
        #expect(values.contains("S1234567D"))
        #expect(hits.first { $0.category == "pii.sg_nric" }?.start == scalars.count - 9)
    }

    @Test("multi-line input: PEM private key block is one finding, header to footer")
    func pemBlock() {
        let text = "config:\n\(DetectorSamples.pemKey)\nend"
        let hits = findings(text)
        let key = hits.first { $0.category == "secret.private_key" }
        #expect(key?.start == 8)
        #expect(key?.end == 8 + DetectorSamples.pemKey.unicodeScalars.count)
    }

    @Test("a value inside a longer token is not reported")
    func boundaries() {
        #expect(findings("xS1234567Dx").isEmpty)
        #expect(findings("41111111111111119").allSatisfy { $0.category != "pii.credit_card" })
        #expect(findings("v192.168.1.1").isEmpty)
    }

    @Test("overlapping candidates: the best one wins")
    func dedupe() {
        let hits = findings("card 4111 1111 1111 1111")
        #expect(hits.count == 1)
        #expect(hits.first?.category == "pii.credit_card")
    }

    @Test("a password in a URL is a URL credential, not an e-mail address")
    func urlCredentialsBeatEmail() {
        let hits = findings("connect to https://admin:Hunter2pass9@internal.acme.io now")
        #expect(hits.map(\.category) == ["secret.url_credentials"])
        #expect(findings("clone https://deploy@git.acme.io/repo").allSatisfy { $0.category != "pii.email" })
        #expect(findings("mail admin@internal.acme.io").map(\.category) == ["pii.email"])
    }

    @Test("an address in a URL's path or query is an address (and on its way out), only the authority is user info")
    func emailInURLPathIsAnEmail() {
        #expect(findings("![x](https://evil.example/c/jane.doe@example.com/p.png)").map(\.category) == ["pii.email"])
        #expect(findings("https://t.example/track?u=jane.doe@example.com").map(\.category) == ["pii.email"])
        #expect(findings("https://t.example/#jane.doe@example.com").map(\.category) == ["pii.email"])
        #expect(findings("ftp://backup@files.acme.io/nightly").allSatisfy { $0.category != "pii.email" })
    }

    @Test("IBAN in lower case, and without context still needs its checksum")
    func ibanForms() {
        #expect(findings("my iban is gb82west12345698765432").map(\.category) == ["pii.iban"])
        #expect(findings("my iban is gb82west12345698765433").isEmpty)
    }

    @Test("checksum validators")
    func checksums() {
        #expect(Checksum.luhn(Checksum.digits("4111111111111111")))
        #expect(!Checksum.luhn(Checksum.digits("4111111111111112")))
        #expect(Checksum.iban(Array("GB82WEST12345698765432".utf8)))
        #expect(!Checksum.iban(Array("GB82WEST12345698765433".utf8)))
        #expect(Checksum.singaporeID(Array("S1234567D".utf8)))
        #expect(Checksum.singaporeID(Array("M1234567K".utf8)))  // M series (2022): own offset and table
        #expect(!Checksum.singaporeID(Array("M1234567X".utf8)))
        #expect(Checksum.hongKongID(Array("AB1234569".utf8)))
        #expect(!Checksum.singaporeID(Array("S1234567E".utf8)))
        #expect(Checksum.hongKongID(Array("A123456(3)".utf8)))
        #expect(!Checksum.hongKongID(Array("A123456(4)".utf8)))
        #expect(!Checksum.usSSN(Checksum.digits("078-05-1120")))
        #expect(CryptoAddress.base58Check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"))
        #expect(!CryptoAddress.base58Check("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3"))
        #expect(CryptoAddress.bech32("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"))
        #expect(!CryptoAddress.bech32("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp"))
        #expect(SHA256Digest.hash(Array("abc".utf8)).prefix(4) == [0xba, 0x78, 0x16, 0xbf])
    }
}
