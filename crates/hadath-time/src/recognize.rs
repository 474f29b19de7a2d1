//! The recogniser: a left-to-right scan over the tokens of the match form that, at each token, tries the
//! rules below and keeps the longest expression; then the resolver turns it into a value.
//!
//! Rules (each a method of [`Scan`]):
//! - `phrase`: fixed phrases from `phrases.tsv` (vague, set, not-time);
//! - `interval`: بين … و …, من … إلى/حتى …;
//! - `qualified`: parts of a day, parts of a period, halves, quarters, seasons, then a `core`;
//! - `core`: a day relative to publication, a weekday, a day of a month, a month, a relative period
//!   (الشهر الماضي), a year, a numeric date, a decade, a feast;
//! - `ago`: منذ/قبل/بعد + an amount of time;
//! - `duration`: an amount of time.

use std::borrow::Cow;
use std::ops::Range;

use hadath_text::normalize::MatchForm;
use hadath_text::tokens::{tokenize, TokenKind};

use crate::date::{add_months, Date};
use crate::hijri;
use crate::lexicon::{Class, Count, Lexicon, PhraseKind, Unit};
use crate::value::{Point, Value};
use crate::{Anchor, Kind, Options, TimeMention};

/// A day-month pair ("12 – 10") is a date only within this many tokens of the head of the article.
const HEAD_TOKENS: usize = 8;
/// How far back (in tokens) a future cue counts.
const CUE_WINDOW: usize = 12;
/// A day and month without a year or tense cue is the most recent one on or before publication, unless
/// that is more than this many days back …
const NEAR_PAST_DAYS: i64 = 300;
/// … and the next one is at most this many days ahead.
const NEAR_FUTURE_DAYS: i64 = 60;
/// With a future cue, a day that passed at most this many days before publication is meant rather than
/// next year's, when next year's is more than `NEAR_PAST_DAYS` away.
const RECENT_DAYS: i64 = 14;
/// A month name without a year or tense cue is the next one when it is at most this many months ahead.
const NEAR_FUTURE_MONTHS: i64 = 2;

#[derive(Debug, Clone)]
struct Tok {
    kind: TokenKind,
    /// Byte range in the match form.
    r: Range<usize>,
    /// Line number (paragraph, in news text).
    line: u32,
    /// A sentence boundary lies between the previous token and this one.
    sent_break: bool,
}

#[derive(Debug, Clone, Copy)]
struct Hit {
    class: Class,
    /// Token index after the entry.
    end: usize,
    /// Bytes of an attached proclitic (و ف ب ل ك) before the entry, in the first token.
    skip: usize,
    /// The entry's first word carries the article ال (also in لل = ل + ال).
    definite: bool,
    /// Matched only with the article taken off (الثلاث → ثلاث): a cardinal inside a definite phrase.
    article_stripped: bool,
}

/// What a core expression is at its finest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    Day,
    Week,
    Month,
    Year,
    Other,
}

/// A resolved expression before it becomes a mention.
#[derive(Debug, Clone, Copy)]
struct Res {
    value: Option<Value>,
    kind: Kind,
    /// The value depends on the publication date.
    rel: bool,
    ambiguous: bool,
    level: Level,
}

impl Res {
    fn date(value: Option<Value>, rel: bool, level: Level) -> Res {
        Res { value, kind: Kind::Date, rel, ambiguous: false, level }
    }
    fn none(kind: Kind) -> Res {
        Res { value: None, kind, rel: false, ambiguous: false, level: Level::Other }
    }
}

#[derive(Debug, Clone, Copy)]
struct Core {
    end: usize,
    res: Res,
}

#[derive(Debug, Clone, Copy)]
struct Cand {
    start: usize,
    skip: usize,
    end: usize,
    /// None: a not-time phrase, skipped.
    res: Option<Res>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// On or before the reference.
    Past,
    /// Strictly before.
    PastStrict,
    /// On or after.
    Future,
    /// Strictly after.
    FutureStrict,
    /// In the reference's year (month names) or period.
    Current,
}

fn dir_of(modifier: Option<i8>, future: bool) -> Dir {
    match modifier {
        Some(m) if m < 0 => Dir::PastStrict,
        Some(m) if m > 0 => Dir::FutureStrict,
        Some(_) => Dir::Current,
        None if future => Dir::Future,
        None => Dir::Past,
    }
}

fn pick<T: PartialOrd + Copy>(cands: &[T], reference: T, dir: Dir) -> Option<T> {
    match dir {
        Dir::Past | Dir::PastStrict | Dir::Current => cands
            .iter()
            .copied()
            .filter(|c| *c < reference || (dir != Dir::PastStrict && *c == reference))
            .fold(None, |best: Option<T>, c| if best.is_none_or(|b| c > b) { Some(c) } else { best }),
        Dir::Future | Dir::FutureStrict => cands
            .iter()
            .copied()
            .filter(|c| *c > reference || (dir == Dir::Future && *c == reference))
            .fold(None, |best: Option<T>, c| if best.is_none_or(|b| c < b) { Some(c) } else { best }),
    }
}

fn year_range(a: i32, b: i32) -> Option<Value> {
    Value::Range(Point::Year(a), Point::Year(b)).checked()
}

fn day_range(a: Date, b: Date) -> Option<Value> {
    Value::Range(Point::Day(a), Point::Day(b)).checked()
}

fn day(d: Option<Date>) -> Option<Value> {
    d.map(|d| Value::Point(Point::Day(d)))
}

/// One scan over one text.
pub(crate) struct Scan<'a> {
    lex: &'a Lexicon,
    mf: &'a MatchForm,
    m: &'a str,
    opts: &'a Options,
    toks: Vec<Tok>,
    hits: Vec<Vec<Hit>>,
    /// For each token inside quotation marks, the index of the opening mark.
    quote: Vec<Option<usize>>,
    /// Mentions found so far.
    found: Vec<Found>,
    /// The first token of `opts.head`.
    head_first: Option<usize>,
}

fn is_sentence_end(s: &str) -> bool {
    matches!(s, "." | "!" | "؟" | "?" | "…" | "..." | "؛")
}

