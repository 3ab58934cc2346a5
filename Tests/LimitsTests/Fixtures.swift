import Core
@testable import Limits

enum Fixture {
    static func principal(
        _ subject: String, issuer: String = "https://idp.example", groups: [String] = [], tenant: String? = nil
    ) -> Principal {
        Principal(issuer: issuer, subject: subject, kind: .user, groups: groups, tenant: tenant)
    }

    static func model(
        _ name: String = "gpt-test", input: Double = 0, output: Double = 0, maxOutput: Int? = nil
    ) -> ModelDescriptor {
        ModelDescriptor(
            name: name, provider: "mock", upstreamModel: name, inputPricePerMillion: input,
            outputPricePerMillion: output, maxOutputTokens: maxOutput)
    }

    static func header(_ headers: [(String, String)], _ name: String) -> String? {
        headers.first { $0.0 == name }?.1
    }

    /// 2026-03-14T12:00:00Z
    static let noon: Double = 1_773_489_600
}

extension AdmissionControl {
    /// Admission with the defaults most tests use.
    func admit(
        _ p: Principal, model: ModelDescriptor = Fixture.model(), tokens: Int = 10, maxTokens: Int? = 100,
        obligations: Obligations = .none, chargeBudget: Bool = true
    ) async throws(LimitRefusal) -> Grant {
        try await admit(
            principal: p, model: model, estimatedInputTokens: tokens, maxTokens: maxTokens, obligations: obligations,
            chargeBudget: chargeBudget)
    }
}

/// The refusal `body` threw, or nil if it admitted.
func refusal(_ body: () async throws -> Grant) async -> LimitRefusal? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error as? LimitRefusal
    }
}
