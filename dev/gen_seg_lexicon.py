#!/usr/bin/env python3
"""Generate data/lexicon/seg-stems.tsv, the lexicon of hadath's clitic segmenter.

Reproducible, Python 3 standard library only. Run from the repository root:

  python3 dev/gen_seg_lexicon.py [--shared /work/shared/data] [--out data/lexicon/seg-stems.tsv]

Sources (all redistributable; the output carries their attribution):
  * ANERcorp, CAMeL Lab TRAIN split only (ner/anercorp/ANERCorp_CamelLab_train.txt), CC BY-SA 4.0:
    counts of the raw news tokens (clitics attached).
  * Gazetteers (gazetteer/): countries_ar.tsv (CLDR, Unicode License v3; iso-codes, LGPL-2.1),
    cities_cldr_ar.tsv (CLDR, Unicode License v3), cities15000_ar_geonames.tsv column
    arabic_names_strict (GeoNames, CC BY 4.0): each name token counts as one observation.
  * UniversalPetrarch Arabic actor dictionary (event-dictionaries/universalpetrarch-arabic/
    actor_dict_ar_v4.txt, MIT): each name token counts as one observation.
  * data/lexicon/seg-rules.tsv (hand-written closed-class words and decoder knobs), copied verbatim.

Model: a unigram model of segmentations, P(proclitics) * P(stem) * P(enclitic), over the candidate
segmentations of dev/seg_proto.py (the same candidates the Rust segmenter considers). Stem probabilities
mix a count-based lexicon with a character-trigram model for unseen stems. Soft EM over the observed
surface types re-estimates the stem counts and clitic priors, so that وقال is explained as و+قال (قال is
frequent alone) while وزير keeps its own count (زير never occurs). The file written holds the expected
stem counts (pruned), the clitic priors and the hand-written rules; the segmenter rebuilds the character
model from the stems when it loads the file.
"""
import argparse
import collections
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import seg_proto as sp  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, ".."))

# EM settings
ITERATIONS = 8
EXTERNAL_WEIGHT = 1.0  # observations per gazetteer / actor-dictionary name token
MIN_COUNT = 0.5  # stems with a smaller expected count are not written
PRE_SMOOTH = 1.0
ENC_SMOOTH = 1.0


def read_anercorp(path):
    counts = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            tok = parts[0]
            nz = sp.normalize(tok)
            if nz is None or not nz[0]:
                continue
            counts["".join(nz[0])] += 1
    return counts


def name_tokens(text):
    for tok in re.split(r"[\s_|,()\-]+", text):
        nz = sp.normalize(tok)
        if nz is None or len(nz[0]) < 2:
            continue
        yield "".join(nz[0])


def read_external(shared):
    names = set()
    gz = os.path.join(shared, "gazetteer")
    with open(os.path.join(gz, "countries_ar.tsv"), encoding="utf-8") as f:
        rows = f.read().split("\n")
        head = rows[0].split("\t")
        cols = [head.index(c) for c in ("arabic_name", "arabic_name_iso_codes", "arabic_official_name_iso_codes")]
        for r in rows[1:]:
            r = r.split("\t")
            for c in cols:
                if c < len(r):
                    names.update(name_tokens(r[c]))
    with open(os.path.join(gz, "cities_cldr_ar.tsv"), encoding="utf-8") as f:
        rows = f.read().split("\n")
        head = rows[0].split("\t")
        c = head.index("arabic_city")
        for r in rows[1:]:
            r = r.split("\t")
            if c < len(r):
                names.update(name_tokens(r[c]))
    with open(os.path.join(gz, "cities15000_ar_geonames.tsv"), encoding="utf-8") as f:
        rows = f.read().split("\n")
        head = rows[0].split("\t")
        c = head.index("arabic_names_strict")
        for r in rows[1:]:
            r = r.split("\t")
            if c < len(r):
                names.update(name_tokens(r[c]))
    ud = os.path.join(shared, "event-dictionaries", "universalpetrarch-arabic", "actor_dict_ar_v4.txt")
    with open(ud, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].split("[", 1)[0].strip()
            if line:
                names.update(name_tokens(line))
    return names


