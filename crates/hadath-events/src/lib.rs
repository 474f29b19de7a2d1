//! The event stage: who did what to whom, read off Arabic sentences with patterns an analyst can edit.
//!
//! 1. **Triggers** (`data/events/patterns.tsv`): verbs in every person and tense the loader makes from a
//!    "past/present" pair (التقى/يلتقي → التقت، التقوا، يلتقي، تلتقي، سيلتقي …) and nouns with their
//!    plural and definite forms, matched on the match form with attached و ف (and ب ل ك ال on nouns) and
//!    object pronouns stripped.
//! 2. **Actors** come from the entity stage (a country, IGO or IMG per mention or role phrase). Inside one
//!    clause, the source is an actor before the verb (SVO: "إسرائيل كانت تزود أذربيجان"), else the first
//!    actor after it with no preposition (VSO: "التقى وزير الخارجية الإسرائيلي …"), else — for a verb that
//!    opens its clause with no subject of its own ("وهنأ …") — the source of the event before it in the same
//!    or previous sentence. The target is found by the rule's markers: the next unmarked actor, or the
//!    first actor after a given preposition ("بالرئيس", "مع", "على"), or the country of a place after في.
//!    Coordinated actors ("إسرائيل وتركمانستان") each get the event. Nothing crosses a sentence.
//! 3. **Modality**: negation before the trigger (لم، لن، لا، ما، ليس، عدم) → negated; the future (سـ،
//!    سوف، من المقرر، من المتوقع، يعتزم) → future, coded as intent (03x) for cooperation and as a threat
//!    (138) for force; reporting verbs in the sentence (ذكرت، أفادت، بحسب) → reported; a condition (إذا،
//!    لو، في حال) → hypothetical.
//! 4. **Codes** from `data/events/cameo.tsv` (root, quad class, Goldstein, PLOVER type and mode).
//!
//! All offsets here are byte offsets into the match form; the engine maps them back to the original.

use std::ops::Range;

use hadath_text::normalize::match_key;
use hadath_text::tokens::is_arabic_letter;
use rustc_hash::FxHashMap;

/// The pattern file, embedded.
pub const PATTERNS_TSV: &str = include_str!("../../../data/events/patterns.tsv");
/// The CAMEO/PLOVER table, embedded.
pub const CAMEO_TSV: &str = include_str!("../../../data/events/cameo.tsv");

/// A data file that does not parse.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct Error {
    /// The data file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

fn err(file: &str, line: usize, message: impl Into<String>) -> Error {
    Error { file: file.to_string(), line, message: message.into() }
}

fn data_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim_end_matches('\r')))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
}

/// One CAMEO event code.
#[derive(Debug, Clone, PartialEq)]
pub struct CameoCode {
    /// The code ("042").
    pub code: String,
    /// Its root ("04").
    pub root: String,
    /// GDELT quad class, 1–4.
    pub quad_class: u8,
    /// Goldstein score.
    pub goldstein: f32,
    /// PLOVER event type ("CONSULT").
    pub plover_type: Option<String>,
    /// PLOVER mode ("visit").
    pub plover_mode: Option<String>,
    /// PLOVER context ("diplomatic").
    pub plover_context: Option<String>,
    /// CAMEO description.
    pub description: String,
}

/// The CAMEO codebook.
#[derive(Debug, Default)]
pub struct Codebook {
    codes: FxHashMap<String, CameoCode>,
}

impl Codebook {
    /// Parses `data/events/cameo.tsv`.
    pub fn parse(path: &str, text: &str) -> Result<Codebook, Error> {
        let mut codes = FxHashMap::default();
        for (n, line) in data_lines(text) {
            let c: Vec<&str> = line.split('\t').collect();
            if c.len() != 8 {
                return Err(err(path, n, format!("expected 8 columns, found {}", c.len())));
            }
            let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
            let code = CameoCode {
                code: c[0].to_string(),
                root: c[1].to_string(),
                quad_class: c[2].parse().map_err(|_| err(path, n, "quad_class is not a number"))?,
                goldstein: c[3].parse().map_err(|_| err(path, n, "goldstein is not a number"))?,
                plover_type: opt(c[4]),
                plover_mode: opt(c[5]),
                plover_context: opt(c[6]),
                description: c[7].to_string(),
            };
            codes.insert(code.code.clone(), code);
        }
        Ok(Codebook { codes })
    }

    /// The embedded codebook.
    pub fn embedded() -> Result<Codebook, Error> {
        Codebook::parse("data/events/cameo.tsv", CAMEO_TSV)
    }

    /// A code's entry.
    pub fn get(&self, code: &str) -> Option<&CameoCode> {
        self.codes.get(code)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// Is it empty?
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }
}

/// Verb or noun trigger.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerKind {
    /// A verb.
    Verb,
    /// A verbal noun.
    Noun,
}

/// How a rule's target is marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// The next actor with no preposition.
    Obj,
    /// The first actor after this preposition (match key).
    Prep(String),
    /// The country of a place after في.
    Place,
    /// The actor right after a noun (its genitive: "اعتقال صحفيين أتراك", "قصف حلب"); the noun's source is
    /// then the subject before it.
    Gen,
}

/// What a rule does when none of its target markers finds an actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Otherwise {
    /// No event (the default when the rule names markers).
    #[default]
    Skip,
    /// An event with no target (`opt`: "دانت الحكومة الألمانية التفجير").
    NoTarget,
    /// The source's own country is the target (`self`: domestic coercion, "الشرطة أوقفت 251 شخصًا").
    Own,
}

/// One event pattern.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Rule id.
    pub id: String,
    /// CAMEO code.
    pub code: String,
    /// Verb or noun.
    pub kind: TriggerKind,
    /// Words that must follow within four words (match keys).
    pub with: Vec<String>,
    /// Words that must not follow within four words (`!` in the file: "احتل !المركز" is a ranking, not an
    /// occupation).
    pub without: Vec<String>,
    /// Target markers, in order of preference.
    pub targets: Vec<Marker>,
    /// When no marker finds a target.
    pub otherwise: Otherwise,
    /// The trigger names what happened, not who did it (`nosource`: "مقتل أربعة أشخاص", "انفجار سيارة
    /// مفخخة"): the subject before it is not its source.
    pub agentless: bool,
    /// The trigger alone tells the act (`told`: "فجر انتحاري نفسه"): kept when neither side is known, like
    /// an explosion, while a source or target named is still found.
    pub told: bool,
    /// The act crosses a border (`abroad`: "وصل … إلى"): no event when source and target are one country
    /// (ministers arriving in their own capital are not on a visit).
    pub abroad: bool,
    /// English past and base verb phrases.
    pub english: (String, String),
    /// The example sentence.
    pub example: String,
    /// Expected source and target of the example.
    pub expect: (Option<String>, Option<String>),
    /// Line in the data file.
    pub line: usize,
}

/// Which form of the trigger matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    /// Past verb.
    Past,
    /// Present verb.
    Present,
    /// Future verb (سـ).
    Future,
    /// Verbal noun.
    Noun,
}

/// The loaded patterns, indexed by the match key of each form's first word.
#[derive(Debug, Default)]
pub struct Patterns {
    rules: Vec<Rule>,
    /// First word → (rule, tense, following words of a multi-word form).
    index: FxHashMap<String, Vec<(u32, Tense, Vec<String>)>>,
}

/// The persons and tenses of a verb from its 3rd person masculine singular past and present.
pub fn verb_forms(past: &str, present: &str) -> Vec<(String, Tense)> {
    let mut out: Vec<(String, Tense)> = Vec::new();
    let p = past.trim();
    if let Some(s) = p.strip_suffix('ى') {
        for f in [p.to_string(), format!("{s}ت"), format!("{s}يا"), format!("{s}تا"), format!("{s}وا")] {
            out.push((f, Tense::Past));
        }
    } else if let Some(s) = p.strip_suffix('ا') {
        for f in [p.to_string(), format!("{s}ت"), format!("{s}وا"), format!("{s}تا")] {
            out.push((f, Tense::Past));
        }
    } else {
        for f in [
            p.to_string(),
            format!("{p}ت"),
            format!("{p}ا"),
            format!("{p}تا"),
            format!("{p}وا"),
            format!("{p}ن"),
            format!("{p}نا"),
        ] {
            out.push((f, Tense::Past));
        }
    }
    let y = present.trim();
    if let Some(body) = y.strip_prefix('ي') {
        let mut pres: Vec<String> = Vec::new();
        if let Some(b) = body.strip_suffix('ي').or_else(|| body.strip_suffix('و')) {
            for pre in ["ي", "ت", "ن", "أ"] {
                pres.push(format!("{pre}{body}"));
                // Jussive after لم: "لم يلتق".
                pres.push(format!("{pre}{b}"));
            }
            pres.push(format!("ي{b}ون"));
            pres.push(format!("ي{b}وا"));
            pres.push(format!("ي{body}ان"));
            pres.push(format!("ت{body}ان"));
        } else {
            for pre in ["ي", "ت", "ن", "أ"] {
                pres.push(format!("{pre}{body}"));
            }
            for f in [
                format!("ي{body}ون"),
                format!("ي{body}وا"),
                format!("ي{body}ان"),
                format!("ت{body}ان"),
                format!("ي{body}ن"),
            ] {
                pres.push(f);
            }
        }
        for f in pres {
            out.push((format!("س{f}"), Tense::Future));
            out.push((f, Tense::Present));
        }
    }
    out
}

impl Patterns {
    /// Parses `data/events/patterns.tsv`.
    pub fn parse(path: &str, text: &str) -> Result<Patterns, Error> {
        let mut out = Patterns::default();
        for (n, line) in data_lines(text) {
            let c: Vec<&str> = line.split('\t').collect();
            if c.len() != 8 {
                return Err(err(path, n, format!("expected 8 tab-separated columns, found {}", c.len())));
            }
            let kind = match c[2].trim() {
                "verb" => TriggerKind::Verb,
                "noun" => TriggerKind::Noun,
                other => return Err(err(path, n, format!("kind must be verb or noun, not {other:?}"))),
            };
            let code = c[1].trim().to_string();
            if code.len() < 2 || !code.chars().all(|x| x.is_ascii_digit()) {
                return Err(err(path, n, format!("{code:?} is not a CAMEO code")));
            }
            let mut targets = Vec::new();
            let mut otherwise = Otherwise::Skip;
            let mut agentless = false;
            let mut abroad = false;
            let mut told = false;
            for t in c[5].split(',').map(str::trim).filter(|t| !t.is_empty()) {
                targets.push(match t {
                    "obj" => Marker::Obj,
                    "place" => Marker::Place,
                    "gen" => Marker::Gen,
                    "none" => continue,
                    "opt" => {
                        otherwise = Otherwise::NoTarget;
                        continue;
                    }
                    "self" => {
                        otherwise = Otherwise::Own;
                        continue;
                    }
                    "nosource" => {
                        agentless = true;
                        continue;
                    }
                    "abroad" => {
                        abroad = true;
                        continue;
                    }
                    "told" => {
                        told = true;
                        continue;
                    }
                    p => Marker::Prep(match_key(p)),
                });
            }
            let english = match c[6].split_once('|') {
                Some((past, base)) => (past.trim().to_string(), base.trim().to_string()),
                None => (c[6].trim().to_string(), c[6].trim().to_string()),
            };
            let Some((example, expect)) = c[7].split_once("=>") else {
                return Err(err(path, n, "the example must end with => SOURCE TARGET"));
            };
            let ex: Vec<&str> = expect.split_whitespace().collect();
            if ex.len() != 2 {
                return Err(err(path, n, "the example must end with => SOURCE TARGET (use - for none)"));
            }
            let side = |s: &str| (s != "-").then(|| s.to_string());
            let rule = Rule {
                id: c[0].trim().to_string(),
                code,
                kind,
                with: c[4]
                    .split('|')
                    .map(str::trim)
                    .filter(|w| !w.is_empty() && !w.starts_with('!'))
                    .map(match_key)
                    .collect(),
                without: c[4].split('|').filter_map(|w| w.trim().strip_prefix('!')).map(match_key).collect(),
                otherwise,
                agentless,
                told,
                abroad,
                targets,
                english,
                example: example.trim().to_string(),
                expect: (side(ex[0]), side(ex[1])),
                line: n,
            };
            if out.rules.iter().any(|r| r.id == rule.id) {
                return Err(err(path, n, format!("duplicate rule id {:?}", rule.id)));
            }
            let id = out.rules.len() as u32;
            let mut forms: Vec<(String, Tense)> = Vec::new();
            for f in c[3].split('|').map(str::trim).filter(|f| !f.is_empty()) {
                match kind {
                    TriggerKind::Verb => {
                        let Some((past, present)) = f.split_once('/') else {
                            return Err(err(path, n, format!("verb form {f:?} must be past/present")));
                        };
                        forms.extend(verb_forms(past, present));
                    }
                    TriggerKind::Noun => {
                        forms.push((f.to_string(), Tense::Noun));
                        if !f.starts_with("ال") {
                            forms.push((format!("ال{f}"), Tense::Noun));
                        }
                        // A phrase is made definite on every word (noun and adjective: "الهجوم الانتحاري",
                        // "السيارة المفخخة") or on its last (construct: "صفقة الأسلحة").
                        let words: Vec<&str> = f.split_whitespace().collect();
                        if words.len() > 1 && words.iter().all(|w| !w.starts_with("ال")) {
                            let def = |w: &str| format!("ال{w}");
                            forms.push((words.iter().map(|w| def(w)).collect::<Vec<_>>().join(" "), Tense::Noun));
                            let mut last: Vec<String> = words.iter().map(|w| w.to_string()).collect();
                            if let Some(l) = last.last_mut() {
                                *l = def(l);
                            }
                            forms.push((last.join(" "), Tense::Noun));
                        }
                    }
                }
            }
            if forms.is_empty() {
                return Err(err(path, n, "no forms"));
            }
            for (f, tense) in forms {
                let key = match_key(&f);
                let mut words = key.split(' ').filter(|w| !w.is_empty()).map(String::from);
                let Some(first) = words.next() else { continue };
                let rest: Vec<String> = words.collect();
                let e = out.index.entry(first).or_default();
                if !e.iter().any(|(r, t, w)| *r == id && *t == tense && *w == rest) {
                    e.push((id, tense, rest));
                }
            }
            out.rules.push(rule);
        }
        Ok(out)
    }

