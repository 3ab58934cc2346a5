import Core
import Foundation
import JWTKit

/// A Google service-account key file (`"type": "service_account"`), parsed and checked once at start-up.
/// Holds the RSA private key that signs token assertions; `description` names the account and key id only,
/// and no error thrown here repeats any part of the file.
public struct ServiceAccountKey: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// Why a key file was refused. Names the field and what was expected, never a value from the file.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// `client_email`: the `iss` of every assertion.
    public let clientEmail: String
    /// `private_key_id`: the `kid` of every assertion.
    public let privateKeyID: String
    /// `token_uri`, when the file names one.
    public let tokenURI: String?
    /// `project_id`, when the file names one (Vertex AI URLs need a project).
    public let projectID: String?
    let privateKey: Insecure.RSA.PrivateKey

    /// The public half of the signing key, as PEM (what Google publishes for the key id).
    public var publicKeyPEM: String { privateKey.publicKey.pemRepresentation }

    /// The public half of the signing key (for verifiers such as the mock token endpoint).
    public var publicKey: Insecure.RSA.PublicKey { privateKey.publicKey }

    public var description: String { "service account \(clientEmail) (key \(privateKeyID))" }
    public var debugDescription: String { description }
    /// `dump` and debuggers see the account, never the key.
    public var customMirror: Mirror { Mirror(self, children: ["account": description]) }

    /// Parses the JSON key file Google issues. Refuses anything but a service account with an RSA private
    /// key of at least 2048 bits in PEM, a client email, a key id and (when present) a usable token URI.
    public init(json: String) throws(Invalid) {
        guard let data = json.data(using: .utf8),
            let document = try? JSONDecoder().decode(JSONValue.self, from: data),
            case .object(let fields) = document
        else { throw Invalid(description: "service account key is not a JSON object") }
        guard let type = fields["type"]?.stringValue else {
            throw Invalid(description: "service account key has no \"type\" (expected \"service_account\")")
        }
        guard type == "service_account" else {
            // The type is a fixed vocabulary (authorized_user, external_account...), safe to name when short.
            let shown = type.count <= 40 && type.allSatisfy { $0.isLetter || $0 == "_" } ? "\"\(type)\"" : "another type"
            throw Invalid(description: "credential file is \(shown), expected \"service_account\"")
        }
        func required(_ name: String) throws(Invalid) -> String {
            guard let value = fields[name]?.stringValue, !value.isEmpty else {
                throw Invalid(description: "service account key has no \"\(name)\" string")
            }
            return value
        }
        clientEmail = try required("client_email")
        privateKeyID = try required("private_key_id")
        let pem = try required("private_key")
        guard clientEmail.contains("@"), !clientEmail.contains(where: { $0.isWhitespace }) else {
            throw Invalid(description: "service account \"client_email\" is not an email address")
        }
        guard privateKeyID.count <= 256, privateKeyID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else { throw Invalid(description: "service account \"private_key_id\" is not a key id") }
        guard pem.contains("-----BEGIN PRIVATE KEY-----") || pem.contains("-----BEGIN RSA PRIVATE KEY-----") else {
            throw Invalid(description: "service account \"private_key\" is not a PEM private key")
        }
        do {
            privateKey = try Insecure.RSA.PrivateKey(pem: pem)
        } catch {
            throw Invalid(description: "service account \"private_key\" is not a usable RSA key of at least 2048 bits")
        }
        if let uri = fields["token_uri"] {
            guard let text = uri.stringValue, Self.isAcceptableTokenEndpoint(text) else {
                throw Invalid(description: "service account \"token_uri\" is not an https URL (http only on loopback)")
            }
            tokenURI = text
        } else {
            tokenURI = nil
        }
        projectID = fields["project_id"]?.stringValue
    }

    /// An assertion sent in clear text could be replayed for an hour: https, or http to a loopback host only.
    static func isAcceptableTokenEndpoint(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
            url.user == nil, url.password == nil
        else { return false }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }
}
