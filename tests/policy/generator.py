"""Seeded random generator of Cedar policy sets, entity graphs and requests for differential testing.

Everything the Portcullis engine supports is generated, including expressions that fail at
evaluation time (type errors, missing attributes, overflow, bad extension literals), so the
comparison covers which policies error as well as the decision.
"""
import random

USERS = ["alice", "bob", "carol", "dave", "erin", "o'brien \"q\"", "\u00fcn\u00ef\tx"]
TEAMS = ["t0", "t1", "t2"]
DEPTS = ["d0", "d1"]
ORGS = ["o0"]
DOCS = ["doc0", "doc1", "doc2", "doc3"]
FOLDERS = ["f0", "f1"]
ACTIONS = ["read", "write", "delete"]
ACTION_GROUPS = {"readOnly": ["read"], "all": ["read", "write", "delete"]}
STRINGS = ["", "a", "abc", "summarise", "codegen", "pii.email", "pii.sg_nric", "secret.aws", "x*y", "a\"q", "tab\tx",
           "héllo", "日本", "ab*", "*"]
LONGS = [0, 1, -1, 2, 3, 7, 10, 100, -100, 1000, 3037000500, 4611686018427387904, 9223372036854775807,
         -9223372036854775808, 9223372036854775806]
IPS = ["10.0.0.1", "10.0.0.0/8", "10.1.0.0/16", "192.168.1.10", "192.168.0.0/16", "127.0.0.1", "127.0.0.0/8",
       "224.0.0.1", "224.0.0.0/4", "::1", "ff02::1", "ff00::/8", "2001:db8::1", "2001:db8::/32", "0.0.0.0/0",
       "::/0", "1.2.3.4/24", "1.2.3.0/24", "127.1.2.3/4", "ff00::1/4", "225.1.1.1/2",
       # invalid forms: errors at evaluation
       "bad", "1.2.3.4/33", "::ffff:1.2.3.4", "01.2.3.4", "1.2.3", "::1/129",
       # edge forms (valid or not, both engines must agree)
       "1.2.3.4/0", "::", "1::", "::1:2", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1::2::3", "1:2:3:4:5:6:7::",
       "::1.2.3.4", "1.2.3.4/", "1.2.3.4/08", "1.2.3.4/+8", "256.1.1.1", "1.2.3.04", ":1::", "1:::2", "12345::",
       "1.2.3.4.5", "", "1.2.3.4 ", "/24", "0:0:0:0:0:0:0:1/128", "ABCD::ef", "1:2:3:4:5:6:7::8", "::/129",
       "10.0.0.1/032", "fe80::1%eth0", "1.2.3.4/-1"]
DECIMALS = ["0.0", "1.5", "-1.5", "2.25", "1.0000", "1.00", "-0.0001", "922337203685477.5807", "-922337203685477.5808",
            "100.1", "3.1415",
            # invalid forms
            "1", "1.23456", "abc", "922337203685477.5808", ".5"]
ATTRS = ["n", "s", "flag", "tags", "rec", "owner", "ip", "amount", "missing"]