    /// The embedded patterns.
    pub fn embedded() -> Result<Patterns, Error> {
        Patterns::parse("data/events/patterns.tsv", PATTERNS_TSV)
    }

    /// The rules.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Candidate triggers for a word of the match form: (rule, tense, following words) per stripped form.
    #[cfg(test)]
    fn lookup<'s>(&'s self, word: &str) -> Vec<(u32, Tense, &'s [String])> {
        self.lookup_word(word, false)
    }

    /// Is `w` (clitics allowed) a verb form of some rule, not its verbal noun?
    fn is_verb(&self, w: &str) -> bool {
        self.lookup_word(w, false)
            .iter()
            .any(|(r, t, _)| self.rules[*r as usize].kind == TriggerKind::Verb && *t != Tense::Noun)
    }

    /// Is `w` exactly an indexed form of the rule (no clitic stripped)?
    fn has_form(&self, w: &str, rule: u32) -> bool {
        self.index.get(w).is_some_and(|v| v.iter().any(|(r, _, _)| *r == rule))
    }

    /// Is `word` itself (perhaps with an object pronoun, but with no conjunction stripped) a form of the
    /// rule? "فرض" is, "وفرض" is not.
    fn own_form(&self, word: &str, rule: u32) -> bool {
        let has = |w: &str| self.has_form(w, rule);
        has(word)
            || OBJECT_PRONOUNS.iter().any(|suffix| {
                word.strip_suffix(suffix)
                    .filter(|s| s.chars().count() >= 3)
                    .is_some_and(|stem| has(stem) || stem.strip_suffix('ا').is_some_and(|s| has(&format!("{s}ي"))))
            })
    }

    /// As [`Patterns::lookup`]; `ta_marbuta`: the word ends in ة in the original, so its final ه is not a
    /// pronoun ("وزارة" is not "و + زار + ه").
    fn lookup_word<'s>(&'s self, word: &str, ta_marbuta: bool) -> Vec<(u32, Tense, &'s [String])> {
        let mut out = Vec::new();
        let push = |w: &str, nouns_only: bool, out: &mut Vec<(u32, Tense, &'s [String])>| {
            if let Some(v) = self.index.get(w) {
                for (r, t, rest) in v {
                    // One entry per rule and continuation ("الهجوم ارهابي" and "الهجوم الارهابي" both).
                    if (!nouns_only || *t == Tense::Noun)
                        && !out.iter().any(|(r2, _, rest2)| r2 == r && *rest2 == rest.as_slice())
                    {
                        out.push((*r, *t, rest.as_slice()));
                    }
                }
            }
        };
        let mut bases: Vec<(&str, bool)> = vec![(word, false)];
        if let Some(w) = word.strip_prefix('و').or_else(|| word.strip_prefix('ف')) {
            bases.push((w, false));
        }
        // Nouns carry ب ل ك, and ل + ال is written لل.
        let n = bases.len();
        for i in 0..n {
            let (b, _) = bases[i];
            for p in ["ب", "ل", "ك"] {
                if let Some(w) = b.strip_prefix(p) {
                    bases.push((w, true));
                }
            }
        }
        for (b, nouns_only) in &bases {
            if b.chars().count() < 2 {
                continue;
            }
            push(b, *nouns_only, &mut out);
            // The accusative indefinite: "هجوما", "اتصالا".
            if let Some(stem) = b.strip_suffix('ا').filter(|s| s.chars().count() >= 3) {
                push(stem, true, &mut out);
            }
            if let Some(rest) = b.strip_prefix("لل") {
                push(&format!("ال{rest}"), true, &mut out);
            }
            // Object pronouns: "هنأه", "التقاها" (ى before a pronoun is written ا).
            for suffix in OBJECT_PRONOUNS {
                if ta_marbuta && suffix == "ه" {
                    continue;
                }
                if let Some(stem) = b.strip_suffix(suffix).filter(|s| s.chars().count() >= 3) {
                    push(stem, *nouns_only, &mut out);
                    if let Some(s) = stem.strip_suffix('ا') {
                        push(&format!("{s}ي"), *nouns_only, &mut out);
                    }
                    // ة is written ت before a pronoun: "إدانتها", "زيارته" (the match form writes ة as ه).
                    if let Some(s) = stem.strip_suffix('ت') {
                        push(&format!("{s}ه"), true, &mut out);
                    }
                    // A final hamza takes a seat before a pronoun: "لقائه", "لقاؤه" (لقاء).
                    if let Some(s) = stem.strip_suffix(['ئ', 'ؤ']) {
                        push(&format!("{s}ء"), true, &mut out);
                    }
                }
            }
        }
        out
    }
}

/// An actor mention the event stage may use.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    /// Span in the match form, role phrase included ("وزير الخارجية الإسرائيلي إيلي كوهين").
    pub span: Range<usize>,
    /// Country code, or IGO / IMG / NGO; empty when unknown (a role word with no country: "مسلحون").
    pub code: String,
    /// CAMEO agent.
    pub agent: Option<String>,
    /// The entity it is a mention of, if any.
    pub entity: Option<usize>,
    /// A place (a LOC entity): after في it is where, not who.
    pub place: bool,
    /// A person (a PER entity).
    pub person: bool,
}

/// A time expression with its value.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeRef {
    /// Span in the match form.
    pub span: Range<usize>,
    /// ISO value, if resolved.
    pub value: Option<String>,
}

/// What the event stage reads.
pub struct EventInput<'a> {
    /// The match form.
    pub mt: &'a str,
    /// Sentences (match-form byte ranges), in order.
    pub sentences: &'a [Range<usize>],
    /// Actor mentions, any order.
    pub actors: &'a [Actor],
    /// Time expressions.
    pub times: &'a [TimeRef],
    /// Does the word at this match-form range end in ة in the original? (The match form writes ة as ه.)
    pub ta_marbuta: &'a dyn Fn(Range<usize>) -> bool,
}

/// An event's modality.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    /// Told as fact.
    Asserted,
    /// Denied or not done.
    Negated,
    /// Planned, expected or announced.
    Future,
    /// Told on someone's word.
    Reported,
    /// Under a condition.
    Hypothetical,
}

impl Modality {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Negated => "negated",
            Modality::Future => "future",
            Modality::Reported => "reported",
            Modality::Hypothetical => "hypothetical",
        }
    }
}

/// An event found in one sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundEvent {
    /// Index of the rule.
    pub rule: usize,
    /// CAMEO code (an intent code for future acts).
    pub code: String,
    /// Index into the actors.
    pub source: Option<usize>,
    /// Index into the actors.
    pub target: Option<usize>,
    /// Trigger span (match form).
    pub trigger: Range<usize>,
    /// Index of the sentence.
    pub sentence: usize,
    /// Modality.
    pub modality: Modality,
    /// Index into the times: the expression in the same clause, else in the sentence.
    pub time: Option<usize>,
    /// Index into the actors of the place where it happened (a place after في).
    pub place: Option<usize>,
}

#[derive(Debug, Clone)]
struct Word {
    r: Range<usize>,
    /// A clause boundary before this word (punctuation or a subordinator).
    boundary: bool,
    /// The word is a subordinator (إن، الذي، حيث …).
    sub: bool,
}

/// Prepositions that mark an actor when written as a separate word (match keys).
const PREPOSITIONS: &[&str] = &[
    "في", "الي", "علي", "مع", "من", "عن", "ضد", "لدي", "بين", "نحو", "حول", "داخل", "عبر", "قرب", "امام", "تجاه", "بحق",
];
/// Nouns and adverbs after which a protest is only mentioned: "بسبب المظاهرات", "مكان المظاهرة".
const IN_PASSING: &[&str] = &["بسبب", "عشيه", "اثناء", "مكان", "موعد", "حركه", "ضحايا", "شعارات"];
fn w_text<'a>(mt: &'a str, w: &Word) -> &'a str {
    &mt[w.r.clone()]
}

/// Is the word a number (digits, or a number word: "خمسة", "عشرات")?
fn is_count(w: &str) -> bool {
    const NUMBER_WORDS: &[&str] = &[
        "اثنين",
        "اثنان",
        "ثلاثه",
        "اربعه",
        "خمسه",
        "سته",
        "سبعه",
        "ثمانيه",
        "تسعه",
        "عشره",
        "عشرات",
        "مئات",
        "الاف",
        "ثلاث",
        "اربع",
        "خمس",
        "ست",
        "سبع",
        "ثماني",
        "تسع",
        "عشر",
        "عشرين",
        "ثلاثين",
        "اربعين",
        "خمسين",
        "مئه",
    ];
    w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty() || NUMBER_WORDS.contains(&strip_conj(w))
}

/// Prepositions of time, which mark an actor right after them ("بعد أحداث السفارة الأميركية" is not a
/// subject) but not across a noun ("خلال لقاء الرئيس المصري": the president is the meeting's).
const TIME_PREPOSITIONS: &[&str] = &["بعد", "قبل", "خلال", "اثر", "منذ", "حتي", "عقب"];
/// Words that open a new clause (match keys).
const SUBORDINATORS: &[&str] =
    &["ان", "انه", "انها", "بان", "الذي", "التي", "الذين", "حيث", "فيما", "بينما", "كما", "لان"];
/// Negation right before a trigger.
const NEGATIONS: &[&str] = &["لم", "لن", "لا", "ما", "ليس", "ليست", "عدم", "دون", "بدون", "ولم", "ولن", "ولا"];
/// Future and intention cues within four words before a trigger.
const FUTURE_CUES: &[&str] = &[
    "سوف",
    "المقرر",
    "المتوقع",
    "المنتظر",
    "يعتزم",
    "تعتزم",
    "ينوي",
    "تنوي",
    "يخطط",
    "تخطط",
    "سيقوم",
    "ستقوم",
    "يرتقب",
    // purpose: an act someone prepares or sets out to do ("يحضرون للقيام بعمل إرهابي", "لتنفيذ هجمات")
    "للقيام",
    "لتنفيذ",
    "لشن",
    "يستعد",
    "تستعد",
    "يستعدون",
    "قرر",
    "قررت",
    "قرروا",
    "وشك",
];
/// Object pronouns a verb (or a noun, as possessive) may carry, longest first: "هنأه", "التقاها".
const OBJECT_PRONOUNS: [&str; 7] = ["هما", "هم", "هن", "ها", "ه", "كم", "نا"];
/// Stems of a plan made for an act (match keys): "خطط", "خططا", "تخطيطهما" (with its complement ل).
const PLANS: &[&str] = &["خطط", "يخطط", "تخطط", "تخطيط"];
/// Stems of a threat (match keys): "هدد", "تهدد", "تهديدات" (with its complement ب), "توعد".
const THREATS: &[&str] = &["هدد", "يهدد", "تهدد", "تهديد", "توعد", "يتوعد", "تتوعد"];
/// Verbs of deliberation: the act they take as object is not done yet ("بحث الاتحاد الأوروبي، أمس، فرض
/// عقوبات على …"), unless a preposition makes it their occasion ("بحث في اتصال هاتفي").
const DELIBERATION: &[&str] = &["بحث", "بحثت", "يبحث", "تبحث", "ناقش", "ناقشت", "يناقش", "تناقش", "يدرس", "تدرس"];
/// Verbs of appeal and insistence: the act their complement names is asked for or insisted on, not done
/// (match keys): "دعا … إلى تنظيم مظاهرة", "أصرت المعارضة على تنظيم المظاهرة".
const CALLS: &[&str] = &[
    "اصر",
    "اصرت",
    "اصروا",
    "يصر",
    "تصر",
    "يصرون",
    "دعا",
    "دعت",
    "دعوا",
    "يدعو",
    "تدعو",
    "يدعون",
    "ناشد",
    "ناشدت",
    "يناشد",
    "تناشد",
    "حث",
    "حثت",
    "يحث",
    "تحث",
    "طالب",
    "طالبت",
    "طالبوا",
    "يطالب",
    "تطالب",
    "يطالبون",
];
/// Reporting words anywhere in the sentence.
const REPORT_CUES: &[&str] = &[
    "ذكرت",
    "ذكر",
    "افادت",
    "افاد",
    "نقلت",
    "نقل",
    "وفقا",
    "بحسب",
    "حسب",
    "زعم",
    "زعمت",
    "تقارير",
    "مصادر",
    "يزعم",
    "تزعم",
    "اشارت",
];
/// Fears and warnings within six words before a trigger: what they name has not happened.
const FEARS: &[&str] = &["مخاوف", "خشيه", "يخشي", "تخشي", "يخشون", "خوفا", "تحسبا"];
/// Conditions within the clause before a trigger.
const CONDITIONS: &[&str] = &["اذا", "لو", "حال", "لولا"];
/// Light verbs whose subject is the source of the noun after them ("قام X بزيارة", "شن X غارات").
const LIGHT_VERBS: &[&str] = &[
    "قام",
    "قامت",
    "قاموا",
    "يقوم",
    "تقوم",
    "يقومون",
    "اجري",
    "اجرت",
    "اجروا",
    "يجري",
    "تجري",
    "يجرون",
    "شن",
    "شنت",
    "شنوا",
    "يشن",
    "تشن",
    "يشنون",
    "بدا",
    "بدات",
    "نفذ",
    "نفذت",
    "نفذوا",
    "ينفذ",
    "تنفذ",
    "ينفذون",
    "عقد",
    "عقدت",
    "يعقد",
    "تعقد",
    "خرجت",
    "خرج",
    "نظم",
    "نظمت",
    "اعلن",
    "اعلنت",
    "اعلنوا",
    "يعلن",
    "تعلن",
    "شارك",
    "شاركت",
    "شاركوا",
    "يشارك",
    "تشارك",
    "يشاركون",
];
/// Verbs of saying and stating that open a clause of their own after و or ف ("وأعرب", "وقال"): a verb's
/// object does not reach past them.
const CLAUSE_VERBS: &[&str] = &[
    "قال",
    "قالت",
    "قالوا",
    "اضاف",
    "اضافت",
    "اوضح",
    "اوضحت",
    "اشار",
    "اشارت",
    "لفت",
    "لفتت",
    "شدد",
    "شددت",
    "تابع",
    "تابعت",
    "اعتبر",
    "اعتبرت",
    "ذكر",
    "ذكرت",
    "بين",
    "بينت",
    "كشف",
    "كشفت",
    "اكد",
    "اكدت",
];
/// Verbs that report a protest named by a noun as happening ("اندلعت مظاهرات", "خرجت مسيرة").
const OCCURRENCE_VERBS: &[&str] = &[
    "اندلع",
    "اندلعت",
    "تندلع",
    "انطلق",
    "انطلقت",
    "تنطلق",
    "تجدد",
    "تجددت",
    "تتجدد",
    "جرت",
    "تجري",
    "عمت",
    "تعم",
    "انفجرت",
    "تفجرت",
    "سار",
    "سارت",
    "تسير",
    "شهد",
    "شهدت",
    "يشهد",
    "تشهد",
    "تواصلت",
    "تتواصل",
    "استمرت",
    "تستمر",
    "تصاعدت",
    "تتصاعد",
    "اجتاحت",
    "تجتاح",
    "خرج",
    "خرجت",
    "خرجوا",
    "يخرج",
    "تخرج",
    "يخرجون",
    "نزل",
    "نزلوا",
    "وقعت",
    "اقيمت",
    "نظم",
    "نظمت",
    "نظموا",
    "ينظم",
    "تنظم",
    "ينظمون",
    "تنظيم",
    "شارك",
    "شاركت",
    "شاركوا",
    "يشارك",
    "تشارك",
    "يشاركون",
    "مشاركه",
    "قام",
    "قامت",
    "قاموا",
    "قيام",
    "نفذ",
    "نفذت",
    "نفذوا",
    "بدا",
    "بدات",
    "بداوا",
    "انضم",
    "انضموا",
    "عادت",
    "اثار",
    "اثارت",
    "اشعل",
    "اشعلت",
];
/// Words of people killed or hurt ("قتل أربعة", "مقتل 15 جنديا", "أصيب ثلاثة").
const CASUALTY: &[&str] = &[
    "قتل",
    "قتلت",
    "قتلوا",
    "مقتل",
    "اصيب",
    "اصيبت",
    "اصيبوا",
    "اصابه",
    "جرح",
    "سقط",
    "سقطوا",
    "سقوط",
    "لقي",
    "لقوا",
    "مصرع",
    "استشهاد",
    "استشهد",
    "استشهدوا",
    "توفي",
];
/// Honorifics with a pronoun and the title they take back ("فخامته" → "فخامة الرئيس …"), match keys.
const HONORIFICS: &[(&str, &str)] = &[
    ("فخامته", "فخامه"),
    ("سموه", "سمو"),
    ("جلالته", "جلاله"),
    ("معاليه", "معالي"),
    ("دولته", "دوله الرئيس"),
    ("سيادته", "سياده"),
];
/// Words of occasion before a noun: its genitive is its agent ("بمناسبة زيارة الأمير").
const OCCASIONS: &[&str] = &["بمناسبه", "لمناسبه", "اثناء", "خلال", "عقب", "اثر", "اطار", "ضمن"];
/// Honorific titles written before a name ("صاحب السمو الملكي الأمير"), match keys.
const TITLES: &[&str] =
    &["صاحب", "السمو", "الملكي", "الامير", "سمو", "فخامه", "معالي", "جلاله", "الملك", "الشيخ", "دوله", "سياده"];
