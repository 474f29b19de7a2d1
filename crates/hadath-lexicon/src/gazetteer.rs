//! Gazetteers: countries (with nisba adjectives), places, organisations, people and role/sector words,
//! compiled into one Aho-Corasick automaton over match-form keys.
//!
//! Matching is clitic-aware: a name may start after proclitics inside a word (لأذربيجان, وبإيران,
//! للأمم المتحدة), and the match then covers the name only. It must end at a word end.

use aho_corasick::automaton::{Automaton, OverlappingState};
use aho_corasick::nfa::contiguous::NFA;
use aho_corasick::{Anchored, Input, MatchKind};
use std::ops::Range;

use hadath_text::normalize::{match_key, MatchForm};
use hadath_text::tokens::is_arabic_letter;

use crate::{data_lines, err, Error};

/// What a gazetteer entry names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GazKind {
    /// A country (LOC).
    Country,
    /// A nisba adjective or demonym of a country (إسرائيلي، الأذرية، العرب): not an entity by itself.
    Nisba,
    /// A place: capital, city, region (LOC).
    Place,
    /// An organisation (ORG).
    Organisation,
    /// A person (PER).
    Person,
    /// A role or sector word (رئيس، الجيش، المتظاهرون): an agent code, not an entity by itself.
    Agent,
}

/// One gazetteer entry.
#[derive(Debug, Clone, PartialEq)]
pub struct GazEntry {
    /// What it names.
    pub kind: GazKind,
    /// Canonical (English) name, or for agents the agent code.
    pub canonical: String,
    /// Finer kind from the data file: capital, city, region, IGO, NGO, GROUP, president, role, body …
    pub subkind: String,
    /// ISO 3166 alpha-3 / CAMEO country code.
    pub country: Option<String>,
    /// Full CAMEO actor code where the data gives one (PSEREB, IGO, AZEGOV …).
    pub code: Option<String>,
    /// CAMEO agent code (GOV, MIL, REB …).
    pub agent: Option<String>,
    /// Start of validity (YYYYMMDD), for people's roles.
    pub from: Option<u32>,
    /// End of validity (YYYYMMDD), for people's roles.
    pub to: Option<u32>,
    /// Coordinates, for places.
    pub coords: Option<(f32, f32)>,
}

impl GazEntry {
    /// The entity type of a mention of this entry, or None for nisbas and agents.
    pub fn entity_type(&self) -> Option<&'static str> {
        match self.kind {
            GazKind::Country | GazKind::Place => Some("LOC"),
            GazKind::Organisation => Some("ORG"),
            GazKind::Person => Some("PER"),
            GazKind::Nisba | GazKind::Agent => None,
        }
    }

    /// Whether this entry (a person's role) holds on `date` (YYYYMMDD); entries without dates always hold.
    pub fn valid_on(&self, date: Option<u32>) -> bool {
        match date {
            None => true,
            Some(d) => self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t),
        }
    }
}

/// A match of a gazetteer key in a match-form text (byte offsets into the match form).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GazMatch {
    /// Start of the name (after any proclitics).
    pub start: usize,
    /// End of the name.
    pub end: usize,
    /// Start of the word the name starts in (where its proclitics start).
    pub word_start: usize,
    /// Which key matched (index into [`Gazetteer::key_entries`]).
    pub key: u32,
}

/// All gazetteers, compiled.
pub struct Gazetteer {
    entries: Vec<GazEntry>,
    keys: Vec<String>,
    key_entries: Vec<Vec<u32>>,
    /// The keys as a trie (an Aho-Corasick NFA searched anchored: each search walks the keys that start at
    /// one position, and stops where none goes on).
    automaton: NFA,
}

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer").field("entries", &self.entries.len()).field("keys", &self.keys.len()).finish()
    }
}

/// The gazetteer source files, as (path, contents).
pub struct GazetteerSources<'a> {
    /// data/gazetteer/countries.tsv
    pub countries: (&'a str, &'a str),
    /// data/gazetteer/places.tsv
    pub places: (&'a str, &'a str),
    /// data/gazetteer/organisations.tsv
    pub organisations: (&'a str, &'a str),
    /// data/gazetteer/people.tsv
    pub people: (&'a str, &'a str),
    /// data/gazetteer/agents.tsv
    pub agents: (&'a str, &'a str),
    /// data/gazetteer/ambiguous.tsv: forms with several readings and the one to prefer.
    pub ambiguous: (&'a str, &'a str),
}