def read_rules(path):
    keep = []
    params = []
    with open(path, encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if cols[0] == "keep" and len(cols) == 2:
                keep.append(sp.norm_key(cols[1]))
            elif cols[0] == "param" and len(cols) == 3:
                params.append((cols[1], float(cols[2])))
            else:
                raise SystemExit(f"{path}:{ln}: bad rule line")
    return keep, params


class EmModel:
    """The decoder's scoring (seg_proto.Model) over in-memory counts, for EM."""

    def __init__(self, stems, pre, enc, lam):
        total = sum(stems.values())
        self.stem_lp = {s: math.log((1.0 - lam) * c / total) for s, c in stems.items() if c > 0}
        self.log_unknown = math.log(lam)
        self.char = sp.CharModel(sorted(s for s, c in stems.items() if c >= MIN_COUNT))
        self.pre_lp = {k: math.log(v) for k, v in pre.items()}
        self.enc_lp = {k: math.log(v) for k, v in enc.items()}

    def stem_score(self, keys, letters, s0, s1):
        best = None
        bkey = None
        for k in keys:
            v = self.stem_lp.get(k)
            if v is not None and (best is None or v > best):
                best, bkey = v, k
        if best is not None:
            return best, bkey, True
        return self.log_unknown + self.char.score(letters[s0:s1]), keys[0], False


def normalise_dist(counts, labels, smooth):
    tot = sum(counts.get(l, 0.0) + smooth for l in labels)
    return {l: (counts.get(l, 0.0) + smooth) / tot for l in labels}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default="/work/shared/data")
    ap.add_argument("--rules", default=os.path.join(ROOT, "data", "lexicon", "seg-rules.tsv"))
    ap.add_argument("--out", default=os.path.join(ROOT, "data", "lexicon", "seg-stems.tsv"))
    ap.add_argument("--param", action="append", default=[], help="override a rules param: NAME=VALUE")
    a = ap.parse_args()

    aner = read_anercorp(os.path.join(a.shared, "ner", "anercorp", "ANERCorp_CamelLab_train.txt"))
    external = read_external(a.shared)
    keep, params = read_rules(a.rules)
    keep_set = set(keep)
    for kv in a.param:
        k, v = kv.split("=", 1)
        params = [(n, x) for n, x in params if n != k] + [(k, float(v))]
    pdict = dict(params)
    lam = pdict.get("unknown", 1e-3)
    bonus = pdict.get("em_clitic_bonus", pdict.get("clitic_bonus", 0.0))

    gamma = pdict.get("em_count_exponent", 1.0)
    obs = collections.Counter()
    for w, n in aner.items():
        obs[w] += n ** gamma
    for w in external:
        obs[w] += EXTERNAL_WEIGHT
    types = sorted(obs)
    print(f"observations: {sum(obs.values()):.0f} tokens, {len(types)} types "
          f"({len(aner)} ANERcorp, {len(external)} external)", file=sys.stderr)

    pre_labels = sorted({c + p for c in sp.CONJS for p in sp.PREPS})
    enc_labels = list(sp.ENCS)
    # Start: every type is its own stem; clitic priors flat-ish.
    stems = collections.Counter(obs)
    pre = {l: (0.5 if l == "" else 0.5 / (len(pre_labels) - 1)) for l in pre_labels}
    enc = {l: (0.7 if l == "" else 0.3 / (len(enc_labels) - 1)) for l in enc_labels}

    cand_cache = {}
    for w in types:
        letters = list(w)
        if w in keep_set or len(letters) < 2 or len(letters) > sp.MAX_CHARS:
            cand_cache[w] = None
        else:
            cand_cache[w] = (letters, list(sp.candidates(letters, False, keep_set)))

    for it in range(ITERATIONS):
        m = EmModel(stems, pre, enc, lam)
        new_stems = collections.Counter()
        new_pre = collections.Counter()
        new_enc = collections.Counter()
        loglik = 0.0
        for w in types:
            n = obs[w]
            cc = cand_cache[w]
            if cc is None:
                new_stems[w] += n
                new_pre[""] += n
                new_enc[""] += n
                continue
            letters, cands = cc
            scored = []
            for conj, prep, s0, s1, e, keys in cands:
                pl = m.pre_lp.get(conj + prep)
                el = m.enc_lp.get(e)
                ss, key, known = m.stem_score(keys, letters, s0, s1)
                nc = len(conj) + len(prep) + (1 if e else 0) if known else 0
                scored.append((pl + el + ss + bonus * nc, key, conj + prep, e))
            mx = max(s[0] for s in scored)
            z = sum(math.exp(s[0] - mx) for s in scored)
            loglik += n * (mx + math.log(z))
            for sc, key, pl, e in scored:
                p = n * math.exp(sc - mx) / z
                if p < 1e-6:
                    continue
                new_stems[key] += p
                new_pre[pl] += p
                new_enc[e] += p
        stems = new_stems
        pre = normalise_dist(new_pre, pre_labels, PRE_SMOOTH)
        enc = normalise_dist(new_enc, enc_labels, ENC_SMOOTH)
        print(f"EM {it + 1}: loglik {loglik:.1f}, stems>={MIN_COUNT}: "
              f"{sum(1 for c in stems.values() if c >= MIN_COUNT)}", file=sys.stderr)

    # Clitic prior overrides from the rules (param enc:X / pre:X).
    for name, v in params:
        if name.startswith("enc:"):
            enc[name[4:]] = v
        elif name.startswith("pre:"):
            pre[name[4:]] = v

    out = []
    out.append("# seg-stems.tsv — segmentation lexicon of hadath's Arabic clitic segmenter (clitics.rs).")
    out.append("# GENERATED — do not edit; regenerate from the repository root with:")
    out.append("#   python3 dev/gen_seg_lexicon.py --shared /work/shared/data")
    out.append("# Sources and licences:")
    out.append("#   * ANERcorp, CAMeL Lab train split (Benajiba et al. 2007; Obeid et al. 2020, CAMeL Tools),")
    out.append("#     https://camel.abudhabi.nyu.edu/anercorp — CC BY-SA 4.0. The stem counts below are derived")
    out.append("#     from it (EM-estimated segmentation counts); this file is therefore licensed CC BY-SA 4.0.")
    out.append("#   * CLDR (Unicode License v3) and iso-codes (LGPL-2.1) Arabic country and city names;")
    out.append("#     GeoNames Arabic city names (CC BY 4.0, https://www.geonames.org/);")
    out.append("#     UniversalPetrarch Arabic actor dictionary (MIT, Open Event Data Alliance).")
    out.append("#   * data/lexicon/seg-rules.tsv (hand-written closed-class words and knobs).")
    out.append("# Format (TAB-separated, keys normalised: no tashkeel/tatweel, أ إ آ ٱ → ا, ى → ي):")
    out.append("#   @param NAME VALUE     decoder knob")
    out.append("#   @pre   CLITICS PROB   prior of a proclitic sequence (- = none)")
    out.append("#   @enc   CLITIC PROB    prior of an enclitic pronoun (- = none)")
    out.append("#   @keep  WORD           never split")
    out.append("#   STEM   COUNT          expected count of a stem")
    for name, v in params:
        if ":" not in name:
            out.append(f"@param\t{name}\t{v:g}")
    for l in pre_labels:
        out.append(f"@pre\t{l or '-'}\t{pre[l]:.6g}")
    for l in enc_labels:
        out.append(f"@enc\t{l or '-'}\t{enc[l]:.6g}")
    for w in sorted(keep_set):
        out.append(f"@keep\t{w}")
    kept = 0
    for s in sorted(stems):
        c = stems[s]
        if c >= MIN_COUNT:
            out.append(f"{s}\t{c:.1f}")
            kept += 1
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {a.out}: {kept} stems", file=sys.stderr)
    for l in pre_labels:
        print(f"  pre {l or '-'}: {pre[l]:.5f}", file=sys.stderr)
    for l in enc_labels:
        print(f"  enc {l or '-'}: {enc[l]:.5f}", file=sys.stderr)


if __name__ == "__main__":
    main()