/// The two sides of a bilateral act ("اتفق الجانبان", "بحث البلدان").
const BOTH_SIDES: &[&str] = &["الجانبان", "الجانبين", "الطرفان", "الطرفين", "البلدان", "البلدين"];
/// Roles and forces that, with a possessive pronoun, name someone's: "رئيسها" (its president), "طائراته" (its
/// aircraft) (match keys, before the pronoun).
const POSSESSED_SUBJECTS: &[&str] = &[
    "رئيس",
    "رئيست",
    "وزير",
    "حكومت",
    "ملك",
    "امير",
    "سفير",
    "قائد",
    "زعيم",
    "قوات",
    "طائرات",
    "جنود",
    "عناصر",
    "مقاتلي",
    "مدفعيت",
    "مروحيات",
    "طيران",
    "جيش",
    "وحدات",
    "شرطت",
];
/// Words of a verdict (match keys): "حكم … على", "قضت … بتبرئة", "بالسجن".
const VERDICTS: &[&str] =
    &["حكم", "الحكم", "حكما", "حكمت", "قضت", "قضي", "ثبتت", "بالسجن", "بالاعدام", "بتبرئه", "تبرئه", "برات", "احكاما"];
/// Verbs of suffering an act ("تعرضت القافلة لهجوم").
const SUFFER: &[&str] = &["تعرض", "تعرضت", "تعرضوا", "يتعرض", "تتعرض", "يتعرضون", "تعرضا", "تعرضتا"];
/// Light verbs that take the act back as a pronoun: their subject is its author ("هجوم شنه مسلحون").
const RESUMED_LIGHT_VERBS: &[&str] = &[
    "شنه",
    "شنها",
    "شنته",
    "شنتها",
    "شنوه",
    "شنوها",
    "نفذه",
    "نفذها",
    "نفذته",
    "نفذتها",
    "نفذوه",
    "نفذوها",
    "تبناه",
    "تبنته",
    "تبنتها",
    "تبناها",
    "ارتكبه",
    "ارتكبته",
    "ارتكبها",
    "ارتكبتها",
];
/// Verbs that attribute an act to its author, after the act's noun (match keys; also with an object
/// pronoun: نسبته، نسبتها).
const ATTRIBUTIONS: &[&str] = &["نسب", "نسبت", "نسبوا", "ينسب", "تنسب", "منسوب", "منسوبه", "المنسوب", "المنسوبه"];
/// Light verbs of saying (match keys): they carry a statement's noun ("أعرب عن إدانته"), not a protest's.
const SAYING_LIGHT_VERBS: &[&str] = &[
    "اعرب",
    "اعربت",
    "يعرب",
    "تعرب",
    "معربا",
    "معربه",
    "عبر",
    "عبرت",
    "يعبر",
    "تعبر",
    "اكد",
    "اكدت",
    "يؤكد",
    "تؤكد",
    "جدد",
    "جددت",
    "يجدد",
    "تجدد",
];
/// Is the word (match key) a light verb, of doing or of saying?
fn light_verb(w: &str) -> bool {
    LIGHT_VERBS.contains(&w) || SAYING_LIGHT_VERBS.contains(&w)
}
/// Verbs of condemnation (match keys, every person): the act after them is their topic, a verbal noun.
const CONDEMN_VERBS: &[&str] = &[
    "دان",
    "ادان",
    "ادانت",
    "دانت",
    "يدين",
    "تدين",
    "ندين",
    "ندد",
    "نددت",
    "يندد",
    "تندد",
    "نندد",
    "استنكر",
    "استنكرت",
    "يستنكر",
    "تستنكر",
    "نستنكر",
    "شجب",
    "شجبت",
    "يشجب",
    "تشجب",
    "نشجب",
];
/// Verbs of recollection (match keys): as [`CONDEMN_VERBS`], what follows them is the act named.
const RECOLLECTION_VERBS: &[&str] = &["تذكر", "يتذكر", "يذكر"];
/// Words of condemnation (match keys), verbs and nouns, with ل ("لتندد", "للتنديد") and a pronoun
/// ("إدانتها", "استنكاره"): the act they name is their topic.
fn condemnation(w: &str) -> bool {
    const NOUNS: &[&str] = &["ادانه", "ادانت", "استنكار", "تنديد", "شجب"];
    const PRONOUNS: &[&str] = &["", "ه", "ها", "هم", "هما", "نا"];
    let w = w.strip_prefix("لل").or_else(|| w.strip_prefix('ل')).unwrap_or(w);
    CONDEMN_VERBS.contains(&w)
        || NOUNS.iter().any(|n| {
            w.strip_prefix(n)
                .or_else(|| w.strip_prefix("ال").and_then(|x| x.strip_prefix(n)))
                .is_some_and(|x| PRONOUNS.contains(&x))
        })
}

/// Nouns of place and time whose genitive is a verbal noun (match keys): "موقع تجمع", "موعد انطلاق".
const SETTING_NOUNS: &[&str] =
    &["موقع", "مواقع", "مكان", "اماكن", "نقطه", "نقاط", "ساحه", "موعد", "مواعيد", "توقيت", "تاريخ"];
/// Words that begin with ب or ل but are no preposition written on a noun (match keys): prepositions and
/// conjunctions of their own ("بسبب", "بينما").
const GLUED_LOOKALIKES: &[&str] = &["بسبب", "بدون", "بشان", "بحسب", "بفضل", "بالنسبه", "لاجل", "بينما"];
/// Relative pronouns that open a clause about the noun before them (match keys).
const RELATIVES: &[&str] = &["الذي", "التي", "الذين"];
/// Nouns that name an incident: the word after them is a verbal noun ("عملية خطف"), not a verb.
const INCIDENT_NOUNS: &[&str] = &[
    "عمليه",
    "عمليات",
    "قضيه",
    "حادث",
    "حادثه",
    "حوادث",
    "جريمه",
    "جرائم",
    "محاوله",
    "محاولات",
    "تهمه",
    "بتهمه",
    "قصه",
];
/// Nouns that make violence after them the topic of a charge, a commemoration or a story (match keys).
const TOPIC_NOUNS: &[&str] = &[
    "تهمه",
    "بتهمه",
    "تهم",
    "بتهم",
    "اتهام",
    "باتهام",
    "المتهم",
    "متهم",
    "المتهمين",
    "متهمين",
    "المتهمون",
    "متهمون",
    "ذكري",
    "الذكري",
    "لذكري",
    "بذكري",
    "بالذكري",
    "قصه",
    "تفاصيل",
];
/// Words that make violence named by a noun an event: it happened to someone or had results (with
/// [`CASUALTY`]: it killed or hurt).
const VIOLENCE_GOVERNORS: &[&str] = &[
    "تعرض",
    "تعرضت",
    "تعرضوا",
    "يتعرض",
    "تتعرض",
    "اسفر",
    "اسفرت",
    "يسفر",
    "تسفر",
    "ادي",
    "ادت",
    "يؤدي",
    "تؤدي",
    "اوقع",
    "اوقعت",
    "خلف",
    "خلفت",
    "هز",
    "هزت",
    "استهدف",
    "استهدفت",
    "يستهدف",
    "تستهدف",
    "ضرب",
    "ضربت",
    "جرحي",
    "قتلي",
    "قتيلا",
    "نجا",
    "وقع",
    "حصد",
    "حصدت",
    "دمر",
    "دمرت",
];
/// Nouns of putting down or stopping a protest ("قمع المظاهرات", "منع التظاهر", "تفريق المتظاهرين").
const REPRESSION: &[&str] = &["منع", "قمع", "حظر", "تفريق", "فض", "منعها", "قمعها", "حظرت", "منعت", "فرقت"];
/// Nouns of places and groups that belong to someone; an actor after them with ل is their owner, and the
/// act's target ("قصف مواقع للحوثيين", "مركزا للشرطة", "ضبط خلية لتنظيم داعش").
const OWNED_NOUNS: &[&str] = &[
    "موقع",
    "مواقع",
    "موقعا",
    "مقر",
    "مقرات",
    "مقرا",
    "معسكر",
    "معسكرات",
    "معسكرا",
    "مركز",
    "مراكز",
    "مركزا",
    "تجمعات",
    "اهداف",
    "هدفا",
    "مخازن",
    "مستودعات",
    "منازل",
    "منزل",
    "قاعده",
    "قواعد",
    "دوريه",
    "دوريات",
    "ثكنه",
    "ثكنات",
    "شبكه",
    "خليه",
    "خلايا",
    "عناصر",
    "اعضاء",
    "قاده",
    "مقاتلين",
    "مسلحين",
    "انصار",
    "ممثلين",
    "ممثلو",
    "ممثلي",
    "مندوبين",
    "مندوبو",
    "مندوبي",
];

fn strip_conj(w: &str) -> &str {
    w.strip_prefix('و').or_else(|| w.strip_prefix('ف')).filter(|r| r.chars().count() >= 2).unwrap_or(w)
}

