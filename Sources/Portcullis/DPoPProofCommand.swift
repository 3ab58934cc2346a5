import ArgumentParser
import Foundation
import Identity

/// `portcullis dpop-proof`: prints an RFC 9449 DPoP proof for one request, signed with a development key, so the
/// demo (and curl users) can call with a DPoP-bound token:
///
///     portcullis token --user alice --dpop-key alice-dpop.pem        # a token bound to the key (cnf.jkt)
///     portcullis dpop-proof --key alice-dpop.pem --method POST \
///         --url http://127.0.0.1:8080/v1/chat/completions --token "$TOKEN"
///
/// The key file (ES256, PEM, mode 0600) is created when missing. Development only: real clients keep their key in
/// their own runtime and make a fresh proof per request.
struct DPoPProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpop-proof", abstract: "Print a DPoP proof (RFC 9449) for one request, signed with a development key.")

    @Option(help: "The PEM file of the ES256 key (created when missing).")
    var key: String

    @Option(help: "The request method (htm).")
    var method: String = "POST"

    @Option(help: "The request URL (htu): the gateway's public URL and path.")
    var url: String

    @Option(help: "The DPoP-bound access token the request carries (for ath).")
    var token: String?

    @Option(help: "The server's DPoP-Nonce, when it asked for one.")
    var nonce: String?

    func run() throws {
        let signer = try DevelopmentDPoPKey.load(path: key)
        print(try signer.proof(method: method, url: url, accessToken: token, nonce: nonce))
    }
}

/// A development DPoP key kept in a file, shared by `portcullis token --dpop-key` and `portcullis dpop-proof`.
enum DevelopmentDPoPKey {
    static func load(path: String) throws -> DPoPProofSigner {
        if let pem = try? String(contentsOfFile: path, encoding: .utf8) { return try DPoPProofSigner(pem: pem) }
        let signer = DPoPProofSigner()
        guard FileManager.default.createFile(atPath: path, contents: Data(signer.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ValidationError("cannot write the key file \(path)")
        }
        return signer
    }
}
