"""Feature extraction shared by training and the parity check (format version 2).

Must stay bit-for-bit identical to Sources/Guardrails/Intent/IntentFeatures.swift:
  * fold: drop format (Cf) characters, NFKD + strip combining marks when the result is ASCII,
    leetspeak folding inside words (a leet character with a letter before and after it; words of
    3..20 bytes without a lower-to-upper case change);
  * lowercase, collapse ASCII whitespace runs to one space, pad with one space each side; texts longer
    than MAX_BYTES keep their first and last MAX_BYTES/2 bytes;
  * byte n-grams: FNV-1a 32 from one seed, emitted after 3, 4 and 5 bytes of each start position (one
    pass: the 4-gram continues the 3-gram's hash);
  * words (maximal runs of [a-z0-9] and bytes >= 0x80): unigram = FNV-1a 32 with SEED_UNIGRAM; bigram =
    mix(mix(start(SEED_BIGRAM), previous unigram hash), this unigram hash) on 32-bit words;
  * bucket = h & (DIM - 1), sign = -1 when bit 31 is set; value = sum(sign) / sqrt(feature count).

Windows (inference only): n-grams and words belong to the 128-byte block of their first byte; Swift also
scores every run of WINDOW_BLOCKS consecutive blocks of a longer text and keeps the most alarming
window for the attack score (the harmful score is the whole text's).
"""
import math
import re
import unicodedata

import numpy as np

DIM = 1 << 16
MAX_BYTES = 64 * 1024
BLOCK = 128
WINDOW_BLOCKS = 2
SEED_NGRAM = 3
SEED_UNIGRAM = 21
SEED_BIGRAM = 22
FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
MASK = 0xFFFFFFFF
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
    b = (" " + s + " ").encode("utf-8")
    if len(b) > MAX_BYTES:
        b = b[: MAX_BYTES // 2] + b[-(MAX_BYTES // 2):]
    return b


def _start(seed):
    return ((FNV_OFFSET ^ seed) * FNV_PRIME) & MASK


def _fnv(seed: int, data: bytes) -> int:
    h = _start(seed)
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & MASK
    return h


def _mix(h, v):
    return ((h ^ v) * FNV_PRIME) & MASK


def hashes(b: bytes, with_positions=False):
    """All feature hashes of one feature-byte string (uint32), optionally with each one's start byte."""
    arr = np.frombuffer(b, dtype=np.uint8).astype(np.uint32)
    n = len(arr)
    prime = np.uint32(FNV_PRIME)
    parts, pos = [], []
    if n >= 3:
        h = np.full(n - 2, _start(SEED_NGRAM), dtype=np.uint32)
        for k in range(3):
            h = (h ^ arr[k: k + n - 2]) * prime
        parts.append(h)
        pos.append(np.arange(n - 2))
        for size in (4, 5):
            m = n - size + 1
            if m <= 0:
                break
            h = (h[:m] ^ arr[size - 1: size - 1 + m]) * prime
            parts.append(h)
            pos.append(np.arange(m))
    words, wpos = [], []
    previous = None
    for m in _TOKEN.finditer(b):
        u = _fnv(SEED_UNIGRAM, m.group(0))
        words.append(u)
        wpos.append(m.start())
        if previous is not None:
            words.append(_mix(_mix(_start(SEED_BIGRAM), previous), u))
            wpos.append(m.start())
        previous = u
    parts.append(np.array(words, dtype=np.uint32))
    pos.append(np.array(wpos, dtype=np.int64))
    allh = np.concatenate(parts) if parts else np.zeros(0, dtype=np.uint32)
    if with_positions:
        return allh, (np.concatenate(pos) if pos else np.zeros(0, dtype=np.int64))
    return allh


def _sparse(h):
    if len(h) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    idx = (h & np.uint32(DIM - 1)).astype(np.int64)
    sign = np.where(h >> np.uint32(31), -1.0, 1.0)
    uniq, inv = np.unique(idx, return_inverse=True)
    vals = np.zeros(len(uniq))
    np.add.at(vals, inv, sign)
    return uniq, vals / math.sqrt(len(h))


def vectorize(text: str):
    """(indices, values) of the sparse feature vector of `text` (the whole text)."""
    return _sparse(hashes(feature_bytes(fold(text))))


def vectorize_windows(text: str):
    """The whole text's vector followed by one per window of WINDOW_BLOCKS blocks (texts longer than one
    window only), as Swift scores them."""
    b = feature_bytes(fold(text))
    h, p = hashes(b, with_positions=True)
    out = [_sparse(h)]
    blocks = (len(b) + BLOCK - 1) // BLOCK
    if blocks > WINDOW_BLOCKS:
        blk = p // BLOCK
        for first in range(0, blocks - WINDOW_BLOCKS + 1):
            sel = (blk >= first) & (blk < first + WINDOW_BLOCKS)
            out.append(_sparse(h[sel]))
    return out
