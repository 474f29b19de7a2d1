//! Document structure: title, paragraphs, the dateline at the head ("بغداد - (رويترز) -") and the credit
//! lines at the foot ("المصدر: …", "ترجمة: …"). Works on byte ranges of the original text.

use std::ops::Range;

use hadath_lexicon::{AttributionField, Lexicon};
use hadath_text::normalize::match_key;
use hadath_text::tokens::{tokenize, Token, TokenKind};

/// The structure found in one text (byte ranges).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Structure {
    /// The first non-empty line.
    pub title: Option<Range<usize>>,
    /// Paragraphs: blocks separated by blank lines when the text has blank lines, else single lines.
    pub paragraphs: Vec<Range<usize>>,
    /// The dateline, if any.
    pub dateline: Option<DatelineFound>,
    /// Credit lines.
    pub credits: Vec<CreditFound>,
}

/// A dateline found at the head of a paragraph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatelineFound {
    /// The whole dateline, separators included.
    pub span: Range<usize>,
    /// The place.
    pub place: Option<Range<usize>>,
    /// The agency as written.
    pub agency: Option<Range<usize>>,
    /// Index into `Lexicon::agencies` when the agency is known.
    pub agency_index: Option<usize>,
    /// (day, month) written in the dateline.
    pub day_month: Option<(u32, u32)>,
}

/// A credit line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditFound {
    /// Which field.
    pub field: AttributionField,
    /// The whole line.
    pub line: Range<usize>,
    /// The value (outlet-type words such as موقع removed).
    pub value: Range<usize>,
    /// For agency credits: index into `Lexicon::agencies` when known.
    pub agency_index: Option<usize>,
}

/// Lines of `text` as byte ranges without their line terminators.
fn lines(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let rest = &text[pos..];
        let (len, adv) = match rest.find('\n') {
            Some(i) => (i, i + 1),
            None => (rest.len(), rest.len()),
        };
        let mut r = pos..pos + len;
        if text[r.clone()].ends_with('\r') {
            r.end -= 1;
        }
        pos += adv;
        Some(r)
    })
}

fn trim(text: &str, r: Range<usize>) -> Range<usize> {
    let s = &text[r.clone()];
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.start + s.trim_end().len();
    start..end.max(start)
}

/// Finds the structure of `text`.
pub fn analyse(text: &str, lex: &Lexicon, title_from_text: bool) -> Structure {
    let all_lines: Vec<Range<usize>> = lines(text).map(|r| trim(text, r)).collect();
    let has_blank = {
        let mut seen_text = false;
        let mut blank_between = false;
        for l in &all_lines {
            if l.is_empty() {
                if seen_text {
                    blank_between = true;
                }
            } else if blank_between {
                break;
            } else {
                seen_text = true;
            }
        }
        blank_between && all_lines.iter().any(|l| !l.is_empty())
    };
    let mut paragraphs = Vec::new();
    if has_blank {
        let mut cur: Option<Range<usize>> = None;
        for l in &all_lines {
            if l.is_empty() {
                if let Some(p) = cur.take() {
                    paragraphs.push(p);
                }
            } else {
                cur = Some(match cur {
                    Some(p) => p.start..l.end,
                    None => l.clone(),
                });
            }
        }
        if let Some(p) = cur {
            paragraphs.push(p);
        }
    } else {
        paragraphs.extend(all_lines.iter().filter(|l| !l.is_empty()).cloned());
    }
    let title = if title_from_text { all_lines.iter().find(|l| !l.is_empty()).cloned() } else { None };

    // Dateline: at the head of the first line after the title, or of the first line itself (a text whose
    // first line is the dateline has no separate title line).
    let mut non_empty = all_lines.iter().filter(|l| !l.is_empty());
    let first = non_empty.next().cloned();
    let second = non_empty.next().cloned();
    let candidates = if title.is_some() { [second, first] } else { [first, None] };
    let dateline = candidates.into_iter().flatten().find_map(|l| find_dateline(text, l, lex));
    // A first line that opens with a dateline is the lead paragraph, not a title.
    let title = match (&title, &dateline) {
        (Some(t), Some(d)) if d.span.start == t.start => None,
        _ => title,
    };

    // Credit lines: the last paragraphs (at most 4) that open with a cue; also single lines inside the last
    // paragraph when paragraphs are blocks.
    let mut credits = Vec::new();
    let tail: Vec<Range<usize>> = all_lines.iter().filter(|l| !l.is_empty()).rev().take(4).cloned().collect();
    for line in tail {
        if Some(&line) == title.as_ref() {
            break;
        }
        match find_credit(text, line, lex) {
            Some(c) => credits.push(c),
            None => break,
        }
    }
    credits.reverse();
    Structure { title, paragraphs, dateline, credits }
}

