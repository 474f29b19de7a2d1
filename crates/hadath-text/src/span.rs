//! Byte ranges inside hadath, Unicode code point offsets at the output boundary.

/// Converts byte offsets of one text into code point offsets (what Python's `text[start:end]` uses).
///
/// Built once per document in O(n); each conversion is a binary search over one checkpoint per 64 bytes
/// plus a short scan, so converting every span of a document stays linear.
///
/// ```
/// use hadath_text::span::CharIndex;
/// let text = "في باكو";
/// let idx = CharIndex::new(text);
/// let start = text.find("باكو").unwrap();
/// assert_eq!(idx.char_offset(start), 3);
/// assert_eq!(idx.char_offset(text.len()), 7);
/// ```
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// Code point count before byte `64 * k` (rounded down to a char boundary).
    checkpoints: Vec<(u32, u32)>,
}

const STEP: usize = 64;

impl<'a> CharIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> CharIndex<'a> {
        let mut checkpoints = Vec::with_capacity(text.len() / STEP + 1);
        let mut next = 0usize;
        for (chars, (i, _)) in text.char_indices().enumerate() {
            if i >= next {
                checkpoints.push((i as u32, chars as u32));
                next = i + STEP;
            }
        }
        if checkpoints.is_empty() {
            checkpoints.push((0, 0));
        }
        CharIndex { text, checkpoints }
    }

    /// The code point offset of byte offset `byte` (clamped to the text; a non-boundary offset counts the
    /// character it falls in as before it).
    pub fn char_offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.text.len());
        let k = self.checkpoints.partition_point(|&(b, _)| b as usize <= byte).saturating_sub(1);
        let (b, c) = self.checkpoints[k];
        let b = b as usize;
        c as usize + self.text.as_bytes()[b..byte].iter().filter(|&&x| (x as i8) >= -0x40).count()
    }

    /// Total number of code points.
    pub fn len_chars(&self) -> usize {
        self.char_offset(self.text.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn matches_naive_count(s in "\\PC{0,300}") {
            let idx = CharIndex::new(&s);
            for (i, _) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
                prop_assert_eq!(idx.char_offset(i), s[..i].chars().count());
            }
        }
    }
}
