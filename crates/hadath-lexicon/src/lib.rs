//! hadath's linguistic data: the readable files under `data/`, embedded in the binary at build time and
//! parsed once into a [`Lexicon`].
//!
//! ```
//! let lex = hadath_lexicon::Lexicon::embedded().unwrap();
//! assert!(lex.agencies.iter().any(|a| a.name == "Reuters"));
//! ```
#![deny(missing_docs)]

pub mod gazetteer;
pub mod names;

use hadath_text::clitics::{SegLexicon, Segmenter};
use hadath_text::normalize::match_key;

/// The embedded data files, by path relative to the repository root.
pub const FILES: &[(&str, &str)] = &[
    ("data/structure/agencies.tsv", include_str!("../../../data/structure/agencies.tsv")),
    ("data/structure/attribution.tsv", include_str!("../../../data/structure/attribution.tsv")),
    ("data/structure/outlet-types.tsv", include_str!("../../../data/structure/outlet-types.tsv")),
    ("data/lexicon/seg-stems.tsv", include_str!("../../../data/lexicon/seg-stems.tsv")),
    ("data/lexicon/person-names.tsv", include_str!("../../../data/lexicon/person-names.tsv")),
    ("data/gazetteer/countries.tsv", include_str!("../../../data/gazetteer/countries.tsv")),
    ("data/gazetteer/places.tsv", include_str!("../../../data/gazetteer/places.tsv")),
    ("data/gazetteer/organisations.tsv", include_str!("../../../data/gazetteer/organisations.tsv")),
    ("data/gazetteer/people.tsv", include_str!("../../../data/gazetteer/people.tsv")),
    ("data/gazetteer/agents.tsv", include_str!("../../../data/gazetteer/agents.tsv")),
    ("data/gazetteer/ambiguous.tsv", include_str!("../../../data/gazetteer/ambiguous.tsv")),
    ("data/actors/metonymy-verbs.tsv", include_str!("../../../data/actors/metonymy-verbs.tsv")),
    ("data/actors/name-heads.tsv", include_str!("../../../data/actors/name-heads.tsv")),
    ("data/actors/role-context.tsv", include_str!("../../../data/actors/role-context.tsv")),
    ("data/actors/home-references.tsv", include_str!("../../../data/actors/home-references.tsv")),
];

fn file(path: &str) -> &'static str {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, s)| *s).unwrap_or("")
}

/// A data file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct Error {
    /// The data file.
    pub file: String,
    /// 1-based line number (0 when the whole file is at fault).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A news agency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    /// Surface forms as written in the data file.
    pub forms: Vec<String>,
    /// Match keys of `forms` (see [`hadath_text::normalize::match_key`]).
    pub keys: Vec<String>,
    /// `keys` without white space and dots, as agencies are matched ("أ ف ب" = "أ.ف.ب" = "افب").
    pub compact_keys: Vec<String>,
    /// Canonical name ("Reuters").
    pub name: String,
    /// ISO 3166 alpha-3 country of the agency.
    pub country: String,
}

/// Which attribution field a cue opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttributionField {
    /// The outlet the text comes from.
    Source,
    /// The translator.
    Translator,
    /// A news agency credit.
    Agency,
    /// The author.
    Author,
    /// The editor.
    Editor,
}

impl AttributionField {
    fn parse(s: &str) -> Option<AttributionField> {
        Some(match s {
            "source" => AttributionField::Source,
            "translator" => AttributionField::Translator,
            "agency" => AttributionField::Agency,
            "author" => AttributionField::Author,
            "editor" => AttributionField::Editor,
            _ => return None,
        })
    }

    /// The field's name in the output.
    pub fn as_str(self) -> &'static str {
        match self {
            AttributionField::Source => "source",
            AttributionField::Translator => "translator",
            AttributionField::Agency => "agency",
            AttributionField::Author => "author",
            AttributionField::Editor => "editor",
        }
    }
}

/// A cue that opens an attribution line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributionCue {
    /// The cue as written.
    pub cue: String,
    /// Its match key.
    pub key: String,
    /// The field it fills.
    pub field: AttributionField,
    /// Whether a colon must follow the cue.
    pub colon_required: bool,
}

