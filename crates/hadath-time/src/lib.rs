//! hadath's time stage: finds the time expressions of an Arabic text and resolves each to an ISO 8601
//! value at the granularity the text gives. Pure: a function of the text, the embedded data
//! (`data/time/*.tsv`) and the publication date. No I/O, no clock.
//!
//! What it recognises (the word lists are data, see `data/time/`):
//! - month names of every region (Levantine كانون الثاني … كانون الأول, Egyptian/Gulf يناير … ديسمبر,
//!   Maghrebi جانفي … ديسمبر and the Moroccan يوليوز، غشت، شتنبر، نونبر، دجنبر), paired writings ("آذار/مارس",
//!   "حزيران (يونيو)", "يوليو تموز"), with a day (number or ordinal: "الرابع عشر من …") and a year;
//! - Hijri dates and months (محرم … ذو الحجة, هـ), converted with the Umm al-Qura calendar ([`hijri`]);
//! - numeric dates (`2024/5/14`, `14-5-2024`, `14.05.2024`, `١٤/٥/٢٠٢٤`, `14/10/1436هـ`), day first, with
//!   [`TimeMention::ambiguous`] set when month-first would also be a date;
//! - years (عام 1993، في 1994، مواليد 1986), intervals (2011-2020، بين عامي 1950 و1953، من … إلى …),
//!   decades (التسعينيات), halves, quarters and seasons of a year;
//! - expressions relative to the publication date: اليوم، أمس، أول أمس، غداً، بعد غد; weekdays, with a
//!   part of the day (مساء الأربعاء); الأسبوع/الشهر/العام الماضي/الجاري/المقبل; "19 أبريل الجاري";
//!   منذ يومين، قبل عامين; feasts (عيد الفطر);
//! - durations ("30 عاما"), vague times ("في السنوات الأخيرة") and sets ("يوميا"), with no value.
//!
//! ```
//! use hadath_time::{date::Date, Kind, Options, TimeTagger};
//! let tagger = TimeTagger::new().unwrap();
//! let text = "التقى الوزير نظيره يوم الأربعاء، وسيفتتح السفارة صباح الخميس.";
//! let opts = Options { published: Date::new(2023, 4, 19), ..Options::default() };
//! let times = tagger.find(text, &opts);
//! let got: Vec<(&str, String)> =
//!     times.iter().map(|t| (&text[t.span.clone()], t.value.map(|v| v.iso()).unwrap_or_default())).collect();
//! assert_eq!(got, [("يوم الأربعاء", "2023-04-19".to_string()), ("صباح الخميس", "2023-04-20".to_string())]);
//! assert_eq!(times[0].kind, Kind::Date);
//! ```
#![deny(missing_docs)]

pub mod date;
pub mod hijri;
pub mod lexicon;
mod recognize;
pub mod value;

use std::ops::Range;

use hadath_text::normalize::MatchForm;

use crate::date::Date;
pub use crate::lexicon::{DataError, Lexicon};
use crate::value::Value;

/// What kind of time an expression is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A calendar time: a day, week, month, year — also one whose Gregorian value is an interval (a Hijri
    /// month or year, a decade, a half year).
    Date,
    /// An explicit interval between two times ("2011-2020", "بين عامي 1950 و1953").
    Range,
    /// An amount of time ("30 عاما", "لعدة سنوات"): no value.
    Duration,
    /// A recurring time ("يوميا", "كل عام"): no value.
    Set,
    /// A time without a calendar value ("مؤخرا", "في السنوات الأخيرة").
    Vague,
}

impl Kind {
    /// The lowercase name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::Range => "range",
            Kind::Duration => "duration",
            Kind::Set => "set",
            Kind::Vague => "vague",
        }
    }
}

/// What a value was resolved against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    /// Nothing: the text gives the whole value (or there is no value to resolve).
    Absolute,
    /// The publication date given with the input.
    Publication,
    /// The date in the article's dateline, standing in for a publication date the input lacked.
    Dateline,
}

impl Anchor {
    /// The lowercase name used in the JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Anchor::Absolute => "absolute",
            Anchor::Publication => "publication",
            Anchor::Dateline => "dateline",
        }
    }
}

/// One time expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeMention {
    /// Byte range in the original text (on char boundaries), covering the whole expression.
    pub span: Range<usize>,
    /// The resolved value, if the expression has one and it could be resolved.
    pub value: Option<Value>,
    /// What kind of time it is.
    pub kind: Kind,
    /// What the value depends on. An expression that needs a reference date it did not get has anchor
    /// `Publication` (or `Dateline`) and no value.
    pub anchor: Anchor,
    /// A numeric date read day first that would also be a date month first (`5/6/2024`).
    pub ambiguous: bool,
}

