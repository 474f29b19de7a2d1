//! From the event stage's finds to the document's events: actors from entities and role phrases, dates
//! and places, codes and scores, merging of the same event told twice, and an English summary.

use std::ops::Range;

use hadath_events::{find_events, Actor, Codebook, EventInput, FoundEvent, Modality, Patterns, TimeRef};
use hadath_lexicon::gazetteer::{GazKind, Gazetteer};
use hadath_text::normalize::MatchForm;

use crate::entities::{word_before, EntityFound, RoleActor};
use crate::model::{Entity, Event, EventActor, EventLocation, Evidence, Span, TimeExpr};

/// What the event stage needs from the rest of the document.
pub struct EventContext<'a> {
    /// Original text.
    pub text: &'a str,
    /// Its match form.
    pub mf: &'a MatchForm,
    /// The gazetteer (country names in English, IGO/IMG codes).
    pub gazetteer: &'a Gazetteer,
    /// Event patterns.
    pub patterns: &'a Patterns,
    /// CAMEO codebook.
    pub codebook: &'a Codebook,
    /// Sentences (original bytes).
    pub sentences: &'a [Range<usize>],
    /// Entities as found (original bytes).
    pub found: &'a [EntityFound],
    /// The same entities as output.
    pub entities: &'a [Entity],
    /// Role phrases with a country and no name.
    pub roles: &'a [RoleActor],
    /// Time expressions as output.
    pub times: &'a [TimeExpr],
    /// Their byte spans in the original.
    pub time_spans: &'a [Range<usize>],
    /// Publication date (YYYY-MM-DD), if known.
    pub published: Option<&'a str>,
    /// Byte range → code point span.
    pub span: &'a dyn Fn(&Range<usize>) -> Span,
}

/// The actor code of an entity: its country, else IGO / NGO / IMG for international bodies and groups.
fn actor_code(g: &Gazetteer, e: &EntityFound) -> Option<String> {
    if let Some(c) = &e.country {
        return Some(c.clone());
    }
    if let Some(a) = e.agent.as_deref().filter(|a| matches!(*a, "IGO" | "NGO" | "IMG")) {
        return Some(a.to_string());
    }
    let canonical = e.canonical.as_deref()?;
    g.entries()
        .iter()
        .filter(|x| x.kind == GazKind::Organisation && x.canonical == canonical)
        .find_map(|x| x.code.as_deref().filter(|c| c.len() >= 3).map(|c| c[..3].to_string()))
        .filter(|c| matches!(c.as_str(), "IGO" | "NGO" | "IMG"))
}

/// Designators that name a group on their own once the group has been named with them: "التنظيم" after
/// "تنظيم داعش", "الحزب" after "حزب العمال الكردستاني", "الجماعة" after "جماعة بوكو حرام" (match keys).
const DESIGNATORS: &[&str] = &["تنظيم", "حزب", "حركه", "جماعه", "جبهه", "منظمه"];

/// A designator standing alone with the article ("في تفجير انتحاري نسب للتنظيم", "التنظيم المتطرف") is a
/// mention of the last organisation named before it with that designator: an actor for the events (the
/// entity's own mentions stay as the entity stage found them).
fn designator_references(cx: &EventContext<'_>, actors: &mut Vec<Actor>, actor_spans: &mut Vec<Range<usize>>) {
    let mt = cx.mf.text();
    let map = cx.mf.map();
    // (match-form start of the naming mention, designator, entity, code) of organisations named with one.
    let mut named: Vec<(usize, &str, usize, String)> = Vec::new();
    for (ei, e) in cx.found.iter().enumerate() {
        if e.kind != "ORG" {
            continue;
        }
        let Some(code) = actor_code(cx.gazetteer, e) else { continue };
        for m in &e.mentions {
            let r = map.from_original_range(m.clone());
            let first = mt[r.clone()].split(' ').next().unwrap_or("");
            if let Some(d) = DESIGNATORS.iter().find(|d| first == **d) {
                named.push((r.start, d, ei, code.clone()));
            }
        }
    }
    if named.is_empty() {
        return;
    }
    named.sort_by_key(|n| n.0);
    let taken: Vec<Range<usize>> = actors.iter().map(|a| a.span.clone()).collect();
    let mut pos = 0;
    let letter = hadath_text::tokens::is_arabic_letter;
    for raw in mt.split(' ') {
        let start = pos + (raw.len() - raw.trim_start_matches(|c| !letter(c)).len());
        pos += raw.len() + 1;
        let word = raw.trim_matches(|c| !letter(c));
        // The article, with و ف ب before it, or ل, which takes the alef of the article ("للتنظيم"): the
        // span keeps the article and leaves the proclitics out.
        let Some((skip, d)) = DESIGNATORS.iter().find_map(|d| {
            let rest = word.strip_suffix(d)?;
            match rest {
                "ال" | "وال" | "فال" | "بال" | "وبال" => Some((rest.len() - "ال".len(), *d)),
                "لل" | "ولل" => Some((rest.len(), *d)),
                _ => None,
            }
        }) else {
            continue;
        };
        let span = start + skip..start + word.len();
        if taken.iter().any(|t| t.start < span.end && span.start < t.end) {
            continue;
        }
        let Some(&(_, _, ei, ref code)) = named.iter().rev().find(|n| n.0 < start && n.1 == d) else { continue };
        let e = &cx.found[ei];
        actors.push(Actor {
            span: span.clone(),
            code: code.clone(),
            agent: e.agent.clone(),
            entity: Some(ei),
            place: false,
            person: false,
        });
        actor_spans.push(cx.mf.to_original(span));
    }
}

