import AsyncHTTPClient
import Foundation
import Logging
import Synchronization

/// A JWKS document as fetched, with the lifetime the server gave it (Cache-Control max-age), if any.
struct FetchedJWKS: Sendable {
    var document: Data
    var maxAge: Int?
}

/// Where an issuer's keys come from. Fetching happens only in the background refresh and in the throttled
/// unknown-kid path, never as part of ordinary request verification. Tests supply a fake.
protocol JWKSSource: Sendable {
    func fetch() async throws -> FetchedJWKS
}

enum JWKSLocation {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// https anywhere; plain http only to loopback (development issuer, local test IdP).
    static func isAcceptableFetchURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            return false
        }
        if scheme == "https" { return true }
        return scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
    }

    /// Where a redirect may go: the `Location` resolved against the current URL, acceptable as a fetch URL,
    /// and never from https down to plain http.
    static func redirectTarget(from current: String, location: String) -> String? {
        guard let base = URL(string: current), let next = URL(string: location, relativeTo: base)?.absoluteURL else { return nil }
        let text = next.absoluteString
        guard isAcceptableFetchURL(text) else { return nil }
        if base.scheme?.lowercased() == "https" && next.scheme?.lowercased() != "https" { return nil }
        return text
    }

    /// `max-age` from a Cache-Control header; `no-store`/`no-cache` count as 0.
    static func maxAge(cacheControl: String?) -> Int? {
        guard let cacheControl else { return nil }
        var result: Int?
        for directive in cacheControl.lowercased().split(separator: ",") {
            let d = directive.trimmingCharacters(in: .whitespaces)
            if d == "no-store" || d == "no-cache" { return 0 }
            if d.hasPrefix("max-age="), let v = Int(d.dropFirst(8).trimmingCharacters(in: CharacterSet(charactersIn: "\""))) {
                result = max(0, v)
            }
        }
        return result
    }
}

/// Fetches a JWKS over HTTP, from an explicit `jwks_uri` or via OIDC discovery. The discovery document must
/// name the configured issuer exactly (OpenID Connect Discovery §4.3); its `jwks_uri` is cached until a fetch fails.
/// Redirects are followed here, not by the HTTP client (give it `redirectConfiguration: .disallow`): at most
/// three, each target checked like a configured URL (https; plain http only on loopback), never from https
/// down to http.
final class HTTPJWKSSource: JWKSSource {
    static let maximumDocumentBytes = 1 << 20

    let client: HTTPClient
    let issuer: String
    let explicitURI: String?
    let logger: Logger
    private let discovered = Mutex<String?>(nil)

    init(client: HTTPClient, issuer: String, jwksURI: String?, logger: Logger) {
        self.client = client
        self.issuer = issuer
        self.explicitURI = jwksURI
        self.logger = logger
    }

    func fetch() async throws -> FetchedJWKS {
        let uri: String
        if let explicitURI { uri = explicitURI }
        else if let cached = discovered.withLock({ $0 }) { uri = cached }
        else { uri = try await discover() }
        do {
            let (body, cacheControl) = try await get(uri)
            return FetchedJWKS(document: body, maxAge: JWKSLocation.maxAge(cacheControl: cacheControl))
        } catch {
            discovered.withLock { $0 = nil }
            throw error
        }
    }

    private func discover() async throws -> String {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        let (body, _) = try await get(base + "/.well-known/openid-configuration")
        struct Discovery: Decodable {
            let issuer: String
            let jwks_uri: String
        }
        guard let document = try? JSONDecoder().decode(Discovery.self, from: body) else {
            throw JWKSLocation.Failure(description: "discovery document lacks issuer or jwks_uri")
        }
        guard document.issuer == issuer else {
            throw JWKSLocation.Failure(description: "discovery names issuer \(document.issuer), expected \(issuer)")
        }
        guard JWKSLocation.isAcceptableFetchURL(document.jwks_uri) else {
            throw JWKSLocation.Failure(description: "discovered jwks_uri must be https (plain http only on loopback)")
        }
        discovered.withLock { $0 = document.jwks_uri }
        return document.jwks_uri
    }

    static let maximumRedirects = 3

    private func get(_ start: String) async throws -> (Data, String?) {
        var url = start
        for _ in 0...Self.maximumRedirects {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "accept", value: "application/json")
            let response = try await client.execute(request, timeout: .seconds(10), logger: logger)
            if [301, 302, 303, 307, 308].contains(response.status.code) {
                guard let location = response.headers.first(name: "location"),
                      let next = JWKSLocation.redirectTarget(from: url, location: location)
                else {
                    throw JWKSLocation.Failure(description: "GET \(url) redirected to a location that is not https (or loopback http)")
                }
                url = next
                continue
            }
            guard response.status.code == 200 else {
                throw JWKSLocation.Failure(description: "GET \(url) answered \(response.status.code)")
            }
            let buffer = try await response.body.collect(upTo: Self.maximumDocumentBytes)
            return (Data(buffer.readableBytesView), response.headers.first(name: "cache-control"))
        }
        throw JWKSLocation.Failure(description: "GET \(start): more than \(Self.maximumRedirects) redirects")
    }
}

/// A JWKS read from a file (the development issuer, or keys distributed out of band).
struct FileJWKSSource: JWKSSource {
    let path: String

    func fetch() async throws -> FetchedJWKS {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JWKSLocation.Failure(description: "cannot read JWKS file \(path)")
        }
        return FetchedJWKS(document: data, maxAge: nil)
    }
}

/// A JWKS given in memory (the in-process development issuer).
struct StaticJWKSSource: JWKSSource {
    let document: Data
    func fetch() async throws -> FetchedJWKS { FetchedJWKS(document: document, maxAge: nil) }
}