/// All of hadath's loaded data. Immutable, `Send + Sync`; build once and share.
pub struct Lexicon {
    /// News agencies.
    pub agencies: Vec<Agency>,
    /// Attribution cues, longest key first.
    pub attribution_cues: Vec<AttributionCue>,
    /// Match keys of generic outlet-type words (موقع، صحيفة …), longest first.
    pub outlet_types: Vec<String>,
    /// The clitic segmenter with its lexicon.
    pub segmenter: Segmenter,
    /// Countries, nisbas, places, organisations, people and role words, compiled.
    pub gazetteer: gazetteer::Gazetteer,
    /// Words of people's names, for the tagger's name features (see [`Lexicon::ner_features`]).
    pub person_names: names::PersonNames,
    /// Verbs that make a capital stand for its government: match keys of forms that count right before
    /// the capital, and of forms that count right after it.
    pub metonymy_verbs: MetonymyVerbs,
    /// Match keys of head nouns that make a named thing out of the place after them (اتفاقيات أوسلو).
    pub name_heads: std::collections::HashSet<String>,
    /// Words around role phrases and place descriptors (`data/actors/role-context.tsv`).
    pub role_context: RoleContext,
    /// Words that name the outlet's own country (`data/actors/home-references.tsv`): match key → homes.
    pub home_references: Vec<(String, Vec<String>)>,
}

/// Parses `data/actors/home-references.tsv`: form, TAB, home countries.
pub fn parse_home_references(path: &str, text: &str) -> Result<Vec<(String, Vec<String>)>, Error> {
    let mut out = Vec::new();
    for (n, line) in data_lines(text) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 2 {
            return Err(err(path, n, format!("expected form <TAB> countries, found {} columns", cols.len())));
        }
        let homes: Vec<String> = cols[1].split('|').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        if homes.is_empty() || homes.iter().any(|c| c.len() != 3 || !c.chars().all(|x| x.is_ascii_uppercase())) {
            return Err(err(path, n, "countries must be ISO 3166 alpha-3 codes separated by |"));
        }
        out.push((match_key(cols[0].trim()), homes));
    }
    Ok(out)
}

/// The classes of `data/actors/role-context.tsv`, as match keys (multi-word forms joined by one space).
/// The sets hash with `FxHash`: the entity stage asks them hundreds of times per article.
#[derive(Debug, Default, Clone)]
pub struct RoleContext {
    /// May sit between a role phrase and the name (آنذاك، السابق).
    pub fillers: rustc_hash::FxHashSet<String>,
    /// Titles before a name (الدكتور، صاحب السمو الملكي).
    pub honorifics: rustc_hash::FxHashSet<String>,
    /// End a role phrase looking back from a name (مع، إن، الذي).
    pub stops: rustc_hash::FxHashSet<String>,
    /// Compass words between a place and its country (شمال، جنوب شرق).
    pub directions: rustc_hash::FxHashSet<String>,
    /// Generic place nouns before a place name (مدينة، بلدة).
    pub designators: rustc_hash::FxHashSet<String>,
    /// Heads of names that end in "رقم N" (قرار مجلس الأمن رقم 2216).
    pub numbered: rustc_hash::FxHashSet<String>,
    /// Place nouns that make a place with the unknown word after them (حي المغاير، وادي عقان).
    pub sites: rustc_hash::FxHashSet<String>,
    /// Body words that with a nationality describe rather than name (الحكومة السودانية، السلطات التركية،
    /// الشركات القطرية): role actors, not organisations.
    pub collective: rustc_hash::FxHashSet<String>,
    /// [`RoleContext::max_words`], computed on first use (the sets do not change once loaded).
    max_words: std::sync::OnceLock<usize>,
}

impl RoleContext {
    /// The longest number of words of any form.
    pub fn max_words(&self) -> usize {
        *self.max_words.get_or_init(|| {
            [&self.fillers, &self.honorifics, &self.stops, &self.directions, &self.designators]
                .iter()
                .flat_map(|s| s.iter())
                .map(|k| k.split(' ').count())
                .max()
                .unwrap_or(1)
        })
    }
}