const MAX_CREDIT_LINE: usize = 200;

fn is_sep(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Punct && matches!(&text[t.span.clone()], "-" | "–" | "—" | ":" | "/" | "|" | "،" | ",")
}

/// Index of the agency whose surface form starts the token slice, with the number of tokens it covers.
fn match_agency(text: &str, toks: &[Token], lex: &Lexicon) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize, usize)> = None; // (agency, tokens, key length)
    for n in 1..=toks.len().min(5) {
        let slice = &text[toks[0].span.start..toks[n - 1].span.end];
        // Agencies are written with spaces or dots between letters: "أ ف ب", "أ.ف.ب".
        let key = hadath_lexicon::compact_agency_key(&match_key(slice));
        for (i, a) in lex.agencies.iter().enumerate() {
            if a.compact_keys.iter().any(|k| *k == key) && best.is_none_or(|(_, _, l)| key.len() > l) {
                best = Some((i, n, key.len()));
            }
        }
    }
    best.map(|(i, n, _)| (i, n))
}

/// Parses a dateline at the head of `para`:
/// `PLACE [sep] [DAY sep MONTH] [sep] (AGENCY) [sep]` or `PLACE sep AGENCY sep`.
fn find_dateline(text: &str, para: Range<usize>, lex: &Lexicon) -> Option<DatelineFound> {
    let head_end = para.start + text[para.clone()].char_indices().nth(90).map_or(para.len(), |(i, _)| i);
    let toks: Vec<Token> = tokenize(&text[para.start..head_end])
        .map(|t| Token { kind: t.kind, span: t.span.start + para.start..t.span.end + para.start })
        .collect();
    let mut i = 0;
    // PLACE: 1–3 Arabic words.
    while i < toks.len() && i < 3 && toks[i].kind == TokenKind::Arabic {
        i += 1;
    }
    if i == 0 {
        return None;
    }
    let place = toks[0].span.start..toks[i - 1].span.end;
    let mut day_month = None;
    let mut saw_sep = false;
    while i < toks.len() && is_sep(text, &toks[i]) {
        saw_sep = true;
        i += 1;
    }
    // Optional DAY sep MONTH ("12 – 10") or "12/10".
    if i < toks.len() && toks[i].kind == TokenKind::Number {
        let s = &text[toks[i].span.clone()];
        let parts: Vec<u32> = s.split(['/', '-', '–']).filter_map(parse_digits).collect();
        if parts.len() == 2 {
            day_month = Some((parts[0], parts[1]));
            i += 1;
        } else if let (Some(d), true) = (parse_digits(s), i + 2 < toks.len()) {
            if is_sep(text, &toks[i + 1]) && toks[i + 2].kind == TokenKind::Number {
                if let Some(m) = parse_digits(&text[toks[i + 2].span.clone()]) {
                    day_month = Some((d, m));
                    i += 3;
                }
            }
        }
        if let Some((d, m)) = day_month {
            if !(1..=31).contains(&d) || !(1..=12).contains(&m) {
                return None;
            }
        }
        while i < toks.len() && is_sep(text, &toks[i]) {
            i += 1;
        }
    }
    // AGENCY in parentheses, or after a separator.
    let (agency, agency_index, mut end_i) = if i < toks.len() && matches!(&text[toks[i].span.clone()], "(" | "[") {
        let close = toks[i + 1..].iter().take(7).position(|t| matches!(&text[t.span.clone()], ")" | "]"))?;
        let inner = &toks[i + 1..i + 1 + close];
        if inner.is_empty() {
            return None;
        }
        let known = match_agency(text, inner, lex).filter(|&(_, n)| n == inner.len()).map(|(a, _)| a);
        // An unknown agency in parentheses counts only with a separator or date before it and short content.
        if known.is_none()
            && (inner.len() > 4
                || !(saw_sep || day_month.is_some())
                || inner.iter().any(|t| t.kind == TokenKind::Number))
        {
            return None;
        }
        (Some(inner[0].span.start..inner[inner.len() - 1].span.end), known, i + close + 2)
    } else if saw_sep || day_month.is_some() {
        let (a, n) = match_agency(text, &toks[i.min(toks.len())..], lex)?;
        // The agency must be followed by a separator (or end the paragraph head): "الرياض - واس - …".
        let after = toks.get(i + n);
        if after.is_some_and(|t| !is_sep(text, t)) {
            return None;
        }
        (Some(toks[i].span.start..toks[i + n - 1].span.end), Some(a), i + n)
    } else if let Some((a, j, n)) = trailing_agency(text, &toks, i, para.end, lex) {
        (Some(toks[j].span.start..toks[j + n - 1].span.end), Some(a), j + n)
    } else {
        return None;
    };
    while end_i < toks.len() && is_sep(text, &toks[end_i]) {
        end_i += 1;
    }
    let end = toks[end_i - 1].span.end;
    Some(DatelineFound { span: toks[0].span.start..end, place: Some(place), agency, agency_index, day_month })
}

