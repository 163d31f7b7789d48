//! Text rules: how characters are counted and what a post, a reply or a name may hold.
//!
//! `char_count` counts characters as a person does; a post's or a reply's
//! length is `rich::text_length` (links count as 23), which the widget's live
//! counter and the edge's check both call, so they can never disagree. The
//! widget gives them the browser's `Intl.Segmenter` as its [`CharCount`],
//! which counts alike (`tests/tests/counting.rs`) without the weight of
//! `unicode-segmentation`'s tables; the edge's `char_count` is the authority.
//!
//! The edge also holds a text to bounds a count cannot see ([`check_text`],
//! [`check_name`]): no pile of combining marks on one character, and at most
//! [`MAX_BYTES_PER_CHAR`] bytes per character allowed.

use crate::ErrorCode;
use crate::limits::{MAX_BYTES_PER_CHAR, MAX_MARKS_PER_CHAR, MAX_NAME_CHARS};
use crate::rich::text_length_by;
use unicode_segmentation::UnicodeSegmentation;

/// Characters as a person counts them: extended grapheme clusters, so one emoji
/// (even a ZWJ family or a flag) is one, and a letter with combining marks is one.
pub fn char_count(text: &str) -> usize {
    text.graphemes(true).count()
}

/// A way to count characters as [`char_count`] does.
pub type CharCount = fn(&str) -> usize;

/// Why a text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextError {
    /// Nothing visible once trimmed.
    Empty,
    /// More characters than allowed (or more bytes than they may hold).
    TooLong { count: usize, max: usize },
    /// Holds control characters or bidirectional overrides.
    Invalid,
}

impl TextError {
    pub fn code(self) -> ErrorCode {
        match self {
            TextError::Empty => ErrorCode::TextEmpty,
            TextError::TooLong { .. } => ErrorCode::TextTooLong,
            TextError::Invalid => ErrorCode::TextInvalid,
        }
    }
}

/// Invisible characters that alone must not make a text non-empty.
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}')
}