/// Does `entry` fit a reading of ambiguous.tsv ("country:OMN", "place:Amman@JOR", "org:Hamas",
/// "person:Abdel Fattah al-Burhan")?
fn fits(entry: &GazEntry, reading: &str) -> bool {
    let Some((kind, what)) = reading.split_once(':') else { return false };
    match kind {
        "country" => entry.kind == GazKind::Country && entry.country.as_deref() == Some(what),
        "place" => {
            let (name, country) = what.split_once('@').unwrap_or((what, ""));
            entry.kind == GazKind::Place && entry.canonical == name && entry.country.as_deref().unwrap_or("") == country
        }
        "org" => entry.kind == GazKind::Organisation && entry.canonical == what,
        "person" => entry.kind == GazKind::Person && entry.canonical == what,
        _ => false,
    }
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn variants(s: &str) -> impl Iterator<Item = &str> {
    s.split('|').map(str::trim).filter(|v| !v.is_empty())
}

fn cols<'a>(path: &str, n: usize, line: &'a str, want: usize) -> Result<Vec<&'a str>, Error> {
    let c: Vec<&str> = line.split('\t').collect();
    if c.len() < want {
        return Err(err(path, n, format!("expected at least {want} tab-separated columns, found {}", c.len())));
    }
    Ok(c)
}

fn date(path: &str, n: usize, s: &str) -> Result<Option<u32>, Error> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    match s.parse::<u32>() {
        Ok(v) if s.len() == 8 && (10_000_101..=29_991_231).contains(&v) => Ok(Some(v)),
        _ => Err(err(path, n, format!("date {s:?} is not YYYYMMDD"))),
    }
}

/// The regular inflections of a nisba base (masculine singular, without ال): إسرائيلي → إسرائيلية،
/// إسرائيليون، إسرائيليين، إسرائيليان، إسرائيليات, each also with ال. A base of several words (كوري جنوبي)
/// inflects every word alike, as Arabic agreement does: الكورية الجنوبية، الكوريين الجنوبيين.
pub fn nisba_forms(base: &str) -> Vec<String> {
    let words: Vec<&str> = base.split_whitespace().map(|w| w.strip_prefix("ال").unwrap_or(w)).collect();
    let mut suffixes = vec![""];
    if !words.is_empty() && words.iter().all(|w| w.ends_with('ي')) {
        suffixes.extend(["ة", "ون", "ين", "ان", "ات", "تان", "تين"]);
    }
    let mut out = Vec::new();
    for suffix in suffixes {
        for article in ["ال", ""] {
            let forms: Vec<String> = words.iter().map(|w| format!("{article}{w}{suffix}")).collect();
            out.push(forms.join(" "));
        }
    }
    out
}

/// CAMEO agent codes are three upper-case letters.
fn agent_of(code: &str, country: Option<&str>) -> Option<String> {
    let rest = match country {
        Some(c) if code.starts_with(c) => &code[c.len()..],
        _ if code.len() > 3 => &code[3..],
        _ => return None,
    };
    (rest.len() >= 3).then(|| rest[..3].to_string())
}