/// Finds the events of a document.
pub fn find_events(p: &Patterns, input: &EventInput<'_>) -> Vec<FoundEvent> {
    let mt = input.mt;
    let mut out: Vec<FoundEvent> = Vec::new();
    // Is the word inside a time expression?
    let in_time = |w: &Word| input.times.iter().any(|t| t.span.start <= w.r.start && w.r.end <= t.span.end);
    for (si, s) in input.sentences.iter().enumerate() {
        let mut words = words_of(mt, s.clone());
        // A time expression set off by commas ("بحث الاتحاد الأوروبي، أمس، فرض …") does not split the clause.
        let in_aside = |w: &Word| {
            in_time(w)
                || PREPOSITIONS.contains(&w_text(mt, w))
                || input.actors.iter().any(|a| a.place_like() && a.span.start <= w.r.start && w.r.end <= a.span.end)
        };
        let mut i = 1;
        while i < words.len() {
            if words[i].boundary && !words[i].sub {
                let j = (i + 1..words.len()).find(|&k| words[k].boundary).unwrap_or(words.len());
                // "، أمس،" and "، أمس في الرياض،": an aside of time and place.
                let some_time = words[i..j].iter().any(in_time) || PREPOSITIONS.contains(&w_text(mt, &words[i]));
                if j - i <= 5 && some_time && words[i..j].iter().all(in_aside) {
                    words[i].boundary = false;
                    if j < words.len() && !words[j].sub {
                        words[j].boundary = false;
                    }
                    i = j + 1;
                    continue;
                }
                // "وقصفت المقاتلات الإماراتية، امس الجمعة مواقع للحوثيين": the closing comma left out.
                let comma = mt[words[i - 1].r.end..words[i].r.start].contains(['،', ',']);
                let k = (i..j).find(|&k| !in_time(&words[k])).unwrap_or(j);
                if comma && k > i && k - i <= 3 && k < j {
                    words[i].boundary = false;
                    i = k;
                    continue;
                }
            }
            i += 1;
        }
        // Actors in the sentence: (actor index, first word, last word, marker before it).
        let mut acts: Vec<(usize, usize, usize, Option<String>)> = Vec::new();
        for (ai, a) in input.actors.iter().enumerate() {
            if a.span.start < s.start || a.span.end > s.end {
                continue;
            }
            let Some(first) = words.iter().position(|w| w.r.end > a.span.start) else { continue };
            let last = words.iter().rposition(|w| w.r.start < a.span.end).unwrap_or(first);
            let mut m = marker(mt, &words, first, a.span.start);
            if m.as_deref() == Some("ل")
                && first > 0
                && OWNED_NOUNS.contains(&strip_conj(&mt[words[first - 1].r.clone()]))
                && !words[first].boundary
            {
                m = None;
            }
            acts.push((ai, first, last, m));
        }
        // A mention inside a longer one (the country in "حكومة مصر", the name in its role phrase) is not
        // an actor of its own.
        let spans: Vec<Range<usize>> = acts.iter().map(|a| input.actors[a.0].span.clone()).collect();
        acts.retain(|a| {
            let r = &input.actors[a.0].span;
            !spans.iter().any(|o| o.start <= r.start && r.end <= o.end && o.len() > r.len())
        });
        // An honorific with a pronoun ("فخامته", "سموه") is the person last given that title ("فخامة الرئيس
        // عبدالفتاح السيسي", "صاحب السمو الملكي الأمير محمد بن سلمان").
        for (wi, w) in words.iter().enumerate() {
            let t = &mt[w.r.clone()];
            let Some((_, title)) = HONORIFICS.iter().find(|(h, _)| t == *h || strip_conj(t) == *h) else {
                continue;
            };
            if acts.iter().any(|a| a.1 <= wi && wi <= a.2) {
                continue;
            }
            let Some(at) = mt[..w.r.start].rfind(title) else { continue };
            let who = (0..input.actors.len())
                .filter(|&i| {
                    let a = &input.actors[i];
                    a.person && a.span.start > at && a.span.end <= w.r.start && !a.code.is_empty()
                })
                .min_by_key(|&i| input.actors[i].span.start);
            if let Some(i) = who {
                acts.push((i, wi, wi, marker(mt, &words, wi, w.r.start)));
            }
        }
        acts.sort_by_key(|a| (a.1, a.0));
        acts.dedup_by_key(|a| a.1);
        // The preposition two words back belongs to the actor right before ("في موسكو وزير خارجية روسيا"):
        // this one is unmarked.
        let ends: Vec<usize> = acts.iter().map(|a| a.2).collect();
        for a in acts.iter_mut() {
            let attached = input.actors[a.0].span.start > words[a.1].r.start;
            if !attached && a.1 >= 2 && a.3.is_some() && ends.contains(&(a.1 - 1)) {
                a.3 = None;
            }
        }

        // A verb joined by و or ف, opening a clause of its own: a verb of saying, a light verb or a trigger
        // verb ("وأعرب", "وقامت", "واعتقلت"); not a trigger whose own first letter is و or ف ("فرض", "فجرت",
        // "وصل").
        let joined_verb = |i: usize| {
            let x = &mt[words[i].r.clone()];
            let v = strip_conj(x);
            v.len() < x.len()
                && !p.index.contains_key(x)
                && (CLAUSE_VERBS.contains(&v) || light_verb(v) || p.is_verb(v))
        };

        // Words that a fired rule read as its object ("تقدمت باحتجاج"): not triggers of their own.
        let mut consumed: Vec<usize> = Vec::new();
        for (wi, w) in words.iter().enumerate() {
            if consumed.contains(&wi) {
                continue;
            }
            let word = &mt[w.r.clone()];
            let mut cands = p.lookup_word(word, word.ends_with('ه') && (input.ta_marbuta)(w.r.clone()));
            if cands.is_empty() {
                continue;
            }
            // The longest form first: "الهجوم الإرهابي" before "الهجوم".
            cands.sort_by_key(|c| std::cmp::Reverse(c.2.len()));
            // After a preposition a word is a noun ("عن إدانتها"), not a verb with an object ("أدانتها"); so
            // after a noun that names an incident ("عملية خطف", "محاولة اغتيال", "قضية خطف"), and after تم,
            // which makes a verbal noun passive ("العمال المصريين تم خطفهم": they were kidnapped, not they kidnapped).
            // So is the object of a verb of condemnation or recollection a few words back, its subject between
            // ("ودان سمير جعجع خطف زياد قبلان": the kidnapping, not Geagea kidnapping), unless و or ف opens
            // a new clause with it.
            let topic = || {
                !word.starts_with(['و', 'ف'])
                    && (wi.saturating_sub(10)..wi)
                        .rev()
                        .take_while(|&i| !words[i + 1..=wi].iter().any(|w| w.boundary))
                        .any(|i| {
                            let x = strip_conj(&mt[words[i].r.clone()]);
                            CONDEMN_VERBS.contains(&x) || RECOLLECTION_VERBS.contains(&x)
                        })
            };
            // After a noun of place or time in construct the word is a verbal noun, never a verb: "موقع تجمع
            // المتظاهرين", "مكان انطلاق المسيرة", "موعد انعقاد القمة".
            if wi > 0 && SETTING_NOUNS.contains(&strip_conj(&mt[words[wi - 1].r.clone()])) {
                cands.retain(|(r, _, _)| p.rules[*r as usize].kind != TriggerKind::Verb);
            }
            if wi > 0 && {
                let prev = strip_conj(&mt[words[wi - 1].r.clone()]);
                PREPOSITIONS.contains(&prev)
                    || INCIDENT_NOUNS.contains(&prev)
                    || matches!(prev, "تم" | "يتم" | "سيتم")
                    || topic()
            } {
                cands.sort_by_key(|(r, _, _)| p.rules[*r as usize].kind == TriggerKind::Verb);
            }

            // A rule whose object words follow beats one that needs none ("احتج المتظاهرون" is a rally,
            // "احتج على" a complaint).
            let fits = |(r, _, rest): &&(u32, Tense, &[String]), with: bool| {
                let rule = &p.rules[*r as usize];
                follows(mt, &words, wi, rest)
                    && (rule.without.is_empty() || !with_follows(mt, &words, wi, &rule.without))
                    && if with {
                        !rule.with.is_empty()
                            && (with_follows(mt, &words, wi, &rule.with)
                                || rule.agentless && with_precedes(mt, &words, wi, &rule.with))
                    } else {
                        rule.with.is_empty()
                    }
            };
            let Some(&(rule, tense, _)) =
                cands.iter().find(|c| fits(c, true)).or_else(|| cands.iter().find(|c| fits(c, false)))
            else {
                continue;
            };
            let r = &p.rules[rule as usize];
            // Violence: CAMEO roots 18 (assault), 19 (fight), 20 (mass violence).
            let violent = ["18", "19", "20"].iter().any(|c| r.code.starts_with(c));
            // The past progressive describes a scene, it does not tell a new protest or attack: "حيث كان
            // يتجمع متظاهرون", "عندما كانت تجري تظاهرات ضد الاستعمار" (كان + a present verb, the trigger's
            // or the one before a noun trigger).
            let was = |i: usize| matches!(strip_conj(&mt[words[i].r.clone()]), "كان" | "كانت" | "كانوا");
            let progressive = if r.kind == TriggerKind::Verb {
                tense == Tense::Present && wi >= 1 && was(wi - 1)
            } else {
                wi >= 2 && was(wi - 2) && mt[words[wi - 1].r.clone()].starts_with(['ي', 'ت'])
            };
            if progressive && (violent || r.code.starts_with("14")) {
                continue;
            }
            // Protesters in the accusative right after a verb of movement are its object, not its subject:
            // "يخرج المتظاهرين إلى الشوارع" brings them out (and "تجمع المتظاهرين" is the protesters'
            // gathering, a noun); protesters who rally are "خرج المتظاهرون", "خرج آلاف المتظاهرين".
            if r.kind == TriggerKind::Verb
                && r.code.starts_with("14")
                && !r.with.is_empty()
                && words.get(wi + 1).is_some_and(|n| {
                    let x = strip_conj(&mt[n.r.clone()]);
                    let x = x.strip_prefix("ال").unwrap_or(x);
                    matches!(x, "متظاهرين" | "محتجين")
                })
            {
                continue;
            }
            // A relative clause describes the noun before it; a violent act or a protest told there looks back
            // at what made the people known, it is not the sentence's news: "الوزير الذي خطفته فارك لست
            // سنوات", "الذي اغتيل", "الميليشيات التي خطفت عشرات الاشخاص", "حملة التوقيفات التي استهدفت عناصر
            // في تنظيم الدولة", "المتظاهرين الذين خرجوا في كوسوفو", "العوائق التي قطع بها المتظاهرون الطرق".
            // (So does a verb joined by و to the clause's first verb: "الميليشيا التي تقتل وتخطف المدنيين".)
            let relative = |i: usize| {
                let x = strip_conj(&mt[words[i].r.clone()]);
                RELATIVES.contains(&x) || matches!(x, "اللذين" | "اللتين")
            };
            let after_relative = wi > 0 && relative(wi - 1)
                || wi > 1
                    && word.starts_with('و')
                    && relative(wi - 2)
                    && !words[wi - 1..=wi].iter().any(|w| w.boundary);
            if r.kind == TriggerKind::Verb && after_relative && (violent || r.code.starts_with("14")) {
                continue;
            }
            // So does violence named by a noun a word or two into such a clause: "شهداء الوطن الذين استشهدوا
            // خلال التفجير", "الإرهابيين الذين نفذوا الاعتداء", "الانتحاري الذي نفذ تفجيرا".
            if r.kind == TriggerKind::Noun
                && violent
                && (wi.saturating_sub(3)..wi.saturating_sub(1))
                    .any(|i| relative(i) && !words[i + 1..=wi].iter().any(|w| w.boundary))
            {
                continue;
            }
            // The clause: from the last boundary at or before the trigger (a verb with و opens its own) to
            // the next boundary.
            // (Not a verb whose own first letter is و or ف: "فرض", "وصل".)
            let opens =
                r.kind == TriggerKind::Verb && word.starts_with(['و', 'ف']) && wi > 0 && !p.own_form(word, rule);
            let cb = if opens { wi } else { (0..=wi).rev().find(|&i| words[i].boundary).unwrap_or(0) };
            let ce = (wi + 1..words.len()).find(|&i| words[i].boundary).unwrap_or(words.len());
            let before: Vec<&(usize, usize, usize, Option<String>)> =
                acts.iter().filter(|a| a.1 >= cb && a.2 < wi).collect();
            let after: Vec<&(usize, usize, usize, Option<String>)> =
                acts.iter().filter(|a| a.1 > wi && a.1 < ce && a.1 <= wi + 24).collect();
            let unmarked = |a: &&(usize, usize, usize, Option<String>)| a.3.is_none();
            // A verb's object comes before the next verb joined by و or ف, a trigger or a verb of saying
            // ("ودانت الحكومة الألمانية التفجير الإرهابي وأعرب فرانك شتاينماير …": the bombing, not the
            // minister, is what was condemned).
            let obj_end = || (wi + 1..ce).find(|&i| joined_verb(i)).unwrap_or(ce);

            // Source.
            // A light verb before a noun ("قام وزير الخارجية آنذاك، شيمون بيريز، بزيارة"): its subject, even
            // across commas, is the noun's source.
            let light_at = (wi.saturating_sub(10)..wi)
                .rev()
                .take_while(|&i| !words[i + 1..=wi].iter().any(|w| w.sub))
                .find(|&i| light_verb(strip_conj(&mt[words[i].r.clone()])));
            // A verb of saying carries a statement's noun ("أعرب عن إدانته", "أكد دعمه"), not a protest or an
            // attack: "وأكد المالكي «نحن مع المظاهرات السلمية»" tells no demonstration, "أعربت الحكومة عن أسفها
            // للاعتداء" no attack by that government.
            let said = |i: usize| SAYING_LIGHT_VERBS.contains(&strip_conj(&mt[words[i].r.clone()]));
            let light = r.kind == TriggerKind::Noun
                && light_at.is_some_and(|i| !((r.code.starts_with("14") || violent) && said(i)));
            // A protest named in passing ("خلال تظاهرة"، "بسبب المظاهرات"، "عشية التظاهرة") is not the
            // sentence's event, unless a verb makes it one ("شارك مئات السوريين في احتجاج"). Nor is one that
            // nothing reports as happening: the noun needs a verb of occurrence in its clause ("اندلعت في
            // نواكشوط مظاهرات", "نفذ العشرات وقفة احتجاجية", "مظاهرة عنيفة اندلعت"), or is the adverb of
            // another act ("أضرب العرب احتجاجا على").
            // "مسيرة" with a possessive is a career or a journey, not a march ("بدأ مسيرته مع نادي غريميو").
            if r.kind == TriggerKind::Noun && r.code.starts_with("14") && {
                let x = strip_conj(word);
                let x = x.strip_prefix(['ب', 'ل', 'ك']).unwrap_or(x);
                x.strip_prefix("مسيرت").is_some_and(|rest| OBJECT_PRONOUNS.contains(&rest))
            } {
                continue;
            }
            if r.kind == TriggerKind::Noun && r.code.starts_with("14") {
                // People described by a protest they once held ("عمال الشركة الذين نظموا إضرابا سلميا استمر
                // أربعة أيام"): the verb right after a relative pronoun looks back.
                let described = wi >= 2 && RELATIVES.contains(&strip_conj(&mt[words[wi - 2].r.clone()])) && {
                    let v = strip_conj(&mt[words[wi - 1].r.clone()]);
                    light_verb(v) || v.strip_suffix("وا").is_some_and(light_verb)
                };
                if described {
                    continue;
                }
                // (A human chain is formed: "شكل آلاف المحتجين سلسلة بشرية".)
                let chain = strip_conj(word).starts_with("سلسل") || strip_conj(word).starts_with("سلاسل");
                let occurs = |i: usize| {
                    let x = strip_conj(&mt[words[i].r.clone()]);
                    OCCURRENCE_VERBS.contains(&x) || chain && matches!(x, "شكل" | "شكلت" | "شكلوا" | "يشكل" | "تشكل")
                };
                let verb_before = (cb.max(wi.saturating_sub(12))..wi).any(occurs);
                let prev = wi.checked_sub(1).map(|i| strip_conj(&mt[words[i].r.clone()])).unwrap_or("");
                let attached = ['ب', 'ل', 'ك'].iter().any(|c| strip_conj(word).starts_with(*c));
                let passing =
                    attached || [PREPOSITIONS, TIME_PREPOSITIONS, IN_PASSING].iter().any(|l| l.contains(&prev));
                let adverb = strip_conj(word).ends_with("اجا");
                // The adverb of a protester or a protest named right before it ("المسلمين المتظاهرين احتجاجا
                // على الفيلم", "كان عدد المتظاهرين قليلا احتجاجا") tells no act of its own: that word tells the
                // protest, if anything does.
                let protester = |i: usize| {
                    let w = strip_conj(&mt[words[i].r.clone()]);
                    let w = w.strip_prefix("ال").unwrap_or(w);
                    ["متظاهر", "محتج", "مظاهر", "تظاهر", "احتجاج"].iter().any(|p| w.starts_with(p))
                };
                if adverb && (wi.saturating_sub(2)..wi).any(protester) {
                    continue;
                }
                // Nor one that is put down or stopped ("بمنع مظاهرات سلمية", "بقمع حركة الاحتجاج"): that is
                // the repression's event.
                let repressed = (wi.saturating_sub(2)..wi)
                    .any(|i| REPRESSION.contains(&without_glued(strip_conj(&mt[words[i].r.clone()]))));
                if repressed {
                    continue;
                }
                // A headline or list entry that opens with the noun ("مظاهرة في تايمز سكوير ضد الاتفاق").
                let headline = (wi == 0 || wi == cb && mt[..words[wi].r.start].trim_end().ends_with(':'))
                    && words.get(wi + 1).is_some_and(|w| matches!(&mt[w.r.clone()], "في" | "ضد" | "امام"));
                let governed = verb_before || headline || (wi + 1..ce.min(wi + 4)).any(occurs);
                if passing && !light && !verb_before || !passing && !adverb && !light && !governed {
                    continue;
                }
            }
            // Violence named by a noun is an event of this sentence when something happens with it: it took
            // place ("وقع انفجار", "تعرضت قافلته لهجوم"), had results ("هجوم انتحاري أسفر عن مقتل"), killed
            // or wounded ("قتل 4 جنود في هجوم"), or a light verb carried it out ("شن الجيش غارات"). Named as
            // a topic it is not ("أدانت تفجيرات لندن", "المتهمين في تفجير برايتون").
            // A noun's governing verb may sit before commas ("قتل أربعة أشخاص، بينهم عنصران من الشرطة، في
            // انفجار"), not before another subordinate clause.
            // Violence that a charge or an anniversary is about is its topic, not an event told here
            // ("بتهمة تفجير موقع في مطار مدريد", "المتهم الرئيسي في اغتيال", "الذكرى الثانية لاغتيال").
            if r.kind == TriggerKind::Noun
                && violent
                && (wi.saturating_sub(3)..wi).any(|i| TOPIC_NOUNS.contains(&strip_conj(&mt[words[i].r.clone()])))
            {
                continue;
            }
            // So is violence a condemnation names, by its verb or its noun, a few words back in the clause
            // ("لتندد بالاعتداء على قرية", "أعربت عن إدانتها واستنكارها الشديدين لحادث التفجير"),
            // even when the sentence goes on to tell what the act did.
            if r.kind == TriggerKind::Noun
                && violent
                && (wi.saturating_sub(5)..wi)
                    .rev()
                    .take_while(|&i| !words[i + 1..=wi].iter().any(|w| w.boundary))
                    .any(|i| condemnation(strip_conj(&mt[words[i].r.clone()])))
            {
                continue;
            }
            // What something is about is a topic, not an act told ("سيحاكمون في اطار الملف المفتوح حول اعتداءات
            // الدار البيضاء", "معلومات بشأن التفجير").
            if r.kind == TriggerKind::Noun
                && violent
                && wi > 0
                && matches!(strip_conj(&mt[words[wi - 1].r.clone()]), "حول" | "بشان" | "بخصوص" | "حيال" | "ازاء")
            {
                continue;
            }
            // An act a court rules on is the case's topic ("أيدت محكمة الاستئناف حكما بالسجن على مصريين خطفوا
            // سائحين ألمانيين", "قضت المحكمة بتبرئة المتهمين من تهمة"): a verdict before it in the
            // sentence, and a court.
            if violent && {
                let before = || (0..wi).map(|i| strip_conj(&mt[words[i].r.clone()]));
                before().any(|x| matches!(x, "محكمه" | "المحكمه" | "لمحكمه" | "للمحكمه" | "الشعبه" | "القاضي"))
                    && before().any(|x| VERDICTS.contains(&x))
            } {
                continue;
            }
            // A kind of act given as an example is none in particular ("أعمال مثل تفجير", "مثل هذه الهجمات").
            if r.kind == TriggerKind::Noun
                && violent
                && (wi.saturating_sub(2)..wi).any(|i| {
                    matches!(strip_conj(&mt[words[i].r.clone()]), "مثل" | "بمثل" | "كمثل" | "لمثل")
                        && (i + 1 == wi || matches!(&mt[words[i + 1].r.clone()], "هذه" | "هذا" | "تلك" | "ذلك"))
                })
            {
                continue;
            }
            let gov_start = (wi.saturating_sub(16)..wi).rev().find(|&i| words[i].sub).unwrap_or(wi.saturating_sub(16));
            if r.kind == TriggerKind::Noun && violent && !light {
                let governs = |i: usize| {
                    let w = strip_conj(&mt[words[i].r.clone()]);
                    OCCURRENCE_VERBS.contains(&w) || VIOLENCE_GOVERNORS.contains(&w) || CASUALTY.contains(&w)
                };
                // After it, across commas and brackets, its relative clause counts ("التفجير … الذي أدى إلى استشهاد 26 شخصا").
                let after_end = (wi + 1..words.len().min(wi + 16))
                    .find(|&i| words[i].sub && !RELATIVES.contains(&strip_conj(&mt[words[i].r.clone()])))
                    .unwrap_or(words.len().min(wi + 16));
                // A fight that names both its sides is told by its noun ("الصراع بين أذربيجان وأرمينيا").
                let sides = acts.iter().any(|a| a.1 > wi && a.1 <= wi + 2 && a.3.as_deref() == Some("بين"));
                if !sides && !(gov_start..wi).any(governs) && !(wi + 1..after_end).any(governs) {
                    continue;
                }
            }
            let before: Vec<&(usize, usize, usize, Option<String>)> = match light_at {
                // The light verb's subject after it ("قام X بزيارة"), else before it ("ممثلين لصالح يجرون
                // محادثات").
                Some(lv) if light => {
                    let inside: Vec<_> = acts.iter().filter(|a| a.1 > lv && a.2 < wi).collect();
                    if !inside.is_empty() {
                        inside
                    } else {
                        let clause: Vec<_> = acts.iter().filter(|a| a.1 >= cb && a.2 < lv).collect();
                        if clause.is_empty() && strip_conj(&mt[words[lv].r.clone()]).starts_with('م') {
                            // A participle of circumstance ("…، معربة عن خالص التعازي") has the sentence's
                            // subject: the actor after its opening verb ("ومن جانبه، طالبت حكومة مصر …").
                            acts.iter()
                                .filter(|a| a.1 <= 4 && a.2 < lv && a.3.is_none() && !input.actors[a.0].place_like())
                                .take(1)
                                .collect()
                        } else {
                            clause
                        }
                    }
                }
                _ => before,
            };
            // The object named with the trigger ("سفارة إسرائيل" after "سيفتتح") is not its source.
            let with_at = (wi + 1..(wi + 7).min(words.len())).find(|&i| is_with(&mt[words[i].r.clone()], &r.with));
            let after: Vec<&(usize, usize, usize, Option<String>)> = after
                .into_iter()
                .filter(|a| {
                    with_at.is_none_or(|w| a.1 != w && a.1 != w + 1) || a.3.is_some() || r.code.starts_with("14")
                })
                .collect();
            let mut source: Option<&(usize, usize, usize, Option<String>)> = None;
            let mut source_after = false;
            // The actor an object pronoun stands for, when the subject follows the verb ("الصحفية اليمنية …
            // خطفها مسلحون": the journalist).
            let mut pronoun_patient: Option<usize> = None;
            match r.kind {
                TriggerKind::Verb => {
                    // A verb that carries its object as a pronoun has its subject after it: "موقعا هاجمته
                    // إسرائيل", "والتقاه وزير الخارجية".
                    let pronoun_object = !p.has_form(word, rule) && !p.has_form(strip_conj(word), rule);
                    let subject_after = after
                        .iter()
                        .find(|a| pronoun_object && a.1 == wi + 1 && unmarked(a) && !input.actors[a.0].place_like());
                    if let Some(a) = subject_after {
                        source = Some(a);
                        source_after = true;
                        // The nearest actor at most six words back that agrees with the pronoun: ها a
                        // feminine head (الحكومة الأفغانية) or a country (باكستان), ه a masculine one.
                        let stem = strip_conj(word);
                        let feminine = |b: &(usize, usize, usize, Option<String>)| {
                            let x = &input.actors[b.0];
                            let head = words[b.1].r.clone();
                            (x.place && x.entity.is_some())
                                || mt[head.clone()].ends_with('ه') && (input.ta_marbuta)(head)
                        };
                        pronoun_patient = acts
                            .iter()
                            .rev()
                            .find(|b| b.2 < wi && !input.actors[b.0].place_like())
                            .filter(|b| b.2 + 6 >= wi)
                            // Across a relative pronoun, only the noun it follows ("الحكومة الأفغانية التي
                            // ساندتها باكستان"; not the EU in "يقول الاتحاد الأوروبي إن الاتفاق الذي تسانده").
                            .filter(|b| {
                                (b.2 + 1..wi)
                                    .find(|&i| RELATIVES.contains(&strip_conj(&mt[words[i].r.clone()])))
                                    .is_none_or(|k| k == b.2 + 1)
                            })
                            .filter(|b| {
                                if stem.ends_with("هم") || stem.ends_with("هما") {
                                    true
                                } else if stem.ends_with("ها") {
                                    feminine(b)
                                } else {
                                    !feminine(b)
                                }
                            })
                            .map(|b| b.0);
                    } else if let Some(a) = before.iter().rev().find(|a| unmarked(a) && !input.actors[a.0].place_like())
                    {
                        source = Some(a);
                    } else if let Some(a) = after.iter().find(|a| {
                        // not the genitive of a prepositional phrase ("اعتقل بعد أحداث السفارة الأميركية")
                        unmarked(a)
                            && !(a.1 >= wi + 3 && !input.actors[a.0].place && {
                                let p2 = strip_conj(&mt[words[a.1 - 2].r.clone()]);
                                // ("نحو مائة متظاهر": about a hundred)
                                !matches!(p2, "نحو" | "حول")
                                    && (PREPOSITIONS.contains(&p2) || TIME_PREPOSITIONS.contains(&p2))
                            })
                    }) {
                        source = Some(a);
                        source_after = true;
                    }
                }
                TriggerKind::Noun => {
                    // "زيارة كوهين": the actor right after the noun (its genitive), unless a light verb's
                    // subject came first ("قام بيريز بزيارة تركمانستان") or the genitive is the patient
                    // ("اعتقال صحفيين": rule marker gen).
                    // Titles before a name do not count ("زيارة صاحب السمو الملكي الأمير محمد بن سلمان").
                    let titles = words[wi + 1..].iter().take_while(|w| TITLES.contains(&&mt[w.r.clone()])).count();
                    let genitive = after.iter().find(|a| unmarked(a) && a.1 <= wi + 4 + titles);
                    let subject = before.iter().rev().find(|a| unmarked(a));
                    let objective = r.targets.contains(&Marker::Gen);
                    // After a preposition of occasion ("بمناسبة زيارة الأمير", "خلال لقاء الرئيس") the genitive is
                    // the noun's own agent, whatever verb came before.
                    let occasion = wi > 0 && {
                        let p = strip_conj(&mt[words[wi - 1].r.clone()]);
                        OCCASIONS.contains(&p) || TIME_PREPOSITIONS.contains(&p)
                    };
                    let light = light && !(occasion && genitive.is_some() && !objective);
                    // Violence named by a noun is not done by the subject of another verb ("وأدانت مصر
                    // الاعتداء على السفارة"), only by a light verb's ("شن الجيش غارات").
                    if let (true, Some(a)) = (light || !violent && (objective || genitive.is_none()), subject) {
                        source = Some(a);
                    } else if let Some(a) = genitive {
                        source = Some(a);
                        source_after = true;
                    }
                    // "الاشتباكات بين X وY".
                    if source.is_none() {
                        if let Some(a) = after.iter().find(|a| a.3.as_deref() == Some("بين")) {
                            source = Some(a);
                            source_after = true;
                        }
                    }
                }
            }
            if r.agentless {
                source = None;
                source_after = false;
            }
            // Violence suffered ("تعرضت القوات الأمريكية لهجوم", "القافلة تعرضت لهجوم"): the subject of تعرض
            // is the victim, not the author.
            let mut victim: Option<usize> = None;
            if r.kind == TriggerKind::Noun && violent {
                let suffer = (gov_start.max(wi.saturating_sub(8))..wi)
                    .rev()
                    .find(|&i| SUFFER.contains(&strip_conj(&mt[words[i].r.clone()])));
                if let Some(ti) = suffer {
                    victim = acts
                        .iter()
                        .find(|a| a.1 > ti && a.2 < wi && a.3.is_none())
                        .or_else(|| {
                            acts.iter()
                                .rev()
                                .find(|a| a.2 < ti && a.1 >= cb && matches!(a.3.as_deref(), None | Some("و")))
                        })
                        .map(|a| a.0);
                    if victim.is_some() {
                        source = None;
                        source_after = false;
                    }
                }
                // Those killed or wounded in it are its victims ("قتل 4 جنود إثيوبيين في هجوم", "مقتل 15
                // جنديا تركيا في هجوم").
                if victim.is_none() {
                    let hurt = (gov_start..wi).rev().find(|&i| CASUALTY.contains(&strip_conj(&mt[words[i].r.clone()])));
                    if let Some(hi) = hurt {
                        // Words of time expressions between two word indexes.
                        let timed = |from: usize, to: usize| words[from..to].iter().filter(|w| in_time(w)).count();
                        // "قتل"/"قتلت" may be active ("قتلت الشرطة مسلحين"): a definite actor after it is its
                        // subject; a counted or indefinite one ("قتل 4 جنود", "قتل جندي تركي") its victim.
                        let active = matches!(strip_conj(&mt[words[hi].r.clone()]), "قتل" | "قتلت" | "قتلوا");
                        victim = acts
                            .iter()
                            .find(|a| {
                                a.1 > hi
                                    // "قتل 4 جنود", "قتل ما لا يقل عن 56 مسلحا من حركة طالبان", "وقتل اول من امس
                                    // 4 جنود" (time words do not count)
                                    && (a.1 <= hi + 4 + timed(hi + 1, a.1)
                                        || a.1 <= hi + 8 && (a.1 - 2..a.1).any(|i| &mt[words[i].r.clone()] == "من"))
                                    && a.2 < wi
                                    && !input.actors[a.0].place_like()
                                    && (!active
                                        || is_count(&mt[words[a.1 - 1].r.clone()])
                                        || !strip_conj(&mt[words[a.1].r.clone()]).starts_with("ال"))
                            })
                            .map(|a| a.0);
                        if source.is_some_and(|s| Some(s.0) == victim) {
                            source = None;
                            source_after = false;
                        }
                    }
                }
            }
            // Its author is the subject of a light verb that takes the noun back as a pronoun ("هجوم شنه
            // مسلحون", "الهجوم الذي نفذته طالبان", "هجوم انتحاري تبنته طالبان").
            if r.kind == TriggerKind::Noun && violent && !r.agentless {
                // … or with "قام ب" and the pronoun ("أعمال العنف التي قامت بها ميليشيات الحوثي").
                // The index is the word the author follows: the verb, or the pronoun after قام.
                let resumed = (wi + 1..(wi + 5).min(words.len())).find_map(|i| {
                    let x = strip_conj(&mt[words[i].r.clone()]);
                    if RESUMED_LIGHT_VERBS.contains(&x) {
                        Some(i)
                    } else {
                        (matches!(x, "قام" | "قامت" | "قاموا" | "يقوم" | "تقوم")
                            && words.get(i + 1).is_some_and(|n| matches!(&mt[n.r.clone()], "به" | "بها")))
                        .then_some(i + 1)
                    }
                });
                if let Some(li) = resumed {
                    if let Some(a) = acts.iter().find(|a| a.1 > li && a.1 <= li + 3 && a.3.is_none()) {
                        source = Some(a);
                        source_after = true;
                    }
                }
            }
            // A victim counted after a verb of violence is its object, not its subject: "قتل 13 عراقيا"
            // (was killed), "قتل خمسة جنود".
            if r.kind == TriggerKind::Verb
                && r.code.starts_with("18")
                && source_after
                && source.is_some_and(|a| a.1 > 0 && is_count(&mt[words[a.1 - 1].r.clone()]))
            {
                source = None;
                source_after = false;
            }
            // Its author as the text attributes it ("هجوم انتحاري دام نسبته الحكومة إلى التنظيم", "في تفجير
            // انتحاري نسب لتنظيم داعش"): the actor after إلى or ل that follows the attribution within six
            // words of the noun. An explosion named without its author gets one this way too.
            if r.kind == TriggerKind::Noun && violent {
                let attributed = (wi + 1..(wi + 6).min(ce)).find(|&i| {
                    let x = strip_conj(&mt[words[i].r.clone()]);
                    ATTRIBUTIONS.contains(&x) || x.starts_with("نسب") && ATTRIBUTIONS.iter().any(|a| x.starts_with(a))
                });
                if let Some(ai) = attributed {
                    if let Some(a) =
                        acts.iter().find(|a| a.1 > ai && a.1 <= ai + 4 && matches!(a.3.as_deref(), Some("الي" | "ل")))
                    {
                        source = Some(a);
                        source_after = true;
                    }
                }
            }
            // A relative clause with no subject of its own: the actor the relative pronoun follows ("محمد
            // علي المقدشي الذي وصل إلى العاصمة الأردنية عمان، امس، على رأس وفد عسكري في زيارة … للأردن"),
            // across commas but no other subordinator, with no unmarked actor between; whatever marks the
            // actor in its own clause ("مع"). Not a place ("مدينة حلب التي كانت تعد …").
            if source.is_none() && !light && !r.agentless {
                let rel = (wi.saturating_sub(25)..wi).rev().find(|&i| {
                    RELATIVES.contains(&strip_conj(&mt[words[i].r.clone()])) || words[i + 1..=wi].iter().any(|w| w.sub)
                });
                if let Some(k) = rel.filter(|&k| RELATIVES.contains(&&mt[words[k].r.clone()])) {
                    let between_free = !acts.iter().any(|a| a.1 > k && a.2 < wi && a.3.is_none());
                    if between_free {
                        source = acts.iter().find(|a| k > 0 && a.2 == k - 1 && !input.actors[a.0].place_like());
                    }
                }
            }
            // A noun with a possessive pronoun ("خلال لقائه رياض ياسين", "أعربت عن إدانتها") is its
            // possessor's act: the sentence's subject before it, else the last event's source.
            let possessive = r.kind == TriggerKind::Noun
                && (word.ends_with("ها")
                    || word.ends_with("هم")
                    || word.ends_with("هما")
                    || word.ends_with('ه') && !(input.ta_marbuta)(w.r.clone()));
            if possessive && source.is_some_and(|a| a.1 > wi) {
                source = None;
                source_after = false;
            }
            if possessive && source.is_none() {
                // (one of a known country: "كمال كليتشدار أوغلو زعيم حزب الشعب الجمهوري، وهو أبرز حزب معارض،
                // استعداده …" is the party leader's readiness, not the unnamed opposition's)
                source = acts.iter().rev().find(|a| {
                    a.2 < wi && a.3.is_none() && !input.actors[a.0].place_like() && !input.actors[a.0].code.is_empty()
                });
            }
            // A subject named by a role or a force with a possessive pronoun, right after a relative clause's
            // verb or, for violence, right before the verb ("والنيجر التي حذر رئيسها فرنسا", "أعلن
            // الجيش الأردني أن طائراته قصفت"), is the one the pronoun refers to: the noun before the relative
            // pronoun, else the last actor named before it in the sentence.
            if r.kind == TriggerKind::Verb && !r.agentless {
                let possessed = |i: usize| {
                    let x = strip_conj(&mt[words[i].r.clone()]);
                    POSSESSED_SUBJECTS.iter().any(|f| x.strip_prefix(f).is_some_and(|p| matches!(p, "ه" | "ها" | "هم")))
                };
                // (After the verb only in a relative clause, where the pronoun takes the noun before it back:
                // elsewhere a verb with its subject dropped may have it as object, "وقابل زعيمها".)
                let in_relative = (wi.saturating_sub(2)..wi).any(&relative);
                let at = if in_relative && wi + 1 < words.len() && !words[wi + 1].boundary && possessed(wi + 1) {
                    Some(wi + 1)
                } else if violent && source.is_none() && wi > 0 && !words[wi].boundary && possessed(wi - 1) {
                    Some(wi - 1)
                } else {
                    None
                };
                // (A name right after the role is the subject itself: "حذر رئيسها محمد بخاري الولايات المتحدة".)
                let named = |at: usize| acts.iter().any(|a| a.1 == at + 1 && input.actors[a.0].person);
                if let Some(at) = at.filter(|&at| source.is_none_or(|s| s.1 > wi) && !named(at)) {
                    let first = at.min(wi);
                    let antecedent = match (first.saturating_sub(2)..first).rev().find(|&i| relative(i)) {
                        Some(ri) => {
                            acts.iter().rfind(|a| a.2 < ri && a.2 + 2 >= ri && !input.actors[a.0].code.is_empty())
                        }
                        None => acts
                            .iter()
                            .rfind(|a| a.2 < first && !input.actors[a.0].place && !input.actors[a.0].code.is_empty()),
                    };
                    if let Some(a) = antecedent {
                        source = Some(a);
                        source_after = false;
                    }
                }
            }
            // Pro-drop: a verb opening its clause with no subject continues the last event's source, in this
            // sentence or the one before.
            let mut carried: Option<usize> = None;
            if source.is_none()
                && !r.agentless
                && (r.kind == TriggerKind::Verb && (opens || wi <= cb + 1) || possessive)
            {
                carried = out.iter().rev().find(|e| e.sentence + 1 >= si && e.source.is_some()).and_then(|e| e.source);
                // Else the subject of the sentence's opening verb ("وقامت ميليشيات الحوثي بملاحقة الضباط …،
                // واعتقلت بعضهم").
                if carried.is_none() && opens {
                    carried = acts
                        .iter()
                        .find(|a| a.1 <= 3 && a.2 < cb && a.3.is_none() && !input.actors[a.0].place_like())
                        // not across a subordinate clause, which may have a subject of its own ("طلبت تركيا
                        // الاجتماع … مضيفا أن الدول الأعضاء … وتتضامن مع تركيا")
                        .filter(|a| !words[a.2 + 1..wi].iter().any(|w| w.sub))
                        .map(|a| a.0);
                }
                // Else the subject of the clause before, opened by its own verb with و ("ورفضوا …، وقامت
                // ميليشيات الحوثي بملاحقة الضباط، واعتقلت بعضهم"): the nearest actor right after such a verb,
                // with no subordinate clause between.
                if carried.is_none() && opens {
                    carried = acts
                        .iter()
                        .rev()
                        .filter(|a| a.2 < cb && a.1 >= 1 && a.3.is_none() && !input.actors[a.0].place_like())
                        .find(|a| joined_verb(a.1 - 1))
                        .filter(|a| !words[a.2 + 1..wi].iter().any(|w| w.sub))
                        .map(|a| a.0);
                }
            }
            // "اتفق الجانبان", "بحث البلدان": the two sides are the last two countries named before, each
            // acting with the other.
            let mut pair: Option<(usize, usize)> = None;
            let both = |i: usize| words.get(i).is_some_and(|w| BOTH_SIDES.contains(&strip_conj(&mt[w.r.clone()])));
            // Right after the verb they are its subject, whoever was named before ("بناء على توجيه خادم
            // الحرمين … فقد اتفق الجانبان").
            if (source.is_none() || r.kind == TriggerKind::Verb && both(wi + 1)) && !r.agentless {
                let dual = (wi.saturating_sub(2)..(wi + 3).min(words.len())).any(|i| i != wi && both(i));
                if dual {
                    let start = words[wi].r.start;
                    let mut before_it: Vec<usize> = (0..input.actors.len())
                        .filter(|&i| {
                            let c = &input.actors[i].code;
                            input.actors[i].span.end <= start
                                && !c.is_empty()
                                && !matches!(c.as_str(), "IGO" | "NGO" | "IMG")
                        })
                        .collect();
                    before_it.sort_by_key(|&i| std::cmp::Reverse(input.actors[i].span.start));
                    let mut sides: Vec<usize> = Vec::new();
                    for i in before_it {
                        if sides.iter().all(|&j| input.actors[j].code != input.actors[i].code) {
                            sides.push(i);
                        }
                        if sides.len() == 2 {
                            break;
                        }
                    }
                    if let [b, a] = sides[..] {
                        pair = Some((a, b));
                    }
                }
            }
            let carried = if pair.is_some() { None } else { carried };
            let source_idx = pair.map(|p| p.0).or(source.map(|a| a.0)).or(carried);

            let known = |i: &usize| !input.actors[*i].code.is_empty();
            // Target.
            let mut target: Option<usize> = None;
            // A mention right after another of the same country is its apposition ("هادي رئيس اليمن",
            // "والباكستاني نواز شريف"), not the other side of the event.
            let apposition = |a: Option<usize>, b: usize| -> bool {
                let Some(a) = a else { return false };
                let (x, y) = (&input.actors[a], &input.actors[b]);
                let (x, y) = if x.span.start <= y.span.start { (x, y) } else { (y, x) };
                x.code == y.code
                    && (x.person || x.agent.is_none())
                    && mt.get(x.span.end..y.span.start).is_some_and(|g| g.trim_matches([' ', '،', ',']).is_empty())
            };
            let after_source: Vec<&&(usize, usize, usize, Option<String>)> = after
                .iter()
                .filter(|a| !source_after || source.is_some_and(|s| a.1 > s.2))
                .filter(|a| Some(a.0) != source_idx)
                .filter(|a| !apposition(source_idx, a.0))
                .collect();
            for m in &r.targets {
                let found = match m {
                    Marker::Obj => {
                        // A noun's object is its genitive or the next noun phrase, close after it or after
                        // its source ("لقاء الرئيس المصري ملك الأردن"), not a name at the end of a long
                        // clause ("اجتماع في كندا … بتقديم حزمة مساعدات … لمكافحة التنظيم").
                        let near = match (r.kind, source) {
                            (TriggerKind::Noun, Some(s)) if source_after => s.2.max(wi) + 8,
                            (TriggerKind::Noun, _) => wi + 8,
                            _ => usize::MAX,
                        };
                        let end = obj_end().min(near);
                        after_source.iter().find(|a| unmarked(a) && a.1 < end).map(|a| a.0)
                    }
                    Marker::Prep(pr) => {
                        let others = || after.iter().filter(|a| Some(a.0) != source_idx && known(&a.0));
                        // The actor right after the preposition, else the first of a known country inside
                        // its phrase ("ضد ثلاثة من القادة العسكريين لحزب الله", "مع دبلوماسيين من
                        // الولايات المتحدة").
                        others().find(|a| a.3.as_deref() == Some(pr.as_str())).map(|a| a.0).or_else(|| {
                            // ل and ب are written on the next word ("لأسر الشهداء ولشعب وحكومة السعودية"): then
                            // the actor must follow closely, unmarked or coordinated.
                            let attached = |i: usize| {
                                let bare = strip_conj(&mt[words[i].r.clone()]);
                                matches!(pr.as_str(), "ل" | "ب")
                                    && bare.strip_prefix(pr.as_str()).is_some_and(|r| r.chars().count() >= 3)
                                    && !GLUED_LOOKALIKES.contains(&bare)
                            };
                            // (Not a name that begins with the letter: "وعبدالعزيز باوارث".)
                            let named = |i: usize| acts.iter().any(|a| a.1 <= i && i <= a.2);
                            let at = (wi + 1..ce).find(|&i| {
                                let x = &mt[words[i].r.clone()];
                                x == pr || strip_conj(x) == pr || attached(i) && !named(i)
                            })?;
                            let glued = attached(at);
                            // Another country's actor first ("الشكوى من التوجه المعادي لإيران للدبلوماسية
                            // الأذرية"), else the source's own ("وجه أصابع الاتهام إلى قادة في القوات العراقية").
                            let own = source_idx.map(|i| input.actors[i].code.as_str());
                            let inside = || {
                                others().filter(|a| {
                                    a.1 > at
                                        && a.1 <= at + 6
                                        && if glued {
                                            a.1 <= at + 3 && matches!(a.3.as_deref(), None | Some("و"))
                                        } else {
                                            matches!(a.3.as_deref(), None | Some("ل" | "من" | "في"))
                                        }
                                })
                            };
                            inside()
                                .find(|a| Some(input.actors[a.0].code.as_str()) != own)
                                .or_else(|| inside().next())
                                .map(|a| a.0)
                        })
                    }
                    Marker::Place => after.iter().find(|a| a.3.as_deref() == Some("في")).map(|a| a.0),
                    Marker::Gen => after_source.iter().find(|a| unmarked(a) && a.1 <= wi + 4).map(|a| a.0),
                };
                // Violence against people of no known country ("مواقع متشددين") hits a place a later marker
                // finds ("في مدينة درنة"); they stand if none does.
                if violent && found.is_some_and(|i| !known(&i)) {
                    target = target.or(found);
                    continue;
                }
                if found.is_some() {
                    target = found;
                    break;
                }
            }
            // "بين X وY": the second is the target.
            if let Some(s) = source.filter(|s| s.3.as_deref() == Some("بين")) {
                target = acts.iter().find(|a| a.1 > s.2 && a.1 <= s.2 + 2 && a.3.as_deref() == Some("و")).map(|a| a.0);
            }
            if target.is_none() && victim.is_some() {
                target = victim;
            }
            if target.is_none() && pronoun_patient != source_idx {
                target = pronoun_patient;
            }
            if let Some((_, b)) = pair.filter(|_| target.is_none()) {
                target = Some(b);
            }
            // "Any attack" is none in particular ("تحسبا لأي ضربة جوية").
            if r.kind == TriggerKind::Noun
                && wi > 0
                && matches!(strip_conj(&mt[words[wi - 1].r.clone()]), "اي" | "لاي" | "باي" | "ايه" | "لايه" | "بايه")
            {
                continue;
            }
            // Violence with no named victim hits the people of the place where it happened ("انفجار سيارة
            // مفخخة وسط بغداد" → IRQ), as event datasets code unattributed attacks: a place after the trigger
            // in its clause, else one after في before it ("وفي كركوك، قتل جندي في هجوم").
            // Only where the rule allows an unnamed target (opt, nosource), or where the act named by a noun
            // killed or wounded ("ثمانية أشخاص قتلوا جراء ضربة جوية أميركية" in Tikrit: USA → IRQ).
            let casualties = || {
                r.kind == TriggerKind::Noun
                    && (gov_start..(wi + 12).min(words.len()))
                        .any(|i| i != wi && CASUALTY.contains(&strip_conj(&mt[words[i].r.clone()])))
            };
            if target.is_none()
                && violent
                && (r.otherwise == Otherwise::NoTarget
                    || r.agentless
                    || casualties()
                    || r.otherwise == Otherwise::Own && source.is_none_or(|s| input.actors[s.0].code.is_empty()))
            {
                let placed = |a: &&&(usize, usize, usize, Option<String>)| {
                    let x = &input.actors[a.0];
                    !x.code.is_empty()
                        && x.agent.is_none()
                        && (x.place || a.3.as_deref() == Some("في"))
                        && source.is_none_or(|s| s.0 != a.0)
                };
                target = after.iter().find(placed).map(|a| a.0).or_else(|| {
                    acts.iter().filter(|a| a.2 < wi && a.3.as_deref() == Some("في")).rfind(|a| placed(&a)).map(|a| a.0)
                });
            }
            // Protests with no named protesters (or protesters of no known country: "المتظاهرون") are the
            // place's people ("مظاهرات في تونس").
            // Someone acts, even if of no known country ("احتشد متظاهرون").
            let named = source_idx.is_some();
            // An armed group, militia, settlers or criminals, of a known country or not ("مسلحون"): their
            // attacks and shootings are unconventional violence (CAMEO 18), told even when no country is
            // known for them, like a bombing's.
            let irregular = source_idx.is_some_and(|i| {
                let a = &input.actors[i];
                a.code == "IMG" || matches!(a.agent.as_deref(), Some("REB" | "CVL" | "CRM" | "OPP"))
            }) && (r.id.starts_with("attack.") || r.id.starts_with("fire."));
            let mut source_idx = source_idx.filter(|i| !input.actors[*i].code.is_empty());
            if source_idx.is_none() && r.code.starts_with("14") {
                let in_place = |a: &&(usize, usize, usize, Option<String>)| {
                    a.3.as_deref() == Some("في") && !input.actors[a.0].code.is_empty()
                };
                // In the clause, else set off before it ("وفي الخرطوم، خرجت امس مظاهرة").
                source_idx = acts
                    .iter()
                    .filter(in_place)
                    .find(|a| a.1 >= cb && a.1 < ce)
                    .or_else(|| acts.iter().filter(in_place).rfind(|a| a.2 < cb))
                    .or_else(|| {
                        // A place after the trigger in its clause, however marked ("سلسلة بشرية على مشارف مطار
                        // يريفان").
                        acts.iter().find(|a| {
                            a.1 > wi && a.1 < ce && input.actors[a.0].place && !input.actors[a.0].code.is_empty()
                        })
                    })
                    .map(|a| a.0);
            }
            // An event needs its source — except unconventional violence, whose authors are often unknown —
            // and its target, when the rule says how the target is marked.
            // An actor with no country ("مسلحون") holds its place in the sentence but codes as unknown.
            let target = target.filter(known);
            // Coordination: "إسرائيل وتركمانستان" — each conjunct gets the event.
            let conj = |x: Option<usize>| -> Vec<usize> {
                let Some(a) = x.and_then(|x| acts.iter().find(|a| a.0 == x)) else { return Vec::new() };
                let mut v = Vec::new();
                let mut last = a.2;
                let mut code = &input.actors[a.0].code;
                for b in acts.iter().filter(|b| b.1 > a.2) {
                    if b.1 <= last + 2 && b.3.as_deref() == Some("و") && b.1 < ce {
                        v.push(b.0);
                        last = b.2;
                        code = &input.actors[b.0].code;
                    } else if b.1 == last + 1 && b.3.is_none() && input.actors[b.0].code == *code {
                        // The name after its role phrase ("نظيريه الأميركي كيري والسعودي الجبير").
                        last = b.2;
                    } else {
                        break;
                    }
                }
                v.retain(|&b| known(&b));
                v
            };
            let mut extra_sources = if source.is_some_and(|s| s.3.as_deref() == Some("بين")) || carried.is_some() {
                Vec::new()
            } else {
                conj(source.map(|a| a.0))
            };
            // A joint act with no one named after it ("بدأت الولايات المتحدة وأوكرانيا مناورات"): the first
            // conjunct acts with the others.
            let mut target = target;
            // (Not two bodies of one country: "القوات الجوية الملكية السعودية وطيران القوات البرية" exercise
            // together, but that is no dyad.)
            let foreign = extra_sources
                .iter()
                .position(|&x| source_idx.is_none_or(|s| input.actors[s].code != input.actors[x].code));
            if target.is_none() && r.targets.contains(&Marker::Prep("مع".into())) {
                if let Some(i) = foreign {
                    target = Some(extra_sources.remove(i));
                }
            }
            // A protest is told by its trigger alone: protesters with no named country and no target
            // still protested.
            let protest = r.code.starts_with("14");
            // Violence suffered by a named victim is told even when its author is unknown.
            if !source_idx.is_some_and(|i| known(&i))
                && !r.code.starts_with("18")
                && !irregular
                && !r.told
                && !protest
                && !victim.is_some_and(|v| target == Some(v) && known(&v))
                || target.is_none() && !r.targets.is_empty() && !protest && r.otherwise == Otherwise::Skip
            {
                continue;
            }
            let source_idx = source_idx.filter(known);
            // A protest with no named target is against the protesters' own government (CAMEO's domestic
            // coding: IRQ → IRQ); so is coercion of people of no named country ("الشرطة أوقفت 251 شخصًا").
            let own = protest || r.otherwise == Otherwise::Own;
            let target = if own && target.is_none() { source_idx } else { target };
            // A protest needs someone: protesters or a place. An explosion is told by its trigger ("انفجرت
            // سيارة مفخخة"): it is kept with both sides unknown rather than guessed.
            // Any other event needs a known side: "someone killed someone" is no dyad (GDELT's rule too).
            if !(r.agentless || r.told || protest && named) && source_idx.is_none() && target.is_none() {
                continue;
            }
            // An act that crosses a border needs two countries ("وصل أربعة من الوزراء إلى عدن", said of
            // Yemeni ministers: they are at home, not on a visit).
            let country = |i: usize| Some(input.actors[i].code.as_str()).filter(|c| !c.is_empty());
            if r.abroad && source_idx.and_then(country).is_some_and(|c| target.and_then(country) == Some(c)) {
                continue;
            }
            consumed.extend(with_at);
            let mut modality = modality_of(mt, &words, wi, cb, tense);
            // A noun's verb carries the negation ("لم تتعرض أستراليا لأي هجوم").
            if r.kind == TriggerKind::Noun
                && modality != Modality::Negated
                && (cb.max(wi.saturating_sub(4))..wi)
                    .any(|i| matches!(&mt[words[i].r.clone()], "لم" | "لن" | "ليس" | "ليست" | "ولم" | "ولن"))
            {
                modality = Modality::Negated;
            }
            // A person who "attacks" or "launches an attack on" someone, by name and alone, attacks in words
            // ("شن أسامة النجيفي هجوما على حكومة العبادي", "هاجم وزير خارجية الفلبين سياسة الصين"): that is
            // criticism (CAMEO 111), not force.
            // (Not one who kills or wounds, nor a fighter: "في هجوم شنه طالب تونسي مسلح" killed 38.)
            let fighter = |i: usize| {
                matches!(input.actors[i].agent.as_deref(), Some("MIL" | "REB" | "UAF" | "IMG" | "COP" | "SPY" | "CRM"))
            };
            let verbal = r.id.starts_with("attack.")
                && source_idx.is_some_and(|i| input.actors[i].person && !fighter(i))
                && !(0..words.len()).any(|i| {
                    let x = strip_conj(&mt[words[i].r.clone()]);
                    let stem = x.strip_prefix("ال").unwrap_or(x);
                    CASUALTY.contains(&x)
                        || stem == "قوي"
                        || ["مسلح", "قوات", "جيش", "مروحي", "طائر", "صاروخ", "قذائف"]
                            .iter()
                            .any(|f| stem.starts_with(f))
                });
            let code = match modality {
                _ if verbal => "111".to_string(),
                Modality::Future => intent_code(&r.code),
                _ => r.code.clone(),
            };
            // Police and soldiers do not protest: their closing of roads restricts movement (CAMEO 191).
            let security = |i: usize| matches!(input.actors[i].agent.as_deref(), Some("COP" | "MIL" | "SPY"));
            // A state "in protest" (احتجاجا) recalls an ambassador or leaves a meeting: the act it does is the
            // event, not a demonstration ("استدعاء السفير البحريني من إيران للتشاور احتجاجا على …").
            let state = |i: usize| {
                let a = &input.actors[i];
                matches!(a.agent.as_deref(), Some("GOV" | "MIL" | "COP" | "SPY" | "IGO" | "JUD" | "LEG")) && !a.place
            };
            if r.kind == TriggerKind::Noun && strip_conj(word).ends_with("اجا") && source_idx.is_some_and(state) {
                continue;
            }
            let code = if code.starts_with("14") && source_idx.is_some_and(security) {
                if code == "144" {
                    "191".to_string()
                } else {
                    continue;
                }
            } else {
                code
            };
            // An attack by an armed group, militia, settlers or criminals is not conventional military force
            // (CAMEO 19) but unconventional violence (18): "هاجم مستوطنون منزلين", "هجوم لبوكو حرام".
            let code = if code == "190" && irregular { "180".to_string() } else { code };
            let time = time_of(input, &words, s, cb, ce);
            let place = acts
                .iter()
                .find(|a| a.1 >= cb && a.1 < ce && a.3.as_deref() == Some("في") && input.actors[a.0].place)
                .map(|a| a.0);
            let base = FoundEvent {
                rule: rule as usize,
                code,
                source: source_idx,
                target,
                trigger: w.r.clone(),
                sentence: si,
                modality,
                time,
                place,
            };
            let extra_targets = conj(target);
            let mut evs = vec![base.clone()];
            for s2 in &extra_sources {
                evs.push(FoundEvent { source: Some(*s2), ..base.clone() });
            }
            for t2 in &extra_targets {
                evs.push(FoundEvent { target: Some(*t2), ..base.clone() });
            }
            // Both sides act with each other.
            if let Some((a, b)) = pair.filter(|&(a, b)| base.source == Some(a) && base.target == Some(b)) {
                evs.push(FoundEvent { source: Some(b), target: Some(a), ..base.clone() });
            }
            // Fighting is mutual.
            if r.code.starts_with("19")
                && base.source.is_some()
                && base.target.is_some()
                && source.is_some_and(|s| s.3.as_deref() == Some("بين"))
            {
                evs.push(FoundEvent { source: base.target, target: base.source, ..base.clone() });
            }
            evs.retain(|e| !e.target.is_some_and(|t| apposition(e.source, t)));
            out.extend(evs);
        }
    }
    out
}

