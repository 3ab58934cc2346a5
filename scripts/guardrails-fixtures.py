#!/usr/bin/env python3
"""Generates the guardrail fixtures. Deterministic (seeded); values are synthetic, never real credentials
or people.

--set regression (tests/fixtures/guardrails/): labelled PII and secret samples with random, valid values in
short sentences, plus near misses; written together with the detectors, so a regression check of formats.
--set independent (tests/fixtures/guardrails-independent/, see guardrails_independent.py): realistic carriers,
formats from their specifications, evasions and many near misses; the committed files use seed 613, which
was not looked at while the detectors were changed (development used other seeds).

    python3 scripts/guardrails-fixtures.py [--set regression|independent|both] [--seed N] [--count 40]
"""
import argparse, base64, hashlib, json, os, random, string

R = random.Random()

def luhn_complete(prefix, length):
    digits = [int(c) for c in prefix] + [R.randint(0, 9) for _ in range(length - len(prefix) - 1)]
    total = 0
    for i, d in enumerate(reversed(digits + [0])):
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return "".join(map(str, digits + [(10 - total % 10) % 10]))

def card():
    kind = R.choice(["visa", "mc", "mc2", "amex", "disc", "jcb"])
    prefix, length = {"visa": ("4", 16), "mc": (str(R.randint(51, 55)), 16), "mc2": (str(R.randint(2221, 2720)), 16),
                      "amex": (R.choice(["34", "37"]), 15), "disc": ("6011", 16), "jcb": (str(R.randint(3528, 3589)), 16)}[kind]
    n = luhn_complete(prefix, length)
    style = R.choice(["plain", "space", "dash"])
    if style == "plain":
        return n
    sep = " " if style == "space" else "-"
    groups = [n[0:4], n[4:10], n[10:]] if length == 15 else [n[i:i + 4] for i in range(0, 16, 4)]
    return sep.join(groups)

IBAN_SPEC = {"DE": "8n10n", "GB": "4a14n", "FR": "10n11c2n", "NL": "4a10n", "ES": "20n", "IT": "1a10n12c", "CH": "5n12c", "BE": "12n", "SG": None}

def iban():
    country = R.choice([c for c, s in IBAN_SPEC.items() if s])
    spec, bban, num = IBAN_SPEC[country], "", ""
    for ch in spec:
        if ch.isdigit():
            num += ch
            continue
        pool = {"n": string.digits, "a": string.ascii_uppercase, "c": string.ascii_uppercase + string.digits}[ch]
        bban += "".join(R.choice(pool) for _ in range(int(num)))
        num = ""
    rearranged = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in rearranged)) % 97
    value = f"{country}{check:02d}{bban}"
    if R.random() < 0.5:
        value = " ".join(value[i:i + 4] for i in range(0, len(value), 4))
    return value

def ssn():
    while True:
        area = R.randint(1, 899)
        if area != 666:
            break
    return f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"

def nric():
    p = R.choice("STFGM")
    d = "".join(R.choice(string.digits) for _ in range(7))
    s = sum(int(x) * w for x, w in zip(d, [2, 7, 6, 5, 4, 3, 2])) + {"T": 4, "G": 4, "M": 3}.get(p, 0)
    table = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK", "M": "XWUTRQPNJLK"}[p]
    return p + d + table[s % 11]

def hkid():
    pre = "".join(R.choice(string.ascii_uppercase) for _ in range(R.choice([1, 1, 2])))
    d = "".join(R.choice(string.digits) for _ in range(6))
    s = (36 * 9 + (ord(pre) - 55) * 8) if len(pre) == 1 else ((ord(pre[0]) - 55) * 9 + (ord(pre[1]) - 55) * 8)
    s += sum(int(x) * (7 - i) for i, x in enumerate(d))
    c = (11 - s % 11) % 11
    c = "A" if c == 10 else str(c)
    return f"{pre}{d}({c})" if R.random() < 0.7 else f"{pre}{d}{c}"

def phone():
    kind = R.choice(["sg", "sg_local", "hk", "us", "us_paren", "uk_mobile", "uk_land", "de", "fr", "au", "in"])
    n = lambda k: "".join(R.choice(string.digits) for _ in range(k))
    return {"sg": f"+65 {R.choice('689')}{n(3)} {n(4)}", "sg_local": f"{R.choice('89')}{n(3)} {n(4)}",
            "hk": f"+852 {R.choice('2569')}{n(3)} {n(4)}", "us": f"{R.randint(201, 989)}-{R.randint(201, 989)}-{n(4)}",
            "us_paren": f"({R.randint(201, 989)}) {R.randint(201, 989)}-{n(4)}", "uk_mobile": f"+44 7{n(3)} {n(6)}",
            "uk_land": f"020 {n(4)} {n(4)}", "de": f"+49 30 {n(7)}", "fr": f"+33 1 {n(2)} {n(2)} {n(2)} {n(2)}",
            "au": f"+61 2 {n(4)} {n(4)}", "in": f"+91 9{n(4)} {n(5)}"}[kind]

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