/// How to resolve.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The date relative expressions resolve against.
    pub published: Option<Date>,
    /// Where `published` comes from: `true` when it is the dateline's date (anchors become `Dateline`).
    pub published_from_dateline: bool,
    /// Byte range of the article's dateline or, when it has none, of the first line of its body: a date
    /// there with nothing but a place before it is the dateline date, and a day-month pair there
    /// ("طهران – 12 – 10") is a date.
    pub head: Option<Range<usize>>,
}

/// The result of [`TimeTagger::analyse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Analysis {
    /// The time expressions, in text order.
    pub times: Vec<TimeMention>,
    /// The date relative expressions were resolved against.
    pub published: Option<Date>,
    /// Whether that date is the dateline's (the input gave none).
    pub published_from_dateline: bool,
}

/// The time recogniser and resolver: built once from the embedded data, `Send + Sync`.
#[derive(Debug, Clone)]
pub struct TimeTagger {
    lex: Lexicon,
}

impl TimeTagger {
    /// Builds the tagger from the data embedded in the binary.
    pub fn new() -> Result<TimeTagger, DataError> {
        Ok(TimeTagger { lex: Lexicon::embedded()? })
    }

    /// The loaded data.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    /// The time expressions of `text`, resolved with `opts`.
    pub fn find(&self, text: &str, opts: &Options) -> Vec<TimeMention> {
        self.find_in(text, &MatchForm::new(text), opts)
    }

    /// Like [`TimeTagger::find`], with the text's match form already built.
    pub fn find_in(&self, text: &str, mf: &MatchForm, opts: &Options) -> Vec<TimeMention> {
        recognize::Scan::new(&self.lex, text, mf, opts).run()
    }

    /// Finds and resolves the time expressions of an article. `published` is the date the input gives;
    /// without one, a full date in the dateline (`head`, see [`Options::head`]) takes its place — never
    /// the machine's clock.
    pub fn analyse(&self, text: &str, mf: &MatchForm, published: Option<Date>, head: Option<Range<usize>>) -> Analysis {
        let opts = Options { published, published_from_dateline: false, head: head.clone() };
        let times = self.find_in(text, mf, &opts);
        if published.is_some() {
            return Analysis { times, published, published_from_dateline: false };
        }
        let Some(d) = recognize::dateline_date(&self.lex, text, &times, head.as_ref()) else {
            return Analysis { times, published: None, published_from_dateline: false };
        };
        let opts = Options { published: Some(d), published_from_dateline: true, head };
        Analysis { times: self.find_in(text, mf, &opts), published: Some(d), published_from_dateline: true }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagger_is_send_and_sync() {
        fn is<T: Send + Sync>() {}
        is::<TimeTagger>();
    }

    #[test]
    fn dateline_date_stands_in_for_publication() {
        let t = TimeTagger::new().unwrap();
        let text = "عنوان الخبر\nسول 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\nهدد الجيش اليوم الاثنين بالرد.";
        let mf = MatchForm::new(text);
        let line = text.find("سول").unwrap()..text.find(" واس").unwrap() + " واس".len();
        let a = t.analyse(text, &mf, None, Some(line.clone()));
        assert_eq!(a.published, Date::new(2015, 8, 10));
        assert!(a.published_from_dateline);
        let today = a.times.iter().find(|m| text[m.span.clone()].contains("اليوم")).unwrap();
        assert_eq!(today.value.map(|v| v.iso()).as_deref(), Some("2015-08-10"));
        assert_eq!(today.anchor, Anchor::Dateline);
        // A date in the lead sentence is an event's date, not a dateline.
        let text = "عنوان\nفي 29 آذار 2023 افتتح الوزير السفارة اليوم.";
        let mf = MatchForm::new(text);
        let a = t.analyse(text, &mf, None, Some(text.find("في").unwrap()..text.len()));
        assert_eq!(a.published, None);
        let today = a.times.iter().find(|m| text[m.span.clone()].contains("اليوم")).unwrap();
        assert_eq!((today.value, today.anchor), (None, Anchor::Publication));
        // With a publication date the dateline is not consulted.
        let a = t.analyse(text, &mf, Date::new(2023, 4, 19), None);
        assert_eq!(a.published, Date::new(2023, 4, 19));
        assert!(!a.published_from_dateline);
    }
}