/// English name of a country code.
fn country_name(g: &Gazetteer, code: &str) -> Option<String> {
    g.entries()
        .iter()
        .find(|x| x.kind == GazKind::Country && x.country.as_deref() == Some(code))
        .map(|x| x.canonical.clone())
}

/// Codes the events of a document.
pub fn code_events(cx: &EventContext<'_>) -> Vec<Event> {
    let map = cx.mf.map();
    let mut actors: Vec<Actor> = Vec::new();
    // Original byte span of each actor's words.
    let mut actor_spans: Vec<Range<usize>> = Vec::new();
    for (ei, e) in cx.found.iter().enumerate() {
        if e.kind == "MISC" {
            continue;
        }
        let Some(code) = actor_code(cx.gazetteer, e) else { continue };
        // A country is an actor wherever it stands; a city or region after في is where.
        let place = e.kind == "LOC" && e.canonical.is_some() && country_name(cx.gazetteer, &code) != e.canonical;
        for m in e.mentions.iter().chain(e.phrases.iter()) {
            let span = map.from_original_range(m.clone());
            actors.push(Actor {
                span: span.clone(),
                code: code.clone(),
                agent: e.agent.clone(),
                entity: Some(ei),
                place,
                person: e.kind == "PER",
            });
            actor_spans.push(m.clone());
            // "نظام الأسد": a regime named after its leader is the leader's country's government.
            if e.kind == "PER" {
                let mt = cx.mf.text();
                let before = mt[..span.start].trim_end_matches(' ');
                let word = &mt[word_before(mt, before.len())..before.len()];
                if before.len() < span.start && matches!(word, "نظام" | "ونظام" | "لنظام" | "بنظام")
                {
                    let start = before.len() - "نظام".len();
                    actors.push(Actor {
                        span: start..span.end,
                        code: code.clone(),
                        agent: Some("GOV".into()),
                        entity: Some(ei),
                        place: false,
                        person: false,
                    });
                    actor_spans.push(cx.mf.to_original(start..span.start).start..m.end);
                }
            }
        }
    }
    designator_references(cx, &mut actors, &mut actor_spans);
    for r in cx.roles {
        actors.push(Actor {
            span: map.from_original_range(r.span.clone()),
            code: r.country.clone(),
            agent: r.agent.clone(),
            entity: None,
            place: false,
            person: false,
        });
        actor_spans.push(r.span.clone());
    }
    let sentences: Vec<Range<usize>> = cx.sentences.iter().map(|s| map.from_original_range(s.clone())).collect();
    let times: Vec<TimeRef> = cx
        .time_spans
        .iter()
        .zip(cx.times)
        .map(|(s, t)| TimeRef { span: map.from_original_range(s.clone()), value: t.value.clone() })
        .collect();
    let ta_marbuta = |r: Range<usize>| cx.text[cx.mf.to_original(r)].ends_with('ة');
    let found = find_events(
        cx.patterns,
        &EventInput {
            mt: cx.mf.text(),
            sentences: &sentences,
            actors: &actors,
            times: &times,
            ta_marbuta: &ta_marbuta,
        },
    );

    let mut out: Vec<Event> = Vec::new();
    for f in &found {
        let Some(ev) = to_event(cx, &actors, &actor_spans, f) else { continue };
        // The same event told twice (headline and lede) is one event with two pieces of evidence.
        let same = out.iter_mut().find(|x| {
            x.code == ev.code
                && x.source.country == ev.source.country
                && x.target.country == ev.target.country
                && x.date == ev.date
                && x.modality == ev.modality
        });
        match same {
            Some(x) => {
                if !x.evidence.iter().any(|e| e.trigger == ev.trigger) {
                    x.evidence.push(Evidence { sentence: ev.sentence, trigger: ev.trigger });
                }
                if x.location.is_none() {
                    x.location = ev.location;
                }
            }
            None => out.push(ev),
        }
    }
    out
}

/// Is an ISO date (year, month or day) after the publication date, at the date's own precision?
fn after_publication(date: &str, published: &str) -> bool {
    let iso = |s: &str| {
        matches!(s.len(), 4 | 7 | 10)
            && s.chars().enumerate().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() })
    };
    iso(date) && published.len() >= date.len() && iso(&published[..date.len()]) && date > &published[..date.len()]
}