/// Parses `data/actors/role-context.tsv`: form, TAB, class.
pub fn parse_role_context(path: &str, text: &str) -> Result<RoleContext, Error> {
    let mut out = RoleContext::default();
    for (n, line) in data_lines(text) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 2 {
            return Err(err(path, n, format!("expected form <TAB> class, found {} columns", cols.len())));
        }
        let set = match cols[1].trim() {
            "filler" => &mut out.fillers,
            "honorific" => &mut out.honorifics,
            "stop" => &mut out.stops,
            "direction" => &mut out.directions,
            "designator" => &mut out.designators,
            "numbered" => &mut out.numbered,
            "site" => &mut out.sites,
            "collective" => &mut out.collective,
            other => {
                return Err(err(
                    path,
                    n,
                    format!(
                        "class must be filler, honorific, stop, direction, designator, site, numbered or collective, not {other:?}"
                    ),
                ))
            }
        };
        let key = match_key(cols[0].trim()).split_whitespace().collect::<Vec<_>>().join(" ");
        if key.is_empty() {
            return Err(err(path, n, "empty form"));
        }
        set.insert(key);
    }
    Ok(out)
}

/// See [`Lexicon::metonymy_verbs`].
#[derive(Debug, Default)]
pub struct MetonymyVerbs {
    /// Forms that count before the capital (verb–subject order).
    pub before: std::collections::HashSet<String>,
    /// Forms that count after the capital (subject–verb order).
    pub after: std::collections::HashSet<String>,
}

/// Parses `data/actors/metonymy-verbs.tsv`.
pub fn parse_metonymy_verbs(path: &str, text: &str) -> Result<MetonymyVerbs, Error> {
    let mut out = MetonymyVerbs::default();
    for (n, line) in data_lines(text) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 2 {
            return Err(err(path, n, "expected form <TAB> position"));
        }
        let (before, after) = match cols[1].trim() {
            "before" => (true, false),
            "after" => (false, true),
            "both" => (true, true),
            other => return Err(err(path, n, format!("position must be before, after or both, not {other:?}"))),
        };
        for form in cols[0].split('|').map(str::trim).filter(|f| !f.is_empty()) {
            let k = match_key(form);
            if before {
                out.before.insert(k.clone());
            }
            if after {
                out.after.insert(k);
            }
        }
    }
    Ok(out)
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("agencies", &self.agencies.len())
            .field("attribution_cues", &self.attribution_cues.len())
            .field("outlet_types", &self.outlet_types.len())
            .finish_non_exhaustive()
    }
}

/// Non-comment, non-blank lines of a data file with their 1-based numbers.
pub fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

pub(crate) fn err(file: &str, line: usize, message: impl Into<String>) -> Error {
    Error { file: file.to_string(), line, message: message.into() }
}

/// Parses `data/structure/agencies.tsv`.
pub fn parse_agencies(path: &str, text: &str) -> Result<Vec<Agency>, Error> {
    let mut out = Vec::new();
    for (n, line) in data_lines(text) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 3 {
            return Err(err(path, n, format!("expected 3 tab-separated columns, found {}", cols.len())));
        }
        let forms: Vec<String> =
            cols[0].split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
        if forms.is_empty() {
            return Err(err(path, n, "no surface form"));
        }
        let country = cols[2].trim();
        if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(err(path, n, format!("country {country:?} is not an ISO alpha-3 code")));
        }
        let keys: Vec<String> = forms.iter().map(|f| match_key(f)).collect();
        let compact_keys = keys.iter().map(|k| compact_agency_key(k)).collect();
        out.push(Agency { forms, keys, compact_keys, name: cols[1].trim().to_string(), country: country.to_string() });
    }
    Ok(out)
}

/// An agency key as agencies are compared: without white space and dots.
pub fn compact_agency_key(key: &str) -> String {
    key.chars().filter(|c| !c.is_whitespace() && *c != '.').collect()
}

/// Parses `data/structure/attribution.tsv`.
pub fn parse_attribution_cues(path: &str, text: &str) -> Result<Vec<AttributionCue>, Error> {
    let mut out = Vec::new();
    for (n, line) in data_lines(text) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 3 {
            return Err(err(path, n, format!("expected 3 tab-separated columns, found {}", cols.len())));
        }
        let field = AttributionField::parse(cols[1].trim())
            .ok_or_else(|| err(path, n, format!("unknown field {:?}", cols[1])))?;
        let colon_required = match cols[2].trim() {
            "required" => true,
            "optional" => false,
            other => return Err(err(path, n, format!("colon must be required or optional, not {other:?}"))),
        };
        let cue = cols[0].trim().to_string();
        out.push(AttributionCue { key: match_key(&cue), cue, field, colon_required });
    }
    out.sort_by_key(|c| std::cmp::Reverse(c.key.len()));
    Ok(out)
}

