//! Bytes → text: UTF-8 (with or without BOM), UTF-16 with BOM, and the legacy Arabic encodings
//! windows-1256 and ISO-8859-6, detected or chosen. Invalid input is an error naming the byte offset, or,
//! when lossy decoding is asked for, replacement characters plus a warning. Never panics.

use encoding_rs::{Encoding, ISO_8859_6, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1256};

/// Which encoding to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// UTF-8 or a BOM-marked UTF-16; legacy Arabic encodings when the bytes are not UTF-8 and look like one.
    #[default]
    Auto,
    /// UTF-8 (a BOM is skipped).
    Utf8,
    /// UTF-16 little-endian (a BOM is skipped).
    Utf16Le,
    /// UTF-16 big-endian (a BOM is skipped).
    Utf16Be,
    /// windows-1256 (Arabic Windows code page).
    Windows1256,
    /// ISO-8859-6 (Arabic ISO code page).
    Iso8859_6,
}

impl EncodingChoice {
    /// Parses a user's name for an encoding.
    pub fn parse(name: &str) -> Option<EncodingChoice> {
        Some(match name.to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" => EncodingChoice::Auto,
            "utf-8" | "utf8" => EncodingChoice::Utf8,
            "utf-16le" | "utf16le" | "utf-16" => EncodingChoice::Utf16Le,
            "utf-16be" | "utf16be" => EncodingChoice::Utf16Be,
            "windows-1256" | "cp1256" | "win1256" | "arabic-windows" => EncodingChoice::Windows1256,
            "iso-8859-6" | "iso8859-6" | "latin-arabic" | "arabic-iso" => EncodingChoice::Iso8859_6,
            _ => return None,
        })
    }

    fn encoding(self) -> Option<&'static Encoding> {
        match self {
            EncodingChoice::Auto => None,
            EncodingChoice::Utf8 => Some(UTF_8),
            EncodingChoice::Utf16Le => Some(UTF_16LE),
            EncodingChoice::Utf16Be => Some(UTF_16BE),
            EncodingChoice::Windows1256 => Some(WINDOWS_1256),
            EncodingChoice::Iso8859_6 => Some(ISO_8859_6),
        }
    }
}

/// Decoded text and what happened on the way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// The encoding used ("UTF-8", "windows-1256" …).
    pub encoding: &'static str,
    /// Warnings (detected legacy encoding, replaced bytes).
    pub warnings: Vec<String>,
}

/// Why bytes could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Not valid in the encoding.
    #[error("invalid {encoding} at byte offset {offset} (use --encoding to choose another encoding, or --lossy to replace bad bytes)")]
    Invalid {
        /// The encoding tried.
        encoding: &'static str,
        /// Byte offset of the first bad sequence.
        offset: usize,
    },
    /// Nothing to read.
    #[error("empty input")]
    Empty,
}

/// Decodes `bytes` as asked. With `lossy`, bad sequences become U+FFFD and a warning says how many.
pub fn decode(bytes: &[u8], choice: EncodingChoice, lossy: bool) -> Result<Decoded, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    // A BOM decides, unless the user chose a different encoding.
    let bom = Encoding::for_bom(bytes);
    let encoding = match (choice.encoding(), bom) {
        (Some(e), _) => e,
        (None, Some((e, _))) => e,
        (None, None) => return decode_auto(bytes, lossy),
    };
    decode_with(bytes, encoding, lossy, Vec::new())
}

