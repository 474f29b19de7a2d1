#!/usr/bin/env python3
"""Python prototype of hadath's clitic segmenter (crates/hadath-text/src/clitics.rs).

It mirrors the Rust algorithm: same normalisation, same candidate set, same scores, same tie-breaking,
so that the lexicon and the few global knobs can be developed and evaluated without a Rust build.
The generator dev/gen_seg_lexicon.py imports the candidate enumeration from here.

Usage:
  python3 dev/seg_proto.py [--lexicon data/lexicon/seg-stems.tsv] [--conllu FILE] [--verbose] [WORD ...]

With --conllu it scores the prototype against a UD treebank the way /work/shared/tools/score_seg.py
does (word accuracy and clitic-word accuracy); with words it prints their segmentation.
Python 3 standard library only.
"""
import argparse
import math
import os
import re
import sys

# ---------------------------------------------------------------------------------------------
# Normalisation (lexicon keys): strip tashkeel U+064B..U+0652, U+0670 and tatweel U+0640,
# fold alef variants أ إ آ ٱ to ا and ى to ي; ة stays distinct from ه.
# ---------------------------------------------------------------------------------------------
FOLD = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0649": "\u064A"}
DROP = set(chr(c) for c in range(0x064B, 0x0653)) | {"\u0670", "\u0640"}
# The letters a lexicon key is made of (after folding): ء..غ and ف..ي.
KEY_LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
LETTER_SET = set(KEY_LETTERS)
MAX_CHARS = 40  # longer tokens stay whole

TATWEEL = "\u0640"


def norm_key(word):
    """The lexicon key of a word (normalised; non-letters kept as they are)."""
    return "".join(FOLD.get(ch, ch) for ch in word if ch not in DROP)


def normalize(word):
    """Normalised letters of `word` and, for each, the byte offset in the UTF-8 word where it starts.

    Returns (letters, starts, end_bytes) or None if the word contains a character that is neither an
    Arabic letter nor tashkeel/tatweel (such tokens are never split)."""
    letters = []
    starts = []
    off = 0
    last_orig = ""
    for ch in word:
        n = len(ch.encode("utf-8"))
        if ch in DROP:
            off += n
            continue
        f = FOLD.get(ch, ch)
        if f not in LETTER_SET:
            return None
        letters.append(f)
        starts.append(off)
        last_orig = ch
        off += n
    return letters, starts, off, last_orig == "\u0649"