def btc():
    payload = bytes([R.choice([0, 5])]) + bytes(R.getrandbits(8) for _ in range(20))
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num, out = int.from_bytes(raw, "big"), ""
    while num:
        num, r = divmod(num, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out

CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

def bech32():
    def polymod(values):
        gen, chk = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3], 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1ffffff) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk
    prog = [R.getrandbits(8) for _ in range(20)]
    acc, bits, data = 0, 0, [0]
    for b in prog:
        acc, bits = (acc << 8) | b, bits + 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp = "bc"
    exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    pm = polymod(exp + data + [0] * 6) ^ 1
    return hrp + "1" + "".join(CHARSET[d] for d in data + [(pm >> 5 * (5 - i)) & 31 for i in range(6)])

rnd = lambda pool, k: "".join(R.choice(pool) for _ in range(k))
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64URL = ALNUM + "-_"

def jwt():
    header = base64.urlsafe_b64encode(json.dumps({"alg": R.choice(["HS256", "RS256"]), "typ": "JWT"}).encode()).decode().rstrip("=")
    payload = base64.urlsafe_b64encode(json.dumps({"sub": rnd(string.digits, 8), "iat": R.randint(1.6e9, 1.8e9)}).encode()).decode().rstrip("=")
    return f"{header}.{payload}.{rnd(B64URL, 43)}"

def pem():
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.choice([120, 240, 600])))).decode()
    kind = R.choice(["RSA ", "EC ", "", "OPENSSH "])
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}PRIVATE KEY-----\n{lines}\n-----END {kind}PRIVATE KEY-----"

def password():
    return rnd(ALNUM, R.randint(6, 10)) + R.choice("!@#%&*_-") + rnd(string.digits, 2)

SECRETS = {
    "secret.aws_access_key": lambda: R.choice(["AKIA", "ASIA"]) + rnd(string.ascii_uppercase + "234567", 16),
    "secret.gcp_api_key": lambda: "AIza" + rnd(ALNUM + "-_", 35),
    "secret.github_token": lambda: R.choice(["ghp_", "gho_", "ghs_", "ghu_"]) + rnd(ALNUM, 36),
    "secret.github_fine_grained_token": lambda: "github_pat_" + R.choice([rnd(ALNUM, 22) + "_" + rnd(ALNUM, 59), rnd(ALNUM + "_", 82)]),
    "secret.gitlab_token": lambda: "glpat-" + rnd(ALNUM + "-_", 20),
    "secret.slack_token": lambda: R.choice([f"xox{R.choice('bpa')}-{rnd(string.digits, 11)}-{rnd(string.digits, 12)}-{rnd(ALNUM, 24)}",
                                            f"xapp-1-A{rnd(string.ascii_uppercase + string.digits, 10)}-{rnd(string.digits, 13)}-{rnd(HEX, 64)}"]),
    "secret.slack_webhook": lambda: f"https://hooks.slack.com/services/T{rnd(string.ascii_uppercase + string.digits, 8)}/B{rnd(string.ascii_uppercase + string.digits, 10)}/{rnd(ALNUM, 24)}",
    "secret.stripe_key": lambda: f"{R.choice(['sk', 'rk'])}_{R.choice(['live', 'test'])}_{rnd(ALNUM, R.choice([24, 99]))}",
    "secret.openai_key": lambda: R.choice(["sk-" + rnd(ALNUM, 20) + "T3BlbkFJ" + rnd(ALNUM, 20), "sk-proj-" + rnd(ALNUM + "-_", 120), "sk-" + rnd(ALNUM, 48)]),
    "secret.azure_client_secret": lambda: rnd(ALNUM, 3) + rnd(string.digits, 1) + "Q~" + rnd(ALNUM + "_~.-", 34),
    "secret.anthropic_key": lambda: "sk-ant-api03-" + rnd(ALNUM + "-_", 93) + "AA",
    "secret.huggingface_token": lambda: "hf_" + rnd(string.ascii_letters, 34),
    "secret.npm_token": lambda: "npm_" + rnd(ALNUM, 36),
    "secret.sendgrid_key": lambda: "SG." + R.choice([rnd(ALNUM + "-_", 22) + "." + rnd(ALNUM + "-_", 43), rnd(ALNUM + "=_-.", 66)]),
    "secret.twilio_key": lambda: "SK" + rnd(HEX, 32),
    "secret.shopify_token": lambda: R.choice(["shpat_", "shpss_", "shpca_"]) + rnd(HEX, 32),
    "secret.digitalocean_token": lambda: R.choice(["dop_v1_", "doo_v1_"]) + rnd(HEX, 64),
    "secret.jwt": jwt,
    "secret.private_key": pem,
}

