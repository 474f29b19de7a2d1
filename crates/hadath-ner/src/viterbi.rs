//! First-order Viterbi decoding over the BILOU labels (see [`crate::labels`]), with their constraints built
//! in: only allowed transitions are taken, and a sentence never ends inside an entity.

use std::ops::{Add, Sub};

use crate::labels::N_LABELS;
pub use crate::labels::{ALLOWED, END_OK};

/// The structure of [`ALLOWED`], which the decoder exploits: the labels that may follow O (O, B-*, U-*) all
/// have the same predecessors (O, L-*, U-*: `OUT_PREDS`); every other label (I-*, L-*) has exactly two (its
/// type's B and I: `IN_PREDS`). Checked at compile time.
const N_OUT: usize = 9;
const N_IN: usize = N_LABELS - N_OUT;
struct Structure {
    out_labels: [usize; N_OUT],
    out_preds: [usize; N_OUT],
    in_labels: [usize; N_IN],
    in_preds: [[usize; 2]; N_IN],
}

const STRUCTURE: Structure = {
    let mut st =
        Structure { out_labels: [0; N_OUT], out_preds: [0; N_OUT], in_labels: [0; N_IN], in_preds: [[0; 2]; N_IN] };
    let (mut no, mut np, mut ni) = (0, 0, 0);
    let mut p = 0;
    while p < N_LABELS {
        if ALLOWED[p][0] {
            st.out_preds[np] = p;
            np += 1;
        }
        p += 1;
    }
    assert!(np == N_OUT);
    let mut c = 0;
    while c < N_LABELS {
        let mut preds = [0usize; N_LABELS];
        let mut k = 0;
        let mut p = 0;
        while p < N_LABELS {
            if ALLOWED[p][c] {
                preds[k] = p;
                k += 1;
            }
            p += 1;
        }
        if ALLOWED[0][c] {
            // Same predecessors as O.
            assert!(k == N_OUT);
            let mut j = 0;
            while j < N_OUT {
                assert!(preds[j] == st.out_preds[j]);
                j += 1;
            }
            st.out_labels[no] = c;
            no += 1;
        } else {
            assert!(k == 2);
            st.in_labels[ni] = c;
            st.in_preds[ni] = [preds[0], preds[1]];
            ni += 1;
        }
        c += 1;
    }
    assert!(no == N_OUT && ni == N_IN);
    st
};

/// Scratch space for [`viterbi`], reusable across sentences.
#[derive(Debug, Default, Clone)]
pub struct Lattice<S> {
    score: Vec<[S; N_LABELS]>,
}