impl<'a> Scan<'a> {
    pub(crate) fn new(lex: &'a Lexicon, _text: &'a str, mf: &'a MatchForm, opts: &'a Options) -> Scan<'a> {
        let m = mf.text();
        let mut toks: Vec<Tok> = Vec::new();
        let mut line = 0u32;
        let mut last_end = 0usize;
        for t in tokenize(m) {
            let gap = &m[last_end..t.span.start];
            let newlines = gap.matches('\n').count() as u32;
            line += newlines;
            let sent_break = newlines > 0 || toks.last().is_some_and(|p| is_sentence_end(&m[p.r.clone()]));
            last_end = t.span.end;
            toks.push(Tok { kind: t.kind, r: t.span, line, sent_break });
        }
        let head_first =
            opts.head.as_ref().and_then(|h| toks.iter().position(|t| mf.to_original(t.r.clone()).start >= h.start));
        let mut scan =
            Scan { lex, mf, m, opts, toks, hits: Vec::new(), quote: Vec::new(), found: Vec::new(), head_first };
        scan.hits = (0..scan.toks.len()).map(|i| scan.compute_hits(i)).collect();
        scan.quote = scan.compute_quotes();
        scan
    }

    fn s(&self, j: usize) -> &'a str {
        self.toks.get(j).map_or("", |t| &self.m[t.r.clone()])
    }

    fn is_arabic(&self, j: usize) -> bool {
        self.toks.get(j).is_some_and(|t| t.kind == TokenKind::Arabic)
    }

    /// Clitic readings of an Arabic word: (bytes of the proclitic, the rest), the whole word first.
    fn readings(w: &str) -> Vec<(usize, Cow<'_, str>, bool)> {
        let mut out = vec![(0, Cow::Borrowed(w), false)];
        let n = w.chars().count();
        fn push_blk<'w>(skip: usize, rest: &'w str, out: &mut Vec<(usize, Cow<'w, str>, bool)>) {
            if rest.chars().count() >= 2 {
                if let Some(r) = rest.strip_prefix("ل") {
                    if r.starts_with('ل') && r.chars().count() >= 3 {
                        // لل = ل + ال: the article has no letter of its own, so the span keeps the word whole.
                        out.push((skip, Cow::Owned(format!("ا{r}")), true));
                    }
                }
                for p in ["ب", "ل", "ك"] {
                    if let Some(r) = rest.strip_prefix(p) {
                        if r.chars().count() >= 2 {
                            out.push((skip + 2, Cow::Borrowed(r), true));
                        }
                    }
                }
            }
        }
        if n >= 3 {
            for p in ["و", "ف"] {
                if let Some(r) = w.strip_prefix(p) {
                    out.push((2, Cow::Borrowed(r), false));
                    push_blk(2, r, &mut out);
                }
            }
            push_blk(0, w, &mut out);
        }
        out
    }

    fn compute_hits(&self, j: usize) -> Vec<Hit> {
        let mut out = Vec::new();
        if !self.is_arabic(j) {
            return out;
        }
        // Borrowed slices of the word, not copies: this runs for every Arabic word of every article.
        let readings = Self::readings(self.s(j));
        // الثلاث, الستة: a cardinal with the article (after a definite plural: "السنوات الثلاث الأخيرة").
        let with_article: Vec<&str> =
            readings.iter().filter_map(|r| r.1.strip_prefix("ال").filter(|x| x.chars().count() >= 2)).collect();
        let all = readings.iter().map(|(skip, stem, blk)| (*skip, &**stem, *blk));
        for (skip, stem, blk) in all.chain(with_article.iter().map(|w| (usize::MAX, *w, false))) {
            let article_stripped = skip == usize::MAX;
            let skip = if article_stripped { 0 } else { skip };
            for e in self.lex.starting_with(stem) {
                if article_stripped && !matches!(e.class, Class::Cardinal(Some(_))) {
                    continue;
                }
                // ب/ل/ك before an indefinite day word are not clitics (لامس "touched" is not ل + أمس).
                if blk && matches!(e.class, Class::Day(_)) && !stem.starts_with("ال") {
                    continue;
                }
                let mut k = j + 1;
                let mut ok = true;
                for w in &e.words[1..] {
                    if self.is_arabic(k) && self.s(k) == w {
                        k += 1;
                    } else {
                        ok = false;
                        break;
                    }
                }
                if ok {
                    out.push(Hit {
                        class: e.class, end: k, skip, definite: stem.starts_with("ال"), article_stripped
                    });
                }
            }
        }
        out.sort_by_key(|h| (std::cmp::Reverse(h.end), h.skip));
        out
    }

    fn compute_quotes(&self) -> Vec<Option<usize>> {
        let mut out = vec![None; self.toks.len()];
        let mut open: Option<usize> = None;
        for (i, t) in self.toks.iter().enumerate() {
            if open.is_some_and(|o| self.toks[o].line != t.line) {
                open = None;
            }
            match self.s(i) {
                "«" | "“" => open = Some(i),
                "»" | "”" => open = None,
                "\"" => open = if open.is_some() { None } else { Some(i) },
                _ => out[i] = open,
            }
        }
        out
    }

    fn hit(&self, j: usize, pred: impl Fn(Class) -> bool) -> Option<Hit> {
        self.hits.get(j)?.iter().copied().find(|h| pred(h.class))
    }

    fn punct(&self, j: usize, set: &[&str]) -> bool {
        self.toks.get(j).is_some_and(|t| matches!(t.kind, TokenKind::Punct | TokenKind::Symbol))
            && set.contains(&self.s(j))
    }

    /// A plain number of at most `max_len` digits.
    fn num(&self, j: usize, max_len: usize) -> Option<u32> {
        let t = self.toks.get(j)?;
        let s = self.s(j);
        if t.kind != TokenKind::Number || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }

    fn published(&self) -> Option<Date> {
        self.opts.published
    }

    /// A future cue up to [`CUE_WINDOW`] tokens before `start`, in the same sentence.
    fn future_before(&self, start: usize) -> bool {
        // A day after publication named earlier in the same sentence ("سيغادر يوم الجمعة المقبل … مساء
        // السبت") puts what follows in the future too.
        let mut sentence_start = start.min(self.toks.len().saturating_sub(1));
        while sentence_start > 0 && !self.toks.get(sentence_start).is_some_and(|t| t.sent_break) {
            sentence_start -= 1;
        }
        if let Some(p) = self.published() {
            if self
                .found
                .iter()
                .rev()
                .take_while(|f| f.start >= sentence_start)
                .any(|f| f.end <= start && f.day.is_some_and(|d| d > p))
            {
                return true;
            }
        }
        let mut k = start;
        let stop = start.saturating_sub(CUE_WINDOW);
        while k > stop {
            if self.toks.get(k).is_some_and(|t| t.sent_break) {
                return false;
            }
            k -= 1;
            if self.hit(k, |c| c == Class::Future).is_some() {
                return true;
            }
            if self.is_arabic(k) && self.future_verb(self.s(k)) {
                return true;
            }
            if self.hit(k, |c| c == Class::Clause).is_some() {
                return false;
            }
        }
        false
    }

    fn future_verb(&self, w: &str) -> bool {
        let w = w.strip_prefix('و').or_else(|| w.strip_prefix('ف')).unwrap_or(w);
        if self.lex.not_future_prefixes.iter().any(|p| w.starts_with(p.as_str())) {
            return false;
        }
        self.lex.future_prefixes.iter().any(|p| w.starts_with(p.as_str()) && w[p.len()..].chars().count() >= 3)
    }

    /// The date deictic words (اليوم، أمس) count from. For اليوم and الليلة inside a quotation that is the day of the last
    /// day-level date mentioned before the quotation, when that is one or two days before publication
    /// (the day the quoted words were said: a paper reports yesterday's statements); else the publication
    /// date.
    fn deictic_base(&self, j: usize, offset: i8) -> Option<Date> {
        let p = self.published()?;
        let Some(q) = self.quote.get(j).copied().flatten() else {
            return Some(p);
        };
        if offset != 0 {
            // أمس / غدا inside quotations are as often the reporter's as the speaker's.
            return Some(p);
        }
        let reference = self
            .found
            .iter()
            .rev()
            .filter(|f| f.end <= q)
            .find_map(|f| f.day)
            .filter(|d| d.days() < p.days() && p.days() - d.days() <= 2);
        Some(reference.unwrap_or(p))
    }

    // ---- pieces -------------------------------------------------------------------------------------

    /// A modifier (الماضي …) at `j`.
    fn modifier(&self, j: usize) -> Option<(i8, usize)> {
        self.hit(j, |c| matches!(c, Class::Modifier(_))).map(|h| match h.class {
            Class::Modifier(m) => (m, h.end),
            _ => (0, h.end),
        })
    }

    /// A calendar marker after a year or date: Some(true) Hijri, Some(false) Gregorian.
    fn marker(&self, j: usize) -> Option<(bool, usize)> {
        self.hit(j, |c| matches!(c, Class::HijriMarker | Class::GregorianMarker))
            .filter(|h| h.skip == 0)
            .map(|h| (h.class == Class::HijriMarker, h.end))
    }

    /// A month name at `j`, with a paired writing of the same month: (hijri, month, strict, paired, end).
    fn month(&self, j: usize) -> Option<(bool, u8, bool, bool, usize)> {
        let h = self.hit(j, |c| matches!(c, Class::Month { .. }))?;
        let Class::Month { hijri, n, strict } = h.class else { return None };
        let mut end = h.end;
        let mut paired = false;
        if !hijri {
            let same = |k: usize| {
                self.hit(k, |c| matches!(c, Class::Month { hijri: false, n: m, .. } if m == n)).filter(|x| x.skip == 0)
            };
            if let Some(x) = same(end) {
                end = x.end;
                paired = true;
            } else if self.punct(end, &["/", "-", "–", "،", ","]) {
                if let Some(x) = same(end + 1) {
                    end = x.end;
                    paired = true;
                }
            } else if self.punct(end, &["("]) {
                if let Some(x) = same(end + 1) {
                    if self.punct(x.end, &[")"]) {
                        end = x.end + 1;
                        paired = true;
                    }
                }
            }
        }
        Some((hijri, n, strict, paired, end))
    }

    /// A day of the month at `j`: a number 1-31, "الـ21", or an ordinal word. Returns (day, end) and a
    /// second day for "1-4".
    fn day_of_month(&self, j: usize) -> Option<(u8, Option<u8>, usize)> {
        if let Some(d) = self.num(j, 2) {
            if !(1..=31).contains(&d) {
                return None;
            }
            // "12- 23 شوال", "1 إلى 4 يونيو"
            let to = if self.punct(j + 1, &["-", "–"]) {
                Some(j + 2)
            } else {
                self.hit(j + 1, |c| c == Class::RangeTo).map(|h| h.end)
            };
            if let Some(k) = to {
                if let Some(e) = self.num(k, 2).filter(|e| (1..=31).contains(e) && *e > d) {
                    if self.month(k + 1).is_some() || self.hit(k + 1, |c| c == Class::RangeFrom).is_some() {
                        return Some((d as u8, Some(e as u8), k + 1));
                    }
                }
            }
            return Some((d as u8, None, j + 1));
        }
        if let Some(t) = self.toks.get(j) {
            if t.kind == TokenKind::Number {
                // "1-4 يونيو"
                let parts: Vec<&str> = self.s(j).split(['-', '–']).collect();
                if parts.len() == 2 && parts.iter().all(|p| (1..=2).contains(&p.len())) {
                    let a: u8 = parts[0].parse().ok()?;
                    let b: u8 = parts[1].parse().ok()?;
                    return ((1..=31).contains(&a) && (1..=31).contains(&b) && a < b).then_some((a, Some(b), j + 1));
                }
                return None;
            }
        }
        // الـ21: the article written against the number.
        if self.is_arabic(j) && matches!(self.s(j), "ال" | "وال" | "بال" | "فال") {
            let adjacent = self.toks.get(j + 1).is_some_and(|n| n.r.start == self.toks[j].r.end);
            if adjacent {
                if let Some(d) = self.num(j + 1, 2) {
                    return (1..=31).contains(&d).then_some((d as u8, None, j + 2));
                }
            }
        }
        let h = self.hit(j, |c| matches!(c, Class::Ordinal(_)))?;
        match h.class {
            Class::Ordinal(d) => Some((d, None, h.end)),
            _ => None,
        }
    }

    /// A year number at `j` for a year word or month before it: (year, hijri?, end).
    fn year_number(&self, j: usize, min: u32, max: u32) -> Option<(i32, Option<bool>, usize)> {
        let y = self.num(j, 4)?;
        if !(min..=max).contains(&y) {
            return None;
        }
        let (cal, end) = match self.marker(j + 1) {
            Some((h, e)) => (Some(h), e),
            None => (None, j + 1),
        };
        Some((y as i32, cal, end))
    }

    /// "من العام الماضي", "من هذا العام", "، 2015", "من عام 2015", "عام 2015": the year after a day and
    /// month. Returns (year, hijri marker, relative, end).
    fn year_spec(&self, j: usize, hijri_month: bool) -> Option<(i32, Option<bool>, bool, usize)> {
        let mut k = j;
        if self.punct(k, &["،", ","]) || self.hit(k, |c| c == Class::RangeFrom).is_some_and(|h| h.end == k + 1) {
            k += 1;
        }
        // relative year
        if let Some(c) = self.rel_period(k, false) {
            if let Res { value: Some(Value::Point(Point::Year(y))), .. } = c.res {
                return Some((y, None, true, c.end));
            }
        }
        if let Some(h) = self.hit(k, |c| matches!(c, Class::Unit(Unit::Year, Count::One))) {
            k = h.end;
        }
        let (min, max) = if hijri_month { (1, 1700) } else { (100, 2200) };
        let (y, cal, end) = self.year_number(k, min, max)?;
        Some((y, cal, false, end))
    }

    // ---- resolution ---------------------------------------------------------------------------------

    fn res_weekday(&self, w: u8, dir: Dir) -> Option<Value> {
        let p = self.published()?;
        let pw = i64::from(p.weekday());
        let w = i64::from(w);
        let d = match dir {
            Dir::Past | Dir::Current => p.add_days(-(pw - w).rem_euclid(7)),
            Dir::PastStrict => p.add_days(-((pw - w - 1).rem_euclid(7) + 1)),
            Dir::Future => p.add_days((w - pw).rem_euclid(7)),
            Dir::FutureStrict => p.add_days((w - pw - 1).rem_euclid(7) + 1),
        };
        day(d)
    }

    fn res_month_day(&self, m: u8, d: u8, dir: Dir) -> Option<Value> {
        let p = self.published()?;
        if dir == Dir::Current {
            return day(Date::new(p.year(), m, d));
        }
        let cands: Vec<Date> = (p.year() - 4..=p.year() + 4).filter_map(|y| Date::new(y, m, d)).collect();
        let chosen = pick(&cands, p, dir);
        if dir == Dir::Future {
            // A future cue, but the next one is most of a year away and the last one only just passed:
            // the text was written before the publication date it carries.
            let last = pick(&cands, p, Dir::PastStrict);
            if let (Some(a), Some(b)) = (chosen, last) {
                if a.days() - p.days() > NEAR_PAST_DAYS && p.days() - b.days() <= RECENT_DAYS {
                    return day(Some(b));
                }
            }
        }
        if dir == Dir::Past {
            // No tense cue: a date a few weeks ahead is meant rather than one most of a year ago.
            let next = pick(&cands, p, Dir::FutureStrict);
            if let (Some(a), Some(b)) = (chosen, next) {
                if p.days() - a.days() > NEAR_PAST_DAYS && b.days() - p.days() <= NEAR_FUTURE_DAYS {
                    return day(Some(b));
                }
            }
        }
        day(chosen)
    }

    fn res_month(&self, m: u8, dir: Dir) -> Option<Value> {
        let p = self.published()?;
        let cur = (p.year(), p.month());
        let y = if dir == Dir::Current {
            p.year()
        } else {
            let cands: Vec<(i32, u8)> = (p.year() - 1..=p.year() + 1).map(|y| (y, m)).collect();
            let chosen = pick(&cands, cur, dir)?;
            // No tense cue: next month's name means next month rather than the one eleven months ago.
            let months = |(y, m): (i32, u8)| i64::from(y) * 12 + i64::from(m);
            match pick(&cands, cur, Dir::FutureStrict) {
                Some(next) if dir == Dir::Past && months(next) - months(cur) <= NEAR_FUTURE_MONTHS => next.0,
                _ => chosen.0,
            }
        };
        Value::Point(Point::Month(y, m)).checked()
    }

    fn hijri_today(&self) -> Option<(i32, u8, u8)> {
        hijri::from_gregorian(self.published()?)
    }

    fn res_hijri_month(&self, m: u8, dir: Dir) -> Option<Value> {
        let (hy, hm, _) = self.hijri_today()?;
        let y = if dir == Dir::Current {
            hy
        } else {
            let cands: Vec<(i32, u8)> = (hy - 1..=hy + 1).map(|y| (y, m)).collect();
            pick(&cands, (hy, hm), dir)?.0
        };
        let (a, b) = hijri::month_range(y, m)?;
        day_range(a, b)
    }

    fn res_hijri_day(&self, m: u8, d: u8, dir: Dir) -> Option<Value> {
        let today = self.hijri_today()?;
        let y = if dir == Dir::Current {
            today.0
        } else {
            let cands: Vec<(i32, u8, u8)> = (today.0 - 1..=today.0 + 1).map(|y| (y, m, d)).collect();
            pick(&cands, today, dir)?.0
        };
        let chosen = hijri::to_gregorian(y, m, d);
        if let (Dir::Future, Some(c), Some(p)) = (dir, chosen, self.published()) {
            // As for Gregorian dates: a feast that just passed rather than next year's.
            if let Some(last) = hijri::to_gregorian(y - 1, m, d) {
                if c.days() - p.days() > NEAR_PAST_DAYS && last <= p && p.days() - last.days() <= RECENT_DAYS {
                    return day(Some(last));
                }
            }
        }
        day(chosen)
    }

    /// The period `off` units from the publication date.
    fn res_period(&self, u: Unit, off: i64) -> Option<Value> {
        let p = self.published()?;
        match u {
            Unit::Day => day(p.add_days(off)),
            Unit::Week => {
                let (y, w) = p.add_days(off.checked_mul(7)?)?.iso_week();
                Value::Week(y, w).checked()
            }
            Unit::Month => {
                let (y, m) = add_months(p.year(), p.month(), off)?;
                Value::Point(Point::Month(y, m)).checked()
            }
            Unit::Year => Value::Point(Point::Year(p.year().checked_add(i32::try_from(off).ok()?)?)).checked(),
            Unit::Decade => {
                let start = p.year() / 10 * 10 + 10 * i32::try_from(off).ok()?;
                year_range(start, start + 9)
            }
            Unit::Century => {
                let start = (p.year() - 1) / 100 * 100 + 1 + 100 * i32::try_from(off).ok()?;
                year_range(start, start + 99)
            }
            Unit::Hour => None,
        }
    }

    /// `n` units back (negative) or forward from the publication date, at the unit's granularity.
    fn res_shift(&self, u: Unit, n: i64) -> Option<Value> {
        let p = self.published()?;
        match u {
            Unit::Decade => Value::Point(Point::Year(p.year() + i32::try_from(n.checked_mul(10)?).ok()?)).checked(),
            Unit::Century => Value::Point(Point::Year(p.year() + i32::try_from(n.checked_mul(100)?).ok()?)).checked(),
            _ => self.res_period(u, n),
        }
    }

    // ---- rules --------------------------------------------------------------------------------------

    fn parse_at(&self, i: usize) -> Option<Cand> {
        let mut best: Option<Cand> = None;
        let mut consider = |c: Option<Cand>| {
            if let Some(c) = c {
                if best.is_none_or(|b| c.end > b.end) {
                    best = Some(c);
                }
            }
        };
        consider(self.phrase(i));
        consider(self.interval(i));
        consider(self.qualified(i));
        consider(self.ago(i));
        consider(self.duration(i));
        best
    }

    fn phrase(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |c| matches!(c, Class::Phrase(_)))?;
        let res = match h.class {
            Class::Phrase(PhraseKind::Vague) => Some(Res::none(Kind::Vague)),
            Class::Phrase(PhraseKind::Set) => Some(Res::none(Kind::Set)),
            Class::Phrase(PhraseKind::Duration) => Some(Res::none(Kind::Duration)),
            _ => None,
        };
        Some(Cand { start: i, skip: h.skip, end: h.end, res })
    }

    /// بين [عامي] A و B; من A إلى/حتى B; منذ A وحتى B.
    fn interval(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |c| matches!(c, Class::RangeBetween | Class::RangeFrom | Class::Ago))?;
        let between = h.class == Class::RangeBetween;
        let mut k = h.end;
        let year_word = |k: usize| self.hit(k, |c| matches!(c, Class::Unit(Unit::Year, _))).map(|x| x.end);
        let (a, a_end) = self.range_point(k)?;
        k = a_end;
        // the link word: و (bare or on the next word), إلى, حتى, وحتى
        let linked = if between {
            if self.s(k) == "و" {
                k += 1;
                true
            } else {
                self.s(k).starts_with('و') && self.toks.get(k).is_some_and(|t| t.kind == TokenKind::Arabic)
            }
        } else if self.punct(k, &["-", "–"]) {
            k += 1;
            true
        } else if let Some(t) = self.hit(k, |c| c == Class::RangeTo) {
            k = t.end;
            true
        } else {
            false
        };
        if !linked {
            return None;
        }
        // "و1953": the و is its own token; "وعام 1953": a clitic on the year word.
        if self.s(k) == "و" {
            k += 1;
        }
        if let Some(e) = year_word(k) {
            k = e;
        }
        // "من الأحد إلى الخميس": a weekly schedule.
        let weekday_at = |x: usize| self.hit(x, |c| matches!(c, Class::Weekday(_))).filter(|w| w.skip == 0);
        if !between {
            if let (Some(wa), Some(wb)) = (weekday_at(h.end), weekday_at(k)) {
                if wa.end < k && self.modifier(wb.end).is_none() {
                    return Some(Cand { start: i, skip: h.skip, end: wb.end, res: Some(Res::none(Kind::Set)) });
                }
            }
        }
        let (b, b_end) = self.range_point(k)?;
        let value = match (a, b) {
            (RangePoint::Year(x), RangePoint::Year(y)) => year_range(x, y),
            (RangePoint::Year(x), RangePoint::Res(Res { value: Some(Value::Point(Point::Year(y))), .. })) => {
                year_range(x, y)
            }
            // Two full dates ("بين الأول من يناير و30 يونيو") stay two expressions, as in TimeML; two
            // years make one interval.
            (RangePoint::Res(ra), RangePoint::Res(rb)) => match (ra.value, rb.value) {
                (Some(Value::Point(Point::Year(x))), Some(Value::Point(Point::Year(y)))) => year_range(x, y),
                _ => None,
            },
            _ => None,
        };
        let value = value?;
        let rel = matches!(a, RangePoint::Res(r) if r.rel) || matches!(b, RangePoint::Res(r) if r.rel);
        let res = Res { value: Some(value), kind: Kind::Range, rel, ambiguous: false, level: Level::Other };
        // The span starts at the interval's first word for بين/من; at the first point for منذ.
        Some(Cand { start: i, skip: h.skip, end: b_end, res: Some(res) })
    }

    /// One end of an interval: a year (with or without عام), a bare day number, or a core expression.
    fn range_point(&self, k: usize) -> Option<(RangePoint, usize)> {
        let mut j = k;
        let had_word = if let Some(h) = self.hit(j, |c| matches!(c, Class::Unit(Unit::Year, _))) {
            j = h.end;
            true
        } else {
            false
        };
        if let Some(c) = self.core(j, j, false) {
            if !had_word || matches!(c.res.value, Some(Value::Point(Point::Year(_)))) {
                return Some((RangePoint::Res(c.res), c.end));
            }
        }
        if let Some(y) = self.num(j, 4) {
            if (1000..=2100).contains(&y) || (had_word && (100..=2200).contains(&y)) {
                let end = self.marker(j + 1).map_or(j + 1, |m| m.1);
                return Some((RangePoint::Year(y as i32), end));
            }
        }
        None
    }

    /// Qualifiers (parts of a day or a period, half, quarter, season) followed by a core; or a core alone.
    /// Every number of qualifiers (0-3) is tried, and the longest valid reading kept ("مساء أول من أمس":
    /// أول is not a qualifier here but part of أول من أمس).
    fn qualified(&self, i: usize) -> Option<Cand> {
        let mut best: Option<Cand> = None;
        if let Some(c) = self.core(i, i, false) {
            let skip =
                if self.is_arabic(i) { self.hits.get(i).and_then(|h| h.first()).map_or(0, |h| h.skip) } else { 0 };
            best = Some(Cand { start: i, skip, end: c.end, res: Some(c.res) });
        }
        let mut q = Quals::default();
        let mut j = i;
        for _ in 0..3 {
            let Some(h) = self.hit(j, |c| {
                matches!(
                    c,
                    Class::DayPart
                        | Class::Approx
                        | Class::PeriodPart
                        | Class::Half(_)
                        | Class::Quarter(_)
                        | Class::Season(_)
                )
            }) else {
                break;
            };
            q.skip.get_or_insert(h.skip);
            j = h.end;
            match h.class {
                Class::DayPart | Class::Approx => {
                    q.day_part = true;
                    // صبيحة يوم الجمعة
                    if self.s(j) == "يوم" && self.core(j + 1, i, false).is_some() {
                        j += 1;
                    }
                }
                Class::PeriodPart => {
                    q.period_part = true;
                    if self.s(j) == "شهر" && self.month(j + 1).is_some() {
                        j += 1;
                    }
                }
                Class::Half(n) | Class::Quarter(n) => {
                    q.half = Some((n, if matches!(h.class, Class::Half(_)) { 2 } else { 4 }));
                    match self.hit(j, |c| c == Class::RangeFrom) {
                        Some(f) => j = f.end,
                        None => break,
                    }
                }
                Class::Season(m) => q.season = Some(m),
                _ => {}
            }
            if let Some(c) = self.after_quals(i, j, &q) {
                if best.is_none_or(|b| c.end > b.end) {
                    best = Some(c);
                }
            }
        }
        best
    }

    fn after_quals(&self, i: usize, j: usize, q: &Quals) -> Option<Cand> {
        let skip = q.skip.unwrap_or(0);
        // A season with a modifier: الصيف الماضي.
        if let (Some(sm), Some((m, end))) = (q.season, self.modifier(j)) {
            let p = self.published();
            let value = p.and_then(|p| {
                let cur = (p.year(), p.month());
                let y = match dir_of(Some(m), false) {
                    Dir::Current => p.year(),
                    dir => {
                        let cands: Vec<(i32, u8)> = (p.year() - 2..=p.year() + 2).map(|y| (y, sm)).collect();
                        // a season "before" now has ended: compare its last month
                        let end_of = |(y, s): (i32, u8)| add_months(y, s, 2).unwrap_or((y, s));
                        match dir {
                            Dir::PastStrict => cands.iter().copied().filter(|c| end_of(*c) < cur).map(|c| c.0).max()?,
                            _ => cands.iter().copied().filter(|c| *c > cur).map(|c| c.0).min()?,
                        }
                    }
                };
                Value::Point(Point::Year(y)).checked()
            });
            let res = Res::date(value, true, Level::Year);
            return Some(Cand { start: i, skip, end, res: Some(res) });
        }
        let c = self.core(j, i, q.period_part && !q.day_part)?;
        let level = c.res.level;
        let ok = match () {
            _ if q.day_part => level == Level::Day,
            _ if q.season.is_some() => level == Level::Year,
            _ if q.half.is_some() => matches!(level, Level::Year | Level::Month),
            _ => matches!(level, Level::Day | Level::Week | Level::Month | Level::Year),
        };
        if !ok || c.res.kind != Kind::Date {
            return None;
        }
        let mut res = c.res;
        if let Some((n, of)) = q.half {
            res.value = match res.value {
                Some(Value::Point(Point::Year(y))) => {
                    let months = 12 / of;
                    let first = (n.clamp(1, of) - 1) * months + 1;
                    Value::Range(Point::Month(y, first), Point::Month(y, first + months - 1)).checked()
                }
                // النصف الأول من سبتمبر: days 1-15 or 16-end.
                Some(Value::Point(Point::Month(y, m))) if of == 2 => {
                    let (a, b) = if n == 1 {
                        (Date::new(y, m, 1), Date::new(y, m, 15))
                    } else {
                        (Date::new(y, m, 16), Date::new(y, m, 1).map(Date::month_end))
                    };
                    a.zip(b).and_then(|(a, b)| day_range(a, b))
                }
                _ => None,
            };
        }
        Some(Cand { start: i, skip, end: c.end, res: Some(res) })
    }

    /// The longest core expression at `j`. `start` is where the whole expression starts (for cues);
    /// `bare_period` lets "الشهر"/"العام" alone mean the current one (after مطلع، منتصف، نهاية).
    fn core(&self, j: usize, start: usize, bare_period: bool) -> Option<Core> {
        let mut best: Option<Core> = None;
        let mut consider = |c: Option<Core>| {
            if let Some(c) = c {
                if best.is_none_or(|b| c.end > b.end) {
                    best = Some(c);
                }
            }
        };
        consider(self.day_rel(j));
        consider(self.yawm(j, start));
        consider(self.weekday(j, start));
        consider(self.dom_date(j, start));
        consider(self.month_date(j, start));
        consider(self.rel_period(j, bare_period));
        consider(self.year(j, start));
        consider(self.numeric(j, start, false));
        consider(self.decade(j));
        consider(self.holiday(j, start));
        best
    }

    /// اليوم، أمس، غدا … with an optional weekday: "أمس الجمعة", "اليوم (الاثنين)".
    fn day_rel(&self, j: usize) -> Option<Core> {
        let h = self.hit(j, |c| matches!(c, Class::Day(_)))?;
        let Class::Day(off) = h.class else { return None };
        let mut end = h.end;
        // اليوم الرابع, اليوم العاشر: a day counted in an event, not today.
        if self.hit(end, |c| matches!(c, Class::Ordinal(_))).is_some_and(|o| o.skip == 0) {
            return None;
        }
        let mut wd = None;
        if let Some(w) = self.hit(end, |c| matches!(c, Class::Weekday(_))).filter(|w| w.skip == 0) {
            wd = Some(w);
            end = w.end;
        } else if self.punct(end, &["("]) {
            if let Some(w) = self.hit(end + 1, |c| matches!(c, Class::Weekday(_))).filter(|w| self.punct(w.end, &[")"]))
            {
                wd = Some(w);
                end = w.end + 1;
            }
        }
        let value = self.deictic_base(j, off).and_then(|base| {
            let d = base.add_days(i64::from(off))?;
            match wd.map(|w| w.class) {
                // Trust the weekday when it is within three days of the offset's day.
                Some(Class::Weekday(w)) => {
                    let diff = (i64::from(w) - i64::from(d.weekday())).rem_euclid(7);
                    d.add_days(if diff > 3 { diff - 7 } else { diff })
                }
                _ => Some(d),
            }
        });
        Some(Core { end, res: Res::date(day(value), true, Level::Day) })
    }

    /// يوم + a day: "يوم أمس", "يوم الأربعاء", "يوم 24 يوليو".
    fn yawm(&self, j: usize, start: usize) -> Option<Core> {
        let h = self.hit(j, |c| c == Class::Unit(Unit::Day, Count::One)).filter(|h| h.end == j + 1)?;
        let k = h.end;
        let mut best: Option<Core> = None;
        for c in [self.day_rel(k), self.weekday(k, start), self.dom_date(k, start), self.numeric(k, start, true)]
            .into_iter()
            .flatten()
        {
            if c.res.level == Level::Day && best.is_none_or(|b| c.end > b.end) {
                best = Some(c);
            }
        }
        best
    }

    /// A weekday with an optional modifier, or followed by the date it names ("الخميس 14/10/1436هـ").
    fn weekday(&self, j: usize, start: usize) -> Option<Core> {
        let h = self.hit(j, |c| matches!(c, Class::Weekday(_)))?;
        let Class::Weekday(w) = h.class else { return None };
        let mut end = h.end;
        let modifier = self.modifier(end).map(|(m, e)| {
            end = e;
            m
        });
        if modifier.is_none() {
            // The date it names.
            let mut k = end;
            let open = self.punct(k, &["(", "،", ",", "-", "–"]);
            if open {
                k += 1;
            }
            if let Some(l) = self.hit(k, |c| c == Class::Link) {
                k = l.end;
            }
            let date = self.dom_date(k, start).or_else(|| self.numeric(k, start, true));
            if let Some(c) = date.filter(|c| c.res.level == Level::Day) {
                let mut e = c.end;
                if self.s(k.saturating_sub(1)) == "(" && self.punct(e, &[")"]) {
                    e += 1;
                }
                return Some(Core { end: e, res: c.res });
            }
        }
        let dir = dir_of(modifier, self.future_before(start));
        Some(Core { end, res: Res::date(self.res_weekday(w, dir), true, Level::Day) })
    }

    /// A day of a month: "29 آذار", "الرابع عشر من الشهر الماضي", "25 شوال 1436 هـ", "الـ21 من سبتمبر من
    /// العام الماضي", "1-4 يونيو 2015".
    fn dom_date(&self, j: usize, start: usize) -> Option<Core> {
        let (d, d2, mut k) = self.day_of_month(j)?;
        if let Some(h) = self.hit(k, |c| c == Class::RangeFrom) {
            k = h.end;
        }
        if self.s(k) == "شهر" && self.month(k + 1).is_some() {
            k += 1;
        }
        // "في 25 الجاري": a day of the current month.
        if k == j + 1 && self.num(j, 2).is_some() && d2.is_none() {
            if let Some((0, e)) = self.modifier(k).filter(|(_, e)| *e == k + 1) {
                let value = self.published().and_then(|p| Date::new(p.year(), p.month(), d));
                return Some(Core { end: e, res: Res::date(day(value), true, Level::Day) });
            }
        }
        // A relative month: الشهر الماضي / الجاري / المقبل, هذا الشهر.
        if self.month(k).is_none() {
            let c = self.rel_period(k, false)?;
            let Some(Value::Point(Point::Month(y, m))) = c.res.value else {
                return if c.res.level == Level::Month && c.res.value.is_none() {
                    Some(Core { end: c.end, res: Res::date(None, true, Level::Day) })
                } else {
                    None
                };
            };
            return Some(Core { end: c.end, res: Res::date(day(Date::new(y, m, d)), true, Level::Day) });
        }
        let (hijri, m, _strict, _paired, mut end) = self.month(k)?;
        let mut year = None;
        let mut rel_year = false;
        let mut modifier = None;
        let mut cal = None;
        if let Some((y, c, rel, e)) = self.year_spec(end, hijri) {
            year = Some(y);
            cal = c;
            rel_year = rel;
            end = e;
        } else if let Some((mm, e)) = self.modifier(end) {
            modifier = Some(mm);
            end = e;
        }
        if cal.is_none() {
            if let Some((_, e)) = self.marker(end) {
                end = e;
            }
        }
        let (value, rel) = match (hijri, year) {
            (true, Some(_)) if rel_year => (None, true),
            (true, Some(y)) => (day(hijri::to_gregorian(y, m, d)), rel_year),
            (true, None) => (self.res_hijri_day(m, d, dir_of(modifier, self.future_before(start))), true),
            (false, Some(y)) => (day(Date::new(y, m, d)), rel_year),
            (false, None) => (self.res_month_day(m, d, dir_of(modifier, self.future_before(start))), true),
        };
        // A range of days ends in the same month (of the same calendar) as it starts.
        let value = match (d2, value) {
            (Some(d2), Some(Value::Point(Point::Day(a)))) if hijri => hijri::from_gregorian(a)
                .and_then(|(hy, hm, _)| hijri::to_gregorian(hy, hm, d2))
                .and_then(|b| day_range(a, b)),
            (Some(d2), Some(Value::Point(Point::Day(a)))) => {
                Date::new(a.year(), a.month(), d2).and_then(|b| day_range(a, b))
            }
            (Some(_), _) => None,
            (_, v) => v,
        };
        let kind = if d2.is_some() { Kind::Range } else { Kind::Date };
        Some(Core { end, res: Res { value, kind, rel, ambiguous: false, level: Level::Day } })
    }

    /// A month: "آذار/مارس 2011", "يناير الماضي", "شهر رمضان المبارك", "رمضان 1436".
    fn month_date(&self, j: usize, start: usize) -> Option<Core> {
        let mut k = j;
        let shahr = self.s(k) == "شهر"
            || self
                .hit(k, |c| c == Class::Unit(Unit::Month, Count::One))
                .is_some_and(|h| h.skip > 0 && self.s(k).ends_with("شهر"));
        if shahr {
            k += 1;
        }
        let (hijri, m, strict, paired, mut end) = self.month(k)?;
        let mut year = None;
        let mut modifier = None;
        let mut epithet = false;
        if hijri {
            if let Some(h) = self.hit(end, |c| c == Class::Epithet) {
                epithet = true;
                end = h.end;
            }
        }
        let mut rel_year = false;
        // "مارس 2014", "مارس من العام الماضي", "مارس العام الماضي"
        if let Some((y, _, rel, e)) = self.year_spec(end, hijri) {
            year = Some(y);
            rel_year = rel;
            end = e;
        }
        if year.is_none() {
            if let Some((mm, e)) = self.modifier(end) {
                modifier = Some(mm);
                end = e;
            }
        }
        if strict {
            let before =
                start.checked_sub(1).and_then(|b| self.hit(b, |c| matches!(c, Class::DateContext | Class::PeriodPart)));
            let context =
                shahr || paired || epithet || year.is_some() || modifier.is_some() || before.is_some() || start < j;
            if !context {
                return None;
            }
        }
        let (value, rel) = match (hijri, year) {
            // A relative year is Gregorian: it only dates a Gregorian month.
            (true, Some(_)) if rel_year => (None, true),
            (true, Some(y)) => (hijri::month_range(y, m).and_then(|(a, b)| day_range(a, b)), false),
            (true, None) => (self.res_hijri_month(m, dir_of(modifier, self.future_before(start))), true),
            (false, Some(y)) => (Value::Point(Point::Month(y, m)).checked(), rel_year),
            (false, None) => (self.res_month(m, dir_of(modifier, self.future_before(start))), true),
        };
        Some(Core { end, res: Res::date(value, rel, Level::Month) })
    }

    /// A named period relative to publication: "الشهر الماضي", "هذا العام", "الأسبوع المقبل", "العام قبل
    /// الماضي"; plural units with a modifier ("السنوات الأخيرة") are vague.
    fn rel_period(&self, j: usize, bare: bool) -> Option<Core> {
        let mut k = j;
        let this = self.hit(k, |c| c == Class::This);
        if let Some(t) = this {
            k = t.end;
        }
        // "نفس العام", "العام نفسه", "الشهر ذاته": the period of the last time mentioned.
        let same_before = this.is_none() && matches!(self.s(k), "نفس" | "ذات") && self.is_arabic(k + 1);
        if same_before {
            k += 1;
        }
        let h = self.hit(k, |c| matches!(c, Class::Unit(..)))?;
        let Class::Unit(u, count) = h.class else { return None };
        if !h.definite {
            return None;
        }
        let mut end = h.end;
        let same_after = matches!(self.s(end), "نفسه" | "ذاته" | "نفسها" | "ذاتها");
        if (same_before || same_after) && count == Count::One && this.is_none() {
            if same_after {
                end += 1;
            }
            let last = self.found.iter().rev().find_map(|f| f.value);
            let point = match last {
                Some(Value::Point(p)) => Some(p),
                Some(Value::Range(_, b)) => Some(b),
                _ => None,
            };
            let (value, level) = match (u, point) {
                (Unit::Year, Some(Point::Year(y) | Point::Month(y, _))) => {
                    (Some(Value::Point(Point::Year(y))), Level::Year)
                }
                (Unit::Year, Some(Point::Day(d))) => (Some(Value::Point(Point::Year(d.year()))), Level::Year),
                (Unit::Month, Some(Point::Month(y, m))) => (Some(Value::Point(Point::Month(y, m))), Level::Month),
                (Unit::Month, Some(Point::Day(d))) => {
                    (Some(Value::Point(Point::Month(d.year(), d.month()))), Level::Month)
                }
                (Unit::Year, _) => (None, Level::Year),
                (Unit::Month, _) => (None, Level::Month),
                _ => return None,
            };
            return Some(Core { end, res: Res::date(value, true, level) });
        }
        // "السنوات الثلاث الأخيرة", "الأشهر الستة الماضية"
        if count != Count::One {
            if let Some(c) = self.hit(end, |c| matches!(c, Class::Cardinal(Some(_)))) {
                if self.modifier(c.end).is_some() {
                    end = c.end;
                }
            }
        }
        let modifier = self.modifier(end).map(|(m, e)| {
            end = e;
            m
        });
        let off = match (modifier, this) {
            (Some(m), _) => i64::from(m),
            (None, Some(_)) => 0,
            (None, None) if bare && count == Count::One => 0,
            _ => return None,
        };
        if count != Count::One {
            return Some(Core { end, res: Res::none(Kind::Vague) });
        }
        let level = match u {
            Unit::Day => Level::Day,
            Unit::Week => Level::Week,
            Unit::Month => Level::Month,
            Unit::Year => Level::Year,
            _ => Level::Other,
        };
        if u == Unit::Hour {
            return None;
        }
        Some(Core { end, res: Res::date(self.res_period(u, off), true, level) })
    }

    /// A year: "عام 1993", "العام 2009", "في 2003" (a bare number after a year cue), "2011-2020", "1436 هـ",
    /// "عامي 2014 و2015".
    fn year(&self, j: usize, start: usize) -> Option<Core> {
        let mut k = j;
        // عام, العام, سنة, عامي (not the plural: "في السنوات 2011-2020" is the interval 2011-2020).
        let word =
            self.hit(k, |c| matches!(c, Class::Unit(Unit::Year, Count::One | Count::Two))).filter(|h| h.end == k + 1);
        if let Some(w) = word {
            k = w.end;
        }
        // A range: 2011-2020, 2014/2015, "1436 / 1437 هـ" (Hijri years: fiscal and school years).
        if let Some(t) = self.toks.get(k) {
            if t.kind == TokenKind::Number {
                let parts: Vec<&str> = self.s(k).split(['-', '–', '/']).collect();
                let (a, b, e) = if parts.len() == 2 && parts.iter().all(|p| p.len() == 4) {
                    (parts[0].parse().ok()?, parts[1].parse().ok()?, k + 1)
                } else if parts.len() == 1
                    && parts[0].len() == 4
                    && self.punct(k + 1, &["/", "-", "–"])
                    && self.s(k + 2).len() == 4
                {
                    match (parts[0].parse::<i32>().ok(), self.num(k + 2, 4)) {
                        (Some(a), Some(b)) if b as i32 > a => (a, b as i32, k + 3),
                        _ => (0, 0, 0),
                    }
                } else {
                    (0, 0, 0)
                };
                if e > 0 {
                    if !(a < b && b - a <= 200) {
                        return None;
                    }
                    let (marker, end) = match self.marker(e) {
                        Some((h, me)) => (Some(h), me),
                        None => (None, e),
                    };
                    let cued = word.is_some() || self.year_cue_before(k);
                    // Unmarked Hijri pairs are consecutive years (a fiscal or school year: 1436/1437).
                    let hijri = marker == Some(true) || (marker.is_none() && (1300..=1600).contains(&a) && b == a + 1);
                    if !hijri && !cued && marker.is_none() && a < 1800 {
                        return None;
                    }
                    let value = if hijri {
                        let first = hijri::year_range(a).map(|r| r.0);
                        let last = hijri::year_range(b).map(|r| r.1);
                        first.zip(last).and_then(|(x, y)| day_range(x, y))
                    } else if (1000..=2100).contains(&a) && (1000..=2100).contains(&b) {
                        year_range(a, b)
                    } else {
                        return None;
                    };
                    let res = Res { value, kind: Kind::Range, rel: false, ambiguous: false, level: Level::Other };
                    return Some(Core { end, res });
                }
            }
        }
        let y = self.num(k, 4)?;
        let (cal, mut end) = match self.marker(k + 1) {
            Some((h, e)) => (Some(h), e),
            None => (None, k + 1),
        };
        let ok = if word.is_some() {
            (100..=2200).contains(&y)
        } else if cal.is_some() {
            (1300..=2100).contains(&y) && self.s(k).len() == 4
        } else {
            let _ = start;
            self.year_cue_before(k) && (1800..=2100).contains(&y) && self.s(k).len() == 4
        };
        if !ok {
            return None;
        }
        // عامي 2014 و2015
        if word.is_some_and(|w| matches!(w.class, Class::Unit(_, Count::Two))) {
            let mut e = end;
            if self.s(e) == "و" {
                e += 1;
            }
            if let Some(y2) = self.num(e, 4) {
                if y2 > y && y2 - y <= 200 {
                    let res = Res {
                        value: year_range(y as i32, y2 as i32),
                        kind: Kind::Range,
                        rel: false,
                        ambiguous: false,
                        level: Level::Other,
                    };
                    return Some(Core { end: e + 1, res });
                }
            }
        }
        if cal == Some(true) {
            let value = hijri::year_range(y as i32).and_then(|(a, b)| day_range(a, b));
            return Some(Core { end, res: Res::date(value, false, Level::Year) });
        }
        if cal.is_none() {
            if let Some((_, e)) = self.marker(end) {
                end = e;
            }
        }
        Some(Core { end, res: Res::date(Value::Point(Point::Year(y as i32)).checked(), false, Level::Year) })
    }

    /// Whether the token before `k` makes a bare number at `k` a year: a year cue ("في", "منذ",
    /// "مواليد"), or "من" after a half or quarter ("النصف الأول من 2015").
    fn year_cue_before(&self, k: usize) -> bool {
        let Some(b) = k.checked_sub(1) else { return false };
        if self.hits[b].iter().any(|h| h.end == k && matches!(h.class, Class::YearCue | Class::Season(_))) {
            return true;
        }
        b.checked_sub(1).is_some_and(|a| {
            self.s(b) == "من"
                && (0..a + 1).rev().take(2).any(|x| {
                    self.hits[x].iter().any(|h| h.end == b && matches!(h.class, Class::Half(_) | Class::Quarter(_)))
                })
        })
    }

    /// A numeric date: 2024/5/14, 14-5-2024, 14.05.2024, 14/10/1436هـ; a day-month pair ("12/10",
    /// "12 – 10") in the dateline or after يوم/الموافق.
    fn numeric(&self, j: usize, start: usize, after_day_word: bool) -> Option<Core> {
        let t = self.toks.get(j)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        let in_head = self.opts.head.as_ref().is_some_and(|h| {
            let o = self.mf.to_original(t.r.clone());
            o.start >= h.start && o.end <= h.end && self.head_first.is_some_and(|f| j < f + HEAD_TOKENS)
        });
        let mut end = j + 1;
        let joined;
        let mut s = self.s(j);
        // Written with spaces: "24 /10 / 1436هـ", "7/ 10/ 1436هـ".
        if s.bytes().all(|b| b.is_ascii_digit()) && self.punct(j + 1, &["/", "-"]) && self.punct(j + 3, &["/", "-"]) {
            let (b, c) = (self.num(j + 2, 2), self.num(j + 4, 4));
            if let (Some(_), Some(_)) = (b, c) {
                joined = format!("{s}/{}/{}", self.s(j + 2), self.s(j + 4));
                s = &joined;
                end = j + 5;
            }
        }
        let parts: Vec<&str> = s.split(['/', '-', '–', '.']).collect();
        let nums: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        if nums.len() != parts.len() || parts.iter().any(|p| p.is_empty() || p.len() > 4) {
            return None;
        }
        let (y, m, d, ambiguous, ylen) = match parts.len() {
            3 if parts[0].len() == 4 => (nums[0], nums[1], nums[2], false, 4),
            3 if parts[2].len() == 4 => {
                let (a, b) = (nums[0], nums[1]);
                if b > 12 && a <= 12 {
                    (nums[2], a, b, false, 4)
                } else {
                    (nums[2], b, a, a <= 12 && b <= 12 && a != b, 4)
                }
            }
            2 if (in_head || after_day_word) && !s.contains('.') => {
                let (a, b) = (nums[0], nums[1]);
                if !(1..=31).contains(&a) || !(1..=12).contains(&b) || parts[0].len() > 2 || parts[1].len() > 2 {
                    return None;
                }
                (0, b, a, false, 0)
            }
            // "12 – 10" written with spaces in a dateline.
            1 if in_head
                && (1..=31).contains(&nums[0])
                && parts[0].len() <= 2
                && self.punct(j + 1, &["-", "–", "/"])
                && self.num(j + 3, 4).is_none() =>
            {
                let b = self.num(j + 2, 2)?;
                if !(1..=12).contains(&b) {
                    return None;
                }
                end = j + 3;
                (0, b, nums[0], false, 0)
            }
            _ => return None,
        };
        let _ = start;
        if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
            return None;
        }
        let (cal, e) = match self.marker(end) {
            Some((h, e)) => (Some(h), e),
            None => (None, end),
        };
        end = e;
        let (value, rel) = if ylen == 0 {
            (self.res_month_day(m as u8, d as u8, Dir::Past), true)
        } else {
            let hijri_year = (1300..=1600).contains(&y);
            let hijri = cal == Some(true) || (cal.is_none() && hijri_year);
            if hijri {
                (day(hijri::to_gregorian(y as i32, m as u8, d as u8)), false)
            } else {
                (day(Date::new(y as i32, m as u8, d as u8)), false)
            }
        };
        Some(Core { end, res: Res { value, kind: Kind::Date, rel, ambiguous, level: Level::Day } })
    }

    /// A decade: "التسعينيات", "ثمانينيات القرن الماضي", "عقد الستينيات".
    fn decade(&self, j: usize) -> Option<Core> {
        let mut k = j;
        if let Some(h) = self.hit(k, |c| matches!(c, Class::Unit(Unit::Decade, Count::One))) {
            if self.hit(h.end, |c| matches!(c, Class::Decade(_))).is_some() {
                k = h.end;
            }
        }
        let h = self.hit(k, |c| matches!(c, Class::Decade(_)))?;
        let Class::Decade(n) = h.class else { return None };
        let mut end = h.end;
        let mut century = 1900;
        let mut q = end;
        if self.hit(q, |c| c == Class::RangeFrom).is_some() {
            q += 1;
        }
        if self.s(q) == "القرن" {
            match self.s(q + 1) {
                "الماضي" | "العشرين" => end = q + 2,
                "الحالي" | "الجاري" => {
                    century = 2000;
                    end = q + 2;
                }
                "الحادي" if self.s(q + 2) == "والعشرين" => {
                    century = 2000;
                    end = q + 3;
                }
                _ => {}
            }
        }
        let start = century + i32::from(n);
        Some(Core { end, res: Res::date(year_range(start, start + 9), false, Level::Year) })
    }

    /// A feast: "عيد الفطر المبارك", "عيد الأضحى 1436", "يوم عرفة".
    fn holiday(&self, j: usize, start: usize) -> Option<Core> {
        let h = self.hit(j, |c| matches!(c, Class::Holiday { .. }))?;
        let Class::Holiday { hijri, month, day: d } = h.class else { return None };
        let mut end = h.end;
        if let Some(e) = self.hit(end, |c| c == Class::Epithet) {
            end = e.end;
        }
        let mut year = None;
        if let Some((y, _, rel, e)) = self.year_spec(end, hijri) {
            if !rel {
                year = Some(y);
                end = e;
            }
        }
        let mut modifier = None;
        if year.is_none() {
            if let Some((m, e)) = self.modifier(end) {
                modifier = Some(m);
                end = e;
            }
        }
        let dir = dir_of(modifier, self.future_before(start));
        let (value, rel) = match (hijri, year) {
            (true, Some(y)) => (day(hijri::to_gregorian(y, month, d)), false),
            (true, None) => (self.res_hijri_day(month, d, dir), true),
            (false, Some(y)) => (day(Date::new(y, month, d)), false),
            (false, None) => (self.res_month_day(month, d, dir), true),
        };
        Some(Core { end, res: Res::date(value, rel, Level::Day) })
    }

    /// An amount of time: a number (digits or words) or nothing, then a unit: (count, end of amount).
    fn amount(&self, j: usize) -> Option<(Option<u32>, bool, usize)> {
        let mut k = j;
        if let Some(h) = self.hit(k, |c| c == Class::Approx) {
            k = h.end;
        }
        if let Some(n) = self.num(k, 4) {
            return Some((Some(n), true, k + 1));
        }
        if let Some(h) = self.hits.get(k)?.iter().find(|h| matches!(h.class, Class::Cardinal(_)) && !h.article_stripped)
        {
            if let Class::Cardinal(n) = h.class {
                return Some((n, n.is_some(), h.end));
            }
        }
        Some((None, false, k))
    }

    /// منذ/قبل/بعد + an amount of time: "منذ يومين", "قبل ثلاثة أيام", "بعد 30 عاما من …".
    fn ago(&self, i: usize) -> Option<Cand> {
        let h = self.hit(i, |c| matches!(c, Class::Ago | Class::After))?;
        let sign: i64 = if h.class == Class::After { 1 } else { -1 };
        let (n, explicit, k) = self.amount(h.end)?;
        let u = self.hit(k, |c| matches!(c, Class::Unit(..))).filter(|u| u.skip == 0)?;
        let Class::Unit(unit, count) = u.class else { return None };
        if u.definite {
            return None;
        }
        let mut end = u.end;
        // "قبل عام 2015", "منذ شهر رمضان", "قبل يوم الجمعة": the unit word belongs to what follows.
        if !explicit && count == Count::One && self.core(k, k, false).is_some_and(|c| c.end > end) {
            return None;
        }
        let mut n = match (n, count) {
            (Some(n), _) => Some(n),
            (None, _) if explicit => None,
            (None, Count::One) if self.hit(h.end, |c| matches!(c, Class::Cardinal(None))).is_none() => Some(1),
            (None, Count::Two) if self.hit(h.end, |c| matches!(c, Class::Cardinal(None))).is_none() => Some(2),
            _ => None,
        };
        // "عام واحد"
        if let Some(c) = self.hit(end, |c| c == Class::Cardinal(Some(1))) {
            if n.is_none() || n == Some(1) {
                n = Some(1);
                end = c.end;
            }
        }
        // Counted from another event: "بعد 4 أيام على الهجوم", "قبل يومين من الانتخابات".
        let counted_from_other = matches!(self.s(end), "من" | "على" | "علي" | "عن");
        let res = if unit == Unit::Hour || counted_from_other {
            Res::none(Kind::Duration)
        } else {
            match n {
                Some(n) => {
                    let value = self.res_shift(unit, sign * i64::from(n));
                    let level = match unit {
                        Unit::Day => Level::Day,
                        Unit::Week => Level::Week,
                        Unit::Month => Level::Month,
                        _ => Level::Year,
                    };
                    Res::date(value, true, level)
                }
                // "قبل أيام", "منذ سنوات", "منذ عدة أشهر": some time ago.
                None => Res::none(Kind::Vague),
            }
        };
        Some(Cand { start: i, skip: h.skip, end, res: Some(res) })
    }

    /// An amount of time on its own: "30 عاما", "ثلاثة أيام", "لعدة سنوات", "يومين".
    fn duration(&self, i: usize) -> Option<Cand> {
        // على مدى عقود, لمدة عام: the lead word stays outside the span.
        if let Some(h) = self.hit(i, |c| c == Class::DurationLead) {
            let (_, _, k) = self.amount(h.end)?;
            let u = self.hit(k, |c| matches!(c, Class::Unit(..))).filter(|u| u.skip == 0)?;
            if u.definite || self.core(k, k, false).is_some_and(|c| c.end > u.end) {
                return None;
            }
            let end = self.hit(u.end, |c| c == Class::Cardinal(Some(1))).map_or(u.end, |c| c.end);
            return Some(Cand { start: h.end, skip: 0, end, res: Some(Res::none(Kind::Duration)) });
        }
        let (n, explicit, k) = self.amount(i)?;
        let u = self.hit(k, |c| matches!(c, Class::Unit(..))).filter(|u| u.skip == 0 || k == i)?;
        let Class::Unit(_, count) = u.class else { return None };
        // "لسنوات", "لأشهر": for (some) years.
        let for_plural = k == i && count == Count::Many && !u.definite && self.s(i).starts_with('ل') && u.skip > 0;
        let counted =
            explicit || n.is_some() || for_plural || self.hit(i, |c| matches!(c, Class::Cardinal(None))).is_some();
        if !counted && count != Count::Two {
            return None;
        }
        if u.definite && count != Count::Two {
            return None;
        }
        let skip = if k == i { u.skip } else { self.hits.get(i).and_then(|h| h.first()).map_or(0, |h| h.skip) };
        Some(Cand { start: i, skip, end: u.end, res: Some(Res::none(Kind::Duration)) })
    }

    pub(crate) fn run(mut self) -> Vec<TimeMention> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.toks.len() {
            let Some(c) = self.parse_at(i) else {
                i += 1;
                continue;
            };
            let end = c.end.max(i + 1);
            if let Some(res) = c.res {
                let first = &self.toks[c.start];
                let last = &self.toks[end - 1];
                let mstart = (first.r.start + c.skip).min(first.r.end);
                let span = self.mf.to_original(mstart..last.r.end);
                let value = res.value.and_then(Value::checked);
                let anchor = if !res.rel {
                    Anchor::Absolute
                } else if self.opts.published_from_dateline {
                    Anchor::Dateline
                } else {
                    Anchor::Publication
                };
                let day_value = match value {
                    Some(Value::Point(Point::Day(d))) => Some(d),
                    _ => None,
                };
                self.found.push(Found { start: c.start, end, day: day_value, value });
                if !span.is_empty() {
                    out.push(TimeMention { span, value, kind: res.kind, anchor, ambiguous: res.ambiguous });
                }
            }
            i = end;
        }
        out
    }
}

