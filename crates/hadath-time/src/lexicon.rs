//! The time stage's knowledge: the files under `data/time/`, embedded at build time and parsed once.
//!
//! Every file is tab-separated, with `#` comment lines and a header naming its columns, source and
//! licence. The last column of each row holds examples (`sentence ⇒ value [kind]`, several separated by
//! ` || `) that the tests run against the recogniser.

use rustc_hash::FxHashMap;

use hadath_text::normalize::match_key;
use hadath_text::tokens::tokenize;

/// The embedded data files, by path relative to the repository root.
pub const FILES: &[(&str, &str)] = &[
    ("data/time/months.tsv", include_str!("../../../data/time/months.tsv")),
    ("data/time/weekdays.tsv", include_str!("../../../data/time/weekdays.tsv")),
    ("data/time/relative.tsv", include_str!("../../../data/time/relative.tsv")),
    ("data/time/units.tsv", include_str!("../../../data/time/units.tsv")),
    ("data/time/parts.tsv", include_str!("../../../data/time/parts.tsv")),
    ("data/time/numbers.tsv", include_str!("../../../data/time/numbers.tsv")),
    ("data/time/phrases.tsv", include_str!("../../../data/time/phrases.tsv")),
    ("data/time/cues.tsv", include_str!("../../../data/time/cues.tsv")),
    ("data/time/holidays.tsv", include_str!("../../../data/time/holidays.tsv")),
];

/// The publication date the examples in the data files assume.
pub const EXAMPLE_PUBLISHED: &str = "2023-04-19";

/// A data file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct DataError {
    /// The data file.
    pub file: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// A unit of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// Hours (and shorter): never resolved.
    Hour,
    /// Days.
    Day,
    /// Weeks.
    Week,
    /// Months.
    Month,
    /// Years.
    Year,
    /// Decades.
    Decade,
    /// Centuries.
    Century,
}

/// Grammatical number of a unit word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// Singular: one unit.
    One,
    /// Dual: two units, counted by the word itself.
    Two,
    /// Plural (or the accusative singular after a number).
    Many,
}

/// Kinds of fixed phrases (`phrases.tsv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhraseKind {
    /// A time without a calendar value.
    Vague,
    /// An amount of time.
    Duration,
    /// A recurring time.
    Set,
    /// Not a time at all.
    NotTime,
}

/// What a lexicon entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A month name.
    Month {
        /// Hijri (else Gregorian).
        hijri: bool,
        /// 1–12.
        n: u8,
        /// Needs a date context.
        strict: bool,
    },
    /// A weekday, ISO numbered.
    Weekday(u8),
    /// A day relative to publication (offset in days).
    Day(i8),
    /// الماضي (-1), المقبل (+1), الجاري (0), قبل الماضي (-2).
    Modifier(i8),
    /// هذا / هذه.
    This,
    /// منذ / قبل.
    Ago,
    /// بعد.
    After,
    /// على مدى, لمدة: makes a unit an amount.
    DurationLead,
    /// الموافق.
    Link,
    /// من (interval start).
    RangeFrom,
    /// إلى / حتى (interval end).
    RangeTo,
    /// بين.
    RangeBetween,
    /// و (between the ends of a بين interval).
    RangeAnd,
    /// A unit of time.
    Unit(Unit, Count),
    /// A part of a day.
    DayPart,
    /// قبيل / بعيد / حوالي.
    Approx,
    /// مطلع / منتصف / أواخر.
    PeriodPart,
    /// النصف الأول/الثاني.
    Half(u8),
    /// الربع الأول … الرابع.
    Quarter(u8),
    /// A season (its first month).
    Season(u8),
    /// An ordinal day of the month.
    Ordinal(u8),
    /// A cardinal number (None: an unspecified few, عدة).
    Cardinal(Option<u32>),
    /// A decade (20 … 90).
    Decade(u8),
    /// A fixed phrase.
    Phrase(PhraseKind),
    /// A future cue.
    Future,
    /// Starts a new clause (الذي، حيث): a future cue before it does not count after it.
    Clause,
    /// Makes a bare number a year.
    YearCue,
    /// Makes a strict month name a month.
    DateContext,
    /// هـ.
    HijriMarker,
    /// م.
    GregorianMarker,
    /// المبارك, after a Hijri month.
    Epithet,
    /// A feast on a fixed calendar day.
    Holiday {
        /// Hijri (else Gregorian).
        hijri: bool,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
}