impl Gazetteer {
    /// Parses and compiles the gazetteer files.
    pub fn load(src: &GazetteerSources<'_>) -> Result<Gazetteer, Error> {
        let mut entries: Vec<GazEntry> = Vec::new();
        let mut surfaces: Vec<(String, u32)> = Vec::new();
        let mut add = |entry: GazEntry, forms: Vec<String>, entries: &mut Vec<GazEntry>| {
            let id = entries.len() as u32;
            entries.push(entry);
            for f in forms {
                surfaces.push((f, id));
            }
        };

        let (path, text) = src.countries;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 6)?;
            let code = c[0].trim();
            if code.len() != 3 {
                return Err(err(path, n, format!("country code {code:?} is not three letters")));
            }
            let cameo = c.get(6).and_then(|s| opt(s)).unwrap_or_else(|| code.to_string());
            let base = GazEntry {
                kind: GazKind::Country,
                canonical: c[1].trim().to_string(),
                subkind: "country".into(),
                country: Some(cameo.clone()),
                code: Some(cameo.clone()),
                agent: None,
                from: None,
                to: None,
                coords: None,
            };
            let names: Vec<String> = variants(c[2]).map(String::from).collect();
            if names.is_empty() {
                return Err(err(path, n, "a country needs at least one name"));
            }
            add(base.clone(), names.clone(), &mut entries);
            let mut nisba: Vec<String> = variants(c[3]).flat_map(nisba_forms).collect();
            // The indefinite accusative of a nisba: "18 طالبا سودانيا" (not when it spells the country's
            // name: تركي → تركيا).
            for x in variants(c[3]).filter(|x| !x.starts_with("ال") && !x.contains(' ') && x.ends_with('ي')) {
                let acc = format!("{x}ا");
                if !names.iter().any(|n| match_key(n) == match_key(&acc)) {
                    nisba.push(acc);
                }
            }
            for p in variants(c[4]) {
                nisba.push(p.to_string());
                if !p.starts_with("ال") {
                    nisba.push(format!("ال{p}"));
                    // The indefinite accusative of a broken plural: "صحفيين أتراكا".
                    if !p.ends_with(['ا', 'ة', 'ي']) {
                        nisba.push(format!("{p}ا"));
                    }
                }
            }
            if !nisba.is_empty() {
                add(GazEntry { kind: GazKind::Nisba, subkind: "nisba".into(), ..base }, nisba, &mut entries);
            }
        }

        let (path, text) = src.places;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 4)?;
            let coords = match (c.get(4).map(|s| s.trim().parse::<f32>()), c.get(5).map(|s| s.trim().parse::<f32>())) {
                (Some(Ok(a)), Some(Ok(b))) => Some((a, b)),
                _ => None,
            };
            let entry = GazEntry {
                kind: GazKind::Place,
                canonical: c[1].trim().to_string(),
                subkind: c[2].trim().to_string(),
                country: opt(c[3]),
                code: opt(c[3]),
                agent: None,
                from: None,
                to: None,
                coords,
            };
            add(entry, variants(c[0]).map(String::from).collect(), &mut entries);
        }

        let (path, text) = src.organisations;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 5)?;
            let country = opt(c[4]);
            let code = opt(c[3]);
            let agent = code.as_deref().and_then(|k| {
                if k == "IGO" || k == "NGO" || k == "IMG" {
                    Some(k.to_string())
                } else {
                    agent_of(k, country.as_deref())
                }
            });
            let entry = GazEntry {
                kind: GazKind::Organisation,
                canonical: c[1].trim().to_string(),
                subkind: c[2].trim().to_string(),
                country,
                code,
                agent,
                from: None,
                to: None,
                coords: None,
            };
            add(entry, variants(c[0]).map(String::from).collect(), &mut entries);
        }

        let (path, text) = src.people;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 6)?;
            let code = c[2].trim().to_string();
            let country =
                (code.len() >= 3 && !code.starts_with("IGO") && !code.starts_with("NGO") && !code.starts_with("IMG"))
                    .then(|| code[..3].to_string());
            let agent = agent_of(&code, country.as_deref())
                .or_else(|| (code.len() == 3 && country.is_none()).then(|| code.clone()));
            let entry = GazEntry {
                kind: GazKind::Person,
                canonical: c[1].trim().to_string(),
                subkind: c.get(5).map(|s| s.trim().to_string()).unwrap_or_default(),
                country,
                code: Some(code),
                agent,
                from: date(path, n, c[3])?,
                to: date(path, n, c[4])?,
                coords: None,
            };
            add(entry, variants(c[0]).map(String::from).collect(), &mut entries);
        }

        let (path, text) = src.agents;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 3)?;
            let agent = c[1].trim().to_string();
            if agent.len() != 3 || !agent.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(err(path, n, format!("agent code {agent:?} is not three upper-case letters")));
            }
            let entry = GazEntry {
                kind: GazKind::Agent,
                canonical: agent.clone(),
                subkind: c[2].trim().to_string(),
                country: None,
                code: Some(agent.clone()),
                agent: Some(agent),
                from: None,
                to: None,
                coords: None,
            };
            add(entry, variants(c[0]).map(String::from).collect(), &mut entries);
        }

        // One key per distinct match form; a key may name several entries (a person with two roles).
        let mut by_key: std::collections::BTreeMap<String, Vec<u32>> = std::collections::BTreeMap::new();
        for (surface, id) in surfaces {
            let key = match_key(&surface).split_whitespace().collect::<Vec<_>>().join(" ");
            if key.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                continue;
            }
            let ids = by_key.entry(key).or_default();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        // Ambiguous forms: keep the preferred reading; with no preference, drop a form that may be a common
        // word, and keep a place/place or country/place form as a place of unknown country (LOC either way).
        let (path, text) = src.ambiguous;
        for (n, line) in data_lines(text) {
            let c = cols(path, n, line, 3)?;
            let key = match_key(c[0].trim()).split_whitespace().collect::<Vec<_>>().join(" ");
            let Some(ids) = by_key.get_mut(&key) else { continue };
            let readings: Vec<&str> = variants(c[1]).collect();
            match c[2].trim() {
                "none" if readings.contains(&"word") => {
                    by_key.remove(&key);
                }
                "none" => {
                    let Some(&first) = ids.first() else { continue };
                    let e = &entries[first as usize];
                    let unknown = GazEntry {
                        kind: GazKind::Place,
                        canonical: c[0].trim().to_string(),
                        subkind: "ambiguous".into(),
                        country: None,
                        code: None,
                        agent: None,
                        from: None,
                        to: None,
                        coords: None,
                    };
                    if e.entity_type() == Some("LOC") {
                        entries.push(unknown);
                        *ids = vec![entries.len() as u32 - 1];
                    } else {
                        by_key.remove(&key);
                    }
                }
                preferred => {
                    let keep: Vec<u32> =
                        ids.iter().copied().filter(|&i| fits(&entries[i as usize], preferred)).collect();
                    if keep.is_empty() {
                        return Err(err(
                            path,
                            n,
                            format!("preferred reading {preferred:?} matches no entry of {:?}", c[0]),
                        ));
                    }
                    *ids = keep;
                }
            }
        }

        // "ال…" keys also match after ل, which swallows the alef: للامم المتحده.
        let mut extra = Vec::new();
        for (k, ids) in &by_key {
            if let Some(rest) = k.strip_prefix("ال") {
                if rest.chars().count() >= 2 {
                    extra.push((format!("لل{rest}"), ids.clone()));
                }
            }
        }
        for (k, ids) in extra {
            by_key.entry(k).or_insert(ids);
        }
        let (keys, key_entries): (Vec<String>, Vec<Vec<u32>>) = by_key.into_iter().unzip();
        let automaton = NFA::builder()
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&keys)
            .map_err(|e| err("data/gazetteer", 0, format!("cannot compile the gazetteer automaton: {e}")))?;
        Ok(Gazetteer { entries, keys, key_entries, automaton })
    }

    /// All entries.
    pub fn entries(&self) -> &[GazEntry] {
        &self.entries
    }

    /// The entries a key names.
    pub fn key_entries(&self, key: u32) -> impl Iterator<Item = &GazEntry> {
        self.key_entries[key as usize].iter().map(|&i| &self.entries[i as usize])
    }

    /// Indices (into [`Gazetteer::entries`]) of the entries a key names, in data-file order.
    pub fn key_entry_ids(&self, key: u32) -> &[u32] {
        &self.key_entries[key as usize]
    }

    /// The match-form key text.
    pub fn key(&self, key: u32) -> &str {
        &self.keys[key as usize]
    }

    /// Finds gazetteer names in a match-form text: each ends at a word end and starts at a word start or
    /// after a proclitic sequence (و ف, then ب ك ل; ل+ال written لل starts the name after the first ل, as UD
    /// segments it); overlapping candidates are resolved longest-first, then leftmost.
    pub fn find(&self, text: &str) -> Vec<GazMatch> {
        let mut cands: Vec<GazMatch> = Vec::new();
        // A name starts where a word starts (any position after a non-word character), or after the
        // proclitics that open a word (و ف, then ب ك ل): search the keys anchored at those positions only,
        // instead of running the automaton over every byte (same matches, a fraction of the work).
        let mut prev_word = false;
        // Whether a name may start at the next character although it is inside a word (after و ف ب ك ل
        // opening it, or after و/ف + ب ك ل), and the word's length so far.
        let mut after_clitic = false;
        let mut first_wf = false;
        let mut len = 0usize;
        for (i, c) in text.char_indices() {
            if !prev_word || after_clitic {
                self.push_anchored(text, i, &mut cands);
            }
            let word = is_word_char(c);
            len = if word { len + 1 } else { 0 };
            after_clitic = match len {
                1 => {
                    first_wf = matches!(c, 'و' | 'ف');
                    first_wf || matches!(c, 'ب' | 'ك' | 'ل')
                }
                2 => first_wf && matches!(c, 'ب' | 'ك' | 'ل'),
                _ => false,
            };
            prev_word = word;
        }
        self.resolve(cands)
    }

    /// Resolves overlapping candidates: longest first, then leftmost, then (two keys over the same span: a
    /// لل-key and a key after ل) the longer key, the one that reads more of the word; keeps those that do
    /// not overlap a kept one, in text order.
    fn resolve(&self, mut cands: Vec<GazMatch>) -> Vec<GazMatch> {
        cands.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(a.start.cmp(&b.start))
                .then(self.keys[b.key as usize].len().cmp(&self.keys[a.key as usize].len()))
                .then(a.key.cmp(&b.key))
        });
        let mut kept: Vec<GazMatch> = Vec::new();
        for c in cands {
            if kept.iter().all(|k| c.end <= k.word_start.min(k.start) || c.word_start.min(c.start) >= k.end) {
                kept.push(c);
            }
        }
        kept.sort_by_key(|m| m.start);
        kept
    }

    /// Appends the candidates of [`Gazetteer::find`] that start at `s`: every key that `text[s..]` begins
    /// with, if it ends at a word end and what precedes it in its word is a proclitic sequence.
    fn push_anchored(&self, text: &str, s: usize, cands: &mut Vec<GazMatch>) {
        let input = Input::new(text).range(s..).anchored(Anchored::Yes);
        let mut state = OverlappingState::start();
        loop {
            // Errors come only from unsupported configurations (a fixed one here): no more matches.
            if self.automaton.try_find_overlapping(&input, &mut state).is_err() {
                return;
            }
            let Some(m) = state.get_match() else { return };
            // A state's matches include the keys that end its path as suffixes ("الامريكيه" at the end of
            // "ساموا الامريكيه"): those start later, and are found from their own start.
            if m.start() != s {
                continue;
            }
            cands.extend(self.candidate(text, s, m.end(), m.pattern().as_u32()));
        }
    }

    /// The key `key` found at `text[s..e]` as a candidate of [`Gazetteer::find`], if it ends at a word end and
    /// what precedes it in its word is a proclitic sequence.
    fn candidate(&self, text: &str, s: usize, e: usize, key: u32) -> Option<GazMatch> {
        if !text.is_char_boundary(s) || !text.is_char_boundary(e) || text[e..].chars().next().is_some_and(is_word_char)
        {
            return None;
        }
        let word_start =
            text[..s].char_indices().rev().take_while(|&(_, c)| is_word_char(c)).last().map_or(s, |(i, _)| i);
        let k = &self.keys[key as usize];
        let prefix = &text[word_start..s];
        let lil = k.starts_with("لل");
        if !(prefix.is_empty() || is_proclitic_sequence(prefix, lil)) {
            return None;
        }
        // ك "like" opens only a definite, multi-word or long name ("كالولايات المتحدة", "كمدينة
        // العمارة", "كبريطانيا"): "كلاوس" is a name, not ك + لاوس, and "كسول" an adjective, not ك + سول.
        if prefix.ends_with('ك') && !(k.starts_with("ال") || k.contains(' ') || k.chars().count() >= 6) {
            return None;
        }
        // ل + ال is written لل: the name starts after the preposition (UD: ل+لأمم), like other clitics.
        let start = if lil { s + 'ل'.len_utf8() } else { s };
        Some(GazMatch { start, end: e, word_start, key })
    }

    /// The matches of [`Gazetteer::find`] over a whole match form `mt` (`matches`, as `find` returned them)
    /// that lie in `range` of it — exactly what `find` returns over `&mt[range]` alone (shifted by
    /// `range.start`) — or `None` when that cannot be told from them: a kept match crosses an edge of the
    /// range (it may have hidden a shorter one inside), or a word runs across an edge (the range's own
    /// prefix and word-end tests would differ). Callers then run `find` over the range.
    pub fn matches_in<'m>(&self, mt: &str, matches: &'m [GazMatch], range: Range<usize>) -> Option<&'m [GazMatch]> {
        let word_before = |at: usize| mt.get(..at).and_then(|s| s.chars().next_back()).is_some_and(is_word_char);
        let word_after = |at: usize| mt.get(at..).and_then(|s| s.chars().next()).is_some_and(is_word_char);
        if (word_before(range.start) && word_after(range.start)) || (word_before(range.end) && word_after(range.end)) {
            return None;
        }
        // Kept matches do not overlap (proclitics included) and are in text order.
        let a = matches.partition_point(|m| m.end <= range.start);
        let b = matches.partition_point(|m| m.word_start.min(m.start) < range.end);
        let inside = matches.get(a..b.max(a))?;
        inside.iter().all(|m| m.word_start.min(m.start) >= range.start && m.end <= range.end).then_some(inside)
    }

    /// Per-token gazetteer features for the named-entity tagger, the same in training and at run time:
    /// `text` is one sentence, `tokens` its tokens' byte ranges (in order, not overlapping); `out` gets one
    /// list per token (its lists are reused).
    ///
    /// [`Gazetteer::find`] runs on the sentence's match form; each match, mapped back to the original,
    /// marks the tokens it overlaps: the first `B`, the others `I`. Features: `gaz=B-LOC` / `gaz=I-LOC`
    /// (countries and places; also `gaz=country` on a country), `gaz=B-ORG`, `gaz=B-PER` (and `I-`), `nisba`
    /// (a nisba or demonym), `agent=B-role` / `agent=B-body` / `agent=B-sector` (and `I-`, from agents.tsv,
    /// with `agent=GOV` on government roles), and on the two tokens that follow a role phrase (a role word,
    /// then any nisbas, countries or fillers such as السابق) `after=role` / `after=role2`: a strong cue for a
    /// person's name ("الرئيس الفرنسي جاك شيراك"). The tagger adds each token's neighbours' features itself.
    pub fn token_features(&self, text: &str, tokens: &[Range<usize>], out: &mut Vec<Vec<&'static str>>) {
        if tokens.is_empty() {
            self.token_features_with(&MatchForm::new(""), &[], tokens, out);
            return;
        }
        let mf = MatchForm::new(text);
        let matches = self.find(mf.text());
        self.token_features_with(&mf, &matches, tokens, out);
    }

    /// [`Gazetteer::token_features`] for one sentence of a longer text whose match form and matches are
    /// already known: `mf` is the match form of the whole text, `matches` the matches of
    /// [`Gazetteer::find`] over it that lie inside the sentence, `tokens` the sentence's tokens as byte
    /// ranges of the whole text. The features are those `token_features` gives for the sentence alone when
    /// `find` over the sentence gives those matches (no match crosses the sentence's edges, and no word
    /// runs across them).
    pub fn token_features_with(
        &self,
        mf: &MatchForm,
        matches: &[GazMatch],
        tokens: &[Range<usize>],
        out: &mut Vec<Vec<&'static str>>,
    ) {
        out.truncate(tokens.len());
        for v in out.iter_mut() {
            v.clear();
        }
        out.resize_with(tokens.len(), Vec::new);
        if tokens.is_empty() {
            return;
        }
        // What each token is part of, for the role-phrase features: 0 nothing, 1 role, 2 nisba/country.
        let mut part = vec![0u8; tokens.len()];
        for m in matches {
            let r = mf.to_original(m.start..m.end);
            let first = tokens.partition_point(|t| t.end <= r.start);
            let mut kinds = [false; 6];
            let mut gov = false;
            let mut subkind = "";
            for e in self.key_entries(m.key) {
                kinds[e.kind as usize] = true;
                if e.kind == GazKind::Agent {
                    gov |= e.agent.as_deref() == Some("GOV") && e.subkind == "role";
                    if subkind.is_empty() {
                        subkind = match e.subkind.as_str() {
                            "role" => "role",
                            "body" => "body",
                            "sector" => "sector",
                            _ => "",
                        };
                    }
                }
            }
            for (k, i) in (first..tokens.len()).take_while(|&i| tokens[i].start < r.end).enumerate() {
                let b = k == 0;
                let f = &mut out[i];
                if kinds[GazKind::Country as usize] || kinds[GazKind::Place as usize] {
                    f.push(if b { "gaz=B-LOC" } else { "gaz=I-LOC" });
                }
                if kinds[GazKind::Country as usize] {
                    f.push("gaz=country");
                }
                if kinds[GazKind::Organisation as usize] {
                    f.push(if b { "gaz=B-ORG" } else { "gaz=I-ORG" });
                }
                if kinds[GazKind::Person as usize] {
                    f.push(if b { "gaz=B-PER" } else { "gaz=I-PER" });
                }
                if kinds[GazKind::Nisba as usize] {
                    f.push("nisba");
                }
                if kinds[GazKind::Agent as usize] {
                    f.push(match (subkind, b) {
                        ("role", true) => "agent=B-role",
                        ("role", false) => "agent=I-role",
                        ("body", true) => "agent=B-body",
                        ("body", false) => "agent=I-body",
                        ("sector", true) => "agent=B-sector",
                        ("sector", false) => "agent=I-sector",
                        (_, true) => "agent=B",
                        (_, false) => "agent=I",
                    });
                    if gov {
                        f.push("agent=GOV");
                    }
                }
                if kinds[GazKind::Agent as usize] && subkind == "role" {
                    part[i] = 1;
                } else if part[i] == 0 && (kinds[GazKind::Nisba as usize] || kinds[GazKind::Country as usize]) {
                    part[i] = 2;
                }
            }
        }
        // After a role phrase: role word(s), then nisbas, countries and fillers.
        let mut i = 0;
        while i < tokens.len() {
            if part[i] != 1 {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < tokens.len() && (part[j] != 0 || is_role_filler(mf_word(mf, &tokens[j]))) {
                j += 1;
            }
            if j < tokens.len() {
                out[j].push("after=role");
                if j + 1 < tokens.len() && part[j + 1] == 0 {
                    out[j + 1].push("after=role2");
                }
            }
            i = j.max(i + 1);
        }
    }
}

