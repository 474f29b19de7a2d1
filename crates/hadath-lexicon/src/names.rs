//! Words of people's names (`data/lexicon/person-names.tsv`: Wikidata given names and surnames, and the
//! words of transliterated names), looked up token by token for the named-entity tagger's name features.

use std::ops::Range;

use hadath_text::normalize::{match_key, push_match_key};
use rustc_hash::FxHashMap;

use crate::{data_lines, err, Error};

/// How a word is used in names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct NameWord {
    /// People in Wikidata with this word as a given name.
    given: u32,
    /// … as a surname.
    surname: u32,
    /// A word of a transliterated name.
    translit: bool,
}

/// The name-word list, by match form.
#[derive(Debug, Default)]
pub struct PersonNames {
    words: FxHashMap<String, NameWord>,
}

/// Proclitic sequences stripped, in this order, when the whole token is not a name word (وطارق، لإسلام).
const PROCLITICS: &[&str] = &["و", "ف", "ب", "ل", "وب", "ول", "فب", "فل"];

impl PersonNames {
    /// Parses `person-names.tsv`: word, given, surname, translit (TAB-separated).
    pub fn parse(path: &str, text: &str) -> Result<PersonNames, Error> {
        let mut words = FxHashMap::default();
        for (n, line) in data_lines(text) {
            let c: Vec<&str> = line.split('\t').collect();
            let num = |i: usize| -> Result<u32, Error> {
                c.get(i)
                    .and_then(|s| s.trim().parse().ok())
                    .ok_or_else(|| err(path, n, format!("column {} is not a number", i + 1)))
            };
            if c.len() != 4 {
                return Err(err(path, n, format!("expected 4 tab-separated columns, found {}", c.len())));
            }
            let w = NameWord { given: num(1)?, surname: num(2)?, translit: num(3)? != 0 };
            words.insert(match_key(c[0].trim()), w);
        }
        Ok(PersonNames { words })
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.words.len()
    }

    /// Is the list empty?
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How many people in Wikidata bear the word (a match key, no proclitic) as a given name, and as a
    /// surname; `None` when it is not a name word.
    pub fn counts(&self, key: &str) -> Option<(u32, u32)> {
        self.words.get(key).map(|w| (w.given, w.surname))
    }

    /// The entry of the token `text[t]`: looked up whole, else without a proclitic; whether one was
    /// stripped.
    fn lookup(&self, text: &str, t: &Range<usize>, key: &mut String) -> Option<(bool, NameWord)> {
        // Every word of the list is in Arabic script: skip tokens that start with neither a character of
        // U+0600–U+06FF (UTF-8 lead byte D8–DB) nor a presentation form (U+FB50–U+FEFF, lead byte EF).
        if !text.as_bytes()[t.clone()].first().is_some_and(|&b| (0xD8..=0xDB).contains(&b) || b == 0xEF) {
            return None;
        }
        key.clear();
        push_match_key(&text[t.clone()], key);
        if let Some(w) = self.words.get(key.as_str()) {
            return Some((false, *w));
        }
        PROCLITICS
            .iter()
            .filter_map(|p| key.strip_prefix(p))
            .filter(|r| r.chars().nth(2).is_some())
            .find_map(|k| self.words.get(k))
            .map(|w| (true, *w))
    }

    /// Appends name features to `out[i]` for each token `tokens[i]` of `text` (`out` has one list per
    /// token). A token is looked up whole, else without a proclitic (و ف ب ل, وب ول فب فل; at least three
    /// letters must remain); the first hit counts. Features: `name=F` (a word of a transliterated name),
    /// `name=G` / `name=S` (mostly a given name / a surname in Wikidata) and `name=G1`…`name=G3` (and
    /// `S…`) by how many people bear it (1: fewer than 10, 2: fewer than 50, 3: more); with a proclitic
    /// stripped, `name=pF`, `name=pG1` … instead of the first and the bucketed ones. A name word right after
    /// another gets the pair of their classes (G, S, or F for a transliterated word only): `name2=GS` ….
    pub fn token_features(&self, text: &str, tokens: &[Range<usize>], out: &mut [Vec<&'static str>]) {
        const G: [&str; 3] = ["name=G1", "name=G2", "name=G3"];
        const S: [&str; 3] = ["name=S1", "name=S2", "name=S3"];
        const PG: [&str; 3] = ["name=pG1", "name=pG2", "name=pG3"];
        const PS: [&str; 3] = ["name=pS1", "name=pS2", "name=pS3"];
        const PAIRS: [[&str; 3]; 3] = [
            ["name2=GG", "name2=GS", "name2=GF"],
            ["name2=SG", "name2=SS", "name2=SF"],
            ["name2=FG", "name2=FS", "name2=FF"],
        ];
        let mut key = String::new();
        // The previous token's class: None, or Some(0 given, 1 surname, 2 transliterated only).
        let mut prev: Option<usize> = None;
        for (t, f) in tokens.iter().zip(out.iter_mut()) {
            let Some((prefixed, w)) = self.lookup(text, t, &mut key) else {
                prev = None;
                continue;
            };
            let people = w.given + w.surname;
            let given = w.given >= w.surname;
            let class = if people == 0 {
                2
            } else if given {
                0
            } else {
                1
            };
            if let Some(p) = prev {
                f.push(PAIRS[p][class]);
            }
            prev = Some(class);
            if w.translit {
                f.push(if prefixed { "name=pF" } else { "name=F" });
            }
            if people == 0 {
                continue;
            }
            let bucket = if people >= 50 {
                2
            } else if people >= 10 {
                1
            } else {
                0
            };
            let table = match (prefixed, given) {
                (false, true) => &G,
                (false, false) => &S,
                (true, true) => &PG,
                (true, false) => &PS,
            };
            f.push(table[bucket]);
            f.push(if given { "name=G" } else { "name=S" });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_words_up_whole_then_without_proclitics() {
        let names = PersonNames::parse(
            "n.tsv",
            "# comment\nطارق\t481\t50\t1\nالبدري\t1\t34\t0\nشالوم\t2\t0\t0\nيوكانان\t0\t0\t1\n",
        )
        .unwrap();
        assert_eq!(names.len(), 4);
        let text = "وطارق البدري وشالوم يوكانان في";
        let tokens: Vec<Range<usize>> = {
            let mut v = Vec::new();
            let mut at = 0;
            for w in text.split(' ') {
                v.push(at..at + w.len());
                at += w.len() + 1;
            }
            v
        };
        let mut out = vec![Vec::new(); tokens.len()];
        names.token_features(text, &tokens, &mut out);
        assert_eq!(out[0], vec!["name=pF", "name=pG3", "name=G"]);
        assert_eq!(out[1], vec!["name2=GS", "name=S2", "name=S"]);
        assert_eq!(out[2], vec!["name2=SG", "name=pG1", "name=G"]);
        assert_eq!(out[3], vec!["name2=GF", "name=F"]);
        assert!(out[4].is_empty());
        assert!(PersonNames::parse("n.tsv", "x\t1\t2\n").is_err());
        assert!(PersonNames::parse("n.tsv", "x\t1\ty\t0\n").is_err());
    }
}