/// One entry: a sequence of match-form words and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Match keys of the words.
    pub words: Vec<String>,
    /// What the entry is.
    pub class: Class,
}

/// What an example expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    /// Some expression with this ISO value (and, when given, this kind).
    Value(String, Option<String>),
    /// Some expression without a value (and, when given, this kind).
    Null(Option<String>),
    /// No expression at all.
    Nothing,
}

/// An example from a data file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The file it comes from.
    pub file: &'static str,
    /// Its line.
    pub line: usize,
    /// The class column of its row (or the file's kind of row).
    pub class: String,
    /// The sentence.
    pub sentence: String,
    /// What the recogniser must find in it.
    pub expect: Expect,
}

/// The parsed data.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<Entry>,
    /// First word's key → entries, longest first.
    index: FxHashMap<String, Vec<u32>>,
    /// Word beginnings that mark a future verb (سي، ست، سن).
    pub future_prefixes: Vec<String>,
    /// Word beginnings that are never a future verb (سيارة …).
    pub not_future_prefixes: Vec<String>,
    /// The examples of every row.
    pub examples: Vec<Example>,
}

/// The words of a data form, as the recogniser's tokens will see them.
pub fn form_words(form: &str) -> Vec<String> {
    let key = match_key(form.trim());
    tokenize(&key).map(|t| key[t.span].to_string()).collect()
}

fn err(file: &str, line: usize, message: impl Into<String>) -> DataError {
    DataError { file: file.to_string(), line, message: message.into() }
}

fn parse_examples(file: &'static str, line: usize, class: &str, col: &str) -> Result<Vec<Example>, DataError> {
    let mut out = Vec::new();
    for ex in col.split(" || ").map(str::trim).filter(|s| !s.is_empty() && *s != "-") {
        let (sentence, expect) =
            ex.split_once('⇒').ok_or_else(|| err(file, line, format!("example {ex:?} has no ⇒")))?;
        let mut parts = expect.split_whitespace();
        let v = parts.next().ok_or_else(|| err(file, line, format!("example {ex:?} expects nothing")))?;
        let kind = parts.next().map(String::from);
        let expect = match v {
            "∅" => Expect::Nothing,
            "null" => Expect::Null(kind),
            v => {
                if crate::value::parse_iso(v).is_none() {
                    return Err(err(file, line, format!("example value {v:?} is not ISO 8601")));
                }
                Expect::Value(v.to_string(), kind)
            }
        };
        out.push(Example { file, line, class: class.to_string(), sentence: sentence.trim().to_string(), expect });
    }
    Ok(out)
}

fn num<T: std::str::FromStr>(file: &str, line: usize, s: &str, what: &str) -> Result<T, DataError> {
    s.trim().parse().map_err(|_| err(file, line, format!("bad {what} {s:?}")))
}

fn unit(s: &str) -> Option<Unit> {
    Some(match s {
        "hour" => Unit::Hour,
        "day" => Unit::Day,
        "week" => Unit::Week,
        "month" => Unit::Month,
        "year" => Unit::Year,
        "decade" => Unit::Decade,
        "century" => Unit::Century,
        _ => return None,
    })
}

impl Lexicon {
    /// Parses the embedded files.
    pub fn embedded() -> Result<Lexicon, DataError> {
        let mut lex = Lexicon::default();
        for (file, text) in FILES {
            lex.load(file, text)?;
        }
        lex.build_index();
        Ok(lex)
    }

