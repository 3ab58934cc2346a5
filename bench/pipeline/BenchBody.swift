import Core

/// The benchmark's chat request (the same text as bench/lib/bench.py's `chat_body`): system prompt, one
/// earlier exchange and the question, ~2.1 KB.
enum BenchBody {
    static let system = "You are a careful assistant for the finance operations team. Answer in plain English, cite the section of the document you rely on, and say so when the document does not contain the answer. Keep summaries under two hundred words, use bullet points for action items, and never invent figures. If a question is ambiguous, ask one short clarifying question before answering. Format dates as YYYY-MM-DD, amounts with a currency code, and keep the names of teams, products and partners exactly as written in the notes. "
    static let user1 = "Here are the notes from Tuesday's quarterly review. Revenue grew in every region, with the strongest results in Asia, where two new distribution partners came online in August. Operating costs rose slightly because of the cluster migration and the new onboarding programme, but the migration cut service latency by about a third. The committee agreed to revisit the travel policy, to move the budget review to the first week of the next quarter, and to publish the refund policy change on the customer portal before the end of the month. Open questions: whether the refund policy applies to orders placed before the change, and who owns the partner onboarding checklist. Finance also flagged that the currency hedging contracts renew in November, that the audit of the procurement process starts next month, and that the shared drive clean-up is still waiting for a decision on retention periods for old project folders. Marketing asked for the regional numbers by Friday. "
    static let assistant1 = "Summary: revenue up in all regions (Asia strongest, two new partners); costs slightly up (migration, onboarding); latency down by a third. Actions: revisit travel policy; move budget review to week one of next quarter; publish the refund policy change this month. Open: refund policy scope for earlier orders; owner of the partner onboarding checklist. "
    static let user2 = "#lorem 60"

    static func body(model: String = "bench-model", stream: Bool = false) -> [UInt8] {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array([
                ["role": "system", "content": .string(system)], ["role": "user", "content": .string(user1)],
                ["role": "assistant", "content": .string(assistant1)], ["role": "user", "content": .string(user2)],
            ]),
            "temperature": .number(0.2), "max_tokens": .integer(400), "user": "bench-user",
        ]
        if stream { body["stream"] = .bool(true) }
        return JSONValue.object(body).serialized()
    }

    static let chat = body()
}
