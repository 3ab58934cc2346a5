import Testing
@testable import Database

@Suite struct PostgresDSNTests {
    @Test func parsesVerifyFull() throws {
        let d = try PostgresDSN("postgres://gw:s3cret%40x@db.bank.internal:6432/portcullis?sslmode=verify-full&sslrootcert=/etc/ca.pem")
        #expect(d.host == "db.bank.internal")
        #expect(d.port == 6432)
        #expect(d.user == "gw")
        #expect(d.password == "s3cret@x")
        #expect(d.database == "portcullis")
        #expect(d.tls == .verifyFull)
        #expect(d.rootCertificate == "/etc/ca.pem")
        #expect(!d.redacted.contains("s3cret"))
    }

    @Test func refusesWeakTLSModes() {
        for mode in ["require", "prefer", "allow", "verify-ca"] {
            #expect(throws: PostgresDSN.Invalid.self) { try PostgresDSN("postgres://gw:pw@db:5432/p?sslmode=\(mode)") }
        }
    }

    @Test func plaintextOnlyOnLoopback() throws {
        #expect(throws: PostgresDSN.Invalid.self) { try PostgresDSN("postgres://gw:pw@db.example:5432/p?sslmode=disable") }
        #expect(try PostgresDSN("postgres://gw:pw@127.0.0.1:5432/p?sslmode=disable").isLoopback)
        #expect(try PostgresDSN("postgres://gw@localhost/p?sslmode=disable&host=/run/postgresql").socketPath == "/run/postgresql")
    }

    @Test func errorsNeverEchoThePassword() {
        for bad in [
            "postgres://gw:topsecret@db:5432/p", "postgres://gw:topsecret@db:5432/p?sslmode=verify-full&bogus=1",
            "mysql://gw:topsecret@db/p", "postgres://gw:topsecret@db:5432/?sslmode=verify-full",
        ] {
            do {
                _ = try PostgresDSN(bad)
                Issue.record("accepted \(bad)")
            } catch {
                #expect(!"\(error)".contains("topsecret"))
            }
        }
    }
}