    fn add(&mut self, forms: &str, class: Class) {
        for form in forms.split('|').map(str::trim).filter(|f| !f.is_empty()) {
            let words = form_words(form);
            if !words.is_empty() {
                self.entries.push(Entry { words, class });
            }
        }
    }

    fn load(&mut self, file: &'static str, text: &str) -> Result<(), DataError> {
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim().is_empty() || raw.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = raw.split('\t').collect();
            let need = match file {
                "data/time/months.tsv" => 6,
                "data/time/holidays.tsv" => 5,
                "data/time/weekdays.tsv" | "data/time/phrases.tsv" | "data/time/cues.tsv" => 3,
                _ => 4,
            };
            if cols.len() != need {
                return Err(err(file, line, format!("{} columns, expected {need}", cols.len())));
            }
            let forms = cols[0];
            let examples_col = cols[need - 1];
            let (class, label) = match file {
                "data/time/months.tsv" => {
                    let hijri = match cols[1] {
                        "gregorian" => false,
                        "hijri" => true,
                        c => return Err(err(file, line, format!("bad calendar {c:?}"))),
                    };
                    let n: u8 = num(file, line, cols[2], "month")?;
                    if !(1..=12).contains(&n) {
                        return Err(err(file, line, "month out of range"));
                    }
                    (Some(Class::Month { hijri, n, strict: cols[3] == "strict" }), cols[1].to_string())
                }
                "data/time/weekdays.tsv" => {
                    let n: u8 = num(file, line, cols[1], "weekday")?;
                    if !(1..=7).contains(&n) {
                        return Err(err(file, line, "weekday out of range"));
                    }
                    (Some(Class::Weekday(n)), "weekday".to_string())
                }
                "data/time/holidays.tsv" => {
                    let hijri = cols[1] == "hijri";
                    let month: u8 = num(file, line, cols[2], "month")?;
                    let day: u8 = num(file, line, cols[3], "day")?;
                    if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
                        return Err(err(file, line, "date out of range"));
                    }
                    (Some(Class::Holiday { hijri, month, day }), "holiday".to_string())
                }
                "data/time/phrases.tsv" => {
                    let k = match cols[1] {
                        "vague" => PhraseKind::Vague,
                        "duration" => PhraseKind::Duration,
                        "set" => PhraseKind::Set,
                        "not-time" => PhraseKind::NotTime,
                        c => return Err(err(file, line, format!("bad phrase kind {c:?}"))),
                    };
                    (Some(Class::Phrase(k)), cols[1].to_string())
                }
                "data/time/cues.tsv" => {
                    let c = match cols[1] {
                        "future" => Some(Class::Future),
                        "clause" => Some(Class::Clause),
                        "year-cue" => Some(Class::YearCue),
                        "date-context" => Some(Class::DateContext),
                        "hijri-marker" => Some(Class::HijriMarker),
                        "gregorian-marker" => Some(Class::GregorianMarker),
                        "epithet" => Some(Class::Epithet),
                        "future-prefix" | "not-future" => {
                            let list = forms.split('|').map(|f| match_key(f.trim())).filter(|f| !f.is_empty());
                            if cols[1] == "future-prefix" {
                                self.future_prefixes.extend(list);
                            } else {
                                self.not_future_prefixes.extend(list);
                            }
                            None
                        }
                        c => return Err(err(file, line, format!("bad cue class {c:?}"))),
                    };
                    (c, cols[1].to_string())
                }
                "data/time/units.tsv" => {
                    let u = unit(cols[1]).ok_or_else(|| err(file, line, format!("bad unit {:?}", cols[1])))?;
                    let c = match cols[2] {
                        "1" => Count::One,
                        "2" => Count::Two,
                        "n" => Count::Many,
                        c => return Err(err(file, line, format!("bad number {c:?}"))),
                    };
                    (Some(Class::Unit(u, c)), format!("unit {}", cols[1]))
                }
                "data/time/numbers.tsv" => {
                    let c = match cols[1] {
                        "ordinal" => Class::Ordinal(num(file, line, cols[2], "ordinal")?),
                        "cardinal" if cols[2] == "-" => Class::Cardinal(None),
                        "cardinal" => Class::Cardinal(Some(num(file, line, cols[2], "cardinal")?)),
                        "decade" => Class::Decade(num(file, line, cols[2], "decade")?),
                        c => return Err(err(file, line, format!("bad number class {c:?}"))),
                    };
                    (Some(c), cols[1].to_string())
                }
                "data/time/parts.tsv" => {
                    let c = match cols[1] {
                        "day-part" => Class::DayPart,
                        "approx" => Class::Approx,
                        "period-part" => Class::PeriodPart,
                        "half" => Class::Half(num(file, line, cols[2], "half")?),
                        "quarter" => Class::Quarter(num(file, line, cols[2], "quarter")?),
                        "season" => Class::Season(match cols[2] {
                            "spring" => 3,
                            "summer" => 6,
                            "autumn" => 9,
                            "winter" => 12,
                            s => return Err(err(file, line, format!("bad season {s:?}"))),
                        }),
                        c => return Err(err(file, line, format!("bad part class {c:?}"))),
                    };
                    (Some(c), cols[1].to_string())
                }
                "data/time/relative.tsv" => {
                    let arg: i8 = num(file, line, cols[2], "argument")?;
                    let c = match cols[1] {
                        "day" => Class::Day(arg),
                        "modifier" => Class::Modifier(arg),
                        "this" => Class::This,
                        "ago" => Class::Ago,
                        "after" => Class::After,
                        "duration" => Class::DurationLead,
                        "link" => Class::Link,
                        "range-from" => Class::RangeFrom,
                        "range-to" => Class::RangeTo,
                        "range-between" => Class::RangeBetween,
                        "range-and" => Class::RangeAnd,
                        c => return Err(err(file, line, format!("bad class {c:?}"))),
                    };
                    (Some(c), cols[1].to_string())
                }
                _ => return Err(err(file, line, "unknown data file")),
            };
            if let Some(c) = class {
                self.add(forms, c);
            }
            self.examples.extend(parse_examples(file, line, &label, examples_col)?);
        }
        Ok(())
    }

    fn build_index(&mut self) {
        let mut index: FxHashMap<String, Vec<u32>> = FxHashMap::default();
        for (i, e) in self.entries.iter().enumerate() {
            index.entry(e.words[0].clone()).or_default().push(i as u32);
        }
        for v in index.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(self.entries[i as usize].words.len()));
        }
        self.index = index;
    }

    /// Entries whose first word is `key`, longest first.
    pub fn starting_with<'a>(&'a self, key: &str) -> impl Iterator<Item = &'a Entry> + 'a {
        self.index.get(key).into_iter().flatten().map(move |&i| &self.entries[i as usize])
    }

    /// All entries.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_parses() {
        let lex = Lexicon::embedded().unwrap();
        assert!(lex.entries().len() > 300, "{}", lex.entries().len());
        assert!(lex.examples.len() > 150, "{}", lex.examples.len());
        assert!(lex.future_prefixes.contains(&"سي".to_string()));
        // Keys are match forms split into words.
        assert!(lex.starting_with("كانون").any(|e| e.words == ["كانون", "الثاني"]));
        assert!(lex.starting_with("ه").any(|e| e.class == Class::HijriMarker));
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let mut lex = Lexicon::default();
        let e = lex.load("data/time/weekdays.tsv", "# c\nالاثنين\t9\t-\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = lex.load("data/time/months.tsv", "يناير\tgregorian\t1\t-\tx\tفي يناير ⇒ 2023-13\n").unwrap_err();
        assert!(e.message.contains("ISO"), "{e}");
    }
}
