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
  * UniversalPetrarch Arabic dictionaries (event-dictionaries/universalpetrarch-arabic/, MIT):
    actor_dict_ar_v4.txt (actor names), agents.all.ar.txt (agent nouns), CAMEO.ar.0.5.txt (synonym-set
    members only): each token counts as one observation.
  * data/lexicon/seg-rules.tsv (hand-written closed-class words and decoder knobs), copied.
Never used: the ANERcorp test split, ANERGazet, SaudiNewsNet, the UD treebank.

Model (dev/seg_proto.py, mirrored by crates/hadath-text/src/clitics.rs): a unigram model of
segmentations, P(conj) * P(prep) * P(enclitic) * P(article?) * P(stem base), over a small set of
candidate segmentations. The article stays on the word, but الوزارة and وزارة share the base وزارة so
both count as evidence that وزارة is a word. Stem probabilities come from the counts written here; stems
missing from the lexicon are scored by a character-trigram model built from the same list.

EM over the observed types re-estimates the base counts and the clitic priors: in each iteration, each
type's count is spread over its candidate segmentations (only stems attested on their own take part, plus
proclitic + definite stem) in proportion to their score, so that وقال is explained as و+قال (قال is frequent
alone) while وزير keeps its own count (زير never occurs alone). The score includes the decoder's per-clitic
bonus, which counters the unigram model's preference for storing frequent clitic+stem forms whole; as that
bias compounds over iterations (a stem that gains counts attracts more words), EM is stopped after a few
iterations. The file written holds the expected base counts (pruned below MIN_COUNT), the clitic priors,
and the hand-written rules; the segmenter rebuilds the character model from the stems when it loads it.
It also lists the ANERcorp surface forms seen at least FORM_MIN_COUNT times that are not bases (@form):
the Rust segmenter precomputes their segmentation at load time (speed only; results are unchanged).

