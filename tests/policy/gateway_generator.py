"""Seeded random gateway-shaped policy sets, static entities and gateway-form requests (what the gateway
puts in: User/Service principals in Group/Role hierarchies, Action::"<operation>" in Action::"inference",
Model resources in model families, the documented context) for the gateway-form differential test.
Conditions include ones that error (absent optional attributes, type mismatches), as real policies do."""
import random

OPERATIONS = ["chat.completions", "responses", "messages", "embeddings", "models.list"]
INFERENCE = ["chat.completions", "responses", "messages", "embeddings"]
GROUPS = ["g0", "g1", "g2", "g3", "g4", "g5", "unlisted"]
ROLES = ["r0", "r1", "r2"]
FAMILIES = ["f0", "f1"]
SUBJECTS = ["alice", "bob", "svc-batch", "o'brien", "日本"]
ISSUERS = ["https://idp.example", "https://partner.example/realms/x"]
PURPOSES = ["summarise", "codegen", "translate", ""]
CLASSES = ["public", "internal", "confidential"]
TOOLS = ["internal_api", "repo_search", "web_fetch", "calc"]
FINDINGS = ["pii.email", "pii.sg_nric:pii.sg_nric.checked", "secret.aws_access_key", "injection", "pii.phone:phone.e164"]
IPS = ["10.1.2.3", "192.168.1.7", "127.0.0.1", "::1", "2001:db8::5", "::ffff:10.9.9.9", "not-an-ip"]
MODELS = [
    {"name": "m0", "provider": "openai", "hosting": "external", "region": "us", "allowed_data_classes": ["public"]},
    {"name": "m1", "provider": "azure", "hosting": "external", "region": "sg", "tier": "premium",
     "allowed_data_classes": ["public", "internal"]},
    {"name": "m2", "provider": "vllm", "hosting": "internal", "allowed_data_classes": ["public", "internal", "confidential"]},
    {"name": "m3", "provider": "vllm", "hosting": "internal", "region": "sg", "allowed_data_classes": []},
]

# Condition atoms over the gateway's request; some error when an optional attribute is absent.
ATOMS = [
    'context has purpose && context.purpose == "codegen"',
    'context.purpose == "summarise"',
    'context has classification && resource.allowed_data_classes.contains(context.classification)',
    'resource.allowed_data_classes.contains(context.classification)',
    'context has classification && context.classification == "public"',
    'resource.hosting == "internal"',
    'resource.hosting == "external"',
    'context.finding_categories.contains("pii")',
    'context.findings.containsAny(["pii.email", "secret.aws_access_key"])',
    'context.findings.contains("pii.sg_nric.checked")',
    'context.tools.containsAny(["internal_api", "repo_search"])',
    'context.tools.isEmpty()',
    'context.tools.containsAll(["calc"])',
    'context.stream',
    'context.input_tokens > 1000',
    'context.max_tokens <= 512 && context.max_tokens > 0',
    'context.hour < 9 || context.hour >= 18',
    'context.weekday == "sat" || context.weekday == "sun"',
    'context has source_ip && context.source_ip.isInRange(ip("10.0.0.0/8"))',
    'context.source_ip.isLoopback()',
    'context has source_ip && context.source_ip.isIpv6()',
    'principal.groups.contains("g1")',
    'principal in Group::"g0"',
    'principal in Role::"r1"',
    'principal has tenant && principal.tenant == "acme"',
    'principal.email like "*@example.com"',
    'principal has acr && principal.acr == "mfa"',
    'principal.kind == "service"',
    'principal.scopes.contains("llm")',
    'principal.subject like "*o*"',
    'principal.issuer == "https://idp.example"',
    'resource in ModelFamily::"f0"',
    'resource.region == "sg"',
    'resource has tier && resource.tier == "premium"',
    'resource.provider == "vllm"',
    'resource.name like "m*"',
    'context.input_tokens + context.max_tokens > 600',
    'context.hour < "noon"',
]