/// Finds the best label sequence. `emission[i][t]` is the score of label `t` at token `i`; `trans[p][c]` the
/// score of label `c` after label `p`, with row `N_LABELS` for the sentence start. Disallowed transitions are
/// never taken and the sequence never ends inside an entity. Writes label indices into `out`. `neg` must be
/// far below any reachable score, and `neg + neg + any score` must not overflow; scores are renormalised at
/// every token, so sentence length does not matter.
///
/// The forward pass keeps only scores (a branch-free max over all predecessors, which vectorises); the
/// backward pass recomputes the one argmax it needs per token.
pub fn viterbi<S>(
    emission: &[[S; N_LABELS]],
    trans: &[[S; N_LABELS]; N_LABELS + 1],
    neg: S,
    lattice: &mut Lattice<S>,
    out: &mut Vec<u8>,
) where
    S: Copy + PartialOrd + Add<Output = S> + Sub<Output = S>,
{
    out.clear();
    let n = emission.len();
    if n == 0 {
        return;
    }
    // Transposed transitions (tt[c][p]: p → c), the disallowed ones at `neg`.
    let mut tt = [[neg; N_LABELS]; N_LABELS];
    for (c, row) in tt.iter_mut().enumerate() {
        for (p, v) in row.iter_mut().enumerate() {
            if ALLOWED[p][c] {
                *v = trans[p][c];
            }
        }
    }
    // The outside labels' transitions from their common predecessors, gathered.
    let tt_out: [[S; N_OUT]; N_OUT] =
        std::array::from_fn(|k| std::array::from_fn(|j| tt[STRUCTURE.out_labels[k]][STRUCTURE.out_preds[j]]));
    let score = &mut lattice.score;
    score.clear();
    score.resize(n, [neg; N_LABELS]);
    for c in 0..N_LABELS {
        score[0][c] = if ALLOWED[N_LABELS][c] { trans[N_LABELS][c] } else { neg } + emission[0][c];
    }
    for (i, em) in emission.iter().enumerate().skip(1) {
        // Renormalise the previous column in place by its best score (O is always reachable, so it is
        // finite); the backward pass reads the same numbers.
        let prev = &mut score[i - 1];
        let mut top = prev[0];
        for &v in &prev[1..] {
            top = if v > top { v } else { top };
        }
        for v in prev.iter_mut() {
            *v = *v - top;
        }
        let prev = *prev;
        let cur = &mut score[i];
        let st = &STRUCTURE;
        let gathered: [S; N_OUT] = std::array::from_fn(|k| prev[st.out_preds[k]]);
        for (k, &c) in st.out_labels.iter().enumerate() {
            let row = &tt_out[k];
            let mut best = gathered[0] + row[0];
            for j in 1..N_OUT {
                let s = gathered[j] + row[j];
                best = if s > best { s } else { best };
            }
            cur[c] = best + em[c];
        }
        for (k, &c) in st.in_labels.iter().enumerate() {
            let [p, q] = st.in_preds[k];
            let (a, b) = (prev[p] + tt[c][p], prev[q] + tt[c][q]);
            cur[c] = if b > a { b } else { a } + em[c];
        }
    }
    let last = &score[n - 1];
    let mut best = 0;
    for c in 1..N_LABELS {
        if END_OK[c] && last[c] > last[best] {
            best = c;
        }
    }
    out.resize(n, 0);
    out[n - 1] = best as u8;
    for i in (1..n).rev() {
        let c = out[i] as usize;
        let (prev, row) = (&score[i - 1], &tt[c]);
        let mut arg = 0;
        let mut top = prev[0] + row[0];
        for p in 1..N_LABELS {
            let s = prev[p] + row[p];
            if s > top {
                top = s;
                arg = p;
            }
        }
        out[i - 1] = arg as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::labels::decode;
    use crate::tags::{EntityType, Tag};

    fn brute(emission: &[[f32; N_LABELS]], trans: &[[f32; N_LABELS]; N_LABELS + 1]) -> Vec<u8> {
        let n = emission.len();
        let mut best = (f32::NEG_INFINITY, vec![]);
        let total = N_LABELS.pow(n as u32);
        for mut code in 0..total {
            let mut seq = vec![0u8; n];
            for s in seq.iter_mut() {
                *s = (code % N_LABELS) as u8;
                code /= N_LABELS;
            }
            let mut prev = N_LABELS;
            let mut score = 0.0;
            let mut ok = true;
            for (i, &c) in seq.iter().enumerate() {
                ok &= ALLOWED[prev][c as usize];
                score += trans[prev][c as usize] + emission[i][c as usize];
                prev = c as usize;
            }
            if ok && END_OK[prev] && score > best.0 {
                best = (score, seq);
            }
        }
        best.1
    }

    #[test]
    fn matches_brute_force() {
        // A deterministic pseudo-random generator.
        let mut x = 0x1234_5678_u64;
        let mut rnd = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 2000) as f32 / 100.0 - 10.0
        };
        let mut lattice = Lattice::default();
        let mut out = Vec::new();
        for n in 1..=4 {
            for _ in 0..3 {
                let emission: Vec<[f32; N_LABELS]> = (0..n).map(|_| std::array::from_fn(|_| rnd())).collect();
                let trans: [[f32; N_LABELS]; N_LABELS + 1] = std::array::from_fn(|_| std::array::from_fn(|_| rnd()));
                viterbi(&emission, &trans, f32::NEG_INFINITY, &mut lattice, &mut out);
                assert_eq!(out, brute(&emission, &trans), "n={n}");
            }
        }
    }

    #[test]
    fn only_well_formed_sequences() {
        // Emissions strongly prefer I-PERS (label 2) everywhere; the constraints force B I L.
        let mut e = [[0i32; N_LABELS]; 3];
        for row in e.iter_mut() {
            row[2] = 10;
        }
        let trans = [[0i32; N_LABELS]; N_LABELS + 1];
        let mut out = Vec::new();
        viterbi(&e, &trans, i32::MIN / 4, &mut Lattice::default(), &mut out);
        assert_eq!(out, vec![1, 2, 3]);
        let mut tags = Vec::new();
        decode(&out, &mut tags);
        assert_eq!(tags, vec![Tag::B(EntityType::Pers), Tag::I(EntityType::Pers), Tag::I(EntityType::Pers)]);
        viterbi(&[] as &[[i32; N_LABELS]], &trans, i32::MIN / 4, &mut Lattice::default(), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn long_sentences_do_not_overflow() {
        // 100,000 tokens with large scores: without renormalisation the i32 sums would overflow.
        let mut row = [0i32; N_LABELS];
        row[8] = 1_000_000; // U-LOC
        let e = vec![row; 100_000];
        let trans = [[0i32; N_LABELS]; N_LABELS + 1];
        let mut out = Vec::new();
        viterbi(&e, &trans, i32::MIN / 4, &mut Lattice::default(), &mut out);
        assert!(out.iter().all(|&t| t == 8));
    }
}