TEMPLATES = ["{v}", "Here is the key: {v}", "export TOKEN={v}", "config = {{\"key\": \"{v}\"}}", "I accidentally pasted {v} into the chat, can you rotate it?",
             "Use this in the header:\n{v}\nthanks", "curl -H 'Authorization: {v}' https://api.example.com"]

PII = {
    "pii.email": (lambda: f"{rnd(string.ascii_lowercase, R.randint(3, 8))}{R.choice(['.', '_', ''])}{rnd(string.ascii_lowercase, R.randint(2, 7))}@{rnd(string.ascii_lowercase, R.randint(4, 9))}.{R.choice(['com', 'org', 'com.sg', 'co.uk', 'hk', 'io'])}",
                  ["Email me at {v}.", "Contact: {v}", "cc {v} on the thread", "From: Jane <{v}>"]),
    "pii.phone": (phone, ["Call me on {v}.", "Phone: {v}", "My mobile is {v}", "Reach the office at {v} tomorrow", "tel {v}"]),
    "pii.credit_card": (card, ["My card number is {v}", "Charge {v} please", "Visa {v} exp 09/27", "card: {v}"]),
    "pii.iban": (iban, ["Transfer to IBAN {v}", "Account {v} at the bank", "Pay into {v} by Friday"]),
    "pii.us_ssn": (ssn, ["SSN {v}", "My social security number is {v}", "ssn: {v}"]),
    "pii.sg_nric": (nric, ["NRIC {v}", "My IC is {v}.", "FIN: {v}", "Applicant {v} submitted the form"]),
    "pii.hk_id": (hkid, ["HKID {v}", "Hong Kong identity card {v}", "ID card no. {v}"]),
    "pii.passport": (lambda: R.choice([rnd(string.digits, 9), R.choice("KE") + rnd(string.digits, 7) + R.choice(string.ascii_uppercase), R.choice("HK") + rnd(string.digits, 8)]),
                     ["Passport number {v}", "my passport no. is {v}", "Passport: {v} (expires 2031)"]),
    "pii.ip_address": (lambda: R.choice([".".join(str(R.randint(1, 254)) for _ in range(4)), ":".join(rnd(HEX, 4) for _ in range(8)), f"2001:db8::{rnd(HEX, 4)}:{rnd(HEX, 3)}"]),
                       ["Server at {v} is down", "ssh admin@{v}", "client ip={v}"]),
    "pii.mac_address": (lambda: R.choice([":", "-"]).join(rnd("0123456789ABCDEF", 2) for _ in range(6)), ["MAC {v}", "device {v} joined the network"]),
    "pii.date_of_birth": (lambda: R.choice([f"{R.randint(1, 28):02d}/{R.randint(1, 12):02d}/{R.randint(1940, 2005)}", f"{R.randint(1940, 2005)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}",
                                            f"{R.randint(1, 28)} {R.choice(['January', 'March', 'July', 'Oct'])} {R.randint(1940, 2005)}"]),
                          ["Date of birth: {v}", "I was born on {v}", "DOB {v}"]),
    "pii.bank_account": (lambda: R.choice([rnd(string.digits, R.randint(8, 12)), f"{rnd(string.digits, 3)}-{rnd(string.digits, 6)}-{rnd(string.digits, 3)}",
                                           rnd(string.ascii_uppercase, 4) + rnd(string.digits, 14)]),
                         ["Account number {v}", "bank account: {v}", "acct no {v} at OCBC"]),
    "pii.crypto_wallet": (lambda: R.choice([btc(), bech32(), "0x" + rnd(HEX + "ABCDEF", 40)]), ["Send BTC to {v}", "my wallet {v}", "ETH address: {v}"]),
}

STRUCTURED = [
    ("secret.database_url", lambda: f"{R.choice(['postgres', 'mysql', 'mongodb+srv', 'redis'])}://{rnd(string.ascii_lowercase, 5)}:{password()}@{rnd(string.ascii_lowercase, 6)}.internal:5432/app", "DATABASE_URL={v}", "v"),
    ("secret.password", password, "password: \"{v}\"", "v"),
    ("secret.password", password, "DB_PASSWORD={v}", "v"),
    ("secret.password", password, "my password is {v}", "v"),
    ("secret.password", lambda: rnd(string.ascii_lowercase, R.randint(6, 10)), "passwd = '{v}'", "v"),
    ("secret.aws_secret_key", lambda: rnd(ALNUM + "/+", 40), "aws_secret_access_key = {v}", "v"),
    ("secret.generic", lambda: rnd(ALNUM, 32), "client_secret: {v}", "v"),
    ("secret.generic", lambda: rnd(ALNUM + "-_", 40), "API_KEY=\"{v}\"", "v"),
    ("secret.azure_storage_key", lambda: rnd(ALNUM + "+/", 86) + "==", "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={v};EndpointSuffix=core.windows.net", "v"),
]

