#!/usr/bin/env python3
"""Generate data/lexicon/person-names.tsv: words of people's names, for the NER tagger's name features.

Reproducible, Python 3 standard library only. The sources are two PyPI packages (wheels are zip files; the
script reads them without installing). Run from the repository root:

  d=$(mktemp -d) && pip download --no-deps -d "$d" arabic-name-romanizer==0.2.0 arabnamer==0.1.3
  python3 dev/gen_person_names.py --romanizer "$d"/arabic_name_romanizer-0.2.0-py3-none-any.whl \\
      --arabnamer "$d"/arabnamer-0.1.3-py3-none-any.whl [--out data/lexicon/person-names.tsv]

Sources (both redistributable; the output carries their attribution):
  * arabic-name-romanizer 0.2.0 (MIT, (c) 2026 UNICEF and the arabic-name-romanizer contributors),
    resources/names.sqlite3, table `units`, rows whose source is `wikidata` only: Arabic-script given names
    and surnames of people in Wikidata (CC0 1.0), with how many people bear each as a given name or a
    surname. (Its `dzirinames` rows are left out.)
  * arabnamer 0.1.3 (data: CC BY 4.0, (c) 2026 Elsayed Yousef, https://github.com/sayedyousef/arabnamer),
    data/dict_FINAL.json: 22,797 names (Arab and foreign) with their Arabic spelling; each word of a
    spelling is kept as a transliterated name word.
Words are written in hadath's match form (no tashkeel or tatweel, أ إ آ ٱ → ا, ى → ي, ة → ه); the loader
normalises them again. Wikidata words borne by fewer than MIN_PEOPLE people, and multi-word units
(عبد الله: the tagger looks words up one at a time), are left out.
"""
import argparse
import io
import json
import os
import sqlite3
import tempfile
import zipfile
from collections import defaultdict

MIN_PEOPLE = 2

HEADER = """\
# person-names.tsv — words of people's names, for the named-entity tagger's name features
# (crates/hadath-lexicon: PersonNames; used by Lexicon::ner_features in training and at run time).
# GENERATED — do not edit; regenerate with dev/gen_person_names.py (see its docstring for the command).
# Sources and licences:
#   * Wikidata (CC0 1.0, https://www.wikidata.org): given names and surnames of people, as compiled in
#     arabic-name-romanizer 0.2.0, resources/names.sqlite3 (MIT License, Copyright (c) 2026 UNICEF and the
#     arabic-name-romanizer contributors; rows from Wikidata only). Columns given, surname.
#   * arabnamer 0.1.3, data/dict_FINAL.json (CC BY 4.0, (c) 2026 Elsayed Yousef,
#     https://github.com/sayedyousef/arabnamer; https://creativecommons.org/licenses/by/4.0/): the words of
#     the Arabic spellings of its names. Column translit. Changes: split into words, normalised, merged.
# This file is licensed CC BY 4.0 (the arabnamer part requires attribution as above).
# Format (TAB-separated): word (match form), given (people in Wikidata with it as a given name),
#   surname (… as a surname), translit (1 if a word of an arabnamer spelling, else 0).
"""

TASHKEEL = {chr(c) for c in range(0x064B, 0x0653)} | {"\u0670", "\u0640"}
FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ک": "ك", "ی": "ي"}


def match_form(s):
    return "".join(FOLD.get(c, c) for c in s if c not in TASHKEEL).lower().strip()


def is_word(w):
    return len(w) >= 2 and " " not in w and all("\u0620" <= c <= "\u06ff" for c in w)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--romanizer", required=True, help="arabic_name_romanizer-0.2.0-py3-none-any.whl")
    ap.add_argument("--arabnamer", required=True, help="arabnamer-0.1.3-py3-none-any.whl")
    ap.add_argument("--out", default="data/lexicon/person-names.tsv")
    a = ap.parse_args()

    rows = defaultdict(lambda: [0, 0, 0])
    with zipfile.ZipFile(a.romanizer) as z, tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "names.sqlite3")
        with open(path, "wb") as f:
            f.write(z.read("arabic_name_romanizer/resources/names.sqlite3"))
        db = sqlite3.connect(path)
        people = defaultdict(lambda: [0, 0])
        for key, role, count in db.execute("SELECT arabic_key, role, count FROM units WHERE source = 'wikidata'"):
            w = match_form(key)
            if role == "given":
                people[w][0] += count
            elif role == "surname":
                people[w][1] += count
        db.close()
    for w, (g, s) in people.items():
        if is_word(w) and g + s >= MIN_PEOPLE:
            rows[w][0], rows[w][1] = g, s
    with zipfile.ZipFile(a.arabnamer) as z:
        names = json.load(io.TextIOWrapper(z.open("arabnamer/data/dict_FINAL.json"), encoding="utf-8"))
    for spelling in names.values():
        for part in spelling.split():
            w = match_form(part)
            if is_word(w):
                rows[w][2] = 1
    with open(a.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(HEADER)
        f.write(f"# entries: {len(rows)}\n")
        for w in sorted(rows):
            g, s, t = rows[w]
            f.write(f"{w}\t{g}\t{s}\t{t}\n")
    print(f"wrote {a.out}: {len(rows)} words")


if __name__ == "__main__":
    main()
