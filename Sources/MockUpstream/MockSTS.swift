import Hummingbird

import Foundation
import Providers

/// `POST /sts`: STS `AssumeRoleWithWebIdentity` (form body, unsigned, as the real API allows). Needs
/// `Action=AssumeRoleWithWebIdentity`, a `RoleArn` and a non-empty `WebIdentityToken` (equal to the
/// configured one, when one is configured); answers the real XML shape with fresh temporary
/// credentials valid `DurationSeconds` (1...43200 — real STS needs at least 900; shorter lets tests watch refreshes — default from the configuration), which the
/// Bedrock routes then accept. Refusals are STS error XML (`ErrorResponse/Error/{Type,Code,Message}`).
/// Every call counts (`GET /mock/sts/calls`); the log keeps the form with the token redacted.
extension MockLLM {
    func assumeRoleWithWebIdentity(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let form = Self.form(String(buffer: body))
        var logged = ByteBuffer()
        logged.writeString(
            form.map { "\($0.0)=\($0.0 == "WebIdentityToken" ? "[redacted]" : $0.1)" }.joined(separator: "&"))
        let recordID = log.record(request, body: logged)
        bedrockAccess.countSTSCall()
        let value = { (name: String) in form.first(where: { $0.0 == name })?.1 }
        let settings = bedrockAccess.settings
        func refuse(_ status: Int, _ code: String, _ message: String) -> Response {
            log.finish(recordID, status == 400 ? .badRequest : .unauthorized)
            return Self.stsError(status: status, code: code, message: message)
        }
        guard value("Action") == "AssumeRoleWithWebIdentity" else {
            return refuse(400, "InvalidAction", "Could not find operation \(value("Action") ?? "") for version 2011-06-15")
        }
        guard let role = value("RoleArn"), !role.isEmpty else {
            return refuse(400, "ValidationError", "1 validation error detected: Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
        }
        guard let token = value("WebIdentityToken"), !token.isEmpty else {
            return refuse(400, "ValidationError", "1 validation error detected: Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null")
        }
        if let expected = settings.expectedWebIdentityToken, !constantTimeEqual(token, expected) {
            return refuse(400, "InvalidIdentityToken", "Couldn't verify the web identity token")
        }
        var seconds = settings.defaultDurationSeconds
        if let text = value("DurationSeconds") {
            guard let asked = Int(text), (1...43_200).contains(asked) else {
                return refuse(400, "ValidationError", "1 validation error detected: Value at 'durationSeconds' failed to satisfy constraint: Member must have value between 1 and 43200 (the mock allows less than 900 so tests can watch refreshes)")
            }
            seconds = asked
        }
        let credentials = bedrockAccess.issue(seconds: seconds)
        let session = value("RoleSessionName") ?? "session"
        var xml = ByteBuffer()
        xml.writeString("""
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:default:portcullis</SubjectFromWebIdentityToken>
                <AssumedRoleUser>
                  <Arn>\(Self.xmlEscape(role))/\(Self.xmlEscape(session))</Arn>
                  <AssumedRoleId>AROAMOCK:\(Self.xmlEscape(session))</AssumedRoleId>
                </AssumedRoleUser>
                <Credentials>
                  <SessionToken>\(credentials.sessionToken ?? "")</SessionToken>
                  <SecretAccessKey>\(credentials.secretAccessKey)</SecretAccessKey>
                  <Expiration>\(Self.iso8601(credentials.expiration ?? Date()))</Expiration>
                  <AccessKeyId>\(credentials.accessKeyID)</AccessKeyId>
                </Credentials>
                <Audience>sts.amazonaws.com</Audience>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>mock-\(nextSerial())</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """)
        log.finish(recordID, .responded)
        return Response(status: .ok, headers: [.contentType: "text/xml"], body: .init(byteBuffer: xml))
    }

    static func stsError(status: Int, code: String, message: String) -> Response {
        var xml = ByteBuffer()
        xml.writeString("""
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <Error><Type>Sender</Type><Code>\(xmlEscape(code))</Code><Message>\(xmlEscape(message))</Message></Error>
              <RequestId>mock-sts-error</RequestId>
            </ErrorResponse>
            """)
        return Response(status: .init(code: status), headers: [.contentType: "text/xml"], body: .init(byteBuffer: xml))
    }

    /// `application/x-www-form-urlencoded` pairs, in order (`+` is a space, `%XX` decoded).
    static func form(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }

    static func xmlEscape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    static func iso8601(_ date: Date) -> String {
        AWSTimestamp.iso8601(epochSeconds: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}