/// Parses a one-entry-per-line word list into match keys, longest first.
pub fn parse_word_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = data_lines(text).map(|(_, l)| match_key(l.trim())).collect();
    out.sort_by_key(|k| std::cmp::Reverse(k.len()));
    out
}

/// Agencies as organisations.tsv lines: every form after "وكالة", and bare forms long enough not to be
/// ordinary words (six letters or more: رويترز، الأناضول، فرانس برس; not واس، وام، فارس).
fn agency_organisations(agencies: &[Agency]) -> String {
    let mut out = String::new();
    for a in agencies {
        let mut forms: Vec<String> = Vec::new();
        for f in &a.forms {
            let letters = f.chars().filter(|c| c.is_alphabetic()).count();
            if f.starts_with("وكالة") {
                forms.push(f.clone());
                continue;
            }
            forms.push(format!("وكالة {f}"));
            if letters >= 6 && !f.contains('.') {
                forms.push(f.clone());
            }
        }
        out.push_str(&format!("{}\t{}\tMEDIA\t{}MED\t{}\n", forms.join("|"), a.name, a.country, a.country));
    }
    out
}

/// Only the clitic segmenter, from the embedded segmentation lexicon (for search analysers, which need no
/// gazetteer).
pub fn embedded_segmenter() -> Result<Segmenter, Error> {
    let seg = SegLexicon::from_tsv(file("data/lexicon/seg-stems.tsv"))
        .map_err(|e| err("data/lexicon/seg-stems.tsv", 0, e.to_string()))?;
    Ok(Segmenter::new(seg))
}

impl Lexicon {
    /// Loads the data embedded in the binary.
    pub fn embedded() -> Result<Lexicon, Error> {
        let agencies = parse_agencies("data/structure/agencies.tsv", file("data/structure/agencies.tsv"))?;
        let attribution_cues =
            parse_attribution_cues("data/structure/attribution.tsv", file("data/structure/attribution.tsv"))?;
        let outlet_types = parse_word_list(file("data/structure/outlet-types.tsv"));
        let seg = SegLexicon::from_tsv(file("data/lexicon/seg-stems.tsv"))
            .map_err(|e| err("data/lexicon/seg-stems.tsv", 0, e.to_string()))?;
        let g = |p: &'static str| (p, file(p));
        // News agencies are organisations too (media of their country): "وكالة الأناضول", "رويترز".
        let organisations =
            format!("{}\n{}", file("data/gazetteer/organisations.tsv"), agency_organisations(&agencies));
        let gazetteer = gazetteer::Gazetteer::load(&gazetteer::GazetteerSources {
            countries: g("data/gazetteer/countries.tsv"),
            places: g("data/gazetteer/places.tsv"),
            organisations: ("data/gazetteer/organisations.tsv + data/structure/agencies.tsv", &organisations),
            people: g("data/gazetteer/people.tsv"),
            agents: g("data/gazetteer/agents.tsv"),
            ambiguous: g("data/gazetteer/ambiguous.tsv"),
        })?;
        let metonymy_verbs =
            parse_metonymy_verbs("data/actors/metonymy-verbs.tsv", file("data/actors/metonymy-verbs.tsv"))?;
        Ok(Lexicon {
            agencies,
            attribution_cues,
            outlet_types,
            segmenter: Segmenter::new(seg),
            gazetteer,
            person_names: names::PersonNames::parse(
                "data/lexicon/person-names.tsv",
                file("data/lexicon/person-names.tsv"),
            )?,
            metonymy_verbs,
            name_heads: parse_word_list(file("data/actors/name-heads.tsv")).into_iter().collect(),
            role_context: parse_role_context("data/actors/role-context.tsv", file("data/actors/role-context.tsv"))?,
            home_references: parse_home_references(
                "data/actors/home-references.tsv",
                file("data/actors/home-references.tsv"),
            )?,
        })
    }
}

impl Lexicon {
    /// The named-entity tagger's lexicon features of the tokens of one sentence, the same in training and at
    /// run time: [`gazetteer::Gazetteer::token_features`] (gazetteer matches and role phrases), then
    /// [`names::PersonNames::token_features`] (words of people's names). `tokens` are byte ranges of `text`,
    /// in order; `out` gets one list per token (its lists are reused).
    pub fn ner_features(&self, text: &str, tokens: &[std::ops::Range<usize>], out: &mut Vec<Vec<&'static str>>) {
        self.gazetteer.token_features(text, tokens, out);
        self.person_names.token_features(text, tokens, out);
    }

