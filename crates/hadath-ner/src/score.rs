//! Entity-level scoring like `conlleval`: an entity counts as found when a predicted entity has the same
//! token span and the same type.

use std::fmt;

use crate::tags::{push_entities, EntitySpan, EntityType, Tag};

/// Counts for one entity type (or all).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Predicted entities that match a gold entity exactly.
    pub correct: usize,
    /// Predicted entities.
    pub predicted: usize,
    /// Gold entities.
    pub gold: usize,
}

impl Counts {
    /// Precision (0 when nothing was predicted).
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.predicted)
    }

    /// Recall (0 when there is no gold entity).
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.gold)
    }

    /// F1, the harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// Accumulated scores over sentences.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scores {
    /// Per type, in [`EntityType::ALL`] order.
    pub by_type: [Counts; 4],
    /// Tokens seen.
    pub tokens: usize,
    /// Tokens whose tag was right.
    pub tokens_correct: usize,
    gold_buf: Vec<EntitySpan>,
    pred_buf: Vec<EntitySpan>,
}

impl Scores {
    /// Adds one sentence's gold and predicted tags.
    pub fn add(&mut self, gold: &[Tag], predicted: &[Tag]) {
        assert_eq!(gold.len(), predicted.len(), "gold and predicted tags differ in length");
        self.tokens += gold.len();
        self.tokens_correct += gold.iter().zip(predicted).filter(|(g, p)| g == p).count();
        self.gold_buf.clear();
        self.pred_buf.clear();
        push_entities(gold, &mut self.gold_buf);
        push_entities(predicted, &mut self.pred_buf);
        for g in &self.gold_buf {
            self.by_type[g.kind.index()].gold += 1;
        }
        for p in &self.pred_buf {
            let c = &mut self.by_type[p.kind.index()];
            c.predicted += 1;
            // Both lists are sorted by start and do not overlap.
            if self
                .gold_buf
                .binary_search_by_key(&(p.start, p.end), |g| (g.start, g.end))
                .is_ok_and(|k| self.gold_buf[k].kind == p.kind)
            {
                c.correct += 1;
            }
        }
    }

    /// Adds the counts of `other`.
    pub fn merge(&mut self, other: &Scores) {
        for (a, b) in self.by_type.iter_mut().zip(&other.by_type) {
            a.correct += b.correct;
            a.predicted += b.predicted;
            a.gold += b.gold;
        }
        self.tokens += other.tokens;
        self.tokens_correct += other.tokens_correct;
    }

    /// Counts over all types.
    pub fn micro(&self) -> Counts {
        self.by_type.iter().fold(Counts::default(), |a, c| Counts {
            correct: a.correct + c.correct,
            predicted: a.predicted + c.predicted,
            gold: a.gold + c.gold,
        })
    }

    /// Counts of one type.
    pub fn of(&self, t: EntityType) -> Counts {
        self.by_type[t.index()]
    }

    /// Token accuracy.
    pub fn accuracy(&self) -> f64 {
        ratio(self.tokens_correct, self.tokens)
    }
}

impl fmt::Display for Scores {
    /// A `conlleval`-like table: one line per type and a micro-average line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<6} {:>9} {:>9} {:>9} {:>7} {:>7} {:>7}",
            "type", "precision", "recall", "F1", "gold", "pred", "correct"
        )?;
        let line = |f: &mut fmt::Formatter<'_>, name: &str, c: Counts| {
            writeln!(
                f,
                "{:<6} {:>9.4} {:>9.4} {:>9.4} {:>7} {:>7} {:>7}",
                name,
                c.precision(),
                c.recall(),
                c.f1(),
                c.gold,
                c.predicted,
                c.correct
            )
        };
        for t in EntityType::ALL {
            line(f, t.as_str(), self.of(t))?;
        }
        line(f, "micro", self.micro())?;
        write!(f, "tokens {}  token accuracy {:.4}", self.tokens, self.accuracy())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tags::EntityType::*;

    #[test]
    fn exact_span_and_type() {
        let t = |s: &str| s.split(' ').map(|x| Tag::parse(x).unwrap()).collect::<Vec<_>>();
        let mut s = Scores::default();
        s.add(&t("B-PERS I-PERS O B-LOC O B-ORG"), &t("B-PERS O O B-LOC O B-LOC"));
        // PERS: span differs; LOC: one right, one wrong type; ORG missed.
        assert_eq!(s.of(Pers), Counts { correct: 0, predicted: 1, gold: 1 });
        assert_eq!(s.of(Loc), Counts { correct: 1, predicted: 2, gold: 1 });
        assert_eq!(s.of(Org), Counts { correct: 0, predicted: 0, gold: 1 });
        let m = s.micro();
        assert_eq!(m, Counts { correct: 1, predicted: 3, gold: 3 });
        assert!((m.f1() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(s.tokens, 6);
        assert_eq!(s.tokens_correct, 4);
        assert!(s.to_string().contains("micro"));
    }
}
