import Audit
import Foundation
import Testing

@testable import Gateway

/// `audit.streams` in `portcullis.yaml`: decoded strictly, refusals name file, line and key.
@Suite struct AuditStreamConfigurationTests {
    static let streams = """
    audit:
      path: audit.sqlite
      streams:
        - name: soc-syslog
          kind: syslog
          address: siem.example.internal:6514
          tls:
            ca_file: certs/siem-ca.pem
            client_certificate: certs/gateway.pem
            client_key: file:/etc/portcullis/gateway.key
        - name: lake
          kind: https
          url: https://intake.example.com/v1/ocsf
          bearer: env:SIEM_TOKEN
          batch_records: 200
          retry_max_seconds: 10
    """

    func load(_ audit: String) throws -> GatewayConfiguration {
        try ConfigurationLoader.decode(GatewayConfiguration.self, yaml: ConfigurationTests.valid + "\n" + audit, file: "portcullis.yaml")
    }

    func refusal(_ audit: String) -> ConfigurationError? { configurationRefusal { try load(audit) } }

    /// The line of `needle` in the loaded text.
    func line(of needle: String) -> Int {
        let text = ConfigurationTests.valid + "\n" + Self.streams
        return text.components(separatedBy: "\n").firstIndex { $0.contains(needle) }.map { $0 + 1 } ?? -1
    }

    @Test func bothKindsLoadWithTheirDefaults() throws {
        let streams = try load(Self.streams).audit.streams
        #expect(streams.map(\.name) == ["soc-syslog", "lake"])
        guard case .syslog(let s) = streams[0].destination else { Issue.record("not syslog"); return }
        #expect(s.host == "siem.example.internal" && s.port == 6514)
        #expect(s.facility == 13 && s.severity == 6 && s.refusalSeverity == 4)
        #expect(s.tls.caFile == "certs/siem-ca.pem")
        #expect(s.tls.clientKey?.reference == "file:/etc/portcullis/gateway.key")
        #expect(streams[0].batchRecords == 500)
        #expect(streams[0].maxBacklogRecords == 1_000_000)
        #expect(streams[0].retryMaxSeconds == 30)
        guard case .https(let h) = streams[1].destination else { Issue.record("not https"); return }
        #expect(h.url == "https://intake.example.com/v1/ocsf")
        #expect(h.bearer.reference == "env:SIEM_TOKEN")
        #expect(streams[1].batchRecords == 200)
        #expect(streams[1].retryMaxSeconds == 10)
        #expect(try load("audit:\n  path: a.sqlite\n").audit.streams.isEmpty)
    }

    @Test func plainHTTPOnlyToLoopback() throws {
        let e = try #require(refusal(Self.streams.replacingOccurrences(of: "https://intake.example.com", with: "http://intake.example.com")))
        #expect(e.key == "audit.streams[1].url")
        #expect(e.line == line(of: "url: https://intake"))
        #expect(e.message.contains("must be https"))
        for url in ["http://127.0.0.1:9000/intake", "http://localhost:9000/intake", "http://[::1]:9000/intake"] {
            let c = try load(Self.streams.replacingOccurrences(of: "https://intake.example.com/v1/ocsf", with: url))
            #expect(c.audit.streams[1].kind == .https, "\(url)")
        }
        for (url, message) in [
            ("ftp://intake.example.com/x", "must be https"), ("https://user:pw@intake.example.com/x", "user name or password"),
            ("/relative/path", "absolute https URL"),
        ] {
            let e = try #require(refusal(Self.streams.replacingOccurrences(of: "https://intake.example.com/v1/ocsf", with: url)))
            #expect(e.key == "audit.streams[1].url" && e.message.contains(message), "\(url): \(e.message)")
        }
    }

    @Test func syslogWithoutTLSIsRefused() throws {
        let noTLS = Self.streams.replacingOccurrences(
            of: "      tls:\n        ca_file: certs/siem-ca.pem\n        client_certificate: certs/gateway.pem\n        client_key: file:/etc/portcullis/gateway.key\n",
            with: "")
        let e = try #require(refusal(noTLS))
        #expect(e.key == "audit.streams[0]")
        #expect(e.message.contains("missing required key 'tls'"))
        #expect(e.message.contains("never sent in plain text"))
        let half = try #require(refusal(Self.streams.replacingOccurrences(of: "        client_key: file:/etc/portcullis/gateway.key\n", with: "")))
        #expect(half.key == "audit.streams[0].tls.client_certificate")
        #expect(half.message.contains("go together"))
    }

