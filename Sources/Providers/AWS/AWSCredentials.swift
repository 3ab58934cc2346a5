#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One set of AWS credentials: long-lived keys (no session token, no expiry) or the temporary
/// credentials STS issues. Never logged: `description` names the access key id only.
public struct AWSCredentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public var sessionToken: String?
    public var expiration: Date?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }

    /// The access key id and whether the credentials are temporary; never the secret or the token.
    public var description: String {
        "AWSCredentials(\(accessKeyID)\(sessionToken == nil ? "" : ", temporary"))"
    }
}