Global knobs tuned on the UD Arabic-PUD development file (no words taken from it): clitic_bonus,
unknown_clitic_bonus, certain_bonus, min_split_count, the pinned priors prep:س and enc:ي, ITERATIONS.
"""
import argparse
import collections
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no dev/__pycache__
import seg_proto as sp  # noqa: E402

ROOT = os.path.normpath(os.path.join(HERE, ".."))

# EM settings
ITERATIONS = 3
EXTERNAL_WEIGHT = 1.0  # observations per gazetteer / actor-dictionary name token
MIN_COUNT = 0.5  # stems with a smaller expected count are not written
PRIOR_SMOOTH = 1.0
FORM_MIN_COUNT = 2  # ANERcorp surface forms seen this often are listed as @form (memoised)
# Knobs the decoder reads (written as @param). `param em_clitic_bonus` in the rules (not set) would give
# the EM its own bonus instead of clitic_bonus.
DECODER_PARAMS = ("unknown", "clitic_bonus", "unknown_clitic_bonus", "min_split_count", "certain_bonus", "article")


def obs_key(tok):
    """An observed token as counted: tashkeel/tatweel stripped, ى folded, alef variants kept (an
    initial أل is not the article), or None if it is not made of Arabic letters."""
    nz = sp.normalize(tok)
    if nz is None:
        return None
    return "".join(ch if h else l for ch, l, h in zip(raw_letters(tok), nz.letters, nz.hamza))


def raw_letters(tok):
    return [ch for ch in tok if ch not in sp.DROP]


def read_anercorp(path):
    counts = collections.Counter()
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if not parts:
                continue
            key = obs_key(parts[0])
            if key:
                counts[key] += 1
    return counts


def name_tokens(text):
    for tok in re.split(r"[\s_|,()\-+]+", text):
        key = obs_key(tok)
        if key and len(key) >= 3:
            yield key


def read_external(shared):
    names = set()
    cameo = os.path.join(shared, "event-dictionaries", "universalpetrarch-arabic")
    with open(os.path.join(cameo, "CAMEO.ar.0.5.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("+"):  # synonym-set members: +جنيه_مصري_
                names.update(name_tokens(line.split("#", 1)[0]))
    with open(os.path.join(cameo, "agents.all.ar.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0]
            if "]" in line:  # ENGLISH_NAME [~CODE]الاسم العربي
                names.update(name_tokens(line.split("]", 1)[1]))
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


SLOTS = (("conj", sp.CONJS), ("prep", sp.PREPS), ("enc", sp.ENCS))


def estimate_priors(counts, smooth, params):
    """Clitic priors per slot from expected counts; `param conj:X / prep:X / enc:X` pins a value."""
    prior = {}
    for slot, labels in SLOTS:
        tot = sum(counts.get(sp.prior_key(slot, l), 0.0) + smooth for l in labels)
        for l in labels:
            k = sp.prior_key(slot, l)
            prior[k] = (counts.get(k, 0.0) + smooth) / tot
    for name, v in params:
        if name.split(":")[0] in ("conj", "prep", "enc"):
            prior[name] = v
    return prior


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

    obs = collections.Counter()
    for w, n in aner.items():
        obs[w] += n
    for w in sorted(external):
        obs[w] += EXTERNAL_WEIGHT
    types = sorted(obs)
    print(f"observations: {sum(obs.values()):.0f} tokens, {len(types)} types "
          f"({len(aner)} ANERcorp, {len(external)} external)", file=sys.stderr)

    # Start: every type is its own stem; clitic priors flat-ish.
    bases = collections.Counter()
    attested = set()
    art_n = 0.0
    norms = {}
    for w, n in obs.items():
        nz = sp.normalize(w)
        norms[w] = nz
        art, base = sp.art_split("".join(nz.letters), not nz.hamza[0])
        bases[base] += n
        attested.add(base)
        art_n += n if art else 0.0
    em_params = dict(pdict)
    em_params["clitic_bonus"] = bonus
    em_params["article"] = art_n / sum(obs.values())
    init = {}
    for slot, labels in SLOTS:
        for l in labels:
            init[sp.prior_key(slot, l)] = 20.0 if l == "" else 1.0
    prior = estimate_priors(init, 0.0, params)

    for it in range(ITERATIONS):
        m = sp.Model({b: c for b, c in bases.items() if c >= MIN_COUNT or b in attested},
                     prior, em_params, keep_set)
        new_bases = collections.Counter()
        new_prior = collections.Counter()
        new_art = 0.0
        loglik = 0.0
        for w in types:
            n = obs[w]
            nz = norms[w]
            # Only attested stems take part: a stem never seen on its own cannot explain a word.
            # (A proclitic before a definite stem is the exception: و+التوسع even if توسع is unseen.)
            scored = [c for c in m.scored(nz) if c[8] or sp.proclitic_definite(c[1], c[2], c[6], c[7])]
            if not scored:
                art, base = sp.art_split("".join(nz.letters), not nz.hamza[0])
                new_bases[base] += n
                new_art += n if art else 0.0
                for slot, _ in SLOTS:
                    new_prior[sp.prior_key(slot, "")] += n
                continue
            mx = max(c[0] for c in scored)
            z = sum(math.exp(c[0] - mx) for c in scored)
            loglik += n * (mx + math.log(z))
            for sc, conj, prep, _s0, _s1, e, key, aok, _known in scored:
                p = n * math.exp(sc - mx) / z
                if p < 1e-6:
                    continue
                art, base = sp.art_split(key, aok)
                new_bases[base] += p
                new_art += p if art else 0.0
                new_prior[sp.prior_key("conj", conj)] += p
                new_prior[sp.prior_key("prep", prep)] += p
                new_prior[sp.prior_key("enc", e)] += p
        bases = new_bases
        em_params["article"] = new_art / sum(new_bases.values())
        prior = estimate_priors(new_prior, PRIOR_SMOOTH, params)
        print(f"EM {it + 1}: loglik {loglik:.1f}, bases>={MIN_COUNT}: "
              f"{sum(1 for c in bases.values() if c >= MIN_COUNT)}, article {em_params['article']:.4f}",
              file=sys.stderr)
    stems = bases
    params = [(n, v) for n, v in params if n != "article"] + [("article", round(em_params["article"], 6))]

    out = []
    out.append("# seg-stems.tsv — segmentation lexicon of hadath's Arabic clitic segmenter (clitics.rs).")
    out.append("# GENERATED — do not edit; regenerate from the repository root with:")
    out.append("#   python3 dev/gen_seg_lexicon.py --shared /work/shared/data")
    out.append("# (inputs: the sources below and data/lexicon/seg-rules.tsv; Python 3 standard library only)")
    out.append("# Sources and licences:")
    out.append("#   * ANERcorp, CAMeL Lab train split (Benajiba et al. 2007; Obeid et al. 2020, CAMeL Tools),")
    out.append("#     https://camel.abudhabi.nyu.edu/anercorp — CC BY-SA 4.0. The stem counts below are derived")
    out.append("#     from it (EM-estimated segmentation counts); this file is therefore licensed CC BY-SA 4.0.")
    out.append("#   * CLDR (Unicode License v3) and iso-codes (LGPL-2.1) Arabic country and city names;")
    out.append("#     GeoNames Arabic city names (CC BY 4.0, https://www.geonames.org/);")
    out.append("#     UniversalPetrarch Arabic actor, agent and CAMEO synonym dictionaries (MIT, Open Event Data Alliance).")
    out.append("#   * data/lexicon/seg-rules.tsv (hand-written closed-class words and knobs).")
    out.append("# Format (TAB-separated, keys normalised: no tashkeel/tatweel, أ إ آ ٱ → ا, ى → ي):")
    out.append("#   @param NAME VALUE     decoder knob")
    out.append("#   @prior SLOT:CLITIC P  prior of a clitic in its slot (conj, prep, enc; - = none)")
    out.append("#   @keep  WORD           never split")
    out.append("#   @form  WORD           frequent surface form whose segmentation the segmenter precomputes (speed only)")
    out.append("#   STEM   COUNT          expected count of a stem base (a definite stem ال+BASE counts for BASE)")
    for name, v in params:
        if name in DECODER_PARAMS:
            out.append(f"@param\t{name}\t{v:g}")
    for slot, labels in SLOTS:
        for l in labels:
            k = sp.prior_key(slot, l)
            out.append(f"@prior\t{k}\t{prior[k]:.6g}")
    for w in sorted(keep_set):
        out.append(f"@keep\t{w}")
    # Frequent surface forms that are not bases (mostly clitic + stem): memoised by the Rust segmenter.
    forms = collections.Counter()
    for w, n in aner.items():
        k = sp.norm_key(w)
        if 2 <= len(k) <= sp.MAX_CHARS and k not in keep_set and not (stems.get(k, 0.0) >= MIN_COUNT):
            forms[k] += n
    for k in sorted(k for k, n in forms.items() if n >= FORM_MIN_COUNT):
        out.append(f"@form\t{k}")
    kept = 0
    for s in sorted(stems):
        c = stems[s]
        if c >= MIN_COUNT:
            out.append(f"{s}\t{c:.1f}")
            kept += 1
    with open(a.out, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"wrote {a.out}: {kept} stems", file=sys.stderr)
    for slot, labels in SLOTS:
        print("  " + " ".join(f"{sp.prior_key(slot, l)}={prior[sp.prior_key(slot, l)]:.5f}" for l in labels),
              file=sys.stderr)


if __name__ == "__main__":
    main()