# ---------------------------------------------------------------------------------------------
# Candidate segmentations
# ---------------------------------------------------------------------------------------------
WAW, FA, BA, KAF, LAM, SIN = "و", "ف", "ب", "ك", "ل", "س"
ALEF, TA, TA_MARBUTA, YA = "ا", "ت", "ة", "ي"
IMPERFECT = {"ي", "ت", "ن", "ا"}
CONJS = ["", WAW, FA]
PREPS = ["", BA, KAF, LAM, SIN]
# Enclitic pronouns, longest first within a shared ending is irrelevant: all are tried.
ENCS = ["", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ي", "ني"]
# Prepositions that may stand directly before an enclitic pronoun with no stem (له، بها).
PREP_STEMS = {BA, LAM}


def candidates(letters, maqsura=False, keep=frozenset()):
    """All candidate segmentations of the normalised letters.

    Yields (conj, prep, stem_start, stem_end, enc, keys): the stem is letters[stem_start:stem_end],
    keys are the lexicon keys to look it up under (first the literal one). A preposition used as the
    stem (ل+ه) has prep == "" and the preposition letter as the stem."""
    n = len(letters)
    for conj in CONJS:
        c0 = 0
        if conj:
            if n < 2 or letters[0] != conj:
                continue
            c0 = 1
        for prep in PREPS:
            p0 = c0
            if prep:
                if n - c0 < 2 or letters[c0] != prep:
                    continue
                p0 = c0 + 1
            for enc in ENCS:
                e = len(enc)
                s_end = n - e
                if e:
                    if s_end <= p0 or "".join(letters[s_end:]) != enc:
                        continue
                    if maqsura and enc[-1] == YA:
                        continue  # a written ى is never the pronoun ي
                if keep and (prep or e):
                    # A closed-class word is never split inside: و+كان, not و+ك+ان; و+هناك, not و+هنا+ك.
                    if (prep and e and "".join(letters[c0:]) in keep) \
                            or (prep and "".join(letters[c0:s_end]) in keep) \
                            or (e and "".join(letters[p0:]) in keep):
                        continue
                stem = "".join(letters[p0:s_end])
                slen = s_end - p0
                if slen == 1:
                    # ل+ه، ب+ها: the preposition itself carries the pronoun.
                    if not (e and not prep and stem in PREP_STEMS):
                        continue
                    yield conj, prep, p0, s_end, enc, [stem]
                    continue
                if slen < 2:
                    continue
                if prep == SIN and (stem[0] not in IMPERFECT or slen < 3):
                    continue
                keys = [stem]
                if prep == LAM and stem[0] == LAM:
                    # ل+ال is written لل: ل+لسلطة has the lexicon key السلطة.
                    keys.append(ALEF + stem)
                if e:
                    if stem.startswith("ال") or (prep == LAM and stem[0] == LAM):
                        # Definite stems take no pronoun.
                        continue
                    last = stem[-1]
                    if last == TA_MARBUTA:
                        continue
                    if last == TA:
                        keys.append(stem[:-1] + TA_MARBUTA)  # سفارت+ها ↔ سفارة
                    elif last == ALEF:
                        keys.append(stem[:-1] + YA)  # أعطا+ه ↔ أعطى
                    elif last == WAW:
                        keys.append(stem + ALEF)  # كتبو+ه ↔ كتبوا
                elif stem[-1] == ALEF and len(stem) > 2 and False:
                    pass
                yield conj, prep, p0, s_end, enc, keys


def proclitic_label(conj, prep):
    return conj + prep


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------
def char_index():
    idx = {ch: i + 1 for i, ch in enumerate(KEY_LETTERS)}  # 0 is the word boundary
    return idx


CHAR_INDEX = char_index()
NSYM = len(KEY_LETTERS) + 1


class CharModel:
    """Interpolated character trigram model over lexicon stem types (boundary symbol 0).

    logp[a][b][c] = log(l3*C(abc)/C(ab.) + l2*C(bc)/C(b.) + l1*(C(c)+1)/(N+V))."""

    L3, L2, L1 = 0.6, 0.3, 0.1

    def __init__(self, stems):
        V = NSYM
        c1 = [0.0] * V
        c2 = [[0.0] * V for _ in range(V)]
        c3 = {}
        for s in stems:
            seq = [0, 0] + [CHAR_INDEX[ch] for ch in s] + [0]
            for i in range(2, len(seq)):
                a, b, c = seq[i - 2], seq[i - 1], seq[i]
                c1[c] += 1.0
                c2[b][c] += 1.0
                c3[(a, b, c)] = c3.get((a, b, c), 0.0) + 1.0
        n1 = sum(c1)
        r2 = [sum(row) for row in c2]
        r3 = {}
        for (a, b, c), v in c3.items():
            r3[(a, b)] = r3.get((a, b), 0.0) + v
        self.logp = [0.0] * (V * V * V)
        for a in range(V):
            for b in range(V):
                rab = r3.get((a, b), 0.0)
                for c in range(V):
                    p = self.L1 * (c1[c] + 1.0) / (n1 + V)
                    if r2[b] > 0:
                        p += self.L2 * c2[b][c] / r2[b]
                    if rab > 0:
                        p += self.L3 * c3.get((a, b, c), 0.0) / rab
                    self.logp[(a * V + b) * V + c] = math.log(p)

    def score(self, s):
        V = NSYM
        a = b = 0
        t = 0.0
        for ch in s:
            c = CHAR_INDEX[ch]
            t += self.logp[(a * V + b) * V + c]
            a, b = b, c
        t += self.logp[(a * V + b) * V + 0]
        return t


class Lexicon:
    def __init__(self, text):
        self.stems = {}
        self.keep = set()
        self.pre = {}
        self.enc = {}
        self.params = {}
        for ln, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0].startswith("@"):
                kind = cols[0]
                if kind == "@keep":
                    self.keep.add(cols[1])
                elif kind == "@pre":
                    self.pre["" if cols[1] == "-" else cols[1]] = float(cols[2])
                elif kind == "@enc":
                    self.enc["" if cols[1] == "-" else cols[1]] = float(cols[2])
                elif kind == "@param":
                    self.params[cols[1]] = float(cols[2])
                else:
                    raise ValueError(f"line {ln}: unknown directive {kind}")
                continue
            if len(cols) != 2:
                raise ValueError(f"line {ln}: expected stem<TAB>count")
            self.stems[cols[0]] = float(cols[1])