fn to_event(cx: &EventContext<'_>, actors: &[Actor], spans: &[Range<usize>], f: &FoundEvent) -> Option<Event> {
    let rule = &cx.patterns.rules()[f.rule];
    // An act told as done but dated after the publication date is announced, not done: "بموافقة مودي على
    // المشاركة في قمة في إسلام آباد العام المقبل" (future, coded as intent or threat).
    let dated_later = f.modality == Modality::Asserted
        && f.time
            .and_then(|t| cx.times[t].value.as_deref())
            .zip(cx.published)
            .is_some_and(|(d, p)| after_publication(d, p));
    let later;
    let f = if dated_later {
        later = FoundEvent { modality: Modality::Future, code: hadath_events::intent_code(&f.code), ..f.clone() };
        &later
    } else {
        f
    };
    let code = cx.codebook.get(&f.code)?;
    let side = |i: Option<usize>| -> EventActor {
        match i {
            Some(i) => EventActor {
                country: Some(actors[i].code.clone()).filter(|c| !c.is_empty()),
                agent: actors[i].agent.clone(),
                entity: actors[i].entity,
                text: Some(cx.text[spans[i].clone()].to_string()),
                span: Some((cx.span)(&spans[i])),
            },
            None => EventActor { country: None, agent: None, entity: None, text: None, span: None },
        }
    };
    let source = side(f.source);
    let target = side(f.target);
    let (date, date_basis) = match f.time.and_then(|t| cx.times[t].value.clone()) {
        Some(v) => (Some(v), Some("text".to_string())),
        None => (cx.published.map(String::from), cx.published.map(|_| "publication".to_string())),
    };
    let location = f.place.map(|p| {
        let name = cx.text[spans[p].clone()].to_string();
        EventLocation { name, country: Some(actors[p].code.clone()), entity: actors[p].entity }
    });
    let trigger_orig = cx.mf.to_original(f.trigger.clone());
    let trigger = (cx.span)(&trigger_orig);
    let mut confidence: f32 = 0.9;
    if f.source.is_none() || f.target.is_none() {
        confidence -= 0.25;
    }
    if matches!(f.modality, Modality::Reported | Modality::Hypothetical) {
        confidence -= 0.1;
    }
    let summary_en = summary(cx, rule, f, &source, &target, location.as_ref(), date.as_deref());
    Some(Event {
        code: code.code.clone(),
        root: code.root.clone(),
        quad_class: code.quad_class,
        goldstein: code.goldstein,
        plover: code.plover_type.clone(),
        plover_mode: code.plover_mode.clone(),
        source,
        target,
        date,
        date_basis,
        location,
        modality: f.modality.as_str().to_string(),
        confidence,
        rule: rule.id.clone(),
        sentence: f.sentence,
        evidence: vec![Evidence { sentence: f.sentence, trigger }],
        trigger,
        summary_en,
    })
}

/// "Israel (Eli Cohen) met Azerbaijan (Ilham Aliyev) in Baku on 2023-04-19."
fn summary(
    cx: &EventContext<'_>,
    rule: &hadath_events::Rule,
    f: &FoundEvent,
    source: &EventActor,
    target: &EventActor,
    location: Option<&EventLocation>,
    date: Option<&str>,
) -> String {
    let name = |a: &EventActor| -> Option<String> {
        let code = a.country.as_deref()?;
        let entity = a.entity.and_then(|i| cx.entities.get(i));
        let country = country_name(cx.gazetteer, code);
        let own = entity.and_then(|e| e.canonical.clone());
        Some(match (country, own) {
            (Some(c), Some(o)) if c != o => format!("{c} ({o})"),
            (Some(c), _) => c,
            (None, Some(o)) => o,
            (None, None) => code.to_string(),
        })
    };
    let src = name(source).unwrap_or_else(|| "Someone".to_string());
    // An attack in words is told as criticism (the attack rule's code turned to CAMEO 111).
    let (past, base) = if f.code.starts_with("11") && !rule.code.starts_with("11") {
        ("criticised", "criticise")
    } else {
        (rule.english.0.as_str(), rule.english.1.as_str())
    };
    let verb = match f.modality {
        Modality::Asserted => past.to_string(),
        Modality::Negated => format!("did not {base}"),
        Modality::Future => format!("plans to {base}"),
        Modality::Reported => format!("reportedly {past}"),
        Modality::Hypothetical => format!("might {base}"),
    };
    let mut s = format!("{src} {verb}");
    if let Some(t) = name(target) {
        s.push(' ');
        s.push_str(&t);
    }
    if let Some(l) = location {
        let place = l.entity.and_then(|i| cx.entities.get(i)).and_then(|e| e.canonical.clone());
        s.push_str(&format!(" in {}", place.unwrap_or_else(|| l.name.clone())));
    }
    if let Some(d) = date {
        // "on 2023-04-19", but "in 1994", "in 2023-03", "in 2011/2020".
        let on = d.len() == 10 && d.as_bytes().get(4) == Some(&b'-') && d.as_bytes().get(7) == Some(&b'-');
        s.push_str(&format!(" {} {d}", if on { "on" } else { "in" }));
    }
    s.push('.');
    s
}
