#!/usr/bin/env python3
"""Measure the whole entity pipeline against the tagger alone without the test file.

K-fold cross-validation over a CoNLL/BIO training file (ANERcorp style): contiguous folds, each scored with a
model trained on the other folds (`hadath train ner --dev-fraction 0`), the whole pipeline run through
`hadath extract --ner-model` and the tagger alone through `hadath eval ner --model --show-errors`; entity
matching as in ../shared/tools/score_ner.py (same span and type; the gold span may add up to three proclitic
letters in front). Pooled micro P/R/F1 of both, and with --show every entity the pipeline lost or gained
against the tagger and every false positive it added. Python 3 standard library only.

  cargo build --release
  python3 dev/ner_pipeline_cv.py --hadath target/release/hadath \\
      --train ../shared/data/ner/anercorp/ANERCorp_CamelLab_train.txt --folds 5 --work /tmp/ner-cv [--show]

Models are kept in --work and reused when present (delete them after changing the lexicon or the features).
"""
import argparse
import json
import os
import subprocess
import tempfile
from collections import Counter

CLITICS = set("وفبلك")


def read_conll(path):
    sents, toks, tags = [], [], []
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip():
            if toks:
                sents.append((toks, tags))
            toks, tags = [], []
            continue
        p = line.split()
        if len(p) >= 2:
            toks.append(p[0])
            tags.append(p[-1])
    if toks:
        sents.append((toks, tags))
    return sents


def write_conll(path, sents):
    with open(path, "w", encoding="utf-8") as f:
        for toks, tags in sents:
            f.write("".join(f"{t} {g}\n" for t, g in zip(toks, tags)) + "\n")


def spans(tokens, tags):
    out, pos, cur = [], 0, None
    for tok, tag in zip(tokens, tags):
        s, e = pos, pos + len(tok)
        if tag.startswith("B-") or (tag.startswith("I-") and (cur is None or cur[2] != tag[2:])):
            if cur:
                out.append(tuple(cur))
            cur = [s, e, tag[2:]]
        elif tag.startswith("I-"):
            cur[1] = e
        else:
            if cur:
                out.append(tuple(cur))
            cur = None
        pos = e + 1
    if cur:
        out.append(tuple(cur))
    return out


def pipeline(hadath, model, sents):
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for i, (toks, _) in enumerate(sents):
            f.write(json.dumps({"id": f"s{i}", "text": " ".join(toks)}, ensure_ascii=False) + "\n")
        path = f.name
    try:
        cmd = [hadath, "extract", "--input-format", "jsonl", "--format", "jsonl", "--ner-model", model, path]
        out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8")
    finally:
        os.unlink(path)
    docs = {d["id"]: d for d in map(json.loads, filter(str.strip, out.splitlines()))}
    preds = []
    for i in range(len(sents)):
        pred = set()
        for ent in docs.get(f"s{i}", {}).get("entities", []):
            typ = {"PER": "PERS"}.get(ent["type"], ent["type"])
            for m in [ent] + (ent.get("mentions") or []):
                pred.add((m["start"], m["end"], typ))
        preds.append(pred)
    return preds


def tagger(hadath, model, conll, sents):
    cmd = [hadath, "eval", "ner", "--bench-seconds", "0", "--show-errors", "--model", model, conll]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8")
    wrong, cur = {}, None
    for line in out.splitlines():
        if line.startswith("# sentence "):
            cur = int(line.split()[2]) - 1  # numbered from 1
            wrong[cur] = []
        elif cur is not None and "\t" in line:
            wrong[cur].append(line.split("\t")[2].split()[0])
        else:
            cur = None
    # Sentences without errors are not printed: their tags are the gold ones.
    return [set(spans(toks, wrong[i])) if i in wrong else set(spans(toks, tags)) for i, (toks, tags) in enumerate(sents)]


def match(text, gold, pred):
    matched, tp, fn = set(), [], []
    for g in gold:
        hit = None
        for p in sorted(pred):
            if p in matched or p[2] != g[2] or p[1] != g[1]:
                continue
            pre = text[g[0]:p[0]] if p[0] >= g[0] else None
            if pre == "" or (pre is not None and len(pre) <= 3 and set(pre) <= CLITICS):
                hit = p
                break
        if hit:
            matched.add(hit)
            tp.append(g)
        else:
            fn.append(g)
    return tp, fn, [p for p in pred if p not in matched]


def prf(t, p_, n):
    p = t / (t + p_) if t + p_ else 0.0
    r = t / (t + n) if t + n else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hadath", required=True)
    ap.add_argument("--train", required=True)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--work", required=True, help="folder for the folds and their models")
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    sents = read_conll(a.train)
    n = len(sents)
    count = {k: Counter() for k in ("ptp", "pfp", "pfn", "ttp", "tfp", "tfn")}
    notes = []
    for k in range(a.folds):
        lo, hi = n * k // a.folds, n * (k + 1) // a.folds
        train, test = os.path.join(a.work, f"fold{k}-train.txt"), os.path.join(a.work, f"fold{k}-test.txt")
        model = os.path.join(a.work, f"fold{k}.ap")
        write_conll(train, sents[:lo] + sents[hi:])
        write_conll(test, sents[lo:hi])
        if not os.path.exists(model):
            subprocess.run([a.hadath, "train", "ner", "--train", train, "--dev-fraction", "0", "--out", model],
                           check=True, capture_output=True)
        part = sents[lo:hi]
        pp, tt = pipeline(a.hadath, model, part), tagger(a.hadath, model, test, part)
        for i, (toks, tags) in enumerate(part):
            text, gold = " ".join(toks), spans(toks, tags)
            ptp, pfn, pfp = match(text, gold, pp[i])
            ttp, tfn, tfp = match(text, gold, tt[i])
            for key, items in (("ptp", ptp), ("pfn", pfn), ("pfp", pfp), ("ttp", ttp), ("tfn", tfn), ("tfp", tfp)):
                for x in items:
                    count[key][x[2]] += 1
            show = lambda x: f"{x[2]}:{text[x[0]:x[1]]}"  # noqa: E731
            for g in set(ttp) - set(ptp):
                over = [show(p) for p in pp[i] if p[0] < g[1] and g[0] < p[1]]
                notes.append(f"LOST {show(g)}  pipeline: {' | '.join(over)}  ## {text}")
            for g in set(ptp) - set(ttp):
                notes.append(f"GAIN {show(g)}")
            for p in set(pfp) - set(tfp):
                over = [show(g) for g in gold if g[0] < p[1] and p[0] < g[1]]
                notes.append(f"NEWFP {show(p)}  gold: {' | '.join(over)}  ## {text}")
    for name, (tp, fp, fn) in (("pipeline", ("ptp", "pfp", "pfn")), ("tagger", ("ttp", "tfp", "tfn"))):
        for t in sorted(count[tp] | count[fn]):
            p, r, f = prf(count[tp][t], count[fp][t], count[fn][t])
            print(f"{name:8s} {t:5s} P={p:.3f} R={r:.3f} F1={f:.3f}")
        p, r, f = prf(sum(count[tp].values()), sum(count[fp].values()), sum(count[fn].values()))
        print(f"{name:8s} micro P={p:.3f} R={r:.3f} F1={f:.3f}")
    if a.show:
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