NEGATIVES = [
    lambda: f"request id {rnd(HEX, 8)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 4)}-{rnd(HEX, 12)} failed",
    lambda: f"sha256: {rnd(HEX, 64)}", lambda: f"commit {rnd(HEX, 40)}", lambda: f"md5 {rnd(HEX, 32)}",
    lambda: f"upgrade to v{R.randint(1, 20)}.{R.randint(0, 20)}.{R.randint(0, 99)}",
    lambda: f"at {R.randint(2000, 2030)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}Z the job ran",
    lambda: f"the total was {R.randint(1000, 99999999)} items", lambda: f"order #{rnd(string.digits, 10)} shipped",
    lambda: f"epoch {R.randint(1.6e12, 1.8e12)} ms", lambda: "api_key: <YOUR_API_KEY>", lambda: "AWS key AKIAIOSFODNN7EXAMPLE from the docs",
    lambda: "token = 'xxxxxxxxxxxxxxxxxxxxxxxxxxxx'", lambda: "password = os.environ['DB_PASSWORD']", lambda: "password: ${PASSWORD}",
    lambda: f"card {card().replace(' ', '')[:-1]}{R.choice('0123456789')} declined? maybe",  # often bad Luhn; labelled by checksum below
    lambda: "postgres://user:password@localhost:5432/db", lambda: "See RFC 3339 section 5.6 and ISO 8601.",
    lambda: f"Scores: {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)} {R.randint(10, 99)}",
    lambda: "Use sk_test_xxxxxxxxxxxxxxxxxxxxxxxx in tests", lambda: "let x = a::b::c;", lambda: f"meeting at {R.randint(1, 12)}:{R.randint(10, 59)} pm",
]

def luhn_ok(s):
    d = [int(c) for c in s if c.isdigit()]
    return sum(x if i % 2 == 0 else (x * 2 - 9 if x * 2 > 9 else x * 2) for i, x in enumerate(reversed(d))) % 10 == 0

def sample(text_template, value, category):
    i = text_template.index("{v}")
    text = text_template.replace("{{", "{").replace("}}", "}")
    i = text.index("{v}")
    text = text.replace("{v}", value, 1)
    return {"text": text, "spans": [{"type": category, "start": i, "end": i + len(value)}]}

def write(out, files, source):
    os.makedirs(out, exist_ok=True)
    for name, rows in files.items():
        with open(os.path.join(out, name), "w") as f:
            for n, row in enumerate(rows):
                row = {"id": f"{name.split('.')[0]}-{n}", **row, "source": source}
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"{os.path.relpath(os.path.join(out, name))}: {len(rows)} rows")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", choices=["regression", "independent", "both"], default="both")
    ap.add_argument("--out", help="directory (default: the set's directory under tests/fixtures)")
    ap.add_argument("--seed", type=int, help="default 7 (regression), 613 (independent)")
    ap.add_argument("--count", type=int, default=40)
    a = ap.parse_args()
    if a.set in ("independent", "both"):
        import guardrails_independent
        seed = a.seed if a.seed is not None else 613
        out = a.out or os.path.join(here, "..", "tests", "fixtures", "guardrails-independent")
        write(out, guardrails_independent.generate(seed, a.count), f"scripts/guardrails_independent.py seed={seed}")
    if a.set == "independent":
        return
    seed = a.seed if a.seed is not None else 7
    a.out = a.out or os.path.join(here, "..", "tests", "fixtures", "guardrails")
    a.seed = seed
    R.seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    files = {"pii.jsonl": [], "secrets.jsonl": [], "negatives.jsonl": []}
    for category, (gen, templates) in PII.items():
        for k in range(a.count):
            files["pii.jsonl"].append(sample(R.choice(templates), gen(), category))
    for category, gen in SECRETS.items():
        for k in range(a.count):
            files["secrets.jsonl"].append(sample(R.choice(TEMPLATES), gen(), category))
    for category, gen, template, _ in STRUCTURED:
        for k in range(a.count // 2):
            files["secrets.jsonl"].append(sample(template, gen(), category))
    for k in range(a.count * 5):
        text = R.choice(NEGATIVES)()
        if text.startswith("card ") and luhn_ok(text.split()[1]):
            continue
        files["negatives.jsonl"].append({"text": text, "spans": []})
    write(a.out, files, f"scripts/guardrails-fixtures.py seed={a.seed}")

if __name__ == "__main__":
    main()