/// A mention already found, for the rules that look back (quotations, anaphora, tense coherence).
#[derive(Debug, Clone, Copy)]
struct Found {
    /// First token.
    start: usize,
    /// Token after the last.
    end: usize,
    /// The value when it is one day.
    day: Option<Date>,
    value: Option<Value>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Quals {
    skip: Option<usize>,
    day_part: bool,
    period_part: bool,
    /// (which, of how many): النصف الأول = (1, 2), الربع الثالث = (3, 4).
    half: Option<(u8, u8)>,
    season: Option<u8>,
}

#[derive(Debug, Clone, Copy)]
enum RangePoint {
    Year(i32),
    Res(Res),
}

/// The dateline's date: a full date in `head` with only a place (one to three words the lexicon does
/// not know) before it.
pub(crate) fn dateline_date(
    lex: &Lexicon,
    text: &str,
    times: &[TimeMention],
    head: Option<&Range<usize>>,
) -> Option<Date> {
    let head = head?;
    let t = times.iter().find(|t| t.span.start >= head.start && t.span.start < head.end)?;
    let Some(Value::Point(Point::Day(d))) = t.value else { return None };
    if t.anchor != Anchor::Absolute {
        return None;
    }
    let before = text.get(head.start..t.span.start)?;
    let words: Vec<String> = tokenize(before).map(|w| hadath_text::normalize::match_key(&before[w.span])).collect();
    let place_like = |w: &String| {
        w.chars().all(|c| hadath_text::tokens::is_arabic_letter(c) || c.is_alphabetic())
            && lex.starting_with(w).next().is_none()
    };
    ((1..=3).contains(&words.len()) && words.iter().all(place_like)).then_some(d)
}
