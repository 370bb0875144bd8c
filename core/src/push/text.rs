//! Text a phone shows the user (`user`, `service`, `ip`, `loc`, `client`, the issuer): the one
//! definition of "displayable" both sides apply (docs/protocol.md §2).
//!
//! Hidden characters are the ones that make shown text say something other than what it reads
//! as: control characters, bidirectional formatting (a right-to-left override turns
//! `moc.knab` into `bank.com`), zero-width and other invisible characters. Senders refuse them;
//! phones replace them with U+FFFD before showing a request, so a server that lets one through
//! cannot disguise a service name.

use std::borrow::Cow;

/// Longest shown text, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: usize = 256;

/// Replaces a hidden character on phones.
pub const REPLACEMENT: char = '\u{FFFD}';

/// The hidden characters (docs/protocol.md §2 lists the same ranges).
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}' // C0, DEL, C1 controls
        | '\u{00AD}'                                       // soft hyphen
        | '\u{061C}'                                       // Arabic letter mark
        | '\u{180E}'                                       // Mongolian vowel separator
        | '\u{200B}'..='\u{200F}'                          // zero-width space, (non-)joiner, LRM, RLM
        | '\u{2028}'..='\u{202E}'                          // line/paragraph separators, embeddings, overrides
        | '\u{2060}'..='\u{2064}'                          // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}'                          // isolates
        | '\u{FEFF}'                                       // zero-width no-break space
        | '\u{FFF9}'..='\u{FFFB}'                          // interlinear annotation
        | '\u{E0000}'..='\u{E007F}'                        // tags
    )
}

/// Text a sender may put in a shown field: at most [`MAX_TEXT_BYTES`], no hidden character.
pub fn is_display_text(s: &str) -> bool {
    s.len() <= MAX_TEXT_BYTES && !s.chars().any(is_hidden)
}

/// `s` with every hidden character replaced by [`REPLACEMENT`], for showing.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if s.chars().any(is_hidden) {
        Cow::Owned(s.chars().map(|c| if is_hidden(c) { REPLACEMENT } else { c }).collect())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_characters_are_hidden_and_ordinary_text_is_not() {
        for c in ['\u{0}', '\n', '\u{7F}', '\u{85}', '\u{202E}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{E0041}', '\u{2028}'] {
            assert!(is_hidden(c), "{:04X}", c as u32);
        }
        for s in ["VPN", "Zürich", "東京", "Ünïcödé · 203.0.113.7", "מערכת", "🙂"] {
            assert!(is_display_text(s), "{s}");
        }
    }

    #[test]
    fn a_right_to_left_override_is_replaced_for_showing() {
        assert_eq!(neutralise("pay\u{202E}moc.knab"), "pay\u{FFFD}moc.knab");
        assert!(matches!(neutralise("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn the_byte_limit_is_utf8_bytes() {
        assert!(is_display_text(&"é".repeat(128)));
        assert!(!is_display_text(&"é".repeat(129)));
    }
}