fn decode_with(
    bytes: &[u8],
    encoding: &'static Encoding,
    lossy: bool,
    mut warnings: Vec<String>,
) -> Result<Decoded, DecodeError> {
    let body = match Encoding::for_bom(bytes) {
        Some((e, n)) if e == encoding => &bytes[n..],
        _ => bytes,
    };
    if encoding == UTF_8 {
        return match utf8(body) {
            Ok(s) => Ok(Decoded { text: s.to_string(), encoding: "UTF-8", warnings }),
            Err(e) if lossy => {
                let text = String::from_utf8_lossy(body).into_owned();
                let bad = text.matches('\u{FFFD}').count()
                    - String::from_utf8_lossy(&body[..e.valid_up_to()]).matches('\u{FFFD}').count();
                warnings.push(format!(
                    "invalid UTF-8 from byte offset {}: {bad} bad sequence(s) replaced with U+FFFD",
                    e.valid_up_to() + (bytes.len() - body.len())
                ));
                Ok(Decoded { text, encoding: "UTF-8", warnings })
            }
            Err(e) => {
                Err(DecodeError::Invalid { encoding: "UTF-8", offset: e.valid_up_to() + (bytes.len() - body.len()) })
            }
        };
    }
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut text = String::with_capacity(decoder.max_utf8_buffer_length(body.len()).unwrap_or(body.len() * 3));
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => Ok(Decoded { text, encoding: encoding.name(), warnings }),
        encoding_rs::DecoderResult::Malformed(len, extra) => {
            let offset = (bytes.len() - body.len()) + read - len as usize - extra as usize;
            if lossy {
                let (cow, _) = encoding.decode_without_bom_handling(body);
                let text = cow.into_owned();
                let bad = text.matches('\u{FFFD}').count();
                warnings.push(format!(
                    "invalid {} from byte offset {offset}: {bad} bad sequence(s) replaced with U+FFFD",
                    encoding.name()
                ));
                Ok(Decoded { text, encoding: encoding.name(), warnings })
            } else {
                Err(DecodeError::Invalid { encoding: encoding.name(), offset })
            }
        }
        encoding_rs::DecoderResult::OutputFull => unreachable_output_full(),
    }
}

#[cold]
fn unreachable_output_full() -> Result<Decoded, DecodeError> {
    // decode_to_string_without_replacement grows nothing: we reserved max_utf8_buffer_length. Report rather
    // than panic if that ever changes.
    Err(DecodeError::Invalid { encoding: "unknown", offset: 0 })
}

/// How Arabic a decoded candidate looks: share of non-ASCII chars that are Arabic letters, and whether any
/// byte was unmapped.
fn arabic_score(bytes: &[u8], encoding: &'static Encoding) -> Option<f64> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return None;
    }
    let mut non_ascii = 0usize;
    let mut arabic = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{0621}'..='\u{064A}').contains(&c) || c == '\u{060C}' || c == '\u{061F}' || c == '\u{061B}' {
            arabic += 1;
        }
    }
    if non_ascii == 0 {
        return None;
    }
    Some(arabic as f64 / non_ascii as f64)
}

/// `std::str::from_utf8`, with the valid case (nearly every input) checked by SIMD (`simdutf8`, which picks
/// AVX2/SSE4.2/NEON at run time): several times faster on Arabic text, whose two-byte characters keep the
/// standard library off its ASCII fast path. The standard library is asked again only to locate an error.
pub fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes),
    }
}