    @Test func unknownKeysAreRefusedPerKind() throws {
        let typo = try #require(refusal(Self.streams.replacingOccurrences(of: "batch_records: 200", with: "batch_size: 200")))
        #expect(typo.key == "audit.streams[1].batch_size")
        #expect(typo.line == line(of: "batch_records: 200"))
        #expect(typo.message.contains("unknown key 'batch_size'"))
        // A key of the other kind is as unknown.
        let foreign = try #require(refusal(Self.streams.replacingOccurrences(of: "      kind: syslog\n", with: "      kind: syslog\n      url: https://x.example\n")))
        #expect(foreign.key == "audit.streams[0].url")
        #expect(foreign.message.contains("for a syslog stream"))
        let tlsTypo = try #require(refusal(Self.streams.replacingOccurrences(of: "ca_file: certs", with: "cafile: certs")))
        #expect(tlsTypo.key == "audit.streams[0].tls.cafile")
        let kind = try #require(refusal(Self.streams.replacingOccurrences(of: "kind: https", with: "kind: kafka")))
        #expect(kind.key == "audit.streams[1].kind")
    }

    @Test func secretsMustBeReferences() throws {
        let bearer = try #require(refusal(Self.streams.replacingOccurrences(of: "bearer: env:SIEM_TOKEN", with: "bearer: s3cr3t-token-value")))
        #expect(bearer.key == "audit.streams[1].bearer")
        #expect(bearer.message.contains("must be a reference"))
        #expect(!bearer.description.contains("s3cr3t"))
        let key = try #require(refusal(Self.streams.replacingOccurrences(of: "client_key: file:/etc/portcullis/gateway.key", with: "client_key: \"-----BEGIN PRIVATE KEY-----\"")))
        #expect(key.key == "audit.streams[0].tls.client_key")
        #expect(!key.description.contains("BEGIN PRIVATE KEY"))
    }

    @Test func namesAreUniqueAndShapedForKeysAndLabels() throws {
        let twice = try #require(refusal(Self.streams.replacingOccurrences(of: "name: lake", with: "name: soc-syslog")))
        #expect(twice.key == "audit.streams[1].name")
        #expect(twice.message.contains("used twice"))
        let shape = try #require(refusal(Self.streams.replacingOccurrences(of: "name: lake", with: "name: Data Lake")))
        #expect(shape.key == "audit.streams[1].name")
    }

    @Test func addressesAndLimitsAreChecked() throws {
        for bad in ["siem.example.internal", "siem.example.internal:0", "siem.example.internal:70000", ":6514", "a:b:6514"] {
            let e = try #require(refusal(Self.streams.replacingOccurrences(of: "siem.example.internal:6514", with: bad)), "\(bad)")
            #expect(e.key == "audit.streams[0].address", "\(bad)")
        }
        let v6 = try load(Self.streams.replacingOccurrences(of: "siem.example.internal:6514", with: "\"[fd00::5]:6514\""))
        guard case .syslog(let s) = v6.audit.streams[0].destination else { Issue.record("not syslog"); return }
        #expect(s.host == "fd00::5" && s.port == 6514)
        for (from, to, key) in [
            ("batch_records: 200", "batch_records: 0", "batch_records"), ("retry_max_seconds: 10", "retry_max_seconds: 0", "retry_max_seconds"),
            ("retry_max_seconds: 10", "max_backlog_records: -1", "max_backlog_records"),
        ] {
            let e = try #require(refusal(Self.streams.replacingOccurrences(of: from, with: to)))
            #expect(e.key == "audit.streams[1].\(key)")
        }
        let facility = try #require(refusal(Self.streams.replacingOccurrences(of: "      kind: syslog\n", with: "      kind: syslog\n      facility: 24\n")))
        #expect(facility.key == "audit.streams[0].facility")
    }
}
