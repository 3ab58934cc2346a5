"""The independent PII and secret fixture set (tests/fixtures/guardrails-independent/): written from the
formats' own specifications (ISO 13616 registry, ICAO/issuer documents, ITU national numbering plans, the
vendors' token formats as gitleaks publishes them), NOT from the detector patterns, and not tuned against
the detectors' output. Values are synthetic with computed checksums (NRIC/FIN check letters incl. the M
series, HKID mod 11, Luhn, IBAN mod 97, Base58Check, Bech32); texts are realistic carriers (e-mails, chat,
CRM notes, logs, CSV, JSON, YAML/.env, code, multi-line blocks, CJK prose) plus near misses with no label
(bad checksums, placeholders, documentation keys, UUIDs, hashes, order numbers, timestamps, versions,
part numbers) and evasions (fullwidth, zero-width, NBSP, dashes, line-wrapped numbers).

Spans are Unicode-scalar offsets into the text (Python str indices), type = the category the value is.
Used by scripts/guardrails-fixtures.py --set independent."""
import base64, hashlib, json, random, string

R = random.Random()
ALNUM = string.ascii_letters + string.digits
UP = string.ascii_uppercase
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
rnd = lambda pool, k: "".join(R.choice(pool) for _ in range(k))
digits = lambda k: rnd(string.digits, k)


# ---------------------------------------------------------------------------------------- checksummed ids

def luhn_digit(body):
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return str((10 - total % 10) % 10)

def luhn_ok(number):
    return luhn_digit(number[:-1]) == number[-1]

# (network, prefixes, lengths, grouping per length)
CARD_NETWORKS = [
    ("visa", ["4"], [16, 16, 16, 13, 19]), ("mastercard", [str(p) for p in range(51, 56)] + [str(p) for p in range(2221, 2721, 37)], [16]),
    ("amex", ["34", "37"], [15]), ("discover", ["6011", "644", "649", "65"], [16]), ("jcb", [str(p) for p in range(3528, 3590, 7)], [16]),
    ("diners", ["36", "38", "300", "305"], [14]), ("unionpay", ["62"], [16, 19]),
]

def card_number():
    name, prefixes, lengths = R.choice(CARD_NETWORKS)
    prefix, length = R.choice(prefixes), R.choice(lengths)
    body = prefix + digits(length - len(prefix) - 1)
    return name, body + luhn_digit(body)

def card_groups(number):
    n = len(number)
    if n == 15:
        return [number[:4], number[4:10], number[10:]]
    if n == 14:
        return [number[:4], number[4:10], number[10:]]
    return [number[i:i + 4] for i in range(0, n, 4)]

def card_text(number, sep=None):
    sep = R.choice(["", " ", " ", "-"]) if sep is None else sep
    return sep.join(card_groups(number)) if sep else number

def nric(prefix=None):
    p = prefix or R.choice("SSSTTFGM")
    d = digits(7)
    total = sum(int(x) * w for x, w in zip(d, [2, 7, 6, 5, 4, 3, 2])) + {"T": 4, "G": 4, "M": 3}.get(p, 0)
    table = {"S": "JZIHGFEDCBA", "T": "JZIHGFEDCBA", "F": "XWUTRQPNMLK", "G": "XWUTRQPNMLK", "M": "XWUTRQPNJLK"}[p]
    return p + d + table[total % 11]

def bad_nric():
    v = nric()
    wrong = R.choice([c for c in "ABCDEFGHIJKLMNPQRTUWXZ" if c != v[-1]])
    return v[:-1] + wrong

def hkid_parts():
    pre = rnd(UP, R.choice([1, 1, 1, 2]))
    d = digits(6)
    total = (36 * 9 + (ord(pre) - 55) * 8) if len(pre) == 1 else ((ord(pre[0]) - 55) * 9 + (ord(pre[1]) - 55) * 8)
    total += sum(int(x) * (7 - i) for i, x in enumerate(d))
    c = (11 - total % 11) % 11
    return pre + d, "A" if c == 10 else str(c)

def hkid(parens=True):
    body, check = hkid_parts()
    return f"{body}({check})" if parens else body + check

def bad_hkid():
    body, check = hkid_parts()
    return f"{body}({R.choice([c for c in '0123456789A' if c != check])})"

# ISO 13616 registry: country → BBAN structure (n digits, a upper letters, c alphanumeric).
IBAN_BBAN = {
    "DE": "8n10n", "GB": "4a6n8n", "FR": "5n5n11c2n", "NL": "4a10n", "ES": "4n4n2n10n", "IT": "1a5n5n12c", "CH": "5n12c",
    "BE": "3n7n2n", "AT": "5n11n", "IE": "4a6n8n", "LU": "3n13c", "PL": "8n16n", "PT": "4n4n11n2n", "SE": "3n16n1n",
    "DK": "4n9n1n", "NO": "4n6n1n", "FI": "3n11n", "AE": "3n16n", "SA": "2n18c", "QA": "4a21c", "TR": "5n1n16c",
    "MT": "4a5n18c", "CY": "3n5n16c", "GR": "3n4n16c", "CZ": "4n6n10n", "HU": "3n4n1n15n1n", "RO": "4a16c", "LT": "5n11n",
}

