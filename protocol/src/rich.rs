//! What a post's text holds besides words: links, `#hashtags` and
//! `@mentions`. One tokenizer, [`segments`], for everything that renders a
//! text (the widget, the console, the edge's pages), and one length,
//! [`text_length`], for the widget's counter and the edge's check.
//!
//! A link is `http://` or `https://` and a host with a dot; nothing else
//! (`javascript:`, `data:`, `www.` alone) ever becomes one, nor an address
//! with a user part (`https://acme.fr.login@evil.example/` would pass one
//! host off as another) or longer than [`MAX_LINK_BYTES`]. It ends at a
//! space or a character no URL shows unencoded (quotes, `<`, `>`), and loses
//! the punctuation that ends a sentence (`.`, `,`, `!`…) and a closing
//! bracket it did not open. Every link counts as [`URL_LENGTH`] characters,
//! however long, as on Twitter: a long product link costs no more than a
//! short one. Shown short, a link keeps its host whole ([`short_url`]).
//!
//! Not here: how segments look (the widget's and the console's views).

use crate::text::{char_count, CharCount};

/// What any link counts for in a text's length.
pub const URL_LENGTH: usize = 23;
/// Most characters of a link's shown form (host and path), ellipsis
/// included, unless its host alone is longer.
pub const SHORT_URL_CHARS: usize = 30;
/// The longest link: past it, an address is text, counted in full.
pub const MAX_LINK_BYTES: usize = 2_000;

/// A piece of a text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Segment<'a> {
    Text(&'a str),
    /// As written, `http(s)://` included: the link's target.
    Url(&'a str),
    /// The tag, without its `#`.
    Hashtag(&'a str),
    /// The handle, without its `@`, as written (`@Acme` names the account `acme`).
    Mention(&'a str),
}

/// A text cut into segments, in order; joined back they give the text.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut plain = 0;
    let mut at = 0;
    while at < text.len() {
        let found = if starts_token(text, at) { token(&text[at..]) } else { None };
        match found {
            Some((segment, len)) => {
                if plain < at {
                    out.push(Segment::Text(&text[plain..at]));
                }
                out.push(segment);
                at += len;
                plain = at;
            }
            None => at += text[at..].chars().next().map_or(1, char::len_utf8),
        }
    }
    if plain < text.len() {
        out.push(Segment::Text(&text[plain..]));
    }
    out
}

/// A text's length as its limit counts it: characters as a person counts
/// them (see [`char_count`]), every link as [`URL_LENGTH`].
pub fn text_length(text: &str) -> usize {
    text_length_by(text, char_count)
}

/// [`text_length`], counting characters with `count`.
pub fn text_length_by(text: &str, count: CharCount) -> usize {
    segments(text)
        .iter()
        .map(|segment| match segment {
            Segment::Url(_) => URL_LENGTH,
            Segment::Text(s) => count(s),
            Segment::Hashtag(s) | Segment::Mention(s) => 1 + count(s),
        })
        .sum()
}

/// A link as shown: host and path without the scheme or `www.`, its path
/// cut with an ellipsis past [`SHORT_URL_CHARS`]; the host is always whole,
/// so that a link never hides where it goes.
pub fn short_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    let chars = rest.chars().count();
    if chars <= SHORT_URL_CHARS {
        return rest.to_owned();
    }
    let host = rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len());
    let keep = (SHORT_URL_CHARS - 1).max(rest[..host].chars().count());
    let mut short: String = rest.chars().take(keep).collect();
    if keep < chars {
        short.push('…');
    }
    short
}

/// Whether a token may start at byte `at`: at the start, or after a
/// character that is not part of a word (so `a@b.fr` and `x#1` are text).
fn starts_token(text: &str, at: usize) -> bool {
    let next = text[at..].chars().next();
    if !matches!(next, Some('h' | 'H' | '#' | '@')) {
        return false;
    }
    match text[..at].chars().next_back() {
        None => true,
        Some(before) => !(is_word(before) || matches!(before, '&' | '#' | '@' | '/' | '-' | '.')),
    }
}

/// The token at the start of `rest`, with its length in bytes.
fn token(rest: &str) -> Option<(Segment<'_>, usize)> {
    if let Some(tag) = rest.strip_prefix('#') {
        let len = word_len(tag);
        // At least one letter: `#1` is a number, not a tag.
        return tag[..len].chars().any(is_letter).then(|| (Segment::Hashtag(&tag[..len]), 1 + len));
    }
    if let Some(handle) = rest.strip_prefix('@') {
        let len = handle.bytes().take_while(|b| b.is_ascii_alphanumeric() || *b == b'_').count();
        // A handle is at most 30 characters, and is not followed by more word.
        let whole = !handle[len..].starts_with(is_word);
        return ((1..=30).contains(&len) && whole).then(|| (Segment::Mention(&handle[..len]), 1 + len));
    }
    url(rest).map(|len| (Segment::Url(&rest[..len]), len))
}

