import Core
import Foundation
import Policy

// Decision-time benchmark of PolicyEngine.decide: 100 policies, a three-level group hierarchy
// (5 divisions > 25 departments > 125 teams), principals in 2 teams each. Prints a table.

func makePolicies(_ count: Int) -> String {
    var out: [String] = []
    let purposes = ["summarise", "codegen", "translate", "classify", "chat"]
    for i in 0..<count {
        let team = "team\(i % 125)", dept = "dept\(i % 25)", div = "div\(i % 5)"
        switch i % 10 {
        case 0:
            out.append("""
                @id("p\(i)") @max_tokens("\(1024 + i)") permit(principal in Group::"\(div)", action in Action::"inference", resource is Model)
                when { context has purpose && context.purpose == "\(purposes[i % 5])" && resource.hosting == "internal" };
                """)
        case 1:
            out.append("""
                @id("p\(i)") forbid(principal in Group::"\(team)", action in Action::"inference", resource is Model)
                when { resource.hosting == "external" && context.finding_categories.contains("pii") };
                """)
        case 2:
            out.append("""
                @id("p\(i)") @tools("search,calc") permit(principal in Group::"\(dept)", action == Action::"chat.completions", resource == Model::"model\(i % 7)")
                when { context.tools.containsAll(["search"]) && context.input_tokens < 8000 };
                """)
        case 3:
            out.append("""
                @id("p\(i)") forbid(principal, action in Action::"inference", resource is Model)
                when { context has classification && !resource.allowed_data_classes.contains(context.classification) }
                unless { principal in Group::"\(div)" };
                """)
        case 4:
            out.append("""
                @id("p\(i)") permit(principal is User in Group::"\(team)", action in [Action::"embeddings", Action::"responses"], resource)
                when { context.hour >= 6 && context.hour < 22 && ["mon", "tue", "wed", "thu", "fri"].contains(context.weekday) };
                """)
        case 5:
            out.append("""
                @id("p\(i)") forbid(principal, action, resource is Model)
                when { context has source_ip && !context.source_ip.isInRange(ip("10.0.0.0/8")) && resource.tier == "premium" };
                """)
        case 6:
            out.append("""
                @id("p\(i)") @guardrails("strict") permit(principal in Group::"\(dept)", action in Action::"inference", resource)
                when { principal.email like "*@example.com" && context.purpose == "codegen" };
                """)
        case 7:
            out.append("""
                @id("p\(i)") permit(principal, action == Action::"models.list", resource is Model)
                when { principal.scopes.contains("llm.list\(i)") };
                """)
        case 8:
            out.append("""
                @id("p\(i)") forbid(principal in Group::"\(team)", action, resource)
                when { context.max_tokens > 100000 || context.findings.containsAny(["secret.aws_access_key", "injection"]) };
                """)
        default:
            out.append("""
                @id("p\(i)") permit(principal in Group::"\(div)", action in Action::"inference", resource is Model)
                when { if context.stream then resource.provider == "openai" else resource.region == "sg" };
                """)
        }
    }
    return out.joined(separator: "\n")
}

func hierarchy() throws -> EntityStore {
    var entities: [Entity] = []
    for d in 0..<5 { entities.append(Entity(uid: EntityUID(type: "Group", id: "div\(d)"))) }
    for d in 0..<25 {
        entities.append(Entity(uid: EntityUID(type: "Group", id: "dept\(d)"), parents: [EntityUID(type: "Group", id: "div\(d % 5)")]))
    }
    for t in 0..<125 {
        entities.append(Entity(uid: EntityUID(type: "Group", id: "team\(t)"), parents: [EntityUID(type: "Group", id: "dept\(t % 25)")]))
    }
    return try EntityStore(entities)
}

func queries() -> [PolicyQuery] {
    let models = (0..<7).map { i in
        ModelDescriptor(
            name: "model\(i)", provider: i % 2 == 0 ? "openai" : "vllm", upstreamModel: "m\(i)",
            hosting: i % 2 == 0 ? "external" : "internal", region: i % 3 == 0 ? "sg" : "us",
            tier: i % 4 == 0 ? "premium" : "standard", allowedDataClasses: ["public", "internal"])
    }
    let ops: [Core.Operation] = [.chatCompletions, .responses, .embeddings, .messages, .modelsList]
    var out: [PolicyQuery] = []
    for i in 0..<64 {
        let principal = Principal(
            issuer: "https://idp.example", subject: "user\(i)", kind: .user, email: "user\(i)@example.com",
            groups: ["team\(i % 125)", "team\((i * 7) % 125)"], roles: ["member"], scopes: ["llm"], tenant: "acme")
        let purposes: [String?] = ["summarise", "codegen", nil]
        let findings: [Finding] =
            i % 5 == 0 ? [Finding(detector: "pii.email.regex", category: "pii.email", start: 0, end: 5, score: 1)] : []
        let time = Date(timeIntervalSince1970: 1_767_607_200 + Double(i) * 3600)
        out.append(PolicyQuery(
            principal: principal, operation: ops[i % ops.count], model: models[i % models.count],
            purpose: purposes[i % 3], dataClassification: i % 4 == 0 ? "confidential" : "internal",
            tools: i % 2 == 0 ? ["search"] : [], stream: i % 2 == 1, estimatedInputTokens: 500 + i,
            maxTokens: i % 3 == 0 ? nil : 1024, sourceIP: "10.1.\(i).7", time: time, findings: findings))
    }
    return out
}

func threadCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func percentile(_ sorted: [Double], _ p: Double) -> Double {
    sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
}

let iterations = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 200_000
let store = try hierarchy()
let qs = queries()
print("PolicyEngine.decide — \(iterations) decisions per row, 64 distinct queries, 155 groups in 3 levels")
print("p50/p90/p99 from per-call wall-clock samples; cpu µs = thread CPU time / decisions (robust to a busy host)")
print("| policies | p50 µs | p90 µs | p99 µs | mean µs | cpu µs | allow % |")
print("|---------:|-------:|-------:|-------:|--------:|-------:|--------:|")
let counts = (ProcessInfo.processInfo.environment["BENCH_POLICIES"]?.split(separator: ",").compactMap { Int($0) })
    ?? [0, 10, 100, 500]
for count in counts {
    let engine = try PolicyEngine(policies: PolicySet(parsing: makePolicies(count)), entities: store, hasher: { _ in "" })
    for q in qs { _ = engine.decide(q) }  // warm up
    var samples = [Double]()
    samples.reserveCapacity(iterations)
    var allowed = 0
    let clock = ContinuousClock()
    let cpuStart = threadCPUSeconds()
    for i in 0..<iterations {
        let q = qs[i & 63]
        let start = clock.now
        let d = engine.decide(q)
        let elapsed = clock.now - start
        if d.isAllowed { allowed += 1 }
        samples.append(Double(elapsed.components.attoseconds) / 1e12 + Double(elapsed.components.seconds) * 1e6)
    }
    let cpu = (threadCPUSeconds() - cpuStart) * 1e6 / Double(iterations)
    samples.sort()
    let mean = samples.reduce(0, +) / Double(samples.count)
    print(String(
        format: "| %8d | %6.2f | %6.2f | %6.2f | %7.2f | %6.2f | %7.1f |", count, percentile(samples, 0.5),
        percentile(samples, 0.9), percentile(samples, 0.99), mean, cpu, 100 * Double(allowed) / Double(iterations)))
}
