import Foundation
import Testing

@testable import Providers

/// SigV4 against published and botocore-computed signatures; the wide differential check against
/// botocore is `tests/e2e/test_sigv4.py`.
@Suite struct AWSSigV4Tests {
    static let keys = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    /// 2015-08-30T12:36:00Z, the date of the AWS SigV4 test suite.
    static let suiteDate = Date(timeIntervalSince1970: 1_440_938_160)

    @Test func awsSuiteGetVanilla() {
        let signer = SigV4Signer(region: "us-east-1", service: "service")
        let headers = signer.signingHeaders(
            method: "GET", url: "https://example.amazonaws.com/", headers: [], body: [], credentials: Self.keys,
            date: Self.suiteDate)
        #expect(headers.map(\.0) == ["x-amz-date", "authorization"])
        #expect(headers[0].1 == "20150830T123600Z")
        #expect(headers[1].1 == "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func awsSuiteQueryOrder() {
        let signed = SigV4Signer(region: "us-east-1", service: "service").sign(
            method: "GET", url: "https://example.amazonaws.com/?Param2=value2&Param1=value1", headers: [], body: [],
            credentials: Self.keys, date: Self.suiteDate)
        #expect(signed.canonicalRequest.split(separator: "\n", omittingEmptySubsequences: false)[2] == "Param1=value1&Param2=value2")
        #expect(signed.signature == "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
    }

    /// A Bedrock call with a model id holding `:`, a session token, a duplicated header with inner
    /// spaces and a user agent (not signed); expected values from botocore 1.44.
    @Test func bedrockCallWithSessionToken() {
        var keys = Self.keys
        keys.sessionToken = "SESSIONTOKEN"
        let signed = SigV4Signer(region: "us-east-1", service: "bedrock").sign(
            method: "POST", url: "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3%3A0/converse",
            headers: [("Content-Type", "application/json"), ("X-Custom", "  a   b  "), ("x-custom", "c"), ("User-Agent", "x")],
            body: Array(#"{"a":1}"#.utf8), credentials: keys, date: Self.suiteDate)
        #expect(signed.canonicalRequest == """
            POST
            /model/anthropic.claude-3%253A0/converse

            content-type:application/json
            host:bedrock-runtime.us-east-1.amazonaws.com
            x-amz-date:20150830T123600Z
            x-amz-security-token:SESSIONTOKEN
            x-custom:a b,c

            content-type;host;x-amz-date;x-amz-security-token;x-custom
            015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862
            """)
        #expect(signed.signature == "4bd1d105f0805de72229fa9f4f3ab49b9e810227b962dde2c3968254d19c94c8")
        #expect(signed.headers.map(\.0) == ["x-amz-date", "x-amz-security-token", "authorization"])
    }

    @Test func anyChangeChangesTheSignature() {
        let signer = SigV4Signer(region: "eu-west-1", service: "bedrock")
        func signature(
            url: String = "https://h.example/model/m/converse", headers: [(String, String)] = [("content-type", "application/json")],
            body: String = "{}", secret: String = "secret"
        ) -> String {
            signer.sign(
                method: "POST", url: url, headers: headers, body: Array(body.utf8),
                credentials: AWSCredentials(accessKeyID: "AK", secretAccessKey: secret), date: Self.suiteDate
            ).signature
        }
        let base = signature()
        #expect(signature(body: "{ }") != base)
        #expect(signature(url: "https://h.example/model/n/converse") != base)
        #expect(signature(headers: [("content-type", "text/plain")]) != base)
        #expect(signature(secret: "secreT") != base)
        #expect(signature(headers: [("content-type", "application/json"), ("user-agent", "other")]) == base)
    }

    /// As botocore: a declared `x-amz-content-sha256` is the payload hash, verbatim.
    @Test func declaredPayloadHashIsSigned() {
        let signed = SigV4Signer(region: "us-east-1", service: "s3").sign(
            method: "PUT", url: "https://b.example/k", headers: [("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD")],
            body: Array("data".utf8), credentials: Self.keys, date: Self.suiteDate)
        #expect(signed.canonicalRequest.hasSuffix("\nhost;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"))
    }

    @Test func pathNormalisation() {
        #expect(SigV4Encoding.normalizePath("") == "/")
        #expect(SigV4Encoding.normalizePath("/a/./b/../c//d/") == "/a/c/d/")
        #expect(SigV4Encoding.normalizePath("/..") == "/")
        #expect(SigV4Encoding.canonicalURI("/model/a%3Ab c/é") == "/model/a%253Ab%20c/%C3%A9")
    }

    @Test func hostFromURL() {
        func host(_ url: String) -> String { SigV4Encoding.hostHeader(SigV4Encoding.split(url)) }
        #expect(host("https://Example.COM:443/x") == "example.com")
        #expect(host("http://example.com:80") == "example.com")
        #expect(host("https://example.com:8443/x?y") == "example.com:8443")
        #expect(host("http://user:pw@[::1]:9000/") == "[::1]:9000")
    }

    @Test func amzDateByHand() {
        #expect(AWSTimestamp.amzDate(epochSeconds: 0) == "19700101T000000Z")
        #expect(AWSTimestamp.amzDate(epochSeconds: 951_782_400) == "20000229T000000Z")
        #expect(AWSTimestamp.amzDate(epochSeconds: 1_709_251_199) == "20240229T235959Z")
        #expect(AWSTimestamp.amzDate(epochSeconds: 4_102_444_800) == "21000101T000000Z")
        #expect(AWSTimestamp.amzDate(epochSeconds: -1) == "19691231T235959Z")
        for seconds: Int64 in [0, 951_782_400, 1_709_251_199, 1_796_634_816, 4_102_444_800] {
            #expect(AWSTimestamp.epochSeconds(amzDate: AWSTimestamp.amzDate(epochSeconds: seconds)) == seconds)
            #expect(AWSTimestamp.epochSeconds(iso8601: AWSTimestamp.iso8601(epochSeconds: seconds)) == seconds)
        }
        #expect(AWSTimestamp.iso8601(epochSeconds: 1_796_634_816) == "2026-12-07T09:13:36Z")
        #expect(AWSTimestamp.epochSeconds(amzDate: "20261307T000000Z") == nil)
    }
}