def iban_value(country=None):
    country = country or R.choice(list(IBAN_BBAN))
    bban, num = "", ""
    for ch in IBAN_BBAN[country]:
        if ch.isdigit():
            num += ch
            continue
        pool = {"n": string.digits, "a": UP, "c": UP + string.digits}[ch]
        bban += rnd(pool, int(num))
        num = ""
    check = 98 - int("".join(str(int(c, 36)) for c in bban + country + "00")) % 97
    return f"{country}{check:02d}{bban}"

def iban_print(v):
    return " ".join(v[i:i + 4] for i in range(0, len(v), 4))

def ssn_value():
    while True:
        area = R.randint(1, 899)
        if area != 666:
            break
    return f"{area:03d}-{R.randint(1, 99):02d}-{R.randint(1, 9999):04d}"

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

def base58check(version):
    payload = bytes([version]) + bytes(R.getrandbits(8) for _ in range(20))
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num, out = int.from_bytes(raw, "big"), ""
    while num:
        num, r = divmod(num, 58)
        out = B58[r] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\0"))) + out

BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

def bech32_address(bech32m=False, program_bytes=20):
    def polymod(values):
        gen, chk = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3], 1
        for v in values:
            top = chk >> 25
            chk = (chk & 0x1ffffff) << 5 ^ v
            for i in range(5):
                chk ^= gen[i] if (top >> i) & 1 else 0
        return chk
    prog = [R.getrandbits(8) for _ in range(program_bytes)]
    acc, bits, data = 0, 0, [1 if bech32m else 0]
    for b in prog:
        acc, bits = (acc << 8) | b, bits + 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    hrp = "bc"
    expanded = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    const = 0x2bc830a3 if bech32m else 1
    pm = polymod(expanded + data + [0] * 6) ^ const
    return hrp + "1" + "".join(BECH[d] for d in data + [(pm >> 5 * (5 - i)) & 31 for i in range(6)])

def eth_address():
    return "0x" + rnd(HEX + "ABCDEF", 40)


# ------------------------------------------------------------------------------------------- contact data

FIRST = ["wei", "mei", "arjun", "priya", "siti", "ahmad", "chen", "li", "oliver", "emma", "lukas", "sofia", "kenji", "yuki",
         "fatima", "omar", "grace", "daniel", "nurul", "raj", "hannah", "marco", "ines", "tomas", "aisha", "kwame"]
LAST = ["tan", "lim", "ng", "wong", "chan", "kumar", "singh", "rahman", "smith", "muller", "rossi", "garcia", "sato",
        "kim", "nguyen", "okafor", "dubois", "novak", "haddad", "lee", "ho", "cheung"]
DOMAINS = ["dbs.com", "ocbc.com.sg", "hsbc.com.hk", "acme-bank.com", "globex.io", "initech.co.uk", "example.org",
           "mail.contoso.com", "gmail.com", "outlook.com", "yahoo.com.sg", "corp.example.net", "fin-ops.de", "uni-research.edu",
           "startup.ai", "health.gov.sg", "legal.partners", "shop.store"]
IDN_DOMAINS = ["例子.公司", "bücher.de", "пример.рф", "mañana.es", "例え.jp"]

def email():
    f, l = R.choice(FIRST), R.choice(LAST)
    local = R.choice([f"{f}.{l}", f"{f[0]}{l}", f"{f}_{l}{R.randint(1, 99)}", f"{f}+{R.choice(['billing', 'news', 'work'])}",
                      f"{l}.{f}", f"{f}{l}", f"{f}-{l}"])
    domain = R.choice(IDN_DOMAINS) if R.random() < 0.08 else R.choice(DOMAINS)
    return f"{local}@{domain}"