class Model:
    def __init__(self, lex, overrides=None):
        p = dict(lex.params)
        if overrides:
            p.update(overrides)
        self.lam = p.get("unknown", 1e-3)
        total = sum(lex.stems.values())
        self.log_unknown = math.log(self.lam)
        self.stem_lp = {s: math.log((1.0 - self.lam) * c / total) for s, c in lex.stems.items()}
        self.char = CharModel(sorted(lex.stems))
        self.keep = lex.keep
        self.pre_lp = {k: math.log(v) for k, v in lex.pre.items()}
        self.enc_lp = {k: math.log(v) for k, v in lex.enc.items()}
        self.params = p
        self.bonus = p.get("clitic_bonus", 0.0)

    def stem_score(self, keys, letters, s0, s1):
        best = None
        for k in keys:
            v = self.stem_lp.get(k)
            if v is not None and (best is None or v > best):
                best = v
        if best is not None:
            return best, True
        return self.log_unknown + self.char.score(letters[s0:s1]), False

    def best(self, letters, maqsura=False):
        """Best candidate (conj, prep, s0, s1, enc) for normalised letters, or None to keep whole."""
        if len(letters) < 2 or len(letters) > MAX_CHARS:
            return None
        word = "".join(letters)
        if word in self.keep:
            return None
        best = None
        best_score = -math.inf
        for conj, prep, s0, s1, enc, keys in candidates(letters, maqsura, self.keep):
            pl = self.pre_lp.get(conj + prep)
            el = self.enc_lp.get(enc)
            if pl is None or el is None:
                continue
            ss, known = self.stem_score(keys, letters, s0, s1)
            sc = pl + el + ss
            if known:
                sc += self.bonus * (len(conj) + len(prep) + (1 if enc else 0))
            if sc > best_score:
                best_score = sc
                best = (conj, prep, s0, s1, enc)
        return best


def split_points(model, word):
    """Byte offsets (relative to the UTF-8 word) where clitic boundaries fall."""
    nz = normalize(word)
    out = []
    if nz is None:
        return out
    letters, starts, end, maqsura = nz
    b = model.best(letters, maqsura)
    if b is None:
        return out
    conj, prep, s0, s1, enc = b
    cuts = []
    if conj:
        cuts.append(1)
    if prep:
        cuts.append(s0)
    if enc:
        cuts.append(s1)
    for c in cuts:
        if 0 < c < len(letters):
            out.append(starts[c])
    return out


def segment(model, word):
    pts = split_points(model, word)
    if not pts:
        return word
    bw = word.encode("utf-8")
    parts = []
    prev = 0
    for p in pts + [len(bw)]:
        parts.append(bw[prev:p].decode("utf-8"))
        prev = p
    return "+".join(parts)


def load(path, overrides=None):
    with open(path, encoding="utf-8") as f:
        return Model(Lexicon(f.read()), overrides)


def evaluate(model, conllu, verbose=False):
    sys.path.insert(0, "/work/shared/tools")
    from score_seg import gold_words  # noqa: E402

    total = correct = sg = sok = 0
    errors = []
    for _text, words in gold_words(conllu):
        for surface, gold in words:
            total += 1
            got = segment(model, surface)
            if "+" in gold:
                sg += 1
            if got == gold:
                correct += 1
                if "+" in gold:
                    sok += 1
            else:
                errors.append((gold, got))
    if verbose:
        for g, p in errors:
            print(f"want {g}  got {p}")
    acc = correct / total if total else 0.0
    rec = sok / sg if sg else 0.0
    return total, acc, sg, rec


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--lexicon", default=os.path.join(here, "..", "data", "lexicon", "seg-stems.tsv"))
    ap.add_argument("--conllu")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--set", action="append", default=[], help="override a @param: name=value")
    ap.add_argument("words", nargs="*")
    a = ap.parse_args()
    ov = {}
    for kv in a.set:
        k, v = kv.split("=", 1)
        ov[k] = float(v)
    model = load(a.lexicon, ov)
    for w in a.words:
        print(segment(model, w))
    if a.conllu:
        total, acc, sg, rec = evaluate(model, a.conllu, a.verbose)
        print(f"segmentation words={total} accuracy={acc:.4f} clitic-words={sg} clitic-accuracy={rec:.4f}")


if __name__ == "__main__":
    main()