/// The Saudi Press Agency's dateline: `PLACE DATE… AGENCY` alone on its line, with the date written out
/// between ("سول 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس"). The words between must hold a number and
/// be words, numbers and date separators only; the agency must end the paragraph. Returns the agency, the
/// index of its first token and its number of tokens.
fn trailing_agency(
    text: &str,
    toks: &[Token],
    from: usize,
    para_end: usize,
    lex: &Lexicon,
) -> Option<(usize, usize, usize)> {
    const MAX_BETWEEN: usize = 14;
    let mut saw_number = false;
    for j in from..toks.len().min(from + MAX_BETWEEN + 1) {
        if let Some((a, n)) = match_agency(text, &toks[j..], lex) {
            let end = toks[j + n - 1].span.end;
            if saw_number && text[end..para_end].trim().is_empty() {
                return Some((a, j, n));
            }
        }
        match toks[j].kind {
            TokenKind::Number => saw_number = true,
            TokenKind::Arabic => {}
            TokenKind::Punct if matches!(&text[toks[j].span.clone()], "/" | "-" | "–" | ".") => {}
            _ => return None,
        }
    }
    None
}

fn parse_digits(s: &str) -> Option<u32> {
    let mut v: u32 = 0;
    let mut any = false;
    for c in s.chars() {
        let d = hadath_text::tokens::digit_value(c)?;
        v = v.checked_mul(10)?.checked_add(d)?;
        any = true;
    }
    any.then_some(v)
}

/// Parses a credit line: CUE [:] VALUE.
fn find_credit(text: &str, line: Range<usize>, lex: &Lexicon) -> Option<CreditFound> {
    if line.len() > MAX_CREDIT_LINE * 2 || text[line.clone()].chars().count() > MAX_CREDIT_LINE {
        return None;
    }
    let s = &text[line.clone()];
    // Match the cue on the match form of the line head, word by word.
    for cue in &lex.attribution_cues {
        let Some(after_cue) = strip_key_prefix(s, &cue.key) else { continue };
        let rest = &s[after_cue..];
        let trimmed = rest.trim_start();
        let has_colon = trimmed.starts_with(':') || trimmed.starts_with('：');
        if cue.colon_required && !has_colon {
            continue;
        }
        let mut value_start = line.start + after_cue + (rest.len() - trimmed.len());
        if has_colon {
            value_start += trimmed.chars().next().map_or(0, char::len_utf8);
        }
        let mut value = trim(text, value_start..line.end);
        // Drop a final period and generic outlet-type words (موقع، صحيفة …).
        while text[value.clone()].ends_with(['.', '۔']) {
            value.end -= 1;
        }
        loop {
            let v = &text[value.clone()];
            let Some(off) = lex.outlet_types.iter().find_map(|k| strip_key_prefix(v, k)) else { break };
            if v[off..].trim().is_empty() {
                break;
            }
            value = trim(text, value.start + off..value.end);
        }
        if value.is_empty() {
            return None;
        }
        let agency_index = if cue.field == AttributionField::Agency {
            let toks: Vec<Token> = tokenize(&text[value.clone()])
                .map(|t| Token { kind: t.kind, span: t.span.start + value.start..t.span.end + value.start })
                .collect();
            match_agency(text, &toks, lex).map(|(a, _)| a)
        } else {
            None
        };
        return Some(CreditFound { field: cue.field, line, value, agency_index });
    }
    None
}