impl Actor {
    /// A place (not a government standing for its country) is not a subject.
    fn place_like(&self) -> bool {
        self.place && self.agent.is_none()
    }
}

/// The words of a sentence, with clause boundaries.
fn words_of(mt: &str, s: Range<usize>) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut boundary = true;
    let mut start: Option<usize> = None;
    let text = &mt[s.clone()];
    for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
        let letter = is_arabic_letter(c) || c.is_alphanumeric();
        match (letter, start) {
            (true, None) => start = Some(i),
            (false, Some(b)) => {
                let r = s.start + b..s.start + i;
                let w = &mt[r.clone()];
                let sub = SUBORDINATORS.contains(&w) || SUBORDINATORS.contains(&strip_conj(w));
                out.push(Word { r, boundary: boundary || sub, sub });
                boundary = false;
                start = None;
            }
            _ => {}
        }
        // Quotation marks are not clause boundaries: they mostly wrap names («داعش», "أنصار الله"), and
        // quoted speech opens with a subordinator or a colon anyway.
        if !letter && matches!(c, '،' | ',' | '؛' | ';' | ':' | '(' | ')' | '\n') {
            boundary = true;
        }
    }
    out
}

/// The preposition or conjunction before an actor whose span starts at `start` inside word `first`: an
/// attached ب ل ك (or و), else the word before when it is a preposition or "و".
fn marker(mt: &str, words: &[Word], first: usize, start: usize) -> Option<String> {
    let w = &words[first];
    let prefix = &mt[w.r.start..start.max(w.r.start).min(w.r.end)];
    if !prefix.is_empty() {
        let p = prefix.strip_suffix("ال").unwrap_or(prefix);
        if let Some(c) = p.chars().last() {
            return match c {
                'ب' | 'ل' | 'ك' => Some(c.to_string()),
                'و' | 'ف' => Some("و".to_string()),
                _ => None,
            };
        }
    }
    let prev = first.checked_sub(1).map(|i| &mt[words[i].r.clone()])?;
    if words[first].boundary {
        return None;
    }
    if PREPOSITIONS.contains(&prev) || PREPOSITIONS.contains(&strip_conj(prev)) {
        return Some(strip_conj(prev).to_string());
    }
    if prev == "و" {
        return Some("و".to_string());
    }
    if TIME_PREPOSITIONS.contains(&strip_conj(prev)) {
        return Some(strip_conj(prev).to_string());
    }
    // A definite noun with an attached preposition before a nisba or name: "بالغارات التركية",
    // "للقوات الأردنية" — the actor is inside that phrase.
    let bare = strip_conj(prev);
    if let Some(c) = ['ب', 'ل']
        .into_iter()
        .find(|&c| bare.strip_prefix(c).is_some_and(|r| r.starts_with("ال") || c == 'ل' && r.starts_with('ل')))
    {
        return Some(c.to_string());
    }
    // One noun between the preposition and the actor: "على حدود أوكرانيا", "إلى مدينة حلب".
    let prev2 = first.checked_sub(2).map(|i| &mt[words[i].r.clone()])?;
    if words[first - 1].boundary || prev.starts_with('و') {
        return None;
    }
    if PREPOSITIONS.contains(&prev2) || PREPOSITIONS.contains(&strip_conj(prev2)) {
        return Some(strip_conj(prev2).to_string());
    }
    // A number before that noun: "على 18 طالبا سودانيا".
    if !prev2.chars().all(|c| c.is_ascii_digit()) || words[first - 2].boundary {
        return None;
    }
    let prev3 = first.checked_sub(3).map(|i| &mt[words[i].r.clone()])?;
    (PREPOSITIONS.contains(&prev3) || PREPOSITIONS.contains(&strip_conj(prev3))).then(|| strip_conj(prev3).to_string())
}