/// The match form of a token of `text` (an empty string if the token's span does not map cleanly).
fn mf_word<'a>(mf: &'a MatchForm, token: &Range<usize>) -> &'a str {
    let a = mf.map().from_original(token.start);
    let b = mf.map().from_original(token.end);
    mf.text().get(a..b.max(a)).unwrap_or("")
}

/// Words that may stand between a role phrase and the name ("وزير الخارجية آنذاك شيمون بيريز").
fn is_role_filler(w: &str) -> bool {
    matches!(w, "انذاك" | "السابق" | "الحالي" | "الاسبق" | "الجديد" | "الراحل" | "،" | ",")
}

#[inline]
fn is_word_char(c: char) -> bool {
    is_arabic_letter(c) || c.is_alphanumeric()
}

/// و ف, then at most one of ب ك ل. With a لل-key (ل + ال), only و/ف may precede.
fn is_proclitic_sequence(prefix: &str, lil_key: bool) -> bool {
    let mut chars = prefix.chars().peekable();
    if matches!(chars.peek(), Some('و' | 'ف')) {
        chars.next();
    }
    if !lil_key && matches!(chars.peek(), Some('ب' | 'ك' | 'ل')) {
        chars.next();
    }
    chars.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// [`Gazetteer::find`] as it was: the automaton run over every byte (unanchored, overlapping), each
    /// match then checked and resolved as `find` does. The oracle of the anchored search's choice of starts.
    fn find_unanchored(g: &Gazetteer, text: &str) -> Vec<GazMatch> {
        let cands = g
            .automaton
            .try_find_overlapping_iter(Input::new(text))
            .unwrap()
            .filter_map(|m| g.candidate(text, m.start(), m.end(), m.pattern().as_u32()))
            .collect();
        g.resolve(cands)
    }

    fn embedded() -> &'static Gazetteer {
        static LEX: std::sync::OnceLock<crate::Lexicon> = std::sync::OnceLock::new();
        &LEX.get_or_init(|| crate::Lexicon::embedded().expect("embedded lexicon")).gazetteer
    }

    #[test]
    fn anchored_search_finds_what_the_unanchored_search_found() {
        let g = embedded();
        let seed = include_str!("../../../examples/seed-article.txt");
        for text in [
            seed,
            "وللأمم المتحدة وبالولايات المتحدة كالولايات المتحدة كلاوس فباكو ولبنان، والسعودية.",
            // "للعصابة": ل + العصابة (a gang), not ل + لعصابة (Assaba, Mauritania): the same span, the
            // longer key.
            "وأضاف البيان أن الرأس المدبر للعصابة يبلغ",
            "و باكو ب",
            "",
            "ل",
        ] {
            let mf = MatchForm::new(text);
            let got = g.find(mf.text());
            assert_eq!(got, find_unanchored(g, mf.text()), "{text}");
            if text == seed {
                assert!(got.len() > 20, "{}", got.len());
            }
            if text.contains("للعصابة") {
                assert!(got.iter().any(|m| g.key(m.key) == "للعصابه"), "{:?}", got);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Texts made of gazetteer keys, clitics, words, spaces and punctuation, run together or apart.
        #[test]
        fn anchored_search_equals_the_unanchored_one(
            parts in proptest::collection::vec((0usize..100_000, 0usize..16), 0..12),
        ) {
            let g = embedded();
            let pieces = ["و", "ف", "ب", "ك", "ل", "وب", "فل", "لل", "ال", " ", " ", "، ", ".", "قال", "1", "x"];
            let mut text = String::new();
            for (k, p) in parts {
                if k % 3 == 0 {
                    text.push_str(g.key((k / 3 % g.keys.len()) as u32));
                } else {
                    text.push_str(pieces[p]);
                }
            }
            prop_assert_eq!(g.find(&text), find_unanchored(g, &text), "{:?}", text);
        }
    }

    fn gaz() -> Gazetteer {
        Gazetteer::load(&GazetteerSources {
            countries: ("c.tsv", "AZE\tAzerbaijan\tأذربيجان\tأذربيجاني|أذري\t\tباكو\nISR\tIsrael\tإسرائيل\tإسرائيلي\t\tالقدس\nUSA\tUnited States\tالولايات المتحدة|أمريكا|أميركا\tأمريكي|أميركي\t\tواشنطن\n"),
            places: ("p.tsv", "باكو\tBaku\tcapital\tAZE\t40.4\t49.9\nتل أبيب\tTel Aviv\tcity\tISR\t32.1\t34.8\n"),
            organisations: ("o.tsv", "الأمم المتحدة\tUnited Nations\tIGO\tIGO\t\nحماس|حركة حماس\tHamas\tGROUP\tPSEREB\tPSE\n"),
            people: ("pe.tsv", "إلهام علييف\tIlham Aliyev\tAZEGOV\t20031031\t\tpresident\n"),
            agents: ("a.tsv", "وزير الخارجية\tGOV\trole\t\nالجيش\tMIL\tbody\t\n"),
            ambiguous: ("am.tsv", ""),
        })
        .unwrap()
    }

    fn found(g: &Gazetteer, text: &str) -> Vec<(String, String)> {
        let m = match_key(text);
        g.find(&m)
            .into_iter()
            .map(|x| (m[x.start..x.end].to_string(), g.key_entries(x.key).next().unwrap().canonical.clone()))
            .collect()
    }

    #[test]
    fn clitics_nisba_and_longest() {
        let g = gaz();
        let got = found(&g, "التقى وزير الخارجية الإسرائيلي في باكو بالرئيس إلهام علييف لأذربيجان وللأمم المتحدة");
        let want: Vec<(String, String)> = [
            ("وزير الخارجيه", "GOV"),
            ("الاسرائيلي", "Israel"),
            ("باكو", "Baku"),
            ("الهام علييف", "Ilham Aliyev"),
            ("اذربيجان", "Azerbaijan"),
            ("لامم المتحده", "United Nations"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn no_match_inside_words() {
        let g = gaz();
        // باكو inside a longer word, and حماس followed by letters, do not match.
        assert!(found(&g, "سباكوم حماسة").is_empty());
        // A proclitic sequence that is not one (ست+) does not open a match.
        assert!(found(&g, "ستباكو").is_empty());
        // ك opens a name only before the article: "كباكو" is no mention of Baku.
        assert!(found(&g, "كباكو").is_empty());
    }

    #[test]
    fn nisba_inflections() {
        let forms = nisba_forms("إسرائيلي");
        for f in ["إسرائيلي", "الإسرائيلية", "الإسرائيليين", "إسرائيليون", "الإسرائيليات"]
        {
            assert!(forms.contains(&f.to_string()), "{f}");
        }
        let two = nisba_forms("كوري جنوبي");
        for f in ["الكوري الجنوبي", "الكورية الجنوبية", "كوريين جنوبيين", "الكوريون الجنوبيون"]
        {
            assert!(two.contains(&f.to_string()), "{f}");
        }
        assert!(!two.contains(&"الكوري جنوبي".to_string()));
        let g = gaz();
        assert_eq!(found(&g, "الأذرية")[0].1, "Azerbaijan");
        assert_eq!(g.key_entries(g.find(&match_key("الأذرية"))[0].key).next().unwrap().kind, GazKind::Nisba);
    }

    #[test]
    fn people_dates_and_codes() {
        let g = gaz();
        let p = g.entries().iter().find(|e| e.kind == GazKind::Person).unwrap();
        assert_eq!((p.country.as_deref(), p.agent.as_deref()), (Some("AZE"), Some("GOV")));
        assert!(p.valid_on(Some(20230419)) && !p.valid_on(Some(20000101)));
        let h = g.entries().iter().find(|e| e.canonical == "Hamas").unwrap();
        assert_eq!((h.country.as_deref(), h.agent.as_deref()), (Some("PSE"), Some("REB")));
    }
}

#[cfg(test)]
mod ambiguity_tests {
    use super::*;

    #[test]
    fn ambiguous_forms_follow_the_preference() {
        let g = Gazetteer::load(&GazetteerSources {
            countries: ("c.tsv", "OMN\tOman\tعمان|سلطنة عمان\tعماني\t\tمسقط\nMLI\tMali\tمالي\t\t\tباماكو\nTUN\tTunisia\tتونس\tتونسي\t\tتونس\n"),
            places: ("p.tsv", "عمان\tAmman\tcapital\tJOR\t31.9\t35.9\nتونس\tTunis\tcapital\tTUN\t36.8\t10.2\n"),
            organisations: ("o.tsv", ""),
            people: ("pe.tsv", ""),
            agents: ("a.tsv", ""),
            ambiguous: (
                "am.tsv",
                "عمان\tcountry:OMN|place:Amman@JOR\tnone\t\nمالي\tcountry:MLI|word\tnone\t\nتونس\tcountry:TUN|place:Tunis@TUN\tcountry:TUN\t\n",
            ),
        })
        .unwrap();
        let one = |t: &str| {
            let m = match_key(t);
            g.find(&m).first().map(|x| {
                let e = g.key_entries(x.key).collect::<Vec<_>>();
                assert_eq!(e.len(), 1, "one reading for {t}");
                (e[0].kind, e[0].country.clone())
            })
        };
        assert_eq!(one("عمان"), Some((GazKind::Place, None)), "Oman or Amman: a place, country unknown");
        assert_eq!(one("سلطنة عمان"), Some((GazKind::Country, Some("OMN".into()))));
        assert_eq!(one("مالي"), None, "Mali or 'financial': dropped");
        assert_eq!(one("تونس"), Some((GazKind::Country, Some("TUN".into()))));
    }
}
