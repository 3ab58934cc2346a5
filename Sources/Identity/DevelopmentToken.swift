import Core
import Foundation
import SwiftASN1
import X509

/// The logic of `portcullis token`: prints a development access token for a chosen user or service, signed
/// with the keys the running demo keeps in its data directory. Returns the process exit code.
public enum DevelopmentToken {
    public static func run(
        dataDirectory: String, subject: String, name: String?, email: String?, groups: [String], roles: [String],
        scopes: [String], service: Bool, ttlSeconds: Int, algorithm: String, audience: String? = nil,
        delegation: DevelopmentIssuer.Delegation = .init(), output: (String) -> Void, errorOutput: (String) -> Void
    ) async -> Int32 {
        guard !subject.isEmpty else {
            errorOutput("a subject is required (--user NAME)")
            return 2
        }
        guard ttlSeconds > 0, ttlSeconds <= 7 * 86_400 else {
            errorOutput("--ttl must be between 1 and 604800 seconds")
            return 2
        }
        guard algorithm == "ES256" || algorithm == "RS256" else {
            errorOutput("--alg must be ES256 or RS256")
            return 2
        }
        do {
            let issuer = try await DevelopmentIssuer.load(dataDirectory: dataDirectory)
            let token = try issuer.issueToken(
                subject: subject, name: name, email: email, groups: groups, roles: roles, scopes: scopes,
                kind: service ? .service : .user, ttl: ttlSeconds, algorithm: algorithm, audience: audience,
                delegation: delegation)
            output(token)
            return 0
        } catch {
            errorOutput("cannot issue a development token: \(error)")
            return 1
        }
    }

    /// The RFC 8705 thumbprint (`x5t#S256`) of the first certificate in a PEM file.
    public static func certificateThumbprint(pemFile: String) throws -> String {
        guard let text = try? String(contentsOfFile: pemFile, encoding: .utf8),
            let document = try? PEMDocument.parseMultiple(pemString: text).first
        else { throw IdentitySetupFailure(description: "\(pemFile) holds no PEM certificate") }
        return SenderConstraint.certificateThumbprint(document.derBytes)
    }
}