/// Does the multi-word form's rest follow word `wi` directly?
fn follows(mt: &str, words: &[Word], wi: usize, rest: &[String]) -> bool {
    rest.iter().enumerate().all(|(k, r)| words.get(wi + 1 + k).is_some_and(|w| &mt[w.r.clone()] == r))
}

/// Does one of `with` follow within four words (with attached clitics allowed)?
fn with_follows(mt: &str, words: &[Word], wi: usize, with: &[String]) -> bool {
    words.iter().skip(wi + 1).take(6).any(|w| is_with(&mt[w.r.clone()], with))
}

/// Does one of `with` come within four words before (an agentless verb's subject in SVO order: "سيارة
/// مفخخة انفجرت")?
fn with_precedes(mt: &str, words: &[Word], wi: usize, with: &[String]) -> bool {
    words[wi.saturating_sub(4)..wi].iter().any(|w| is_with(&mt[w.r.clone()], with))
}

/// The word without a preposition ب or ل written on it, when three letters or more remain ("بمنع" → "منع",
/// "لوقف" → "وقف"; "بعد" stays).
fn without_glued(w: &str) -> &str {
    w.strip_prefix(['ب', 'ل']).filter(|r| r.chars().count() >= 3).unwrap_or(w)
}

/// Is the word one of `with`, allowing و ف ب before it and a pronoun after ("سفارتها")?
fn is_with(t: &str, with: &[String]) -> bool {
    let bare = strip_conj(t);
    let bare = bare.strip_prefix('ب').filter(|r| r.chars().count() >= 3).unwrap_or(bare);
    with.iter().any(|x| t == x || bare == x)
}

