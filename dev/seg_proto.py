#!/usr/bin/env python3
"""Python prototype of hadath's clitic segmenter (crates/hadath-text/src/clitics.rs).

It mirrors the Rust algorithm: same normalisation, same candidate set, same scores (the same float
operations in the same order, the character table rounded to f32 like Rust's), same tie-breaking, so
that the lexicon and the few global knobs can be developed and evaluated without a Rust build; on
~76,000 distinct words (ANERcorp train, UD dev, a news sample) its output is identical to the Rust
segmenter's. The Rust side adds only speed-ups that do not change results (memoised decisions for
lexicon words and @form lines, scoring unknown stems only when they could win).
The generator dev/gen_seg_lexicon.py imports the candidates and the scoring from here.

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
import struct
import sys

# ---------------------------------------------------------------------------------------------
# Normalisation (lexicon keys): drop tashkeel and tatweel (the marks below), fold the alef variants
# أ إ آ ٱ to ا and ى to ي; ة stays distinct from ه.
# ---------------------------------------------------------------------------------------------
FOLD = {"\u0623": "\u0627", "\u0625": "\u0627", "\u0622": "\u0627", "\u0671": "\u0627", "\u0649": "\u064A"}
# Ignored inside a word: tashkeel (and the other Arabic marks U+0610..U+061A, U+0653..U+065F, U+06D6..U+06ED),
# dagger alef U+0670, tatweel U+0640, ZWNJ/ZWJ.
DROP = (set(chr(c) for c in range(0x0610, 0x061B)) | set(chr(c) for c in range(0x064B, 0x0660))
        | set(chr(c) for c in range(0x06D6, 0x06EE)) | {"\u0670", "\u0640", "\u200C", "\u200D"})
# The letters a lexicon key is made of (after folding): ء..غ and ف..ي.
KEY_LETTERS = [chr(c) for c in range(0x0621, 0x063B)] + [chr(c) for c in range(0x0641, 0x064B)]
LETTER_SET = set(KEY_LETTERS)
MAX_CHARS = 40  # longer tokens stay whole

TATWEEL = "\u0640"


def norm_key(word):
    """The lexicon key of a word (normalised; non-letters kept as they are)."""
    return "".join(FOLD.get(ch, ch) for ch in word if ch not in DROP)


HAMZA_ALEFS = {"\u0623", "\u0625", "\u0622", "\u0671"}


class Norm:
    """A word's normalised letters with, for each, the byte offset where it starts in the UTF-8 word
    and whether it was an alef with hamza (أ إ آ ٱ: never the article's alef); `maqsura`: the last
    letter was ى (never the pronoun ي); `lead`/`trail`: byte offsets of the end of a leading and the
    start of a trailing run of tatweel (a dash, split off as its own segment), or None."""

    __slots__ = ("letters", "starts", "hamza", "maqsura", "lead", "trail")


def normalize(word):
    """Norm of `word`, or None if it has a character that is neither an Arabic letter nor
    tashkeel/tatweel (such tokens are never split) or no letter at all."""
    nz = Norm()
    nz.letters = []
    nz.starts = []
    nz.hamza = []
    last_orig = ""
    off = 0
    for ch in word:
        n = len(ch.encode("utf-8"))
        if ch in DROP:
            off += n
            continue
        f = FOLD.get(ch, ch)
        if f not in LETTER_SET:
            return None
        nz.letters.append(f)
        nz.starts.append(off)
        nz.hamza.append(ch in HAMZA_ALEFS)
        last_orig = ch
        off += n
    if not nz.letters:
        return None
    nz.maqsura = last_orig == "\u0649"
    t = len(TATWEEL.encode("utf-8"))
    i = 0
    while word[i] == TATWEEL:
        i += 1
    nz.lead = i * t if i else None
    j = len(word)
    while word[j - 1] == TATWEEL:
        j -= 1
    nz.trail = len(word[:j].encode("utf-8")) if j < len(word) else None
    return nz


# ---------------------------------------------------------------------------------------------
# Candidate segmentations
# ---------------------------------------------------------------------------------------------
WAW, FA, BA, KAF, LAM, SIN = "و", "ف", "ب", "ك", "ل", "س"
ALEF, TA, TA_MARBUTA, YA = "ا", "ت", "ة", "ي"
HAMZA, HAMZA_WAW, HAMZA_YA = "ء", "ؤ", "ئ"
IMPERFECT = {"ي", "ت", "ن", "ا"}
CONJS = ["", WAW, FA]
PREPS = ["", BA, KAF, LAM, SIN]
# Enclitic pronouns, in enumeration order (the Rust ENCS array has the same order).
ENCS = ["", "ه", "ها", "هم", "هما", "هن", "ك", "كم", "كما", "كن", "نا", "ي", "ني"]
# Prepositions that may stand directly before an enclitic pronoun with no stem (له، بها).
PREP_STEMS = {BA, LAM}


def candidates(nz, keep=frozenset()):
    """All candidate segmentations of a Norm, in a fixed order (the whole word first).

    Yields (conj, prep, stem_start, stem_end, enc, keys): the stem is letters[stem_start:stem_end];
    keys are (key, article_ok) pairs to look the stem up under, the literal one first; article_ok says
    whether a key beginning with ال may be read as article + base. A preposition used as the stem
    (ل+ه) has prep == "" and the preposition letter as the stem."""
    letters = nz.letters
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
                    if nz.maqsura and enc[-1] == YA:
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
                    if e and not prep and stem in PREP_STEMS:
                        yield conj, prep, p0, s_end, enc, [(stem, False)]
                    continue
                if slen < 2:
                    continue
                if prep == SIN and (stem[0] not in IMPERFECT or slen < 3
                                    or (stem[0] == ALEF and not nz.hamza[p0])):
                    continue  # future س only before an imperfect verb (سأصاب, not سالي)
                definite = stem[0] == ALEF and stem[1] == LAM and not nz.hamza[p0]
                keys = [(stem, definite)]
                if e:
                    if definite:
                        continue  # a definite stem takes no pronoun
                    last = stem[-1]
                    if last == TA_MARBUTA:
                        continue
                    if last == TA:
                        keys.append((stem[:-1] + TA_MARBUTA, False))  # سفارت+ها ↔ سفارة
                    elif last == ALEF:
                        keys.append((stem[:-1] + YA, False))  # أعطا+ه ↔ أعطى
                    elif last == WAW:
                        keys.append((stem + ALEF, False))  # كتبو+ه ↔ كتبوا
                    elif last == HAMZA_WAW or last == HAMZA_YA:
                        keys.append((stem[:-1] + HAMZA, False))  # أصدقائ+ها ↔ أصدقاء
                elif prep == LAM and stem[0] == LAM:
                    keys.append((ALEF + stem, True))  # ل+ال is written لل: ل+لسلطة has the key السلطة
                yield conj, prep, p0, s_end, enc, keys


# ---------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------
def char_index():
    idx = {ch: i + 1 for i, ch in enumerate(KEY_LETTERS)}  # 0 is the word boundary
    return idx


CHAR_INDEX = char_index()
NSYM = len(KEY_LETTERS) + 1


def f32(x):
    """x rounded to the nearest IEEE single (the Rust table stores f32; sums are f64 in both)."""
    return struct.unpack("<f", struct.pack("<f", x))[0]


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
                    self.logp[(a * V + b) * V + c] = f32(math.log(p))

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


def proclitic_definite(conj, prep, key, article_ok):
    """A proclitic before a definite stem with a base of 3+ letters (و+الحرب، ب+التالي، ل+لسلطة):
    almost always a real split."""
    return bool(conj or prep) and article_ok and len(key) >= 5 and key[0] == ALEF and key[1] == LAM


def prior_key(slot, label):
    return slot + ":" + (label or "-")


def art_split(key, article_ok=True):
    """(has_article, base) of a stem key: the article is kept on the word but the stem's counts are
    shared between الوزارة and وزارة (both are evidence that وزارة is a word)."""
    if article_ok and len(key) >= 4 and key[0] == ALEF and key[1] == LAM:
        return True, key[2:]
    return False, key


class Lexicon:
    """The parsed text of seg-stems.tsv."""

    def __init__(self, text):
        self.bases = {}
        self.keep = set()
        self.prior = {}
        self.params = {}
        for ln, line in enumerate(text.split("\n"), 1):
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0].startswith("@"):
                kind = cols[0]
                if kind == "@keep":
                    self.keep.add(cols[1])
                elif kind == "@form":
                    pass  # a memoisation hint for the Rust segmenter: no effect on results
                elif kind == "@prior":
                    self.prior[cols[1]] = float(cols[2])
                elif kind == "@param":
                    self.params[cols[1]] = float(cols[2])
                else:
                    raise ValueError(f"line {ln}: unknown directive {kind}")
                continue
            if len(cols) != 2:
                raise ValueError(f"line {ln}: expected stem<TAB>count")
            self.bases[cols[0]] = float(cols[1])


class Model:
    """Scores of candidate segmentations:
      log P(proclitics) + log P(enclitic) + log P(article?) + log P(base) [+ bonus per clitic if known]
    with P(base) = (1-unknown)*count/total for a lexicon base, unknown*Pchar(base) otherwise."""

    def __init__(self, bases, prior, params, keep):
        p = params
        self.lam = p.get("unknown", 1e-3)
        total = sum(bases.values())
        self.log_unknown = math.log(self.lam)
        self.base_lp = {s: math.log((1.0 - self.lam) * c / total) for s, c in bases.items() if c > 0}
        self.base_count = {s: c for s, c in bases.items() if c > 0}
        self.min_split = p.get("min_split_count", 0.0)
        self.char = CharModel(sorted(bases))
        self.keep = keep
        self.prior_lp = {k: math.log(v) for k, v in prior.items()}
        self.al_bonus = p.get("certain_bonus", 0.0)
        art = p.get("article", 0.3)
        self.art_lp = (math.log(1.0 - art), math.log(art))
        self.params = p
        self.bonus = p.get("clitic_bonus", 0.0)
        self.unk_bonus = p.get("unknown_clitic_bonus", 0.0)

    @classmethod
    def from_lexicon(cls, lex, overrides=None):
        p = dict(lex.params)
        if overrides:
            p.update(overrides)
        return cls(lex.bases, lex.prior, p, lex.keep)

    def prior(self, slot, label):
        """Log prior of a clitic; a missing "none" prior counts as 1, a missing clitic is never split."""
        v = self.prior_lp.get(prior_key(slot, label))
        if v is None:
            return 0.0 if label == "" else -math.inf
        return v

    def stem_score(self, keys, clitic):
        """(score, key, article_ok, known) of the best key: a lexicon key beats any unknown one.
        With clitics, a base is only known if its count reaches min_split_count."""
        best = None
        for k, aok in keys:
            art, base = art_split(k, aok)
            c = self.base_count.get(base)
            if c is not None and (not clitic or c >= self.min_split):
                v = self.art_lp[art] + self.base_lp[base]
                if best is None or v > best[0]:
                    best = (v, k, aok, True)
        if best is not None:
            return best
        for k, aok in keys:
            art, base = art_split(k, aok)
            v = self.art_lp[art] + self.log_unknown + self.char.score(base)
            if best is None or v > best[0]:
                best = (v, k, aok, False)
        return best

    def scored(self, nz):
        """[(score, conj, prep, s0, s1, enc, key, article_ok, known)] for all candidates of a Norm
        (empty: keep whole)."""
        out = []
        letters = nz.letters
        if len(letters) < 2 or len(letters) > MAX_CHARS:
            return out
        if "".join(letters) in self.keep:
            return out
        for conj, prep, s0, s1, enc, keys in candidates(nz, self.keep):
            ncl = len(conj) + len(prep) + (1 if enc else 0)
            ss, key, aok, known = self.stem_score(keys, ncl > 0)
            sc = self.prior("conj", conj) + self.prior("prep", prep) + self.prior("enc", enc) + ss
            sc += (self.bonus if known else self.unk_bonus) * ncl
            if proclitic_definite(conj, prep, key, aok) or (len(key) == 1 and enc != YA):
                sc += self.al_bonus  # grammatically certain splits: و+الحرب، ل+ه
            out.append((sc, conj, prep, s0, s1, enc, key, aok, known))
        return out

    def best(self, nz):
        """Best candidate (conj, prep, s0, s1, enc) of a Norm, or None to keep it whole.
        Ties go to the first candidate in enumeration order (the whole word comes first)."""
        best = None
        for c in self.scored(nz):
            if best is None or c[0] > best[0]:
                best = c
        return None if best is None else best[1:6]


def split_points(model, word):
    """Byte offsets (relative to the UTF-8 word) where segment boundaries fall."""
    nz = normalize(word)
    out = []
    if nz is None:
        return out
    if nz.lead is not None:
        out.append(nz.lead)
    b = model.best(nz)
    if b is not None:
        conj, prep, s0, s1, enc = b
        if conj:
            out.append(nz.starts[1])
        if prep:
            out.append(nz.starts[s0])
        if enc:
            out.append(nz.starts[s1])
    if nz.trail is not None:
        out.append(nz.trail)
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
        return Model.from_lexicon(Lexicon(f.read()), overrides)


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
