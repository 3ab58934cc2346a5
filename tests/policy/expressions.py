"""Typed random Cedar expressions. Each generator returns Cedar text of (mostly) the requested type;
with a small probability it returns another type on purpose, so evaluation errors are exercised."""
from generator import (ACTIONS, ATTRS, DECIMALS, DOCS, IPS, LONGS, STRINGS, TEAMS, USERS, cedar_string, uid_text)

WRONG_TYPE = 0.06


class Expressions:
    def __init__(self, gen):
        self.g = gen
        self.r = gen.r

    def paren(self, text):
        return "(" + text + ")" if self.g.chance(0.85) else text

    def any(self, d):
        return self.r.choice([self.bool, self.long, self.string, self.entity, self.set, self.record,
                              self.ip, self.decimal])(d)

    def maybe_wrong(self, d):
        if self.g.chance(WRONG_TYPE):
            return "(" + self.any(max(d - 1, 0)) + ")"
        return None

    def attr_of(self, base_kind):
        """An attribute read on an entity or context, with the attribute sometimes absent."""
        base = self.r.choice(["principal", "resource", "context", "principal.rec", "context.rec",
                              "context.who", "principal.owner", "action", uid_text("Team", self.r.choice(TEAMS))])
        name = base_kind if not self.g.chance(0.05) else self.r.choice(ATTRS)
        if base.endswith(".rec"):
            name = {"n": "a", "s": "b", "rec": "inner"}.get(base_kind, name)
        if self.g.chance(0.15):
            return '%s["%s"]' % (base, name)
        return "%s.%s" % (base, name)

    def bool(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        if d <= 0:
            return self.r.choice(["true", "false", self.attr_of("flag"), "context has flag",
                                  "principal has n", "resource has owner"])
        c = self.r.randint(0, 23)
        p = self.paren
        if c == 0:
            return self.r.choice(["true", "false"])
        if c == 1:
            return self.attr_of("flag")
        if c == 2:
            return "%s %s %s" % (p(self.long(d - 1)), self.r.choice(["<", "<=", ">", ">="]), p(self.long(d - 1)))
        if c == 3:
            gen = self.r.choice([self.long, self.string, self.entity, self.any, self.set, self.ip, self.decimal])
            other = gen if self.g.chance(0.7) else self.any
            return "%s %s %s" % (p(gen(d - 1)), self.r.choice(["==", "!="]), p(other(d - 1)))
        if c == 4:
            base = self.r.choice(["principal", "resource", "context", "context.rec", "principal.rec", "context.who",
                                  "principal.owner"])
            if self.g.chance(0.2):
                return '%s has "%s"' % (base, self.r.choice(ATTRS))
            if self.g.chance(0.2):
                return "%s has rec.%s" % (base, self.r.choice(["a", "b", "inner", "inner.c"]))
            return "%s has %s" % (base, self.r.choice(ATTRS))
        if c == 5:
            pat = self.r.choice(["*", "a*", "*c", "a*c", "\\*", "*\\**", "pii.*", "pii.sg_*", "h*o", "", "abc",
                                 "**", "*.*", "\u65e5*", "x\\*y", "\\u{2a}b", "a\\x2a", "\\u{61}*", "t\\tx"])
            return '%s like "%s"' % (p(self.string(d - 1)), pat)
        if c == 6:
            rhs = self.entity(d - 1) if self.g.chance(0.7) else "[" + ", ".join(
                self.entity(d - 1) for _ in range(self.r.randint(0, 3))) + "]"
            return "%s in %s" % (p(self.entity(d - 1)), p(rhs))
        if c == 7:
            t = self.r.choice(["User", "Team", "Doc", "Ns::Doc", "Action", "Folder"])
            if self.g.chance(0.3):
                return "%s is %s in %s" % (p(self.entity(d - 1)), t, p(self.entity(d - 1)))
            return "%s is %s" % (p(self.entity(d - 1)), t)
        if c == 8:
            return "%s.contains(%s)" % (p(self.set(d - 1)), self.any(d - 1))
        if c == 9:
            return "%s.%s(%s)" % (p(self.set(d - 1)), self.r.choice(["containsAll", "containsAny"]), self.set(d - 1))
        if c in (10, 11):
            return "%s && %s" % (p(self.bool(d - 1)), p(self.bool(d - 1)))
        if c in (12, 13):
            return "%s || %s" % (p(self.bool(d - 1)), p(self.bool(d - 1)))
        if c == 14:
            return "!" + p(self.bool(d - 1))
        if c == 15:
            return "(if %s then %s else %s)" % (self.bool(d - 1), self.bool(d - 1), self.bool(d - 1))
        if c == 16:
            return "%s.%s()" % (p(self.ip(d - 1)), self.r.choice(["isIpv4", "isIpv6", "isLoopback", "isMulticast"]))
        if c == 17:
            return "%s.isInRange(%s)" % (p(self.ip(d - 1)), self.ip(d - 1))
        if c == 18:
            m = self.r.choice(["lessThan", "lessThanOrEqual", "greaterThan", "greaterThanOrEqual"])
            return "%s.%s(%s)" % (p(self.decimal(d - 1)), m, self.decimal(d - 1))
        if c == 19:
            return "%s.isEmpty()" % p(self.set(d - 1))
        if c == 20:
            return "%s == %s" % (p(self.record(d - 1)), p(self.record(d - 1)))
        if c == 21:
            return "%s.hasTag(%s)" % (p(self.entity(d - 1)), self.string(d - 1))
        if c == 22:
            return self.r.choice(["context.tags.contains(%s)" % self.string(d - 1),
                                  "principal.hasTag(%s)" % self.string(d - 1),
                                  "principal.getTag(%s) == %s" % (self.string(d - 1), self.any(d - 1)),
                                  "!!" + p(self.bool(d - 1)), "--" + p(self.long(d - 1)) + " == 1",
                                  "ip()", "ip(\"1.2.3.4\").isIpv4(1)", "principal has rec.inner.c",
                                  "context has rec.a", "%s is %s" % (p(self.entity(d - 1)), "A::B")])
        return "%s == %s" % (p(self.long(d - 1)), p(self.long(d - 1)))

    def long(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        c = self.r.randint(0, 8 if d > 0 else 1)
        p = self.paren
        if c == 0:
            v = self.r.choice(LONGS)
            return str(v) if v >= 0 or self.g.chance(0.7) else "(%d)" % v
        if c == 1:
            return self.attr_of("n")
        if c in (2, 3):
            return "%s %s %s" % (p(self.long(d - 1)), self.r.choice(["+", "-"]), p(self.long(d - 1)))
        if c == 4:
            return "%s * %s" % (p(self.long(d - 1)), p(self.long(d - 1)))
        if c == 5:
            return "-" + p(self.long(d - 1))
        if c == 6:
            return "(if %s then %s else %s)" % (self.bool(d - 1), self.long(d - 1), self.long(d - 1))
        if c == 7:
            return '{a: %s, "b": 2}.a' % self.long(d - 1)
        return self.attr_of("n")

    def string(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        c = self.r.randint(0, 3)
        if c <= 1:
            return cedar_string(self.r.choice(STRINGS), self.r)
        if c == 2:
            return self.attr_of("s")
        return "(if %s then %s else %s)" % (self.bool(max(d - 1, 0)), cedar_string(self.r.choice(STRINGS)),
                                            self.attr_of("s")) if d > 0 else '"abc"'

    def entity(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        c = self.r.randint(0, 4)
        if c == 0:
            return self.r.choice(["principal", "resource", "action"])
        if c in (1, 2):
            return self.g.entity_literal()
        if c == 3:
            return self.attr_of("owner")
        return "context.who"

    def set(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        c = self.r.randint(0, 4)
        if c == 0:
            return self.attr_of("tags")
        if c == 1:
            return "[" + ", ".join(cedar_string(self.r.choice(STRINGS)) for _ in range(self.r.randint(0, 3))) + "]"
        if c == 2 and d > 0:
            gen = self.r.choice([self.long, self.string, self.entity, self.any])
            return "[" + ", ".join(gen(d - 1) for _ in range(self.r.randint(0, 3))) + "]"
        if c == 3:
            return "[" + ", ".join(str(self.r.choice(LONGS[:7])) for _ in range(self.r.randint(0, 3))) + "]"
        return "[" + ", ".join(self.g.entity_literal() for _ in range(self.r.randint(0, 3))) + "]"

    def record(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        if self.g.chance(0.4):
            return self.r.choice(["context.rec", "principal.rec", "resource.rec"])
        fields = []
        for k in self.r.sample(["a", "b", "inner", "\"q k\""], self.r.randint(0, 3)):
            fields.append("%s: %s" % (k, self.any(max(d - 1, 0)) if d > 0 else "1"))
        return "{" + ", ".join(fields) + "}"

    def ip(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        if self.g.chance(0.25):
            return self.attr_of("ip")
        if d > 0 and self.g.chance(0.1):
            return "ip(%s)" % self.string(d - 1)
        return 'ip("%s")' % self.r.choice(IPS)

    def decimal(self, d):
        w = self.maybe_wrong(d)
        if w:
            return w
        if self.g.chance(0.25):
            return self.attr_of("amount")
        return 'decimal("%s")' % self.r.choice(DECIMALS)