# Numbering plans: (country, generator) — the printed forms people use.
def phone_value():
    n = digits
    kind = R.choice(["sg", "sg", "sg_local", "hk", "hk_local", "us", "us", "uk", "uk_local", "au", "au_local", "de", "fr",
                     "in", "jp", "cn", "ch"])
    return kind, {
        "sg": lambda: R.choice([f"+65 {R.choice('689')}{n(3)} {n(4)}", f"+65-{R.choice('89')}{n(3)}-{n(4)}", f"+65{R.choice('689')}{n(7)}"]),
        "sg_local": lambda: f"{R.choice('689')}{n(3)} {n(4)}",
        "hk": lambda: R.choice([f"+852 {R.choice('235679')}{n(3)} {n(4)}", f"(852) {R.choice('2569')}{n(3)}-{n(4)}"]),
        "hk_local": lambda: f"{R.choice('2569')}{n(3)} {n(4)}",
        "us": lambda: R.choice([f"({R.randint(201, 989)}) {R.randint(201, 989)}-{n(4)}", f"{R.randint(201, 989)}-{R.randint(201, 989)}-{n(4)}",
                                f"+1 {R.randint(201, 989)} {R.randint(201, 989)} {n(4)}", f"{R.randint(201, 989)}.{R.randint(201, 989)}.{n(4)}",
                                f"+1-{R.randint(201, 989)}-{R.randint(201, 989)}-{n(4)} ext. {n(3)}"]),
        "uk": lambda: R.choice([f"+44 20 {n(4)} {n(4)}", f"+44 7{n(3)} {n(6)}", f"+44 (0)161 {n(3)} {n(4)}"]),
        "uk_local": lambda: R.choice([f"020 {n(4)} {n(4)}", f"07{n(3)} {n(6)}", f"0161 {n(3)} {n(4)}"]),
        "au": lambda: R.choice([f"+61 4{n(2)} {n(3)} {n(3)}", f"+61 2 {n(4)} {n(4)}"]),
        "au_local": lambda: R.choice([f"04{n(2)} {n(3)} {n(3)}", f"(02) {n(4)} {n(4)}"]),
        "de": lambda: R.choice([f"+49 30 {n(7)}", f"+49 151 {n(8)}", f"030 {n(7)}"]),
        "fr": lambda: R.choice([f"+33 6 {n(2)} {n(2)} {n(2)} {n(2)}", f"06 {n(2)} {n(2)} {n(2)} {n(2)}"]),
        "in": lambda: R.choice([f"+91 9{n(4)} {n(5)}", f"+91-98{n(8)}"]),
        "jp": lambda: R.choice([f"+81 3-{n(4)}-{n(4)}", f"090-{n(4)}-{n(4)}"]),
        "cn": lambda: R.choice([f"+86 138 {n(4)} {n(4)}", f"+86 10 {n(4)} {n(4)}"]),
        "ch": lambda: f"+41 44 {n(3)} {n(2)} {n(2)}",
    }[kind]()

PHONE_LABELS = ["Tel: {v}", "Phone: {v}", "Mobile: {v}", "Mob: {v}", "call me at {v}", "you can reach me on {v}", "WhatsApp {v}",
                "Fax: {v}", "T: {v}", "M: {v}", "Contact number {v}", "電話：{v}", "手机 {v}", "please ring me on {v} after 6pm",
                "Cell {v}", "Hotline {v} (24h)"]


# ----------------------------------------------------------------------------------------------- secrets

def jwt_token():
    header = {"alg": R.choice(["HS256", "RS256", "ES256"]), "typ": "JWT"}
    if R.random() < 0.5:
        header["kid"] = rnd(HEX, 16)
    payload = {"sub": R.choice([digits(9), f"auth0|{rnd(HEX, 24)}", email()]), "iss": R.choice(["https://login.acme.com", "https://sts.windows.net/" + rnd(HEX, 8)]),
               "aud": R.choice(["api://payments", "portal"]), "exp": R.randint(1_700_000_000, 1_900_000_000), "iat": R.randint(1_600_000_000, 1_700_000_000)}
    enc = lambda o: base64.urlsafe_b64encode(json.dumps(o, separators=(",", ":")).encode()).decode().rstrip("=")
    sig_len = {"HS256": 43, "RS256": 342, "ES256": 86}[header["alg"]]
    return f"{enc(header)}.{enc(payload)}.{rnd(B64URL, sig_len)}"

