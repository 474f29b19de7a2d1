//! Properties of the recogniser on arbitrary input: it never panics; every span lies on char boundaries
//! inside the text, is non-empty and does not start or end with whitespace; every value is valid ISO 8601
//! of the forms the crate writes; mentions come in text order without overlapping; kinds and values agree
//! (durations, sets and vague times carry none; an interval value is only given to kind date or range).

use proptest::prelude::*;

use hadath_time::date::Date;
use hadath_time::value::{parse_iso, Value};
use hadath_time::{Kind, Options, TimeTagger};

fn tagger() -> &'static TimeTagger {
    static T: std::sync::OnceLock<TimeTagger> = std::sync::OnceLock::new();
    T.get_or_init(|| TimeTagger::new().unwrap())
}

/// Words and pieces that reach deep into the grammar, mixed with arbitrary text.
const PIECES: &[&str] = &[
    "في",
    "منذ",
    "قبل",
    "بعد",
    "من",
    "إلى",
    "حتى",
    "بين",
    "و",
    "عام",
    "العام",
    "عامي",
    "سنة",
    "الماضي",
    "المقبل",
    "الجاري",
    "هذا",
    "الشهر",
    "الأسبوع",
    "اليوم",
    "أمس",
    "أول",
    "غدا",
    "مساء",
    "صباح",
    "قبيل",
    "ظهر",
    "يوم",
    "الأربعاء",
    "الجمعة",
    "الاثنين",
    "آذار",
    "مارس",
    "يوليو",
    "تموز",
    "(",
    ")",
    "/",
    "-",
    "–",
    "،",
    "«",
    "»",
    "\"",
    "شوال",
    "رمضان",
    "ذي الحجة",
    "هـ",
    "م",
    "الأول",
    "الرابع عشر",
    "الـ",
    "مطلع",
    "أواخر",
    "النصف الأول",
    "الربع الثالث",
    "صيف",
    "التسعينيات",
    "القرن",
    "عيد الفطر",
    "المبارك",
    "الموافق",
    "يومين",
    "أيام",
    "عاما",
    "عدة",
    "ثلاثة",
    "2015",
    "1436",
    "30",
    "12",
    "2011-2020",
    "14/10/1436",
    "٢٠٢٤/٥/١٤",
    "5.6.2024",
    "9999",
    "0",
    "31",
    "29",
    "2",
    "\n",
    " ",
    " ",
    "ً",
    "ـ",
    "\u{200f}",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(PIECES).prop_map(String::from),
            1 => "[\u{0600}-\u{06FF}0-9 ./\\-()«»]{1,6}",
            1 => "\\PC{1,4}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.join(" "))
}

fn check(text: &str, published: Option<Date>) -> Result<(), TestCaseError> {
    let opts = Options { published, ..Options::default() };
    let found = tagger().find(text, &opts);
    let mut last_end = 0;
    for t in &found {
        let s = &t.span;
        prop_assert!(s.start < s.end && s.end <= text.len(), "span {s:?} of {}", text.len());
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert!(s.start >= last_end, "mentions overlap or are out of order: {found:?}");
        last_end = s.end;
        let covered = &text[s.clone()];
        prop_assert_eq!(covered.trim(), covered, "span has outer whitespace");
        if let Some(v) = t.value {
            prop_assert_eq!(parse_iso(&v.iso()), Some(v), "{} is not valid ISO 8601", v.iso());
            prop_assert!(matches!(t.kind, Kind::Date | Kind::Range));
            if t.kind == Kind::Range {
                prop_assert!(matches!(v, Value::Range(..)));
            }
        }
        if matches!(t.kind, Kind::Duration | Kind::Set | Kind::Vague) {
            prop_assert!(t.value.is_none());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_with_time_words(text in text_strategy(), days in -700_000i64..2_900_000, with_date in any::<bool>()) {
        let published = if with_date { Date::from_days(days) } else { None };
        check(&text, published)?;
    }

    #[test]
    fn any_unicode(text in "\\PC{0,120}") {
        check(&text, Date::new(2023, 4, 19))?;
    }

    #[test]
    fn publication_dates_at_the_ends_of_the_calendar(text in text_strategy(), early in any::<bool>()) {
        let published = if early { Date::new(1, 1, 1) } else { Date::new(9999, 12, 31) };
        check(&text, published)?;
    }
}

#[test]
fn the_whole_expression_is_the_span() {
    let t = tagger();
    let opts = Options { published: Date::new(2023, 4, 19), ..Options::default() };
    for (text, want) in [
        ("ومن المتوقع أن يسافر كوهين مساء الأربعاء.", "مساء الأربعاء"),
        ("اجتمع الوزراء يوم 24 يوليو تموز في فيينا", "يوم 24 يوليو تموز"),
        ("وقع الهجوم قبيل ظهر الاثنين في سوروتش", "قبيل ظهر الاثنين"),
        ("ارتفعت الأسعار في يوليو (تموز) الحالي", "يوليو (تموز) الحالي"),
        ("سيعقد في 31 تموز/ يوليو المقبل", "31 تموز/ يوليو المقبل"),
        ("والخميس الماضي قتل أربعة جنود", "الخميس الماضي"),
    ] {
        let found = t.find(text, &opts);
        let spans: Vec<&str> = found.iter().map(|m| &text[m.span.clone()]).collect();
        assert!(spans.contains(&want), "{text:?}: {spans:?} lacks {want:?}");
    }
}

#[test]
fn ambiguity_is_flagged_and_day_first() {
    let t = tagger();
    let opts = Options::default();
    let m = &t.find("صدر القرار في 5/6/2024", &opts)[0];
    assert!(m.ambiguous);
    assert_eq!(m.value.map(|v| v.iso()).as_deref(), Some("2024-06-05"));
    let m = &t.find("صدر القرار في 25/6/2024", &opts)[0];
    assert!(!m.ambiguous);
    // Month first when day first is impossible.
    let m = &t.find("صدر القرار في 6/25/2024", &opts)[0];
    assert_eq!(m.value.map(|v| v.iso()).as_deref(), Some("2024-06-25"));
    assert!(!m.ambiguous);
}

#[test]
fn relative_expressions_without_a_publication_date_stay_unresolved() {
    let t = tagger();
    let found = t.find("وصل الوفد أمس، وسيغادر الخميس المقبل، وكان قد زار البلاد عام 1993", &Options::default());
    let got: Vec<(Option<String>, &str)> =
        found.iter().map(|m| (m.value.map(|v| v.iso()), m.anchor.as_str())).collect();
    assert_eq!(got, [(None, "publication"), (None, "publication"), (Some("1993".into()), "absolute")]);
}

#[test]
fn dateline_day_and_month() {
    let t = tagger();
    let text = "طهران – 12 – 10 (كونا) -- أعلن المتحدث اليوم الثلاثاء أن وفداً سيزور الكويت.";
    let head = 0..text.find("(كونا)").unwrap() + "(كونا)".len();
    let opts = Options { published: Date::new(2023, 10, 12), head: Some(head), ..Options::default() };
    let found = t.find(text, &opts);
    let first = &found[0];
    assert_eq!(&text[first.span.clone()], "12 – 10");
    assert_eq!(first.value.map(|v| v.iso()).as_deref(), Some("2023-10-12"));
    // Outside the head, "12 – 10" is a score, not a date.
    let found = t.find("فاز الفريق 12 – 10 في المباراة", &Options { head: None, ..opts });
    assert!(found.is_empty(), "{found:?}");
}