fn modality_of(mt: &str, words: &[Word], wi: usize, cb: usize, tense: Tense) -> Modality {
    let w = |i: usize| &mt[words[i].r.clone()];
    let near = |n: usize| (wi.saturating_sub(n)..wi).map(w);
    if near(2).any(|x| NEGATIONS.contains(&x)) {
        return Modality::Negated;
    }
    if tense == Tense::Future || near(4).any(|x| FUTURE_CUES.contains(&x) || FUTURE_CUES.contains(&strip_conj(x))) {
        return Modality::Future;
    }
    let occasion = wi > 0 && {
        let p = strip_conj(w(wi - 1));
        PREPOSITIONS.contains(&p) || TIME_PREPOSITIONS.contains(&p) || w(wi).starts_with(['ب', 'ل'])
    };
    if !occasion && (cb.max(wi.saturating_sub(6))..wi).map(w).any(|x| DELIBERATION.contains(&strip_conj(x))) {
        return Modality::Future;
    }
    // Called for, not done ("دعا بعض منظمي المظاهرات الأهالي إلى تنظيم مظاهرة أخرى", "طالبوا بتسيير مسيرات"):
    // a verb of appeal, then its complement (إلى، على، ب) before the act.
    // (The verb may carry its addressee as a pronoun: "ويحثهم على الاعتصام".)
    let call = |x: &str| {
        let x = strip_conj(x);
        CALLS.contains(&x) || OBJECT_PRONOUNS.iter().any(|p| x.strip_suffix(p).is_some_and(|v| CALLS.contains(&v)))
    };
    // Purpose ("كي يقوم بهجمات على القوات الأميركية", not "بان كي مون"), a plan made for the act ("خطط التنظيم لهجمات")
    // and a threat of it ("رسالة تهديدات بشن تفجيرات", "هددت باعتقال والدته"): the act is not done (a threat of
    // force codes 138). A plan or threat needs its complement, ل or ب, on the act or right before it.
    let complement_on = |i: usize, p: char| {
        ((i + 1).max(wi.saturating_sub(2))..=wi).any(|j| {
            let x = strip_conj(w(j));
            // ("بشن", not "بها", "بعد", "بين")
            x.starts_with(p)
                && x.chars().count() >= 3
                && !GLUED_LOOKALIKES.contains(&x)
                && !PREPOSITIONS.contains(&x)
                && !TIME_PREPOSITIONS.contains(&x)
                && !OBJECT_PRONOUNS.iter().any(|o| x[p.len_utf8()..] == **o)
        })
    };
    let intended = (wi.saturating_sub(4)..wi).any(|i| {
        let x = strip_conj(w(i));
        matches!(x, "كي" | "لكي") && (i == 0 || w(i - 1) != "بان")
            || PLANS.iter().any(|p| x.starts_with(p)) && complement_on(i, 'ل')
            || THREATS.iter().any(|t| x.starts_with(t)) && complement_on(i, 'ب')
    });
    if intended {
        return Modality::Future;
    }
    if let Some(ci) = (wi.saturating_sub(8)..wi).find(|&i| call(w(i))) {
        // (إلى or على within four words before the act: "إلى تنظيم مظاهرة", "إلى تقديم المساعدة الإغاثية
        // والدعم"; ب or ل written on a verbal noun that is the act or right before it: "بتوقيف سليمان الأسد",
        // "لفرض عقوبات" — not "طالبت بتفسير لما حدث بشأن طرد …", where the expulsion happened, nor
        // "بإطلاق سراح 9 لبنانيين كان احتجزهم مسلحون", where the detention did)
        let from = (ci + 1).max(wi.saturating_sub(4));
        let complement = (from..=wi).any(|j| {
            let x = strip_conj(w(j));
            matches!(x, "الي" | "علي") && j < wi
                || tense == Tense::Noun
                    && j + 1 >= wi
                    && x.starts_with(['ب', 'ل'])
                    && x.chars().count() >= 4
                    && !GLUED_LOOKALIKES.contains(&x)
        });
        let stop = (ci + 1..wi)
            .any(|j| matches!(without_glued(strip_conj(w(j))), "وقف" | "ايقاف" | "انهاء" | "منع" | "الوقف" | "الانهاء"));
        if complement && !stop {
            return Modality::Future;
        }
    }
    if (cb..wi).map(w).any(|x| CONDITIONS.contains(&x) || CONDITIONS.contains(&strip_conj(x))) {
        return Modality::Hypothetical;
    }
    // Feared, not told ("مخاوف من أن يحاول مهاجم انتحاري خطف طائرة"), across the clause boundary.
    if near(6).any(|x| FEARS.contains(&strip_conj(x))) {
        return Modality::Hypothetical;
    }
    if (0..words.len()).map(w).any(|x| REPORT_CUES.contains(&x) || REPORT_CUES.contains(&strip_conj(x))) {
        return Modality::Reported;
    }
    Modality::Asserted
}

