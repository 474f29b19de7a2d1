//! The [`Engine`]: built once from the embedded data, `Send + Sync`, turns an [`Input`] into a
//! [`Document`]. Stages work on byte ranges of the original text; this is the one place they become code
//! point offsets.

use std::ops::Range;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use sha2::{Digest, Sha256};

use hadath_lexicon::gazetteer::GazMatch;
use hadath_lexicon::{AttributionField, Lexicon};
use hadath_text::clitics::SegCache;
use hadath_text::normalize::MatchForm;
use hadath_text::scan::{scan, tokens_in, Scan};
use hadath_text::span::CharIndex;
use hadath_text::tokens::{tokenize, Token, TokenKind};

use crate::input::Input;
use hadath_ner::features::FeatureSet;
use hadath_ner::{EntityType, NerModel, TaggerMemo};
use hadath_time::TimeTagger;

use crate::entities::{
    add_name_mentions, find_entities_and_roles_in, is_short_proclitic_prefix, EntityInput, TaggedName,
};
use crate::model::{
    Attribution, AttributionLine, Dateline, Document, Entity, Sentence, Span, TimeExpr, SCHEMA_VERSION,
};
use crate::structure::analyse;

/// Engine construction failed (a data file or the model did not load).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// A data file did not parse.
    #[error("loading hadath's data: {0}")]
    Data(#[from] hadath_lexicon::Error),
    /// The tagger's model did not load.
    #[error("loading hadath's NER model: {0}")]
    Model(#[from] hadath_ner::NerError),
    /// A time data file did not parse.
    #[error("loading hadath's time data: {0}")]
    Time(#[from] hadath_time::DataError),
    /// An event data file did not parse.
    #[error("loading hadath's event patterns: {0}")]
    Events(#[from] hadath_events::Error),
}

/// Options for [`Engine::extract`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ExtractOptions {
    /// Include the original text in the document.
    pub include_text: bool,
}

/// Time spent in each stage of [`Engine::extract_timed`] (summed over calls with `+=`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageTimes {
    /// The text core: the byte → code point index, the fused scan (match form with its offset map,
    /// sentences, tokens) and the content hash.
    pub text: Duration,
    /// Document structure: title, paragraphs, dateline, credit lines.
    pub structure: Duration,
    /// The NER tagger over every sentence (features with the lexicon, clitic segmentation, Viterbi).
    pub ner: Duration,
    /// Entities: gazetteer matches, role phrases, actor coding, coreference, and the `Entity` records.
    pub entities: Duration,
    /// Time expressions, recognised and resolved.
    pub times: Duration,
    /// Event coding.
    pub events: Duration,
    /// Building the document (code point spans, sentences, copies of the text).
    pub output: Duration,
}

impl StageTimes {
    /// The stages with their names, in pipeline order.
    pub fn stages(&self) -> [(&'static str, Duration); 7] {
        [
            ("text core (scan, match form, sentences, tokens)", self.text),
            ("structure (title, dateline, credits)", self.structure),
            ("NER tagger", self.ner),
            ("entities (gazetteer, roles, actors, coref)", self.entities),
            ("times", self.times),
            ("events", self.events),
            ("document output", self.output),
        ]
    }

    /// The sum of all stages.
    pub fn total(&self) -> Duration {
        self.stages().iter().map(|(_, d)| *d).sum()
    }
}

impl std::ops::AddAssign for StageTimes {
    fn add_assign(&mut self, o: StageTimes) {
        self.text += o.text;
        self.structure += o.structure;
        self.ner += o.ner;
        self.entities += o.entities;
        self.times += o.times;
        self.events += o.events;
        self.output += o.output;
    }
}

/// Where [`Engine::extract`] reports the end of each stage. `extract` uses [`NoClock`], whose calls compile
/// to nothing; `extract_timed` uses [`Laps`].
trait Clock {
    fn lap(&mut self, stage: fn(&mut StageTimes) -> &mut Duration);
}

struct NoClock;

impl Clock for NoClock {
    #[inline(always)]
    fn lap(&mut self, _: fn(&mut StageTimes) -> &mut Duration) {}
}

struct Laps {
    last: Instant,
    times: StageTimes,
}

impl Clock for Laps {
    fn lap(&mut self, stage: fn(&mut StageTimes) -> &mut Duration) {
        let now = Instant::now();
        *stage(&mut self.times) += now - self.last;
        self.last = now;
    }
}

/// The extraction engine.
pub struct Engine {
    lex: Lexicon,
    ner: NerModel,
    time: TimeTagger,
    patterns: hadath_events::Patterns,
    codebook: hadath_events::Codebook,
    /// What the tagger remembered of earlier documents (one memo per concurrent `extract`; see
    /// [`NerModel::tagger_with`]): unknown words recur from article to article.
    ner_memos: Mutex<Vec<TaggerMemo>>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("lex", &self.lex).field("ner_features", &self.ner.num_features()).finish()
    }
}

/// Content hash: first 128 bits of SHA-256 of the match form with whitespace runs collapsed, as hex.
pub fn content_hash(match_form: &str) -> String {
    let mut h = Sha256::new();
    let mut first = true;
    for w in match_form.split_whitespace() {
        if !first {
            h.update(b" ");
        }
        h.update(w.as_bytes());
        first = false;
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine {
    /// Builds the engine from the data embedded in the binary.
    pub fn new() -> Result<Engine, EngineError> {
        Ok(Engine {
            lex: Lexicon::embedded()?,
            ner: NerModel::embedded()?,
            time: TimeTagger::new()?,
            patterns: hadath_events::Patterns::embedded()?,
            codebook: hadath_events::Codebook::embedded()?,
            ner_memos: Mutex::new(Vec::new()),
        })
    }

    /// Builds the engine from the embedded data with another tagger model (a `data/models/ner.ap` file's
    /// bytes, e.g. one trained on part of a corpus, to measure the whole pipeline on the rest).
    pub fn with_ner_model(model: &[u8]) -> Result<Engine, EngineError> {
        let ner = NerModel::from_bytes(model, hadath_ner::model::embedded_segmenter()?)?;
        Ok(Engine { ner, ..Engine::new()? })
    }

    /// The loaded data.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    /// Analyses one article.
    pub fn extract(&self, input: &Input, opts: ExtractOptions) -> Document {
        self.extract_with(input, opts, &mut NoClock)
    }

    /// Analyses one article like [`Engine::extract`] (the same document) and says how long each stage took
    /// (for `hadath bench`; reading the clock between stages costs a few tens of nanoseconds).
    pub fn extract_timed(&self, input: &Input, opts: ExtractOptions) -> (Document, StageTimes) {
        let mut laps = Laps { last: Instant::now(), times: StageTimes::default() };
        let doc = self.extract_with(input, opts, &mut laps);
        (doc, laps.times)
    }

    fn extract_with<C: Clock>(&self, input: &Input, opts: ExtractOptions, clock: &mut C) -> Document {
        let text = input.text.as_str();
        let idx = CharIndex::new(text);
        let span = |r: &Range<usize>| Span { start: idx.char_offset(r.start), end: idx.char_offset(r.end) };
        // The match form, the sentences and the tokens in one pass over the text.
        let Scan { match_form: mf, sentences: sentence_spans, tokens } = scan(text);
        let hash = content_hash(mf.text());
        clock.lap(|t| &mut t.text);

        let structure = analyse(text, &self.lex, input.title.is_none());
        let title = input.title.clone().or_else(|| structure.title.as_ref().map(|r| text[r.clone()].to_string()));
        let title_span = structure.title.as_ref().map(&span);

        let mut attribution = Attribution::default();
        for c in &structure.credits {
            let value = match (c.field, c.agency_index) {
                (AttributionField::Agency, Some(a)) => self.lex.agencies[a].name.clone(),
                _ => text[c.value.clone()].to_string(),
            };
            let slot = match c.field {
                AttributionField::Source => &mut attribution.source,
                AttributionField::Translator => &mut attribution.translator,
                AttributionField::Agency => &mut attribution.agency,
                AttributionField::Author => &mut attribution.author,
                AttributionField::Editor => &mut attribution.editor,
            };
            if slot.is_none() {
                *slot = Some(text[c.value.clone()].to_string());
            }
            let s = span(&c.line);
            attribution.lines.push(AttributionLine {
                field: c.field.as_str().to_string(),
                value,
                start: s.start,
                end: s.end,
            });
        }
        let dateline = structure.dateline.as_ref().map(|d| {
            let agency = d.agency_index.map(|a| &self.lex.agencies[a]);
            let s = span(&d.span);
            Dateline {
                place: d.place.as_ref().map(|p| text[p.clone()].to_string()),
                place_span: d.place.as_ref().map(&span),
                agency: d.agency.as_ref().map(|a| text[a.clone()].to_string()),
                agency_name: agency.map(|a| a.name.clone()),
                agency_country: agency.map(|a| a.country.clone()),
                day_month: d.day_month.map(|(dd, mm)| format!("{dd:02}-{mm:02}")),
                start: s.start,
                end: s.end,
            }
        });
        if attribution.agency.is_none() {
            attribution.agency = dateline.as_ref().and_then(|d| d.agency.clone());
        }

        // The dateline's agency is an organisation mention ("… م واس", "(رويترز)").
        let known_orgs: Vec<(Range<usize>, String, Option<String>)> = structure
            .dateline
            .iter()
            .filter_map(|d| {
                let a = &self.lex.agencies[d.agency_index?];
                Some((d.agency.clone()?, a.name.clone(), Some(a.country.clone())))
            })
            .collect();
        clock.lap(|t| &mut t.structure);
        // The gazetteer's matches over the whole match form: the tagger's lexicon features and the entity
        // stage read the same ones (one search of the text instead of one per sentence and one more).
        let gaz_matches = self.lex.gazetteer.find(mf.text());
        clock.lap(|t| &mut t.entities);
        let tagged = self.tag_names(text, &mf, &gaz_matches, &sentence_spans, &tokens);
        clock.lap(|t| &mut t.ner);
        let date = input.published.as_deref().and_then(|p| p.replace('-', "").parse::<u32>().ok());
        let (mut found, role_actors) = find_entities_and_roles_in(
            &self.lex.gazetteer,
            &EntityInput {
                text,
                mf: &mf,
                date,
                home: input.home.as_deref(),
                tagged: &tagged,
                metonymy: &self.lex.metonymy_verbs,
                sentences: &sentence_spans,
                name_heads: &self.lex.name_heads,
                context: &self.lex.role_context,
                names: Some(&self.lex.person_names),
                known_orgs: &known_orgs,
                home_references: &self.lex.home_references,
            },
            &gaz_matches,
        );
        add_name_mentions(text, &mf, &mut found);
        let entities: Vec<Entity> = found
            .iter()
            .map(|e| {
                let rep = e.representative(text);
                let s = span(&rep);
                Entity {
                    text: text[rep].to_string(),
                    start: s.start,
                    end: s.end,
                    kind: e.kind.to_string(),
                    canonical: e.canonical.clone(),
                    country: e.country.clone(),
                    agent: e.agent.clone(),
                    country_basis: e.country_basis.map(String::from),
                    mentions: e.mentions.iter().map(&span).collect(),
                }
            })
            .collect();
        clock.lap(|t| &mut t.entities);

        // Times, resolved against the publication date, else against the date in the dateline (or in the
        // first line of the body when the structure found no dateline).
        let published = input.published.as_deref().and_then(hadath_time::date::Date::parse);
        let head = structure.dateline.as_ref().map(|d| d.span.clone()).or_else(|| {
            let body =
                structure.paragraphs.iter().find(|p| structure.title.as_ref().is_none_or(|t| p.start >= t.end))?;
            let line_end = text[body.clone()].find('\n').map_or(body.end, |n| body.start + n);
            Some(body.start..line_end)
        });
        let timing = self.time.analyse(text, &mf, published, head);
        let times: Vec<TimeExpr> = timing
            .times
            .iter()
            .map(|t| {
                let s = span(&t.span);
                TimeExpr {
                    text: text[t.span.clone()].to_string(),
                    start: s.start,
                    end: s.end,
                    value: t.value.map(|v| v.iso()),
                    kind: t.kind.as_str().to_string(),
                    anchor: t.anchor.as_str().to_string(),
                    ambiguous: t.ambiguous,
                }
            })
            .collect();
        let published = input
            .published
            .clone()
            .or_else(|| timing.published_from_dateline.then(|| timing.published.map(|d| d.to_string())).flatten());
        clock.lap(|t| &mut t.times);

        let events = crate::events::code_events(&crate::events::EventContext {
            text,
            mf: &mf,
            gazetteer: &self.lex.gazetteer,
            patterns: &self.patterns,
            codebook: &self.codebook,
            sentences: &sentence_spans,
            found: &found,
            entities: &entities,
            roles: &role_actors,
            times: &times,
            time_spans: &timing.times.iter().map(|t| t.span.clone()).collect::<Vec<_>>(),
            published: published.as_deref(),
            span: &span,
        });
        clock.lap(|t| &mut t.events);

        let sentences = sentence_spans.iter().map(|r| {
            let s = span(r);
            Sentence { start: s.start, end: s.end }
        });

        let doc = Document {
            schema: SCHEMA_VERSION,
            id: input.id.clone().unwrap_or_else(|| hash.clone()),
            hash,
            title,
            title_span,
            published,
            url: input.url.clone(),
            outlet: input.outlet.clone(),
            home: input.home.clone(),
            attribution,
            dateline,
            paragraphs: structure.paragraphs.iter().map(&span).collect(),
            sentences: sentences.collect(),
            entities,
            times,
            events,
            text: opts.include_text.then(|| input.text.clone()),
            warnings: input.warnings.clone(),
        };
        clock.lap(|t| &mut t.output);
        doc
    }

    /// Names found by the tagger, sentence by sentence, as byte spans of the original; a leading proclitic
    /// (و ف ب ك ل, or the ل of لل) stays outside the span, as the segmenter splits it. When the model was
    /// trained with lexicon features (gazetteer matches, name words), each sentence's tokens get them from
    /// the same function as in training ([`Lexicon::ner_features`]).
    fn tag_names(
        &self,
        text: &str,
        mf: &MatchForm,
        gaz_matches: &[GazMatch],
        sentence_spans: &[Range<usize>],
        tokens: &[Token],
    ) -> Vec<TaggedName> {
        let memo = self.ner_memos.lock().ok().and_then(|mut m| m.pop()).unwrap_or_default();
        let mut tagger = self.ner.tagger_with(memo);
        let use_gaz = self.ner.feature_set().has(FeatureSet::GAZ);
        let mut found = Vec::new();
        let mut out = Vec::new();
        let mut points = Vec::new();
        let mut spans: Vec<Range<usize>> = Vec::new();
        let mut abs_spans: Vec<Range<usize>> = Vec::new();
        let mut gaz: Vec<Vec<&'static str>> = Vec::new();
        for s in sentence_spans {
            let sentence = &text[s.clone()];
            spans.clear();
            abs_spans.clear();
            // The sentence's tokens, as `tokenize(sentence)` gives them.
            abs_spans.extend(tokens_in(tokens, s).iter().map(|t| t.span.clone()));
            spans.extend(abs_spans.iter().map(|r| r.start - s.start..r.end - s.start));
            let words: Vec<&str> = spans.iter().map(|r| &sentence[r.clone()]).collect();
            if use_gaz {
                // What `ner_features(sentence, …)` gives, from the document's match form and matches.
                self.lex.ner_features_in(mf, gaz_matches, sentence, s.start, &abs_spans, &spans, &mut gaz);
            } else {
                gaz.clear();
            }
            let extra: Vec<&[&str]> = gaz.iter().map(Vec::as_slice).collect();
            found.clear();
            tagger.entities(&words, &extra, &mut found);
            for e in &found {
                let mut span = s.start + spans[e.start].start..s.start + spans[e.end - 1].end;
                let first_word_end = text[span.clone()].find(char::is_whitespace).map_or(span.end, |p| span.start + p);
                self.lex.segmenter.split_points(&text[span.start..first_word_end], &mut points);
                if let Some(&p) = points.first() {
                    let prefix = &text[span.start..span.start + p];
                    // Not the first letter of a name word ("وليد", "فيصل", "بسام" are names, not و + ليد,
                    // ف + يصل, ب + سام): the whole word is kept when people's names know it better.
                    let name_count = |w: &str| {
                        self.lex.person_names.counts(&hadath_text::normalize::match_key(w)).map_or(0, |(g, s)| g + s)
                    };
                    let whole = &text[span.start..first_word_end];
                    let rest = &text[span.start + p..first_word_end];
                    // Nor of a place or organisation the gazetteer knows whole ("فالنسيا" is Valencia).
                    let known_whole = || {
                        let at = mf.map().from_original_range(span.start..first_word_end).start;
                        gaz_matches.iter().any(|g| g.start == at)
                    };
                    if is_short_proclitic_prefix(prefix) && name_count(whole) <= name_count(rest) && !known_whole() {
                        span.start += p;
                    }
                }
                let kind = match e.kind {
                    EntityType::Pers => "PER",
                    EntityType::Loc => "LOC",
                    EntityType::Org => "ORG",
                    EntityType::Misc => "MISC",
                };
                if span.start < span.end {
                    out.push(TaggedName { span, kind });
                }
            }
        }
        if let Ok(mut memos) = self.ner_memos.lock() {
            memos.push(tagger.into_memo());
        }
        out
    }

    /// Writes one line of text clitic-segmented, Farasa style: tokens separated by single spaces, clitic
    /// boundaries inside a word marked with `+` ("و+ب+التالي"). Returns the number of words written.
    pub fn segment_line(&self, line: &str, out: &mut String, scratch: &mut Vec<usize>, cache: &mut SegCache) -> usize {
        let mut n = 0;
        for tok in tokenize(line) {
            if n > 0 {
                out.push(' ');
            }
            n += 1;
            let w = &line[tok.span];
            if tok.kind != TokenKind::Arabic {
                out.push_str(w);
                continue;
            }
            self.lex.segmenter.split_points_cached(w, cache, scratch);
            let mut last = 0;
            for &b in scratch.iter() {
                if b > last && b < w.len() && w.is_char_boundary(b) {
                    out.push_str(&w[last..b]);
                    out.push('+');
                    last = b;
                }
            }
            out.push_str(&w[last..]);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hadath_text::normalize::MatchForm;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn engine() -> &'static Engine {
        static E: OnceLock<Engine> = OnceLock::new();
        E.get_or_init(|| Engine::new().unwrap())
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_in_range(s in "[\u{0600}-\u{06FF}\u{FE70}-\u{FEFF} a-zA-Z0-9.:()\\-–،؛؟!\n«»<>/&;]{0,200}") {
            let d = engine().extract(&Input { text: s.clone(), ..Default::default() }, ExtractOptions::default());
            let n = s.chars().count();
            let spans = d.sentences.iter().map(|x| (x.start, x.end))
                .chain(d.paragraphs.iter().map(|x| (x.start, x.end)))
                .chain(d.dateline.iter().map(|x| (x.start, x.end)))
                .chain(d.attribution.lines.iter().map(|x| (x.start, x.end)));
            for (a, b) in spans {
                prop_assert!(a <= b && b <= n);
            }
            let mut out = String::new();
            let mut scratch = Vec::new();
            for line in s.lines() {
                out.clear();
                engine().segment_line(line, &mut out, &mut scratch, &mut SegCache::new(8));
                let visible = |c: &char| !c.is_whitespace() && !c.is_control() && !hadath_text::tokens::is_invisible(*c);
                let want: String = line.chars().filter(visible).collect();
                prop_assert_eq!(out.replace(['+', ' '], ""), want);
            }
        }
    }

    #[test]
    fn published_comes_from_the_input_else_the_dateline_never_the_clock() {
        let text = "عنوان الخبر\n\nسول 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\nهدد الجيش اليوم الاثنين بالرد.";
        let d = engine().extract(&Input { text: text.into(), ..Default::default() }, ExtractOptions::default());
        assert_eq!(d.published.as_deref(), Some("2015-08-10"));
        let today = d.times.iter().find(|t| t.text == "اليوم الاثنين").unwrap();
        assert_eq!((today.value.as_deref(), today.anchor.as_str()), (Some("2015-08-10"), "dateline"));
        let given = Input { text: text.into(), published: Some("2015-08-11".into()), ..Default::default() };
        let d = engine().extract(&given, ExtractOptions::default());
        assert_eq!(d.published.as_deref(), Some("2015-08-11"));
        let today = d.times.iter().find(|t| t.text == "اليوم الاثنين").unwrap();
        assert_eq!((today.value.as_deref(), today.anchor.as_str()), (Some("2015-08-10"), "publication"));
        // No date anywhere: published stays null and relative times unresolved.
        let d =
            engine().extract(&Input { text: "وصل الوفد أمس.".into(), ..Default::default() }, ExtractOptions::default());
        assert_eq!(d.published, None);
        assert_eq!((d.times[0].value.as_deref(), d.times[0].anchor.as_str()), (None, "publication"));
    }

    #[test]
    fn engine_is_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<Engine>();
    }

    #[test]
    fn hash_ignores_diacritics_and_spacing() {
        let a = MatchForm::new("وزيرُ  الخارجيّة\nالإسرائيلي");
        let b = MatchForm::new("وزير الخارجية الاسرائيلي");
        assert_eq!(content_hash(a.text()), content_hash(b.text()));
        assert_ne!(content_hash(a.text()), content_hash(MatchForm::new("وزير الخارجية").text()));
        assert_eq!(content_hash("").len(), 32);
    }

    #[test]
    fn spans_are_code_points() {
        let e = Engine::new().unwrap();
        let text = "بغداد - (رويترز) - قال مسؤول.\nالمصدر: موقع الجزيرة";
        let d = e.extract(&Input { text: text.into(), ..Default::default() }, ExtractOptions::default());
        let chars: Vec<char> = text.chars().collect();
        let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
        let dl = d.dateline.unwrap();
        assert_eq!(slice(dl.start, dl.end), "بغداد - (رويترز) -");
        assert_eq!(d.attribution.agency.as_deref(), Some("رويترز"));
        assert_eq!(d.attribution.source.as_deref(), Some("الجزيرة"));
        let s0 = d.sentences[0];
        assert_eq!(slice(s0.start, s0.end), "بغداد - (رويترز) - قال مسؤول.");
        assert_eq!(d.id, d.hash);
    }

    #[test]
    fn a_tagged_name_keeps_a_first_letter_that_is_its_own() {
        // "وليد" is a name, not و + ليد; "ومحمد" is و + محمد.
        for (text, want) in [
            ("وقال فيصل إن الاجتماع انتهى", "فيصل"),
            ("وصرح وليد لوسائل الإعلام", "وليد"),
            ("وأعلن فيصل القاسم أن البرنامج", "فيصل القاسم"),
            ("والتقى وليد المعلم نظيره", "وليد المعلم"),
        ] {
            let d = engine().extract(&Input { text: text.into(), ..Default::default() }, ExtractOptions::default());
            assert!(d.entities.iter().any(|e| e.text == want), "{text}: {:?}", d.entities);
        }
    }

    #[test]
    fn timed_extraction_gives_the_same_document() {
        let text = include_str!("../../../examples/seed-article.txt");
        let input = Input { text: text.into(), published: Some("2023-04-19".into()), ..Default::default() };
        let plain = engine().extract(&input, ExtractOptions::default());
        let (timed, times) = engine().extract_timed(&input, ExtractOptions::default());
        assert_eq!(serde_json::to_string(&plain).unwrap(), serde_json::to_string(&timed).unwrap());
        assert!(times.total() > Duration::ZERO && times.ner > Duration::ZERO);
        let mut sum = StageTimes::default();
        sum += times;
        sum += times;
        assert_eq!(sum.total(), times.total() * 2);
    }
}