    /// [`Lexicon::ner_features`] of one sentence of a document, with the document's match form `mf` and
    /// its gazetteer matches (`matches`, from [`gazetteer::Gazetteer::find`] over `mf`): the same features,
    /// without normalising and searching the sentence again. `sentence` is the sentence's text, `start`
    /// where it starts in the document, `abs_tokens` / `tokens` its tokens as byte ranges of the document /
    /// of the sentence.
    #[allow(clippy::too_many_arguments)]
    pub fn ner_features_in(
        &self,
        mf: &hadath_text::normalize::MatchForm,
        matches: &[gazetteer::GazMatch],
        sentence: &str,
        start: usize,
        abs_tokens: &[std::ops::Range<usize>],
        tokens: &[std::ops::Range<usize>],
        out: &mut Vec<Vec<&'static str>>,
    ) {
        let range = mf.map().from_original(start)..mf.map().from_original(start + sentence.len());
        match self.gazetteer.matches_in(mf.text(), matches, range) {
            Some(inside) => self.gazetteer.token_features_with(mf, inside, abs_tokens, out),
            None => self.gazetteer.token_features(sentence, tokens, out),
        }
        self.person_names.token_features(sentence, tokens, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let lex = Lexicon::embedded().unwrap();
        assert!(lex.agencies.len() >= 30);
        assert!(lex.attribution_cues.iter().any(|c| c.field == AttributionField::Translator));
        // Longest cue first, so "ترجمة وتحرير" wins over "ترجمة".
        let pos = |k: &str| lex.attribution_cues.iter().position(|c| c.cue == k).unwrap();
        assert!(pos("ترجمة وتحرير") < pos("ترجمة"));
    }

    #[test]
    fn bad_lines_name_file_and_line() {
        let e = parse_agencies("x.tsv", "# c\nرويترز\tReuters\n").unwrap_err();
        assert_eq!(e.to_string(), "x.tsv:2: expected 3 tab-separated columns, found 2");
        let e = parse_agencies("x.tsv", "رويترز\tReuters\tgb\n").unwrap_err();
        assert!(e.to_string().contains("ISO alpha-3"));
        let e = parse_attribution_cues("y.tsv", "المصدر\tsauce\trequired\n").unwrap_err();
        assert!(e.to_string().contains("unknown field"));
    }

    #[test]
    fn lexicon_is_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<Lexicon>();
    }
}

#[cfg(test)]
mod gazetteer_data_tests {
    use super::*;

    /// Every surface form in every shipped gazetteer file is found, whole, as a name of its own entry
    /// (forms resolved away in ambiguous.tsv excepted).
    #[test]
    fn every_entry_matches_its_own_surface_forms() {
        let lex = Lexicon::embedded().unwrap();
        let g = &lex.gazetteer;
        let ambiguous: Vec<String> = data_lines(file("data/gazetteer/ambiguous.tsv"))
            .map(|(_, l)| match_key(l.split('\t').next().unwrap_or("")))
            .collect();
        let mut checked = 0;
        for (path, name_col, canon_col) in [
            ("data/gazetteer/countries.tsv", 2, 1),
            ("data/gazetteer/places.tsv", 0, 1),
            ("data/gazetteer/organisations.tsv", 0, 1),
            ("data/gazetteer/people.tsv", 0, 1),
            ("data/gazetteer/agents.tsv", 0, 1),
        ] {
            for (n, line) in data_lines(file(path)) {
                let cols: Vec<&str> = line.split('\t').collect();
                let canonical = cols[canon_col].trim();
                for form in cols[name_col].split('|').map(str::trim).filter(|f| !f.is_empty()) {
                    let key = match_key(form).split_whitespace().collect::<Vec<_>>().join(" ");
                    if ambiguous.contains(&key) || key.chars().filter(|c| c.is_alphanumeric()).count() < 2 {
                        continue;
                    }
                    let found = g.find(&key);
                    let whole = found.iter().find(|m| m.start == 0 && m.end == key.len());
                    let ok = whole.is_some_and(|m| g.key_entries(m.key).any(|e| e.canonical == canonical));
                    assert!(ok, "{path}:{n}: {form:?} ({canonical}) is not found as itself: {found:?}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 5000, "{checked} forms checked");
    }
}