/// Bytes of a hashtag's word.
fn word_len(text: &str) -> usize {
    text.char_indices().find(|(_, c)| !is_word(*c)).map_or(text.len(), |(i, _)| i)
}

/// A character of a word: an ASCII letter or digit, `_`, or any character
/// past ASCII but spaces, punctuation, symbols and emoji (their blocks).
/// Not `char::is_alphanumeric`, whose Unicode tables would weigh on the
/// widget: this is the same on letters of any script and on the
/// punctuation texts hold, and keeps combining accents with their letter.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || c == '_'
        || !(c.is_ascii()
            || c.is_whitespace()
            || matches!(c,
                '\u{80}'..='\u{BF}' | '\u{D7}' | '\u{F7}'
                | '\u{2000}'..='\u{2BFF}' // punctuation, symbols, arrows, shapes, dingbats
                | '\u{2E00}'..='\u{2E7F}' | '\u{3000}'..='\u{303F}'
                | '\u{FE00}'..='\u{FE0F}' | '\u{FE30}'..='\u{FE6F}' | '\u{FF00}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}'
                | '\u{FF3B}'..='\u{FF40}' | '\u{FF5B}'..='\u{FF65}' | '\u{FFF0}'..='\u{FFFF}'
                | '\u{1F000}'..='\u{1FAFF}' | '\u{E0000}'..='\u{E007F}'))
}

/// A word character that is not a digit or `_`.
fn is_letter(c: char) -> bool {
    is_word(c) && !c.is_ascii_digit() && c != '_'
}

/// The length of the link at the start of `rest`, if one is there.
fn url(rest: &str) -> Option<usize> {
    let scheme = ["https://", "http://"].into_iter().find(|scheme| rest.get(..scheme.len()).is_some_and(|s| s.eq_ignore_ascii_case(scheme)))?;
    let end = rest.find(|c: char| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^' | '“' | '”' | '«' | '»' | '‘' | '’')).unwrap_or(rest.len());
    let mut len = end;
    // Punctuation that ends a sentence, and brackets the link did not open.
    while let Some(last) = rest[..len].chars().next_back() {
        let unopened = |open: char, close: char| last == close && rest[..len].matches(open).count() < rest[..len].matches(close).count();
        if matches!(last, '.' | ',' | ':' | ';' | '!' | '?' | '…') || unopened('(', ')') || unopened('[', ']') {
            len -= last.len_utf8();
        } else {
            break;
        }
    }
    let after = &rest[scheme.len()..len];
    let authority = after.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') || len > MAX_LINK_BYTES {
        return None;
    }
    let host = authority.split_once(':').map_or(authority, |(host, port)| if port.bytes().all(|b| b.is_ascii_digit()) { host } else { "" });
    valid_host(host).then_some(len)
}

/// A host with a dot: labels of letters, digits and `-` (any script), the
/// last one of at least two letters.
fn valid_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2
        && labels.iter().all(|label| !label.is_empty() && label.chars().all(|c| (is_word(c) && c != '_') || c == '-') && !label.starts_with('-') && !label.ends_with('-'))
        && labels.last().is_some_and(|tld| tld.chars().count() >= 2 && tld.chars().all(is_letter))
}

#[cfg(test)]
mod tests {
    use super::Segment::*;
    use super::*;

    #[test]
    fn links_hashtags_and_mentions_among_words() {
        assert_eq!(
            segments("Le vélo #Été2026 chez @acme : https://acme.fr/velos?c=bleu#top."),
            vec![
                Text("Le vélo "),
                Hashtag("Été2026"),
                Text(" chez "),
                Mention("acme"),
                Text(" : "),
                Url("https://acme.fr/velos?c=bleu#top"),
                Text("."),
            ]
        );
        assert_eq!(segments(""), vec![]);
        assert_eq!(segments("plain words"), vec![Text("plain words")]);
    }