/// The intent code for an act told in the future (CAMEO: intentions are coded as 03x, threats of force
/// as 138).
pub fn intent_code(code: &str) -> String {
    let root = &code[..2.min(code.len())];
    match root {
        "04" => "036",
        "05" => "032",
        "06" => "031",
        "07" => "033",
        "08" => "035",
        // A protest planned or called for is a threat of dissent.
        "14" => "133",
        // Sanctions and other non-force penalties threatened; repression threatened; force threatened.
        "16" if code == "163" => "1312",
        "16" => "131",
        "17" => "137",
        "15" | "18" | "19" | "20" => "138",
        _ => code,
    }
    .to_string()
}

/// The time expression of the clause, else of the sentence (the nearest to the trigger).
fn time_of(input: &EventInput<'_>, words: &[Word], s: &Range<usize>, cb: usize, ce: usize) -> Option<usize> {
    let clause = words.get(cb).map_or(s.start, |w| w.r.start)..words.get(ce).map_or(s.end, |w| w.r.start);
    let inside = |r: &Range<usize>, t: &TimeRef| r.start <= t.span.start && t.span.end <= r.end && t.value.is_some();
    input.times.iter().position(|t| inside(&clause, t)).or_else(|| input.times.iter().position(|t| inside(s, t)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_forms_of_sound_and_defective_verbs() {
        let f: Vec<String> = verb_forms("التقى", "يلتقي").into_iter().map(|(f, _)| f).collect();
        for want in ["التقى", "التقت", "التقوا", "يلتقي", "تلتقي", "يلتقون", "سيلتقي", "ستلتقي", "يلتق"]
        {
            assert!(f.contains(&want.to_string()), "help: {want} not in {f:?}");
        }
        let f: Vec<String> = verb_forms("زار", "يزور").into_iter().map(|(f, _)| f).collect();
        for want in ["زار", "زارت", "زاروا", "يزور", "تزور", "يزورون", "سيزور"] {
            assert!(f.contains(&want.to_string()), "help: {want} not in {f:?}");
        }
        let f: Vec<String> = verb_forms("دعا", "يدعو").into_iter().map(|(f, _)| f).collect();
        for want in ["دعا", "دعت", "دعوا", "يدعو", "تدعو", "يدعون"] {
            assert!(f.contains(&want.to_string()), "help: {want} not in {f:?}");
        }
    }

    #[test]
    fn bang_words_in_with_are_forbidden_not_required() {
        let tsv =
            "occupy.v\t192\tverb\tاحتل/يحتل\t!المركز|!المرتبة\tobj,على\tseized|seize\tواحتلت روسيا القرم => RUS UKR\n";
        let p = Patterns::parse("test.tsv", tsv).unwrap();
        let r = &p.rules()[0];
        assert!(r.with.is_empty(), "{:?}", r.with);
        assert_eq!(r.without, vec![match_key("المركز"), match_key("المرتبة")]);
    }

    #[test]
    fn embedded_patterns_and_codes_load_and_agree() {
        let p = Patterns::embedded().unwrap();
        let c = Codebook::embedded().unwrap();
        assert!(p.rules().len() >= 40);
        for r in p.rules() {
            assert!(c.get(&r.code).is_some(), "help: rule {} has code {} not in cameo.tsv", r.id, r.code);
            assert!(c.get(&intent_code(&r.code)).is_some());
        }
        // Every CAMEO root from 02 to 19 has at least one rule.
        for root in 2..=19 {
            let root = format!("{root:02}");
            assert!(p.rules().iter().any(|r| r.code.starts_with(&root)), "help: no rule for root {root}");
        }
    }

    #[test]
    fn lookup_strips_clitics_and_pronouns() {
        let p = Patterns::embedded().unwrap();
        let id = |w: &str| {
            p.lookup(&match_key(w)).iter().map(|(r, t, _)| (p.rules()[*r as usize].id.clone(), *t)).collect::<Vec<_>>()
        };
        assert!(id("وهنأ").iter().any(|(r, _)| r == "praise.v"), "{:?}", id("وهنأ"));
        assert!(id("هنأه").iter().any(|(r, _)| r == "praise.v"));
        assert!(id("وسيلتقي").iter().any(|(r, t)| r == "meet.v" && *t == Tense::Future));
        assert!(id("بزيارة").iter().any(|(r, _)| r == "visit.n"));
        assert!(id("للقاء").iter().any(|(r, _)| r == "meeting.n"));
        assert!(id("بالتقى").is_empty(), "verbs do not take ب");
    }

    #[test]
    fn modality_and_intent() {
        assert_eq!(intent_code("042"), "036");
        assert_eq!(intent_code("195"), "138");
        assert_eq!(intent_code("141"), "133");
        assert_eq!(intent_code("111"), "111");
    }
}