def cedar_string(s, r=None):
    """Cedar literal for s; with a random source, some characters are written as \\u{..} / \\x.. escapes."""
    out = []
    for ch in s:
        if r is not None and r.random() < 0.15:
            out.append("\\u{%x}" % ord(ch) if ord(ch) > 0x7f or r.random() < 0.5 else "\\x%02x" % ord(ch))
            continue
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20:
            out.append("\\u{%x}" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def uid(t, i):
    return {"type": t, "id": i}


def uid_text(t, i, r=None):
    return "%s::%s" % (t, cedar_string(i, r))


class Generator:
    def __init__(self, seed, mutation_rate=0.08):
        self.r = random.Random(seed)
        self.mutation_rate = mutation_rate

    def chance(self, p):
        return self.r.random() < p

    def pick(self, xs):
        return self.r.choice(xs)

    # ---------- entities ----------
    def value_json(self, kind):
        r = self.r
        if kind == "n":
            return self.pick(LONGS)
        if kind == "s":
            return self.pick(STRINGS)
        if kind == "flag":
            return r.random() < 0.5
        if kind == "tags":
            return r.sample(STRINGS[:8], r.randint(0, 4))
        if kind == "rec":
            rec = {"a": self.pick(LONGS[:8])}
            if self.chance(0.6):
                rec["b"] = self.pick(STRINGS[:6])
            if self.chance(0.3):
                rec["inner"] = {"c": self.chance(0.5)}
            return rec
        if kind == "owner":
            return {"__entity": uid("User", self.pick(USERS + ["ghost"]))}
        if kind == "ip":
            return {"__extn": {"fn": "ip", "arg": self.pick([i for i in IPS[:21]])}}
        if kind == "amount":
            return {"__extn": {"fn": "decimal", "arg": self.pick(DECIMALS[:11])}}
        raise ValueError(kind)

    def attrs(self):
        out = {}
        for k in ATTRS[:-1]:
            if self.chance(0.7):
                out[k] = self.value_json(k)
        return out

    def entities(self):
        """A three-level hierarchy: User -> Team -> Dept -> Org; Doc -> Folder; Ns::Doc; action groups."""
        ents = []
        for u in USERS:
            if self.chance(0.1):
                continue  # absent from the store: attribute access errors, `has` is false
            parents = [uid("Team", t) for t in self.r.sample(TEAMS, self.r.randint(0, 2))]
            ent = {"uid": uid("User", u), "attrs": self.attrs(), "parents": parents}
            if self.chance(0.5):
                ent["tags"] = {k: self.value_json(k) for k in self.r.sample(["n", "s", "flag", "tags"], self.r.randint(0, 3))}
            ents.append(ent)
        for t in TEAMS:
            parents = [uid("Dept", d) for d in self.r.sample(DEPTS, self.r.randint(0, 2))]
            ents.append({"uid": uid("Team", t), "attrs": self.attrs() if self.chance(0.3) else {}, "parents": parents})
        for d in DEPTS:
            parents = [uid("Org", o) for o in ORGS] if self.chance(0.8) else []
            ents.append({"uid": uid("Dept", d), "attrs": {}, "parents": parents})
        for o in ORGS:
            ents.append({"uid": uid("Org", o), "attrs": {"n": self.pick(LONGS)}, "parents": []})
        for doc in DOCS:
            parents = [uid("Folder", f) for f in self.r.sample(FOLDERS, self.r.randint(0, 2))]
            ents.append({"uid": uid("Doc", doc), "attrs": self.attrs(), "parents": parents})
            if self.chance(0.3):
                ents.append({"uid": uid("Ns::Doc", doc), "attrs": self.attrs(), "parents": []})
        for f in FOLDERS:
            ents.append({"uid": uid("Folder", f), "attrs": self.attrs() if self.chance(0.3) else {}, "parents": []})
        for a in ACTIONS:
            parents = [uid("Action", g) for g, members in ACTION_GROUPS.items() if a in members and self.chance(0.9)]
            ents.append({"uid": uid("Action", a), "attrs": {}, "parents": parents})
        for g in ACTION_GROUPS:
            ents.append({"uid": uid("Action", g), "attrs": {}, "parents": []})
        return ents

    def context(self):
        ctx = {}
        for k in ["n", "s", "flag", "tags", "rec", "ip", "amount"]:
            if self.chance(0.7):
                ctx[k] = self.value_json(k)
        if self.chance(0.5):
            ctx["who"] = {"__entity": uid("User", self.pick(USERS))}
        return ctx

    def request(self, entities):
        p = self.pick(USERS + ["ghost"])
        # String-form uids must be canonical for the reference (Rust escape_debug: `'` is escaped too);
        # a few are left non-canonical on purpose, which both engines must refuse.
        text = uid_text("User", p)
        if self.chance(0.8):
            text = text.replace("'", "\\'")
        principal = text if self.chance(0.5) else uid("User", p)
        action = uid_text("Action", self.pick(ACTIONS))
        rt = "Ns::Doc" if self.chance(0.15) else "Doc"
        resource = uid(rt, self.pick(DOCS))
        return {"principal": principal, "action": action, "resource": resource, "context": self.context(),
                "entities": entities}

    # ---------- policies ----------
    def entity_literal(self):
        t = self.r.random()
        if t < 0.3:
            return uid_text("User", self.pick(USERS + ["ghost"]), self.r)
        if t < 0.5:
            return uid_text("Team", self.pick(TEAMS))
        if t < 0.6:
            return uid_text("Dept", self.pick(DEPTS))
        if t < 0.65:
            return uid_text("Org", self.pick(ORGS))
        if t < 0.8:
            return uid_text("Doc", self.pick(DOCS))
        if t < 0.9:
            return uid_text("Folder", self.pick(FOLDERS))
        if t < 0.95:
            return uid_text("Ns::Doc", self.pick(DOCS))
        return uid_text("Action", self.pick(ACTIONS + list(ACTION_GROUPS)))

    def principal_scope(self):
        t = self.r.random()
        if t < 0.4:
            return "principal"
        if t < 0.55:
            return "principal == " + uid_text("User", self.pick(USERS))
        if t < 0.8:
            return "principal in " + self.pick([uid_text("Team", self.pick(TEAMS)), uid_text("Dept", self.pick(DEPTS)),
                                                uid_text("Org", "o0"), uid_text("User", self.pick(USERS))])
        if t < 0.9:
            return "principal is " + self.pick(["User", "Team"])
        return "principal is User in " + uid_text(self.pick(["Team", "Dept"]), self.pick(TEAMS + DEPTS))

    def action_scope(self):
        t = self.r.random()
        names = ACTIONS + list(ACTION_GROUPS)
        if t < 0.4:
            return "action"
        if t < 0.6:
            return "action == " + uid_text("Action", self.pick(names))
        if t < 0.8:
            return "action in " + uid_text("Action", self.pick(names))
        k = self.r.randint(0, 3)
        return "action in [" + ", ".join(uid_text("Action", self.pick(names)) for _ in range(k)) + "]"

    def resource_scope(self):
        t = self.r.random()
        if t < 0.45:
            return "resource"
        if t < 0.6:
            return "resource == " + uid_text(self.pick(["Doc", "Ns::Doc"]), self.pick(DOCS))
        if t < 0.8:
            return "resource in " + uid_text("Folder", self.pick(FOLDERS))
        if t < 0.9:
            return "resource is " + self.pick(["Doc", "Ns::Doc", "Folder"])
        return "resource is Doc in " + uid_text("Folder", self.pick(FOLDERS))

    def policy(self, index):
        anns = []
        if self.chance(0.3):
            anns.append('@id("p%d_%d")' % (index, self.r.randint(0, 999)))
        if self.chance(0.2):
            anns.append('@max_tokens("%d")' % self.r.choice([256, 1024]))
        if self.chance(0.05):
            anns.append("@advice")
        effect = "permit" if self.chance(0.72) else "forbid"
        scope = "%s, %s, %s" % (self.principal_scope(), self.action_scope(), self.resource_scope())
        conds = []
        for _ in range(self.r.choice([0, 1, 1, 1, 2, 2, 3])):
            kw = "when" if self.chance(0.75) else "unless"
            from expressions import Expressions
            conds.append("%s { %s }" % (kw, Expressions(self).bool(3)))
        sep = "\n" if self.chance(0.5) else " "
        return sep.join(anns + ["%s(%s)" % (effect, scope)] + conds) + ";"

    def policy_set(self):
        n = self.r.randint(1, 8)
        text = "\n".join(self.policy(i) for i in range(n)) + "\n"
        if self.chance(self.mutation_rate):
            text = self.mutate(text)
        return text

    MUTATIONS = ["(", ")", "!", "-", ",", ";", ".", "::", '"', "if", "in", "[", "]", "{", "}", "@x", "&&", "==",
                 "is", "like", "has", "*", "?principal", "when", "then", "0", "-9223372036854775808", "\\", "// c\n"]

    def mutate(self, text):
        """A small random edit, so that parser acceptance is compared too (most edits are syntax errors)."""
        i = self.r.randrange(len(text))
        t = self.r.random()
        if t < 0.4:
            return text[:i] + text[i + 1:]
        if t < 0.8:
            return text[:i] + " " + self.pick(self.MUTATIONS) + " " + text[i:]
        j = min(len(text), i + self.r.randint(1, 12))
        return text[:j] + text[i:j] + text[j:]