class GatewayGenerator:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def pick(self, xs):
        return self.r.choice(xs)

    def some(self, xs, p=0.4):
        return [x for x in xs if self.r.random() < p]

    def entities(self):
        """Three-level group hierarchy, a role chain, model families; sometimes a principal with configured parents."""
        g = lambda i: {"type": "Group", "id": i}
        out = [
            {"uid": g("g0"), "attrs": {}, "parents": []},
            {"uid": g("g1"), "attrs": {}, "parents": [g("g0")]},
            {"uid": g("g2"), "attrs": {}, "parents": [g("g1")]},
            {"uid": g("g3"), "attrs": {}, "parents": [g(self.pick(["g1", "g2"]))]},
            {"uid": g("g4"), "attrs": {}, "parents": [g("g0")] if self.r.random() < 0.5 else []},
            {"uid": g("g5"), "attrs": {}, "parents": [g("g2"), g("g4")]},
            {"uid": {"type": "Role", "id": "r0"}, "attrs": {}, "parents": [{"type": "Role", "id": "r1"}]},
            {"uid": {"type": "Role", "id": "r1"}, "attrs": {}, "parents": []},
            {"uid": {"type": "ModelFamily", "id": "f0"}, "attrs": {}, "parents": [{"type": "ModelFamily", "id": "f1"}]},
            {"uid": {"type": "ModelFamily", "id": "f1"}, "attrs": {}, "parents": []},
        ]
        for m in MODELS:
            if self.r.random() < 0.6:
                out.append({"uid": {"type": "Model", "id": m["name"]}, "attrs": {"stale": True},
                            "parents": [{"type": "ModelFamily", "id": self.pick(FAMILIES)}]})
        if self.r.random() < 0.5:
            out.append({"uid": {"type": "User", "id": "https://idp.example#alice"}, "attrs": {"stale": True},
                        "parents": [g(self.pick(GROUPS[:6]))]})
        return out

    def scope(self, kind):
        r = self.r.random()
        if kind == "principal":
            if r < 0.35:
                return "principal"
            return self.pick([
                'principal in Group::"%s"' % self.pick(GROUPS[:6]), 'principal is User',
                'principal is User in Group::"%s"' % self.pick(GROUPS[:6]), 'principal is Service',
                'principal in Role::"%s"' % self.pick(ROLES), 'principal == User::"https://idp.example#alice"'])
        if kind == "action":
            if r < 0.25:
                return "action"
            return self.pick([
                'action in Action::"inference"', 'action == Action::"%s"' % self.pick(OPERATIONS),
                'action in [Action::"chat.completions", Action::"responses"]', 'action == Action::"inference"',
                'action in [Action::"models.list", Action::"inference"]'])
        if r < 0.35:
            return "resource"
        return self.pick([
            'resource is Model', 'resource == Model::"%s"' % self.pick(MODELS)["name"],
            'resource in ModelFamily::"%s"' % self.pick(FAMILIES), 'resource is Model in ModelFamily::"f1"'])

    def condition(self, depth=0):
        r = self.r.random()
        if depth < 2 and r < 0.2:
            return "(%s %s %s)" % (self.condition(depth + 1), self.pick(["&&", "||"]), self.condition(depth + 1))
        if depth < 2 and r < 0.27:
            return "!(%s)" % self.condition(depth + 1)
        if depth < 2 and r < 0.32:
            return "(if %s then %s else %s)" % (self.condition(depth + 1), self.condition(depth + 1), self.condition(depth + 1))
        return self.pick(ATOMS)

    def policy(self):
        effect = "forbid" if self.r.random() < 0.3 else "permit"
        text = "%s(%s, %s, %s)" % (effect, self.scope("principal"), self.scope("action"), self.scope("resource"))
        for _ in range(self.r.choice([0, 1, 1, 2])):
            text += " %s { %s }" % (self.pick(["when", "when", "unless"]), self.condition())
        return text + ";"

    def policy_set(self):
        return "\n".join(self.policy() for _ in range(self.r.randint(1, 12)))

    def request(self):
        p = {"subject": self.pick(SUBJECTS), "issuer": self.pick(ISSUERS), "kind": self.pick(["user", "user", "service"]),
             "groups": self.some(GROUPS, 0.3), "roles": self.some(ROLES, 0.3), "scopes": self.some(["llm", "admin"], 0.5)}
        for key, values in [("email", ["a@example.com", "b@corp.test"]), ("tenant", ["acme", "other"]),
                            ("acr", ["mfa", "pwd"]), ("name", ["A. Person"])]:
            if self.r.random() < 0.5:
                p[key] = self.pick(values)
        req = {"principal": p, "operation": self.pick(OPERATIONS), "model": self.pick(MODELS)["name"],
               "tools": self.some(TOOLS, 0.3), "stream": self.r.random() < 0.5,
               "input_tokens": self.pick([0, 10, 999, 1001, 5000]), "findings": self.some(FINDINGS, 0.25),
               "time": "2026-%02d-%02dT%02d:%02d:00Z" % (self.r.randint(1, 12), self.r.randint(1, 28),
                                                          self.r.randint(0, 23), self.r.randint(0, 59))}
        if self.r.random() < 0.7:
            req["purpose"] = self.pick(PURPOSES)
        if self.r.random() < 0.6:
            req["classification"] = self.pick(CLASSES)
        if self.r.random() < 0.6:
            req["max_tokens"] = self.pick([1, 256, 512, 4096])
        if self.r.random() < 0.8:
            req["source_ip"] = self.pick(IPS)
        model = next(m for m in MODELS if m["name"] == req["model"])
        return {"request": req, "model": model}


ACTION_ENTITIES = [{"uid": {"type": "Action", "id": op}, "attrs": {},
                    "parents": [{"type": "Action", "id": "inference"}] if op in INFERENCE else []} for op in OPERATIONS] + [
    {"uid": {"type": "Action", "id": "inference"}, "attrs": {}, "parents": []}]