/// If `s` starts with words whose match key is `key` (ending at a word boundary), the byte length of that
/// prefix in `s`.
fn strip_key_prefix(s: &str, key: &str) -> Option<usize> {
    let mut key_chars = key.chars().peekable();
    let mut consumed = 0;
    for (i, c) in s.char_indices() {
        if key_chars.peek().is_none() {
            consumed = i;
            break;
        }
        let mut folded = String::new();
        hadath_text::normalize::push_match_key(c.encode_utf8(&mut [0; 4]), &mut folded);
        for f in folded.chars() {
            if key_chars.next() != Some(f) {
                return None;
            }
        }
        consumed = i + c.len_utf8();
    }
    if key_chars.peek().is_some() {
        return None;
    }
    // Absorb trailing diacritics of the last letter, then require a word boundary.
    let rest = &s[consumed..];
    let extra: usize = rest
        .chars()
        .take_while(|&c| {
            matches!(hadath_text::normalize::fold_char(c), hadath_text::normalize::Fold::Drop) && !c.is_whitespace()
        })
        .map(char::len_utf8)
        .sum();
    let consumed = consumed + extra;
    match s[consumed..].chars().next() {
        Some(c) if c.is_alphanumeric() => None,
        _ => Some(consumed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn lex() -> &'static Lexicon {
        static L: OnceLock<Lexicon> = OnceLock::new();
        L.get_or_init(|| Lexicon::embedded().unwrap())
    }

    /// (whole dateline, place, agency, day-month)
    type Found = (String, String, Option<String>, Option<(u32, u32)>);

    fn dateline(text: &str) -> Option<Found> {
        let s = analyse(text, lex(), false);
        s.dateline.map(|d| {
            (
                text[d.span.clone()].to_string(),
                d.place.map(|p| text[p].to_string()).unwrap_or_default(),
                d.agency.map(|a| text[a].to_string()),
                d.day_month,
            )
        })
    }

    macro_rules! dl {
        ($name:ident, $text:expr, None) => {
            #[test]
            fn $name() {
                assert_eq!(dateline($text), None, "help: {:?} has no dateline", $text);
            }
        };
        ($name:ident, $text:expr, $span:expr, $place:expr, $agency:expr, $dm:expr) => {
            #[test]
            fn $name() {
                let want = Some(($span.to_string(), $place.to_string(), Some($agency.to_string()), $dm));
                assert_eq!(dateline($text), want, "help: dateline of {:?}", $text);
            }
        };
    }

    dl!(reuters, "بغداد - (رويترز) - قال مسؤولون عراقيون", "بغداد - (رويترز) -", "بغداد", "رويترز", None);
    dl!(afp_spaced, "القاهرة (أ ف ب) - أعلنت الحكومة", "القاهرة (أ ف ب) -", "القاهرة", "أ ف ب", None);
    dl!(
        kuna_day_month,
        "طهران – 12 – 10 (كونا) -- قال المتحدث",
        "طهران – 12 – 10 (كونا) --",
        "طهران",
        "كونا",
        Some((12, 10))
    );
    dl!(spa_no_parens, "الرياض - واس - أكد مجلس الوزراء", "الرياض - واس -", "الرياض", "واس", None);
    dl!(two_word_place, "تل أبيب (أ ب) - قال", "تل أبيب (أ ب) -", "تل أبيب", "أ ب", None);
    dl!(
        spa_written_date,
        "سول 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس\nقال",
        "سول 25 شوال 1436 هـ الموافق 10 أغسطس 2015 م واس",
        "سول",
        "واس",
        None
    );
    dl!(spa_needs_a_number, "الرياض الخبر واس\nقال", None);
    dl!(spa_agency_must_end_the_line, "سول 25 شوال قالت واس إن\nقال", None);
    dl!(no_dateline_sentence, "التقى وزير الخارجية الإسرائيلي إيلي كوهين في باكو بالرئيس", None);
    dl!(no_dateline_parenthetical, "قال الوزير (في بيان) إن", None);

    #[test]
    fn title_paragraphs_and_credits() {
        let text = "عنوان الخبر\nالفقرة الأولى. جملة ثانية.\nالفقرة الثانية.\nالمصدر: موقع المونيتور الأمريكي\nترجمة: أوغاريت بوست\n";
        let s = analyse(text, lex(), true);
        assert_eq!(&text[s.title.clone().unwrap()], "عنوان الخبر");
        assert_eq!(s.paragraphs.len(), 5);
        let got: Vec<(&str, &str)> = s.credits.iter().map(|c| (c.field.as_str(), &text[c.value.clone()])).collect();
        assert_eq!(got, [("source", "المونيتور الأمريكي"), ("translator", "أوغاريت بوست")]);
    }

    #[test]
    fn blank_line_paragraphs() {
        let text = "العنوان\n\nسطر أول\nسطر ثان\n\nفقرة أخرى";
        let s = analyse(text, lex(), true);
        let paras: Vec<&str> = s.paragraphs.iter().map(|p| &text[p.clone()]).collect();
        assert_eq!(paras, ["العنوان", "سطر أول\nسطر ثان", "فقرة أخرى"]);
    }

    #[test]
    fn credit_cues() {
        let text = "خبر\nنص الخبر هنا.\nنقلاً عن صحيفة الشرق الأوسط\nكتب: محمد علي";
        let s = analyse(text, lex(), true);
        let got: Vec<(&str, &str)> = s.credits.iter().map(|c| (c.field.as_str(), &text[c.value.clone()])).collect();
        assert_eq!(got, [("source", "الشرق الأوسط"), ("author", "محمد علي")]);
    }

    #[test]
    fn a_sentence_starting_with_a_cue_word_is_not_a_credit() {
        let text = "خبر\nكتب الوزير على تويتر أنه سيزور باكو.";
        assert!(analyse(text, lex(), true).credits.is_empty());
    }
}