    #[test]
    fn only_http_and_https_with_a_real_host_become_links() {
        for text in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "www.acme.fr",
            "ftp://acme.fr",
            "http://",
            "https://localhost/x",
            "https://acme",
            "https://acme.f",
            "https://-acme.fr",
            "https://acme..fr",
            "https://acme.fr:80x/",
            "https://1.2.3.4/",
        ] {
            assert!(!segments(text).iter().any(|s| matches!(s, Url(_))), "{text}");
        }
        assert_eq!(segments("HTTPS://ACME.FR"), vec![Url("HTTPS://ACME.FR")]);
        assert_eq!(segments("http://acme.fr:8080/x"), vec![Url("http://acme.fr:8080/x")]);
        assert_eq!(segments("https://bücher.de/é"), vec![Url("https://bücher.de/é")]);
    }

    #[test]
    fn an_address_with_a_user_part_or_past_the_longest_link_is_text() {
        for text in [
            "https://acme.fr.support.account.verify.login@evil.example/",
            "http://user@acme.fr:8080/x",
            "https://user:password@acme.fr",
            "https://@acme.fr",
        ] {
            assert_eq!(segments(text), vec![Text(text)], "{text}");
        }
        let longest = format!("https://acme.fr/{}", "a".repeat(MAX_LINK_BYTES - 16));
        assert_eq!(segments(&longest), vec![Url(&longest)]);
        let longer = format!("{longest}a");
        assert_eq!(segments(&longer), vec![Text(&longer)]);
        assert_eq!(text_length(&longer), MAX_LINK_BYTES + 1, "counted in full");
        // An address on the same line after it still is a link.
        assert_eq!(segments(&format!("{longer} https://acme.fr"))[1], Url("https://acme.fr"));
    }

    #[test]
    fn links_end_before_quotes_markup_and_the_sentence_s_punctuation() {
        assert_eq!(segments(r#"https://acme.fr/"onmouseover="alert(1)"#)[0], Url("https://acme.fr/"));
        assert_eq!(segments("<a href=https://acme.fr>x</a>")[1], Url("https://acme.fr"));
        assert_eq!(segments("Voir https://acme.fr/velos."), vec![Text("Voir "), Url("https://acme.fr/velos"), Text(".")]);
        assert_eq!(segments("(https://acme.fr/x)"), vec![Text("("), Url("https://acme.fr/x"), Text(")")]);
        assert_eq!(segments("https://fr.wikipedia.org/wiki/Vélo_(homonymie)")[0], Url("https://fr.wikipedia.org/wiki/Vélo_(homonymie)"));
        assert_eq!(segments("«https://acme.fr»"), vec![Text("«"), Url("https://acme.fr"), Text("»")]);
        assert_eq!(segments("https://acme.fr/x?!…"), vec![Url("https://acme.fr/x"), Text("?!…")]);
        assert_eq!(segments("xhttps://acme.fr"), vec![Text("xhttps://acme.fr")]);
    }

    #[test]
    fn hashtags_and_mentions_stand_alone() {
        assert_eq!(segments("#1 et #un"), vec![Text("#1 et "), Hashtag("un")]);
        assert_eq!(segments("a#b c&#39; ##x"), vec![Text("a#b c&#39; ##x")]);
        assert_eq!(segments("#cafe\u{301} !"), vec![Hashtag("cafe\u{301}"), Text(" !")]);
        assert_eq!(segments("ecrire@acme.fr @acme."), vec![Text("ecrire@acme.fr "), Mention("acme"), Text(".")]);
        assert_eq!(segments("@Acme_2"), vec![Mention("Acme_2")]);
        assert_eq!(segments(&format!("@{}", "a".repeat(31))), vec![Text(&format!("@{}", "a".repeat(31)))]);
        assert_eq!(segments("@acmé"), vec![Text("@acmé")]);
        assert_eq!(segments("@"), vec![Text("@")]);
    }

    #[test]
    fn every_link_counts_as_23_characters() {
        assert_eq!(text_length("bonjour"), 7);
        assert_eq!(text_length("https://acme.fr"), URL_LENGTH);
        let long = format!("https://acme.fr/{}", "a".repeat(200));
        assert_eq!(text_length(&format!("Voir {long} !")), 5 + URL_LENGTH + 2);
        assert_eq!(text_length("#été @acme 👨‍👩‍👧"), 4 + 1 + 5 + 1 + 1);
    }

    #[test]
    fn links_are_shown_short() {
        assert_eq!(short_url("https://www.acme.fr/"), "acme.fr");
        assert_eq!(short_url("http://acme.fr/velos?c=bleu"), "acme.fr/velos?c=bleu");
        assert_eq!(short_url("https://acme.fr/une/tres/longue/adresse/de/produit"), "acme.fr/une/tres/longue/adres…");
        assert_eq!(short_url("https://acme.fr/une/tres/longue/adresse/de/produit").chars().count(), SHORT_URL_CHARS);
        // The host is never cut.
        let host = "acme.fr.support.account.verify.example";
        assert_eq!(short_url(&format!("https://{host}/login")), format!("{host}…"));
        assert_eq!(short_url(&format!("https://{host}")), host);
        assert_eq!(short_url(&format!("https://{host}/")), host);
        assert_eq!(short_url("https://acme.fr.support.example.com/x/y"), "acme.fr.support.example.com/x…");
        assert_eq!(short_url("https://acme.fr.support.account.example.com/x/y"), "acme.fr.support.account.example.com…");
        assert_eq!(short_url("https://acme.fr/thirty-characters-in-a"), "acme.fr/thirty-characters-in-a");
    }
}
