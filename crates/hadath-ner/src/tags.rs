//! Entity types, BIO tags and entity spans.

use std::fmt;

/// The four ANERcorp entity types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityType {
    /// A person (`PERS`).
    Pers,
    /// A location (`LOC`): countries, cities, regions, geographic features.
    Loc,
    /// An organisation (`ORG`).
    Org,
    /// Anything else with a name (`MISC`): events, products, nationalities used as names, ….
    Misc,
}

impl EntityType {
    /// All types, in index order.
    pub const ALL: [EntityType; 4] = [EntityType::Pers, EntityType::Loc, EntityType::Org, EntityType::Misc];

    /// The ANERcorp name: `PERS`, `LOC`, `ORG`, `MISC`.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Pers => "PERS",
            EntityType::Loc => "LOC",
            EntityType::Org => "ORG",
            EntityType::Misc => "MISC",
        }
    }

    /// Parses a type name; accepts the ANERcorp names and the common variants `PER`, `PERSON`, `LOCATION`,
    /// `GPE`, `ORGANIZATION`, `MIS`.
    pub fn parse(s: &str) -> Option<EntityType> {
        Some(match s {
            "PERS" | "PER" | "PERSON" => EntityType::Pers,
            "LOC" | "LOCATION" | "GPE" => EntityType::Loc,
            "ORG" | "ORGANIZATION" | "ORGANISATION" => EntityType::Org,
            "MISC" | "MIS" => EntityType::Misc,
            _ => return None,
        })
    }

    /// Index 0..4 in [`EntityType::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A BIO tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tag {
    /// Outside any entity.
    O,
    /// First token of an entity.
    B(EntityType),
    /// Continuation of the entity opened by the previous token.
    I(EntityType),
}

/// Number of distinct tags (O and B-/I- of four types).
pub const N_TAGS: usize = 9;

impl Tag {
    /// All tags, in index order: O, B-PERS, I-PERS, B-LOC, I-LOC, B-ORG, I-ORG, B-MISC, I-MISC.
    pub const ALL: [Tag; N_TAGS] = [
        Tag::O,
        Tag::B(EntityType::Pers),
        Tag::I(EntityType::Pers),
        Tag::B(EntityType::Loc),
        Tag::I(EntityType::Loc),
        Tag::B(EntityType::Org),
        Tag::I(EntityType::Org),
        Tag::B(EntityType::Misc),
        Tag::I(EntityType::Misc),
    ];

    /// Index 0..9 in [`Tag::ALL`] (the order of the model's weight vectors).
    #[inline]
    pub fn index(self) -> usize {
        match self {
            Tag::O => 0,
            Tag::B(t) => 1 + 2 * t.index(),
            Tag::I(t) => 2 + 2 * t.index(),
        }
    }

    /// The tag at `index` in [`Tag::ALL`] (panics when `index >= N_TAGS`).
    #[inline]
    pub fn from_index(index: usize) -> Tag {
        Tag::ALL[index]
    }

    /// The entity type, if not `O`.
    pub fn entity_type(self) -> Option<EntityType> {
        match self {
            Tag::O => None,
            Tag::B(t) | Tag::I(t) => Some(t),
        }
    }

    /// Parses `O`, `B-TYPE`, `I-TYPE` (types as in [`EntityType::parse`]).
    pub fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::O);
        }
        let (bio, ty) = s.split_once('-')?;
        let ty = EntityType::parse(ty)?;
        match bio {
            "B" => Some(Tag::B(ty)),
            "I" => Some(Tag::I(ty)),
            _ => None,
        }
    }

    /// May `self` follow `prev` (`None`: sentence start)? `I-X` only continues `B-X` or `I-X`.
    #[inline]
    pub fn may_follow(self, prev: Option<Tag>) -> bool {
        match self {
            Tag::I(t) => matches!(prev, Some(Tag::B(p) | Tag::I(p)) if p == t),
            _ => true,
        }
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tag::O => f.write_str("O"),
            Tag::B(t) => write!(f, "B-{t}"),
            Tag::I(t) => write!(f, "I-{t}"),
        }
    }
}

/// An entity: tokens `start..end` (end exclusive) of a sentence, and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntitySpan {
    /// Index of the first token.
    pub start: usize,
    /// Index one past the last token.
    pub end: usize,
    /// The entity type.
    pub kind: EntityType,
}

/// The entities of a tag sequence, read the way `conlleval` reads them: an entity opens at `B-X`, or at an
/// `I-X` that does not continue an `X` entity, and runs over the `I-X` tags that follow.
pub fn entities(tags: &[Tag]) -> Vec<EntitySpan> {
    let mut out = Vec::new();
    push_entities(tags, &mut out);
    out
}

/// Like [`entities`], appending to `out`.
pub fn push_entities(tags: &[Tag], out: &mut Vec<EntitySpan>) {
    let mut open: Option<(usize, EntityType)> = None;
    for (i, &tag) in tags.iter().enumerate() {
        let continues = matches!((tag, open), (Tag::I(t), Some((_, o))) if t == o);
        if continues {
            continue;
        }
        if let Some((start, kind)) = open.take() {
            out.push(EntitySpan { start, end: i, kind });
        }
        if let Tag::B(t) | Tag::I(t) = tag {
            open = Some((i, t));
        }
    }
    if let Some((start, kind)) = open {
        out.push(EntitySpan { start, end: tags.len(), kind });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trip_and_parse() {
        for (i, t) in Tag::ALL.iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(Tag::from_index(i), *t);
            assert_eq!(Tag::parse(&t.to_string()), Some(*t));
        }
        assert_eq!(Tag::parse("B-PER"), Some(Tag::B(EntityType::Pers)));
        assert_eq!(Tag::parse("X-LOC"), None);
        assert_eq!(Tag::parse("B-FOO"), None);
    }

    #[test]
    fn entities_like_conlleval() {
        use EntityType::*;
        let t = |s: &str| s.split(' ').map(|x| Tag::parse(x).unwrap()).collect::<Vec<_>>();
        let e = |s, e, k| EntitySpan { start: s, end: e, kind: k };
        assert_eq!(entities(&t("B-PERS I-PERS O B-LOC")), vec![e(0, 2, Pers), e(3, 4, Loc)]);
        // I- after O opens an entity; I- of another type closes one and opens another.
        assert_eq!(entities(&t("O I-ORG I-ORG I-LOC")), vec![e(1, 3, Org), e(3, 4, Loc)]);
        // B- after B- of the same type: two entities.
        assert_eq!(entities(&t("B-LOC B-LOC I-LOC")), vec![e(0, 1, Loc), e(1, 3, Loc)]);
        assert!(entities(&t("O O")).is_empty());
    }
}
