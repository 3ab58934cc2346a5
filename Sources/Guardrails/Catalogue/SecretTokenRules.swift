/// Secrets with a recognisable prefix (formats after gitleaks' published rules).
enum SecretTokenRules {
    static var all: [DetectorRule] {
        [
            awsAccessKey, gcpAPIKey, githubClassic, githubFineGrained, gitlab, slackToken, slackAppToken, slackWebhook,
            stripe, openAI, openAILegacy, openAIProject, anthropic, huggingFace, npm, sendGrid, twilio, shopify,
            digitalOcean, azureADClientSecret,
        ]
    }

    /// A prefixed token: the random part must look random and not be a placeholder.
    static func token(
        _ id: String, _ pattern: String, caseless: Bool = false, score: Double = 0.95, randomFrom: Int = 0,
        minEntropy: Double = 3.0, extend: SpanExtension? = nil
    ) -> DetectorRule {
        DetectorRule(
            id: id, category: id, pattern: pattern, caseless: caseless, baseScore: score,
            validate: { m, _ in
                let body = m.dropFirst(randomFrom)
                guard !TokenShape.isPlaceholder(m), TokenShape.entropy(body) >= minEntropy else { return nil }
                return score
            }
        ).with {
            $0.isolated = true
            $0.spanExtension = extend
        }
    }

    static let awsAccessKey = token(
        "secret.aws_access_key", #"(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}"#, randomFrom: 4, minEntropy: 2.8)
    static let gcpAPIKey = token("secret.gcp_api_key", #"AIza[0-9A-Za-z_\-]{35}"#, randomFrom: 4)
    static let githubClassic = token("secret.github_token", #"gh[pousr]_[A-Za-z0-9]{36}"#, randomFrom: 4)
    static let githubFineGrained = token(
        "secret.github_fine_grained_token", #"github_pat_[A-Za-z0-9_]{82}"#, randomFrom: 11)
    static let gitlab = token(
        "secret.gitlab_token", #"gl(?:pat|dt|ptt|rt|cbt|oas|imt|ft|soat|agent)-[A-Za-z0-9_\-]{20}"#, randomFrom: 6,
        extend: .alphanumeric(plus: "_-.", limit: 60))
    static let slackToken = token(
        "secret.slack_token", #"xox[abposre]-[0-9]{6,15}-[0-9A-Za-z]{6}"#, randomFrom: 5, minEntropy: 2.5,
        extend: .alphanumeric(plus: "-", limit: 200))
    static let slackAppToken = token(
        "secret.slack_app_token", #"xapp-[0-9]-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-z0-9]{16}"#, randomFrom: 5,
        extend: .alphanumeric(limit: 64)
    ).with { $0.category = "secret.slack_token" }
    static let slackWebhook = DetectorRule(
        id: "secret.slack_webhook", category: "secret.slack_webhook",
        pattern: #"(?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9]{8}"#, baseScore: 0.95,
        validate: { m, _ in
            guard let offset = m.byteOffset(ofCaseless: "slack.com/") else { return nil }
            let path = m.utf8.dropFirst(offset + 10).split(separator: UInt8(ascii: "/")).dropFirst()
                .map { String(decoding: $0, as: UTF8.self) }.joined()
            return TokenShape.isPlaceholder(Substring(path)) || TokenShape.entropy(Substring(path)) < 3 ? nil : 0.95
        }
    ).with { $0.spanExtension = .alphanumeric(plus: "/_-+", limit: 120) }
    static let stripe = token(
        "secret.stripe_key", #"(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10}"#, randomFrom: 8,
        extend: .alphanumeric(limit: 100))
    static let openAI = token("secret.openai_key", #"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}"#, randomFrom: 3)
    /// `sk-` followed by 48 characters: the older OpenAI key shape (also used by compatible providers).
    static let openAILegacy = token(
        "secret.openai_key.legacy", #"sk-[A-Za-z0-9]{48}"#, score: 0.85, randomFrom: 3, minEntropy: 3.5
    ).with { $0.category = "secret.openai_key" }
    static let openAIProject = token(
        "secret.openai_key.project", #"sk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_\-]{24}"#, randomFrom: 8,
        extend: .alphanumeric(plus: "_-", limit: 220)
    ).with { $0.category = "secret.openai_key" }
    static let anthropic = token(
        "secret.anthropic_key", #"sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_\-]{24}"#, randomFrom: 14,
        extend: .alphanumeric(plus: "_-", limit: 120))
    static let huggingFace = token("secret.huggingface_token", #"(?:hf_|api_org_)[A-Za-z0-9]{34}"#, randomFrom: 3)
    static let npm = token("secret.npm_token", #"npm_[A-Za-z0-9]{36}"#, randomFrom: 4)
    static let sendGrid = token(
        "secret.sendgrid_key", #"SG\.[A-Za-z0-9_\-=.]{16}"#, randomFrom: 3, extend: .alphanumeric(plus: "_-.=", limit: 60)
    ).with {
        let inner = $0.validate
        $0.validate = { m, c in m.utf8.count >= 60 ? inner(m, c) : nil }  // SG. + 66
    }
    static let twilio = token("secret.twilio_key", #"SK[0-9a-fA-F]{32}"#, score: 0.85, randomFrom: 2)
    static let shopify = token("secret.shopify_token", #"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}"#, randomFrom: 6)
    static let azureADClientSecret = token(
        "secret.azure_client_secret", #"[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34}"#, randomFrom: 6, minEntropy: 3.3)
    static let digitalOcean = token("secret.digitalocean_token", #"do[por]_v1_[a-f0-9]{64}"#, randomFrom: 7)
}