def pem_block():
    kind = R.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"])
    body = base64.b64encode(bytes(R.getrandbits(8) for _ in range(R.choice([121, 270, 1190])))).decode()
    lines = "\n".join(body[i:i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {kind}-----\n{lines}\n-----END {kind}-----"

def password_value():
    words = ["Summer", "Tiger", "Harbour", "Orchid", "Falcon", "Monsoon", "Lantern", "Quartz"]
    return R.choice([f"{R.choice(words)}{R.randint(10, 2099)}{R.choice('!@#$%&*')}", rnd(ALNUM + "!#%&*-_", R.randint(10, 18)),
                     f"{R.choice(words).lower()}-{R.choice(words).lower()}-{R.randint(10, 99)}"])

SECRET_VALUES = {
    "secret.aws_access_key": lambda: R.choice(["AKIA", "AKIA", "ASIA"]) + rnd(UP + "234567", 16),
    "secret.github_token": lambda: R.choice(["ghp_", "gho_", "ghs_", "ghu_", "ghr_"]) + rnd(ALNUM, 36),
    "secret.github_fine_grained_token": lambda: "github_pat_" + rnd(ALNUM, 22) + "_" + rnd(ALNUM, 59),
    "secret.gitlab_token": lambda: R.choice(["glpat-", "glpat-", "gldt-", "glptt-"]) + rnd(ALNUM + "_-", 20),
    "secret.slack_token": lambda: R.choice([f"xoxb-{digits(12)}-{digits(13)}-{rnd(ALNUM, 24)}", f"xoxp-{digits(12)}-{digits(12)}-{digits(13)}-{rnd(HEX, 32)}"]),
    "secret.slack_webhook": lambda: f"https://hooks.slack.com/services/T{rnd(UP + string.digits, 10)}/B{rnd(UP + string.digits, 10)}/{rnd(ALNUM, 24)}",
    "secret.stripe_key": lambda: R.choice(["sk_live_", "rk_live_", "sk_test_"]) + rnd(ALNUM, R.choice([24, 99])),
    "secret.openai_key": lambda: R.choice(["sk-proj-" + rnd(ALNUM + "-_", 156), "sk-svcacct-" + rnd(ALNUM + "-_", 120), "sk-" + rnd(ALNUM, 48)]),
    "secret.anthropic_key": lambda: "sk-ant-api03-" + rnd(ALNUM + "-_", 93) + "AA",
    "secret.huggingface_token": lambda: "hf_" + rnd(string.ascii_letters, 34),
    "secret.npm_token": lambda: "npm_" + rnd(ALNUM, 36),
    "secret.sendgrid_key": lambda: "SG." + rnd(ALNUM + "-_", 22) + "." + rnd(ALNUM + "-_", 43),
    "secret.twilio_key": lambda: "SK" + rnd(HEX, 32),
    "secret.shopify_token": lambda: R.choice(["shpat_", "shpca_", "shppa_", "shpss_"]) + rnd(HEX, 32),
    "secret.digitalocean_token": lambda: R.choice(["dop_v1_", "doo_v1_", "dor_v1_"]) + rnd(HEX, 64),
    "secret.gcp_api_key": lambda: "AIza" + rnd(ALNUM + "-_", 35),
    "secret.azure_client_secret": lambda: rnd(ALNUM, 3) + str(R.randint(0, 9)) + "Q~" + rnd(ALNUM + "_~.-", 34),
    "secret.jwt": jwt_token,
}

SECRET_CARRIERS = [
    "export {env}={v}", "{env}={v}", "{env}: \"{v}\"", "\"{key}\": \"{v}\",", "curl -H \"Authorization: token {v}\" https://api.acme.com/v1",
    "Here's the token I used yesterday: {v} — can you check why it fails?", "{key} = '{v}'  # TODO move to vault",
    "Error: 401 Unauthorized for credential {v}", "steps:\n  - run: deploy --token {v}\n", "const client = new Client(\"{v}\");",
    "[default]\n{key}={v}\n", "I rotated it, the new one is\n{v}\nplease update the runbook",
]

ENV_NAMES = {"secret.aws_access_key": "AWS_ACCESS_KEY_ID", "secret.github_token": "GITHUB_TOKEN", "secret.github_fine_grained_token": "GH_PAT",
             "secret.gitlab_token": "GITLAB_TOKEN", "secret.slack_token": "SLACK_BOT_TOKEN", "secret.slack_webhook": "SLACK_WEBHOOK_URL",
             "secret.stripe_key": "STRIPE_SECRET_KEY", "secret.openai_key": "OPENAI_API_KEY", "secret.anthropic_key": "ANTHROPIC_API_KEY",
             "secret.huggingface_token": "HF_TOKEN", "secret.npm_token": "NPM_TOKEN", "secret.sendgrid_key": "SENDGRID_API_KEY",
             "secret.twilio_key": "TWILIO_API_KEY", "secret.shopify_token": "SHOPIFY_ACCESS_TOKEN", "secret.digitalocean_token": "DIGITALOCEAN_TOKEN",
             "secret.gcp_api_key": "GOOGLE_API_KEY", "secret.azure_client_secret": "AZURE_CLIENT_SECRET", "secret.jwt": "ACCESS_TOKEN"}


# ---------------------------------------------------------------------------------------------- building

class Text:
    """Builds a text piece by piece, recording labelled spans in Python string offsets."""

    def __init__(self):
        self.parts, self.spans, self.length = [], [], 0

    def add(self, s, label=None):
        if label:
            self.spans.append({"type": label, "start": self.length, "end": self.length + len(s)})
        self.parts.append(s)
        self.length += len(s)
        return self

    def fill(self, template, value, label):
        before, after = template.split("{v}", 1)
        return self.add(before).add(value, label).add(after)

    def row(self, kind):
        return {"text": "".join(self.parts), "spans": self.spans, "kind": kind}

def one(template, value, label, kind="positive"):
    return Text().fill(template, value, label).row(kind)


def pii_rows(count):
    rows = []
    for _ in range(count):
        v = email()
        rows.append(one(R.choice(["Please reply to {v} by Friday.", "From: {n} <{v}>".replace("{n}", R.choice(FIRST).title()),
                                  "cc: {v}", "customer_email,{v},SG,active", "{{\"email\": \"{v}\", \"tier\": 2}}".replace("{{", "{").replace("}}", "}"),
                                  "如有问题请联系 {v} 谢谢", "Kontakt: {v}", "@channel the vendor contact is {v}"]), v, "pii.email"))
    for _ in range(count):
        kind, v = phone_value()
        rows.append(one(R.choice(PHONE_LABELS), v, "pii.phone"))
    for _ in range(count):
        _, number = card_number()
        sep = R.choice(["", " ", " ", "-"])
        v = card_text(number, sep)
        rows.append(one(R.choice(["Card number: {v}", "pls charge {v} exp 08/29 cvv on file", "card={v}&amount=120.00",
                                  "Visa ending in the full number {v}", "Kartennummer {v}", "信用卡号码：{v}", "| 1042 | {v} | SGD 88.20 |"]), v, "pii.credit_card"))
    for _ in range(count):
        v = iban_value()
        printed = R.choice([v, iban_print(v), iban_print(v), v.lower()])
        rows.append(one(R.choice(["IBAN: {v}", "Please wire the deposit to {v} (BIC on the invoice).", "beneficiary_iban={v}",
                                  "Bankverbindung IBAN {v}", "Refund to account {v}"]), printed, "pii.iban"))
    for _ in range(count):
        v = ssn_value()
        rows.append(one(R.choice(["SSN: {v}", "Social Security Number {v}", "applicant ssn={v}", "my social is {v}"]), v, "pii.us_ssn"))
    for _ in range(count):
        v = nric()
        rows.append(one(R.choice(["NRIC: {v}", "FIN {v} (work pass)", "Applicant {v} submitted the form", "身份证号 {v}", "ic_no,{v},2024-03-01",
                                  "Please verify {v} against the MOM records"]), v, "pii.sg_nric"))
    for _ in range(count):
        bare = R.random() < 0.2
        v = hkid(parens=not bare)
        rows.append(one(R.choice(["HKID {v}", "Hong Kong ID card no. {v}", "身份證號碼 {v}", "identity card {v}"]) if bare else
                        R.choice(["HKID {v}", "ID: {v}", "customer {v} opened an account", "身份證 {v}"]), v, "pii.hk_id"))
    for _ in range(count):
        v = R.choice([digits(9), "K" + digits(7) + R.choice(UP), "E" + digits(8), R.choice("HK") + digits(8), R.choice(UP) + digits(7)])
        rows.append(one(R.choice(["Passport No. {v}", "passport number: {v}", "Travel document {v}, expiry 2031-05-01", "護照號碼 {v}"]), v, "pii.passport"))
    for _ in range(count):
        y, m, d = R.randint(1940, 2006), R.randint(1, 12), R.randint(1, 28)
        months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        v = R.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d} {months[m - 1]} {y}", f"{months[m - 1]} {d}, {y}", f"{d:02d}.{m:02d}.{y}"])
        rows.append(one(R.choice(["Date of birth: {v}", "DOB {v}", "born on {v}", "Geburtsdatum / date of birth {v}", "出生日期 {v}"]), v, "pii.date_of_birth"))
    for _ in range(count):
        v = R.choice([digits(R.randint(8, 12)), f"{digits(3)}-{digits(6)}-{digits(1)}", f"{digits(3)}-{digits(5)}-{digits(3)}"])
        rows.append(one(R.choice(["Account number: {v}", "acct no. {v}", "A/C {v} at DBS", "bank account {v}", "savings account {v}"]), v, "pii.bank_account"))
    for _ in range(count):
        v = R.choice([".".join(str(R.randint(1, 223)) for _ in range(4)), ":".join(rnd(HEX, 4) for _ in range(8)), f"2001:db8:{rnd(HEX, 4)}::{rnd(HEX, 3)}", f"fe80::{rnd(HEX, 4)}:{rnd(HEX, 4)}"])
        rows.append(one(R.choice(["client_ip={v} status=403", "Failed login from {v}", "ssh ops@{v}", "X-Forwarded-For: {v}", "{v} - - [12/Mar/2024:10:01:22 +0800] \"GET / HTTP/1.1\" 200"]), v, "pii.ip_address"))
    for _ in range(count):
        octets = [rnd("0123456789ABCDEF", 2) for _ in range(6)]
        v = R.choice([":".join(octets), "-".join(octets), ":".join(octets).lower(), ".".join("".join(octets[i:i + 2]) for i in (0, 2, 4)).lower()])
        if "." in v and not any(c in "abcdef" for c in v):
            v = v[:-1] + "e"
        rows.append(one(R.choice(["MAC {v}", "device {v} joined VLAN 20", "hw_addr: {v}", "dhcp lease for {v}"]), v, "pii.mac_address"))
    for _ in range(count):
        v = R.choice([base58check(0), base58check(5), bech32_address(), bech32_address(bech32m=True, program_bytes=32), eth_address()])
        rows.append(one(R.choice(["Send the USDT to {v}", "wallet: {v}", "BTC address {v}", "payout_address={v}", "my ETH is {v}"]), v, "pii.crypto_wallet"))
    return rows


def secret_rows(count):
    rows = []
    for category, gen in SECRET_VALUES.items():
        for _ in range(count):
            v = gen()
            t = R.choice(SECRET_CARRIERS).replace("{env}", ENV_NAMES[category]).replace("{key}", ENV_NAMES[category].lower())
            rows.append(one(t, v, category))
    for _ in range(count):
        key = rnd(ALNUM + "/+", 40)
        rows.append(Text().add("[prod]\naws_access_key_id = ").add(SECRET_VALUES["secret.aws_access_key"](), "secret.aws_access_key")
                    .add("\naws_secret_access_key = ").add(key, "secret.aws_secret_key").add("\nregion = ap-southeast-1\n").row("positive"))
    for _ in range(count):
        rows.append(one(R.choice(["config:\n  signing_key: |\n{v}\n", "Here is the deploy key, don't share it:\n\n{v}\n\nthanks", "{v}"]), pem_block(), "secret.private_key"))
    for _ in range(count // 2):
        pkid = rnd(HEX, 40)
        t = Text().add('{\n  "type": "service_account",\n  "project_id": "payments-prod",\n  "private_key_id": "').add(pkid, "secret.gcp_service_account")
        t.add('",\n  "client_email": "').add("svc-ledger@payments-prod.iam.gserviceaccount.com", "pii.email")
        rows.append(t.add('"\n}').row("positive"))
    for _ in range(count // 2):
        key = rnd(ALNUM + "+/", 86) + "=="
        rows.append(Text().add("DefaultEndpointsProtocol=https;AccountName=acmeprod;AccountKey=").add(key, "secret.azure_storage_key")
                    .add(";EndpointSuffix=core.windows.net").row("positive"))
    for _ in range(count):
        user, pw, host = R.choice(["app", "svc_ledger", "admin", "reporting"]), password_value().replace("@", "#"), R.choice(["db.prod.internal", "db-replica.internal", "pg-main.acme.io"])
        v = R.choice([f"postgresql://{user}:{pw}@{host}:5432/ledger", f"mysql://{user}:{pw}@{host}/crm", f"mongodb+srv://{user}:{pw}@cluster0.ab1cd.mongodb.net/app",
                      f"redis://{user}:{pw}@{host}:6379/0", f"amqps://{user}:{pw}@mq.acme.io/vhost"])
        rows.append(one(R.choice(["DATABASE_URL={v}", "conn = connect(\"{v}\")", "the connection string is {v}"]), v, "secret.database_url"))
    for _ in range(count):
        user, pw = R.choice(["admin", "deploy", "backup", "jenkins"]), password_value().replace("@", "#").replace("/", "_")
        scheme, host = R.choice([("https", "internal.acme.io"), ("ftp", "files.acme.io"), ("smb", "fs01.corp.local"), ("http", "build.corp.local:8080"), ("git+https", "git.acme.io")])
        t = Text().add(R.choice(["fetch ", "open ", "mirror: ", "url = "])).add(f"{scheme}://").add(f"{user}:{pw}", "secret.url_credentials").add(f"@{host}/path")
        rows.append(t.row("positive"))
    for _ in range(count):
        pw = password_value()
        t = R.choice(["DB_PASSWORD={v}", "password: \"{v}\"", "\"password\": \"{v}\"", "mysql -u root --password={v} ledger", "PGPASSWORD='{v}' psql -h db",
                      "my password is {v} btw", "spring.datasource.password={v}", "passwd = \"{v}\""])
        rows.append(one(t, pw, "secret.password"))
    for _ in range(count):
        v = rnd(ALNUM, R.choice([32, 40, 48]))
        t = R.choice(["api_key = \"{v}\"", "X-API-Key: {v}", "client_secret: {v}", "\"apiKey\": \"{v}\"", "SECRET_TOKEN={v}", "Authorization: Bearer {v}"])
        rows.append(one(t, v, "secret.generic"))
    return rows


# ----------------------------------------------------------------------------------------------- evasions

def evasion_rows(count):
    rows = []
    full = lambda s: "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in s)
    for _ in range(count):
        choice = R.randrange(9)
        if choice == 0:
            v = nric()
            rows.append(Text().add(full("NRIC") + " ").add(full(v), "pii.sg_nric").add(" 请核对").row("evasion"))
        elif choice == 1:
            _, number = card_number()
            sep = R.choice(["\u200b", "\u00a0", "\u2009", "\u2013", "\u202f"])
            rows.append(one("card {v} thanks", sep.join(card_groups(number)), "pii.credit_card", "evasion"))
        elif choice == 2:
            e = email()
            if "@" in e:
                at = e.index("@")
                k = R.randint(1, at - 1) if at > 1 else 1
                e = e[:k] + R.choice(["\u200b", "\u200c", "\u2060"]) + e[k:]
            rows.append(one("mail {v} today", e, "pii.email", "evasion"))
        elif choice == 3:
            v = iban_value()
            rows.append(one("IBAN {v}", "-".join(v[i:i + 4] for i in range(0, len(v), 4)), "pii.iban", "evasion"))
        elif choice == 4:
            _, number = card_number()
            g = card_groups(number)
            cut = R.randint(1, len(g) - 1)
            rows.append(one("the card is {v} ok", " ".join(g[:cut]) + "\n" + " ".join(g[cut:]), "pii.credit_card", "evasion"))
        elif choice == 5:
            _, v = phone_value()
            rows.append(one("Tel：{v}", full(v) if R.random() < 0.5 else v.replace(" ", "\u00a0"), "pii.phone", "evasion"))
        elif choice == 6:
            key = SECRET_VALUES["secret.aws_access_key"]()
            k = R.randint(4, 19)
            rows.append(one("key {v} leaked", key[:k] + "\u200b" + key[k:], "secret.aws_access_key", "evasion"))
        elif choice == 7:
            v = ssn_value()
            rows.append(one("SSN {v}", full(v), "pii.us_ssn", "evasion"))
        else:
            _, number = card_number()
            arabic = "".join(chr(0x0660 + int(c)) for c in number)
            rows.append(one("card {v}", arabic, "pii.credit_card", "evasion"))
    return rows


# ---------------------------------------------------------------------------------------------- near misses

DOC_KEYS = ["sk_test_4eC39HqLyjWDarjtT1zdp7dc", "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="]

def near_miss_rows(count):
    gens = [
        # checksums that fail
        lambda: (lambda n: f"Card number {card_text(n[:-1] + str((int(n[-1]) + R.randint(1, 9)) % 10))} was declined")(card_number()[1]),
        lambda: f"NRIC {bad_nric()} does not validate",
        lambda: f"HKID {bad_hkid()} (typo?)",
        lambda: (lambda v: f"IBAN {v[:2]}{R.choice([c for c in range(2, 99) if c != int(v[2:4])]):02d}{v[4:]} rejected by the bank")(iban_value()),
        lambda: f"SSN {R.choice(['000', '666', '9' + digits(2)])}-{digits(2)}-{digits(4)} is not issued",
        lambda: f"btc {base58check(0)[:-1]}{R.choice('23456789')} bounced",
        # placeholders and documentation values
        lambda: R.choice(["OPENAI_API_KEY=sk-...", "export GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "api_key: <YOUR_API_KEY>",
                          "STRIPE_SECRET_KEY=sk_live_XXXXXXXXXXXXXXXXXXXXXXXX", "password: ${DB_PASSWORD}", "token = os.environ[\"SLACK_TOKEN\"]",
                          "password = getpass.getpass()", "aws_secret_access_key = <redacted>", "Authorization: Bearer {{ token }}",
                          "client_secret: ${{ secrets.CLIENT_SECRET }}", "password: ********", "DB_PASSWORD=changeme", "\"password\": \"\",",
                          "secretKeyRef:\n  name: db-credentials\n  key: password", "--password-file /run/secrets/db_password",
                          "The password field is required.", "reset your password at https://acme.com/reset"]),
        lambda: f"From the docs: {R.choice(DOC_KEYS)}",
        lambda: "-----BEGIN PUBLIC KEY-----\n" + "\n".join(rnd(B64, 64) for _ in range(3)) + "\n-----END PUBLIC KEY-----",
        lambda: "-----BEGIN CERTIFICATE-----\n" + "\n".join(rnd(B64, 64) for _ in range(4)) + "\n-----END CERTIFICATE-----",
        # ids, hashes, versions, numbers
        lambda: f"request_id={rnd(HEX, 8)}-{rnd(HEX, 4)}-4{rnd(HEX, 3)}-{R.choice('89ab')}{rnd(HEX, 3)}-{rnd(HEX, 12)}",
        lambda: f"commit {rnd(HEX, 40)} (HEAD -> main)", lambda: f"sha256sum: {rnd(HEX, 64)}  release.tar.gz",
        lambda: f"integrity sha512-{rnd(B64, 86)}==", lambda: f"image: registry.acme.io/api@sha256:{rnd(HEX, 64)}",
        lambda: f"tx hash 0x{rnd(HEX, 64)} confirmed", lambda: f"md5 {rnd(HEX, 32)}",
        lambda: f"Order #{digits(R.randint(8, 12))} has shipped", lambda: f"Tracking number 1Z{rnd(UP + string.digits, 16)}",
        lambda: f"Invoice INV-{digits(4)}-{digits(5)} is overdue", lambda: f"ISBN 978-{R.randint(0, 9)}-{digits(3)}-{digits(5)}-{R.randint(0, 9)}",
        lambda: f"IMEI {(lambda b: b + luhn_digit(b))(R.choice(['35', '86', '01']) + digits(12))} registered", lambda: f"Part no. {digits(4)}-{digits(4)} back-ordered",
        lambda: f"error {digits(4)} {digits(4)} during sync", lambda: f"Room {R.randint(10, 40)}{digits(2)}-{R.randint(10, 40)}{digits(2)} is booked",
        lambda: f"at {R.randint(2019, 2026)}-{R.randint(1, 12):02d}-{R.randint(1, 28):02d}T{R.randint(0, 23):02d}:{R.randint(0, 59):02d}:{R.randint(0, 59):02d}.{digits(3)}Z",
        lambda: f"epoch_ms={R.randint(1_600_000_000_000, 1_800_000_000_000)}", lambda: f"upgrade to {R.randint(1, 20)}.{R.randint(0, 20)}.{R.randint(0, 99)}.{R.randint(0, 9999)}",
        lambda: f"Windows 10.0.{R.randint(10000, 22999)}.{R.randint(100, 3999)}", lambda: f"total: SGD {R.randint(1, 99)},{digits(3)}.{digits(2)}",
        lambda: f"coordinates {R.uniform(1.2, 1.5):.6f}, {R.uniform(103.6, 104.0):.6f}", lambda: f"zip {digits(5)}-{digits(4)}",
        lambda: f"scores {R.random():.5f} {R.random():.5f} {R.random():.5f}", lambda: f"SKU {rnd(UP, 2)}{digits(7)} restocked",
        lambda: f"meeting ID {digits(3)} {digits(4)} {digits(4)}", lambda: f"call 555-01{digits(2)} in the script (fictional)",
        lambda: f"the movie number (212) 555-01{digits(2)}", lambda: f"ratio {digits(4)}.{digits(4)}", lambda: f"OID 1.3.6.1.4.1.{digits(5)}.{R.randint(1, 9)}",
        lambda: f"time 12:{R.randint(10, 59)}:{R.randint(10, 59)} UTC", lambda: "std::vector<int> v; a::b::c();",
        lambda: f"icon@{R.randint(2, 3)}x.png and logo@2x.svg", lambda: "import { Component } from '@angular/core';",
        lambda: "reach the team in #ops-oncall", lambda: f"version {R.randint(1, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)}.{R.randint(0, 9)} released",
        lambda: f"colour #{rnd(HEX, 6)} and rgba(0,0,0,.{R.randint(1, 9)})", lambda: f"{rnd(ALNUM, 20)} is the build id",
        lambda: f"page {R.randint(1, 900)} of {R.randint(900, 2000)}, section {R.randint(1, 9)}.{R.randint(1, 9)}.{R.randint(1, 9)}",
        lambda: f"今天的订单号是 {digits(10)}，请查收", lambda: f"会议室 {digits(4)}-{digits(4)} 已预订",
        lambda: f"Serial: {rnd(UP, 3)}{digits(9)}", lambda: f"postgres://user:password@localhost:5432/dev (example)",
        lambda: f"git clone https://{R.choice(['github.com', 'gitlab.com'])}/acme/{rnd(string.ascii_lowercase, 6)}.git",
        lambda: f"hash {base64.b64encode(bytes(R.getrandbits(8) for _ in range(24))).decode()} of the file",
    ]
    return [{"text": R.choice(gens)(), "spans": [], "kind": "near_miss"} for _ in range(count)]


def generate(seed, count=40):
    R.seed(seed)
    return {
        "pii.jsonl": pii_rows(count),
        "secrets.jsonl": secret_rows(count),
        "evasions.jsonl": evasion_rows(count * 3),
        "near_misses.jsonl": near_miss_rows(count * 25),
    }