fn decode_auto(bytes: &[u8], lossy: bool) -> Result<Decoded, DecodeError> {
    let utf8_err = match utf8(bytes) {
        Ok(s) => return Ok(Decoded { text: s.to_string(), encoding: "UTF-8", warnings: Vec::new() }),
        Err(e) => e,
    };
    // Not UTF-8: is it a legacy Arabic code page? Both decode any Arabic letter; the one whose decoding is
    // mostly Arabic letters (and has no unmapped bytes) wins. windows-1256 first on a tie: it is by far the
    // more common of the two.
    let candidates = [WINDOWS_1256, ISO_8859_6];
    let mut best: Option<(&'static Encoding, f64)> = None;
    for enc in candidates {
        if let Some(score) = arabic_score(bytes, enc) {
            if best.is_none_or(|(_, b)| score > b + 1e-9) {
                best = Some((enc, score));
            }
        }
    }
    if let Some((enc, score)) = best {
        if score >= 0.6 {
            let warn = format!("input is not UTF-8 (first bad byte at offset {}); decoded as {} ({:.0}% of non-ASCII characters are Arabic letters)", utf8_err.valid_up_to(), enc.name(), score * 100.0);
            return decode_with(bytes, enc, lossy, vec![warn]);
        }
    }
    decode_with(bytes, UTF_8, lossy, Vec::new())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ARABIC: &str = "التقى وزير الخارجية الإسرائيلي في باكو بالرئيس إلهام علييف.";

    #[test]
    fn utf8_with_and_without_bom() {
        let d = decode(ARABIC.as_bytes(), EncodingChoice::Auto, false).unwrap();
        assert_eq!(d.text, ARABIC);
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(ARABIC.as_bytes());
        let d = decode(&b, EncodingChoice::Auto, false).unwrap();
        assert_eq!(d.text, ARABIC);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn utf16_with_bom() {
        for (enc, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let mut b = bom.to_vec();
            for u in ARABIC.encode_utf16() {
                let pair = if enc == UTF_16LE { u.to_le_bytes() } else { u.to_be_bytes() };
                b.extend_from_slice(&pair);
            }
            let d = decode(&b, EncodingChoice::Auto, false).unwrap();
            assert_eq!(d.text, ARABIC, "help: {}", enc.name());
        }
    }

    #[test]
    fn detects_windows_1256_and_iso_8859_6() {
        for enc in [WINDOWS_1256, ISO_8859_6] {
            let (bytes, _, bad) = enc.encode(ARABIC);
            assert!(!bad);
            let d = decode(&bytes, EncodingChoice::Auto, false).unwrap();
            assert_eq!(d.text, ARABIC, "help: {} not detected", enc.name());
            assert_eq!(d.encoding, enc.name());
            assert!(d.warnings[0].contains(enc.name()));
        }
    }

    #[test]
    fn chosen_encoding_is_used() {
        let (bytes, _, _) = WINDOWS_1256.encode(ARABIC);
        let d = decode(&bytes, EncodingChoice::Windows1256, false).unwrap();
        assert_eq!(d.text, ARABIC);
        assert!(d.warnings.is_empty());
    }

    #[test]
    fn invalid_utf8_names_offset() {
        let mut b = "باكو ".as_bytes().to_vec();
        b.push(0xFF);
        b.extend_from_slice(b"abc");
        let e = decode(&b, EncodingChoice::Utf8, false).unwrap_err();
        assert_eq!(e, DecodeError::Invalid { encoding: "UTF-8", offset: 9 });
        assert!(e.to_string().contains("byte offset 9"));
        let d = decode(&b, EncodingChoice::Utf8, true).unwrap();
        assert_eq!(d.text, "باكو \u{FFFD}abc");
        assert!(d.warnings[0].contains("offset 9"), "{:?}", d.warnings);
    }

    #[test]
    fn binary_junk_is_an_error_not_a_guess() {
        let b = [0x00, 0x9F, 0x92, 0x96, 0xFF, 0xFE, 0x80, 0x81, 0xC0];
        assert!(matches!(decode(&b[1..], EncodingChoice::Auto, false), Err(DecodeError::Invalid { .. })));
    }

    #[test]
    fn empty_is_an_error() {
        assert_eq!(decode(b"", EncodingChoice::Auto, false), Err(DecodeError::Empty));
        assert_eq!(decode(b" \n\t", EncodingChoice::Auto, false), Err(DecodeError::Empty));
    }

    proptest! {
        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200), lossy: bool, k in 0usize..6) {
            let choice = [EncodingChoice::Auto, EncodingChoice::Utf8, EncodingChoice::Utf16Le, EncodingChoice::Utf16Be, EncodingChoice::Windows1256, EncodingChoice::Iso8859_6][k];
            if let Ok(d) = decode(&bytes, choice, lossy) {
                prop_assert!(!d.text.is_empty() || bytes.len() <= 3);
            } else {
                prop_assert!(!lossy || bytes.iter().all(|b| b.is_ascii_whitespace()));
            }
        }
    }
}
