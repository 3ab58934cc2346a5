"""Feature extraction shared by training and the parity check.

Must stay byte-for-byte identical to Sources/Guardrails/Intent/IntentFeatures.swift:
  * fold: drop format (Cf) characters, NFKD + strip combining marks when the result is ASCII,
    leetspeak folding inside words (a leet character with a letter before and after it; words of
    3..20 bytes without a lower-to-upper case change);
  * lowercase, collapse ASCII whitespace runs to one space, pad with one space each side,
    keep the first MAX_BYTES bytes of UTF-8;
  * features: byte 3/4/5-grams and word uni/bigrams, FNV-1a 32 with a per-kind seed;
    bucket = h & (DIM - 1), sign = -1 when bit 31 is set; value = sum(sign) / sqrt(feature count).
"""
import math
import re
import unicodedata

import numpy as np

DIM = 1 << 16
MAX_BYTES = 8192
NGRAMS = (3, 4, 5)
SEED_UNIGRAM = 21
SEED_BIGRAM = 22
FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "$": "s"}
_WORD = re.compile(r"[A-Za-z0-9$]+")
_WS = re.compile(r"[\t\n\v\f\r ]+")
_TOKEN = re.compile(rb"[a-z0-9\x80-\xff]+")


def _leet_word(m):
    w = m.group(0)
    if len(w) < 3 or len(w) > 20 or re.search(r"[a-z][A-Z]", w):
        return w
    letters = [i for i, c in enumerate(w) if c.isalpha()]
    if not letters:
        return w
    lo, hi = letters[0], letters[-1]
    if not any(lo < i < hi and c in LEET for i, c in enumerate(w)):
        return w
    return "".join(LEET.get(c, c) for c in w)


def fold(text: str) -> str:
    out = []
    for ch in text:
        o = ord(ch)
        if o < 128:
            out.append(ch)
            continue
        if unicodedata.category(ch) == "Cf" or 0xFE00 <= o <= 0xFE0F:
            continue
        d = "".join(c for c in unicodedata.normalize("NFKD", ch) if unicodedata.category(c) != "Mn")
        out.append(d if d and all(ord(c) < 128 for c in d) else ch)
    return _WORD.sub(_leet_word, "".join(out))


def feature_bytes(folded: str) -> bytes:
    s = _WS.sub(" ", folded.lower()).strip(" ")
    return (" " + s + " ").encode("utf-8")[:MAX_BYTES]


def _fnv(seed: int, data: bytes) -> int:
    h = ((FNV_OFFSET ^ seed) * FNV_PRIME) & 0xFFFFFFFF
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


def hashes(b: bytes) -> np.ndarray:
    """All feature hashes of one feature-byte string (uint32)."""
    arr = np.frombuffer(b, dtype=np.uint8).astype(np.uint32)
    parts = []
    prime = np.uint32(FNV_PRIME)
    for n in NGRAMS:
        m = len(arr) - n + 1
        if m <= 0:
            continue
        h = np.full(m, ((FNV_OFFSET ^ n) * FNV_PRIME) & 0xFFFFFFFF, dtype=np.uint32)
        for k in range(n):
            h = (h ^ arr[k : k + m]) * prime
        parts.append(h)
    toks = _TOKEN.findall(b)
    words = [_fnv(SEED_UNIGRAM, t) for t in toks]
    words += [_fnv(SEED_BIGRAM, a + b" " + c) for a, c in zip(toks, toks[1:])]
    parts.append(np.array(words, dtype=np.uint32))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)


def vectorize(text: str):
    """(indices, values) of the sparse feature vector of `text`."""
    h = hashes(feature_bytes(fold(text)))
    if len(h) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    idx = (h & np.uint32(DIM - 1)).astype(np.int64)
    sign = np.where(h >> np.uint32(31), -1.0, 1.0)
    uniq, inv = np.unique(idx, return_inverse=True)
    vals = np.zeros(len(uniq))
    np.add.at(vals, inv, sign)
    return uniq, vals / math.sqrt(len(h))
