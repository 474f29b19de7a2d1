//! The tagger's internal labels: BILOU (Begin, Inside, Last, Outside, Unit) over the four entity types, which
//! lets the model learn where names end and which names are one token long. The public API speaks BIO
//! ([`Tag`]); [`encode`] and [`decode`] convert.

use crate::tags::{EntityType, Tag};

/// Number of labels: O, and B, I, L, U of each of the four types.
pub const N_LABELS: usize = 17;

/// Label index of O.
pub const O: usize = 0;

/// The four kinds of entity label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    B = 1,
    I = 2,
    L = 3,
    U = 4,
}

const fn label(t: usize, k: Kind) -> usize {
    4 * t + k as usize
}

const fn kind_of(l: usize) -> usize {
    (l - 1) % 4 + 1
}

/// `ALLOWED[p][c]`: may label `c` follow label `p` (row `N_LABELS`: the sentence start)? Inside an entity
/// (after B-X or I-X) only I-X or L-X may follow; outside (after O, L-*, U-* or at the start) only O, B-* or U-*.
pub const ALLOWED: [[bool; N_LABELS]; N_LABELS + 1] = {
    let mut a = [[false; N_LABELS]; N_LABELS + 1];
    let mut p = 0;
    while p <= N_LABELS {
        let inside = p != O && p != N_LABELS && (kind_of(p) == Kind::B as usize || kind_of(p) == Kind::I as usize);
        let mut c = 0;
        while c < N_LABELS {
            a[p][c] = if inside {
                c != O
                    && (c - 1) / 4 == (p - 1) / 4
                    && (kind_of(c) == Kind::I as usize || kind_of(c) == Kind::L as usize)
            } else {
                c == O || kind_of(c) == Kind::B as usize || kind_of(c) == Kind::U as usize
            };
            c += 1;
        }
        p += 1;
    }
    a
};

/// `END_OK[l]`: may a sentence end with label `l` (not inside an entity)?
pub const END_OK: [bool; N_LABELS] = {
    let mut a = [false; N_LABELS];
    let mut l = 0;
    while l < N_LABELS {
        a[l] = ALLOWED[l][O];
        l += 1;
    }
    a
};

/// BIO tags (read like `conlleval`: an `I-X` that cannot continue opens an entity) to labels.
pub fn encode(tags: &[Tag], out: &mut Vec<u8>) {
    out.clear();
    let ents = crate::tags::entities(tags);
    out.resize(tags.len(), O as u8);
    for e in ents {
        let t = e.kind.index();
        if e.end - e.start == 1 {
            out[e.start] = label(t, Kind::U) as u8;
        } else {
            out[e.start] = label(t, Kind::B) as u8;
            for x in &mut out[e.start + 1..e.end - 1] {
                *x = label(t, Kind::I) as u8;
            }
            out[e.end - 1] = label(t, Kind::L) as u8;
        }
    }
}

/// Labels to BIO tags: B and U open an entity, I and L continue it.
pub fn decode(labels: &[u8], out: &mut Vec<Tag>) {
    out.clear();
    out.extend(labels.iter().map(|&l| {
        let l = l as usize;
        if l == O {
            return Tag::O;
        }
        let t = EntityType::ALL[(l - 1) / 4];
        if kind_of(l) == Kind::B as usize || kind_of(l) == Kind::U as usize {
            Tag::B(t)
        } else {
            Tag::I(t)
        }
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(s: &str) -> Vec<Tag> {
        s.split(' ').map(|x| Tag::parse(x).unwrap()).collect()
    }

    #[test]
    fn round_trip() {
        for s in ["B-PERS I-PERS I-PERS O B-LOC", "B-ORG O B-MISC I-MISC B-MISC", "O O", "B-LOC B-LOC I-LOC"] {
            let mut l = Vec::new();
            encode(&tags(s), &mut l);
            let mut back = Vec::new();
            decode(&l, &mut back);
            assert_eq!(back, tags(s), "{s}");
            // The encoding respects the constraints.
            let mut prev = N_LABELS;
            for &c in &l {
                assert!(ALLOWED[prev][c as usize], "{s}: {prev} -> {c}");
                prev = c as usize;
            }
            assert!(prev == N_LABELS || END_OK[prev]);
        }
        let mut l = Vec::new();
        encode(&tags("B-PERS I-PERS I-PERS O B-LOC O I-ORG"), &mut l);
        let p = EntityType::Pers.index();
        assert_eq!(&l[..3], &[label(p, Kind::B) as u8, label(p, Kind::I) as u8, label(p, Kind::L) as u8]);
        assert_eq!(l[4], label(EntityType::Loc.index(), Kind::U) as u8);
        // An orphan I- opens an entity.
        assert_eq!(l[6], label(EntityType::Org.index(), Kind::U) as u8);
    }

    #[test]
    fn constraints() {
        let (b, i, l, u) = (label(0, Kind::B), label(0, Kind::I), label(0, Kind::L), label(0, Kind::U));
        let b2 = label(1, Kind::B);
        assert!(ALLOWED[N_LABELS][b] && ALLOWED[N_LABELS][u] && ALLOWED[N_LABELS][O]);
        assert!(!ALLOWED[N_LABELS][i] && !ALLOWED[N_LABELS][l]);
        assert!(ALLOWED[b][i] && ALLOWED[b][l] && ALLOWED[i][l] && ALLOWED[i][i]);
        assert!(!ALLOWED[b][O] && !ALLOWED[b][b2] && !ALLOWED[b][label(1, Kind::L)]);
        assert!(ALLOWED[l][O] && ALLOWED[u][b2] && !ALLOWED[u][i]);
        assert!(END_OK[O] && END_OK[l] && END_OK[u] && !END_OK[b] && !END_OK[i]);
    }
}