/// Control characters (but line breaks and tabs) and the bidi controls that
/// can make a text display in another order than it reads.
fn is_forbidden(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Checks a post or reply text and returns it trimmed, as it will be stored;
/// its length is [`text_length`]'s, and it holds to the edge's bounds.
pub fn check_text(raw: &str, max_chars: usize) -> Result<String, TextError> {
    let text = check_text_by(raw, max_chars, char_count)?;
    within_bounds(&text, max_chars)?;
    Ok(text)
}

/// The bounds beyond the count: at most [`MAX_MARKS_PER_CHAR`] combining
/// marks in a row, and [`MAX_BYTES_PER_CHAR`] bytes per allowed character.
fn within_bounds(text: &str, max_chars: usize) -> Result<(), TextError> {
    let mut marks = 0;
    for c in text.chars() {
        marks = if is_mark(c) { marks + 1 } else { 0 };
        if marks > MAX_MARKS_PER_CHAR {
            return Err(TextError::Invalid);
        }
    }
    if text.len() > max_chars.saturating_mul(MAX_BYTES_PER_CHAR) {
        return Err(TextError::TooLong { count: char_count(text), max: max_chars });
    }
    Ok(())
}

/// A combining mark of the blocks that stack above or below a letter
/// (Latin, Cyrillic, Hebrew, Arabic and Thai marks, and the combining
/// blocks for symbols and half marks).
fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{300}'..='\u{36F}' | '\u{483}'..='\u{489}' | '\u{591}'..='\u{5BD}' | '\u{5BF}' | '\u{5C1}'..='\u{5C2}'
        | '\u{5C4}'..='\u{5C5}' | '\u{5C7}' | '\u{610}'..='\u{61A}' | '\u{64B}'..='\u{65F}' | '\u{670}'
        | '\u{6D6}'..='\u{6DC}' | '\u{6DF}'..='\u{6E4}' | '\u{6E7}'..='\u{6E8}' | '\u{6EA}'..='\u{6ED}'
        | '\u{E31}' | '\u{E34}'..='\u{E3A}' | '\u{E47}'..='\u{E4E}' | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

/// [`check_text`], counting characters with `count`.
pub fn check_text_by(raw: &str, max_chars: usize, count: CharCount) -> Result<String, TextError> {
    check(raw, max_chars, |text| text_length_by(text, count))
}

fn check(raw: &str, max_chars: usize, length: impl Fn(&str) -> usize) -> Result<String, TextError> {
    let text = raw.trim();
    if text.chars().any(is_forbidden) {
        return Err(TextError::Invalid);
    }
    if text.chars().all(is_invisible) {
        return Err(TextError::Empty);
    }
    let count = length(text);
    if count > max_chars {
        return Err(TextError::TooLong { count, max: max_chars });
    }
    Ok(text.to_owned())
}

/// Checks a display name (an account's or a visitor's) and returns it
/// trimmed; it holds to the edge's bounds.
pub fn check_name(raw: &str) -> Result<String, ErrorCode> {
    let name = check_name_by(raw, char_count)?;
    within_bounds(&name, MAX_NAME_CHARS).map_err(|_| ErrorCode::InvalidName)?;
    Ok(name)
}

/// [`check_name`], counting characters with `count`.
pub fn check_name_by(raw: &str, count: CharCount) -> Result<String, ErrorCode> {
    match check(raw, MAX_NAME_CHARS, count) {
        Ok(name) if !name.contains('\n') => Ok(name),
        _ => Err(ErrorCode::InvalidName),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_as_a_person_does() {
        assert_eq!(char_count(""), 0);
        assert_eq!(char_count("bonjour"), 7);
        assert_eq!(char_count("é"), 1); // precomposed
        assert_eq!(char_count("e\u{301}"), 1); // e + combining acute
        assert_eq!(char_count("a\u{301}\u{302}\u{303}"), 1); // stacked marks
        assert_eq!(char_count("🐦"), 1);
        assert_eq!(char_count("👨‍👩‍👧‍👦"), 1); // ZWJ family
        assert_eq!(char_count("🏳️‍🌈"), 1); // ZWJ flag
        assert_eq!(char_count("🇫🇷"), 1); // regional indicators
        assert_eq!(char_count("👍🏽"), 1); // skin tone modifier
        assert_eq!(char_count("日本語"), 3);
        assert_eq!(char_count("a\r\nb"), 3); // CRLF is one
    }

    #[test]
    fn limit_is_inclusive_and_counted_in_graphemes() {
        let at_limit = "🐦".repeat(140);
        assert_eq!(check_text(&at_limit, 140), Ok(at_limit.clone()));
        let over = "x".repeat(141);
        assert_eq!(check_text(&over, 140), Err(TextError::TooLong { count: 141, max: 140 }));
        assert_eq!(check_text(&"👨‍👩‍👧".repeat(141), 140).unwrap_err().code(), ErrorCode::TextTooLong);
    }

    #[test]
    fn trims_and_refuses_blank() {
        assert_eq!(check_text("  salut \n", 140), Ok("salut".into()));
        assert_eq!(check_text("", 140), Err(TextError::Empty));
        assert_eq!(check_text(" \n\t ", 140), Err(TextError::Empty));
        assert_eq!(check_text("\u{200B}\u{200B}\u{FEFF}", 140), Err(TextError::Empty));
    }

    #[test]
    fn refuses_control_and_bidi_override() {
        assert_eq!(check_text("a\0b", 140), Err(TextError::Invalid));
        assert_eq!(check_text("a\u{7}b", 140), Err(TextError::Invalid));
        assert_eq!(check_text("abc\u{202E}gpj.exe", 140), Err(TextError::Invalid));
        assert_eq!(check_text("line one\nline two", 140), Ok("line one\nline two".into()));
    }

    #[test]
    fn hostile_text_is_kept_verbatim_as_text() {
        let html = "<script>alert(1)</script><img src=x onerror=alert(2)>";
        assert_eq!(check_text(html, 140), Ok(html.into()));
    }

    #[test]
    fn huge_text_is_refused_without_trouble() {
        let huge = "a".repeat(100_000);
        assert_eq!(check_text(&huge, 140).unwrap_err().code(), ErrorCode::TextTooLong);
    }

    #[test]
    fn a_pile_of_combining_marks_is_refused_but_a_few_are_letters() {
        let zalgo = format!("a{}", "\u{301}".repeat(4000));
        assert_eq!(char_count(&zalgo), 1);
        assert_eq!(check_text(&zalgo, 140), Err(TextError::Invalid));
        assert_eq!(check_name(&zalgo), Err(ErrorCode::InvalidName));
        let most = format!("a{}", "\u{301}\u{1DC0}".repeat(MAX_MARKS_PER_CHAR / 2));
        assert_eq!(check_text(&most, 140), Ok(most.clone()));
        assert_eq!(check_text(&format!("{most}\u{302}"), 140), Err(TextError::Invalid));
        for written in ["Tiếng Việt", "בְּרֵאשִׁ֖ית", "مُحَمَّدٌ", "ที่นี่", "e\u{301}".repeat(140).as_str()] {
            assert_eq!(check_text(written, 140), Ok(written.to_owned()), "{written}");
        }
    }

    #[test]
    fn a_text_holds_at_most_its_bytes_per_character() {
        let kisses = "👩🏽‍❤️‍💋‍👨🏾".repeat(140);
        assert_eq!(check_text(&kisses, 140), Ok(kisses.clone()), "the longest emoji fit");
        // Ten birds joined by zero-width joiners count as one character.
        let joined = ["🐦"; 10].join("\u{200D}");
        assert_eq!(char_count(&joined), 1);
        let heavy = joined.repeat(90);
        assert_eq!(char_count(&heavy), 90);
        assert!(heavy.len() > 140 * MAX_BYTES_PER_CHAR);
        assert_eq!(check_text(&heavy, 140).unwrap_err().code(), ErrorCode::TextTooLong);
    }

    #[test]
    fn names() {
        assert_eq!(check_name("  Marie "), Ok("Marie".into()));
        assert_eq!(check_name(""), Err(ErrorCode::InvalidName));
        assert_eq!(check_name("a\nb"), Err(ErrorCode::InvalidName));
        assert_eq!(check_name(&"n".repeat(41)), Err(ErrorCode::InvalidName));
    }
}
