//! Full-text search: a person's query read as words, phrases and hashtags,
//! the FTS5 query made from it (never the person's text as syntax), and the
//! ranges of a text that a query matched, for highlighting.
//!
//! Words are runs of letters, digits and `#`, as the index's tokenizer cuts
//! them (`unicode61 remove_diacritics 2 tokenchars '#'`, see
//! [`schema`](crate::schema)); case, accents and the ligatures œ and æ do not
//! matter. Everything else in a query (`*`, `^`, `:`, parentheses, unbalanced
//! quotes) only separates words, and `OR`, `NEAR` or `NOT` are words like any
//! other. Terms must all match. A word also finds its hashtag (`velo` finds
//! `#vélo`); a hashtag finds only itself. The last word of a query, unless a
//! space or a quote ends it, matches as a prefix (`vel` finds "vélo").

use unicode_normalization::UnicodeNormalization;

/// The ligatures folded before indexing and searching (the index folds them
/// in SQL, from the same pairs; a test checks).
pub const LIGATURES: [(char, &str); 4] = [('œ', "oe"), ('Œ', "oe"), ('æ', "ae"), ('Æ', "ae")];

/// The most characters a query may hold, and the most terms.
pub const MAX_QUERY_CHARS: usize = 200;
pub const MAX_TERMS: usize = 16;

/// One thing a query asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Term {
    /// A word, folded; `prefix`: it also matches longer words.
    Word { word: String, prefix: bool },
    /// Words that must follow each other, folded.
    Phrase(Vec<String>),
    /// `#tag`, folded, with its `#`.
    Hashtag { tag: String, prefix: bool },
}

/// A query, read: at least one term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    pub terms: Vec<Term>,
}

/// Why a query cannot be searched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueryError {
    /// No word in it.
    Empty,
    /// More than [`MAX_QUERY_CHARS`] characters or [`MAX_TERMS`] terms.
    TooLong,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '#' || unicode_normalization::char::is_combining_mark(c)
}

/// `text` lowercased, without accents, with ligatures spelled out: how the
/// index sees a word.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)) {
        match LIGATURES.iter().find(|(ligature, _)| *ligature == c) {
            Some((_, spelled)) => folded.push_str(spelled),
            None => folded.extend(c.to_lowercase()),
        }
    }
    folded
}

/// The words of `text` with their byte ranges.
fn words(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()).map(move |w| (w.as_ptr() as usize - text.as_ptr() as usize, w))
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(QueryError::TooLong);
        }
        // Pieces alternate outside and inside quotes; an unpaired last quote
        // stays in the last piece, where it only separates words.
        let paired = text.matches('"').count() / 2 * 2;
        let mut terms = Vec::new();
        for (i, piece) in text.splitn(paired + 1, '"').enumerate() {
            let mut found: Vec<String> = words(piece).map(|(_, w)| fold(w)).collect();
            if i % 2 == 1 && found.len() > 1 {
                terms.push(Term::Phrase(found));
            } else {
                terms.extend(found.drain(..).map(word_term));
            }
        }
        // The last word is a prefix when the query ends inside it.
        if text.chars().last().is_some_and(is_word_char)
            && let Some(Term::Word { prefix, .. } | Term::Hashtag { prefix, .. }) = terms.last_mut()
        {
            *prefix = true;
        }
        match terms.len() {
            0 => Err(QueryError::Empty),
            n if n > MAX_TERMS => Err(QueryError::TooLong),
            _ => Ok(Query { terms }),
        }
    }

    /// The FTS5 query: every term quoted, so nothing a person typed is syntax.
    pub fn to_fts(&self) -> String {
        let quoted = |word: &str, prefix: bool| format!("\"{word}\"{}", if prefix { "*" } else { "" });
        let terms: Vec<String> = self
            .terms
            .iter()
            .map(|term| match term {
                Term::Word { word, prefix } => format!("({} OR {})", quoted(word, *prefix), quoted(&format!("#{word}"), *prefix)),
                Term::Hashtag { tag, prefix } => quoted(tag, *prefix),
                Term::Phrase(words) => format!("\"{}\"", words.join(" ")),
            })
            .collect();
        terms.join(" AND ")
    }

    /// The ranges of `text` the query matched, in UTF-16 code units (as
    /// JavaScript's strings count), in order, not overlapping.
    pub fn matches(&self, text: &str) -> Vec<[usize; 2]> {
        let found: Vec<(usize, &str, String)> = words(text).map(|(at, w)| (at, w, fold(w))).collect();
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for term in &self.terms {
            match term {
                Term::Word { word, prefix } => {
                    for (at, original, folded) in &found {
                        let bare = folded.strip_prefix('#').unwrap_or(folded);
                        if bare == word || *prefix && bare.starts_with(word.as_str()) {
                            ranges.push((*at, at + original.len()));
                        }
                    }
                }
                Term::Hashtag { tag, prefix } => {
                    for (at, original, folded) in &found {
                        if folded == tag || *prefix && folded.starts_with(tag.as_str()) {
                            ranges.push((*at, at + original.len()));
                        }
                    }
                }
                Term::Phrase(words) => {
                    for window in found.windows(words.len()) {
                        if window.iter().zip(words).all(|((_, _, folded), word)| folded == word) {
                            let (first, last) = (&window[0], &window[words.len() - 1]);
                            ranges.push((first.0, last.0 + last.1.len()));
                        }
                    }
                }
            }
        }
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (start, end) in ranges {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged.into_iter().map(|(start, end)| [utf16_at(text, start), utf16_at(text, end)]).collect()
    }
}

/// The most terms a brand watches.
pub const MAX_WATCHES: usize = 100;

/// The watched terms as stored: each trimmed and a valid query, each once
/// (by how it searches), at most [`MAX_WATCHES`]; `None` otherwise.
pub fn watch_terms(terms: Vec<String>) -> Option<Vec<String>> {
    let mut kept: Vec<(String, String)> = Vec::new();
    for term in terms {
        let term = term.trim().to_owned();
        let fts = Query::parse(&term).ok()?.to_fts();
        if !kept.iter().any(|(_, seen)| *seen == fts) {
            kept.push((term, fts));
        }
    }
    (kept.len() <= MAX_WATCHES).then(|| kept.into_iter().map(|(term, _)| term).collect())
}

/// `text` cut at `matches` (as [`Query::matches`] gives them): its pieces in
/// order, each with whether it matched. Ranges out of order, overlapping or
/// past the text (another edge's answer) are skipped rather than trusted.
pub fn highlight<'a>(text: &'a str, matches: &[[usize; 2]]) -> Vec<(&'a str, bool)> {
    // Byte offset of each UTF-16 offset that falls on a character boundary.
    let mut bytes = std::collections::BTreeMap::new();
    let mut utf16 = 0;
    for (at, c) in text.char_indices() {
        bytes.insert(utf16, at);
        utf16 += c.len_utf16();
    }
    bytes.insert(utf16, text.len());
    let mut pieces = Vec::new();
    let mut done = 0;
    for [start, end] in matches {
        let (Some(&start), Some(&end)) = (bytes.get(start), bytes.get(end)) else { continue };
        if start < done || end <= start {
            continue;
        }
        if start > done {
            pieces.push((&text[done..start], false));
        }
        pieces.push((&text[start..end], true));
        done = end;
    }
    if done < text.len() {
        pieces.push((&text[done..], false));
    }
    pieces
}

fn word_term(word: String) -> Term {
    if word.starts_with('#') { Term::Hashtag { tag: word, prefix: false } } else { Term::Word { word, prefix: false } }
}

/// The UTF-16 offset of byte offset `at` of `text`.
fn utf16_at(text: &str, at: usize) -> usize {
    text[..at].encode_utf16().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(w: &str) -> Term {
        Term::Word { word: w.into(), prefix: false }
    }

    #[test]
    fn folding_as_the_index_does() {
        assert_eq!(fold("Été"), "ete");
        assert_eq!(fold("CŒUR"), "coeur");
        assert_eq!(fold("Æsop"), "aesop");
        assert_eq!(fold("cafe\u{301}"), "cafe");
        assert_eq!(fold("#Vélo"), "#velo");
    }

    #[test]
    fn words_phrases_hashtags_and_the_last_prefix() {
        let q = Query::parse("Été \"vélo électrique\" #Promo livr").unwrap();
        assert_eq!(q.terms, [
            word("ete"),
            Term::Phrase(vec!["velo".into(), "electrique".into()]),
            Term::Hashtag { tag: "#promo".into(), prefix: false },
            Term::Word { word: "livr".into(), prefix: true },
        ]);
        assert_eq!(q.to_fts(), r##"("ete" OR "#ete") AND "velo electrique" AND "#promo" AND ("livr"* OR "#livr"*)"##);
        // A space or a closing quote ends the last word.
        assert_eq!(Query::parse("velo ").unwrap().terms, [word("velo")]);
        assert_eq!(Query::parse("\"velo\"").unwrap().terms, [word("velo")]);
    }

    #[test]
    fn syntax_is_searched_as_words_never_an_error() {
        for hostile in ["a OR b", "NEAR(a b)", "a* ^b", "\"unbalanced", "x\"y\"z\"", "(a) - b: c", "col:a", "a AND NOT b", "{a b}"] {
            let q = Query::parse(hostile).unwrap_or_else(|e| panic!("{hostile}: {e:?}"));
            let fts = q.to_fts();
            // Outside quoted strings only parentheses, OR, AND and * remain.
            let outside: String = fts.split('"').step_by(2).collect();
            assert!(outside.chars().all(|c| "() *ORAND".contains(c)), "{hostile} -> {fts}");
        }
        assert_eq!(Query::parse("a OR b").unwrap().terms, [word("a"), word("or"), Term::Word { word: "b".into(), prefix: true }]);
        assert_eq!(Query::parse(" \"*^()\" "), Err(QueryError::Empty));
        assert_eq!(Query::parse(""), Err(QueryError::Empty));
        assert_eq!(Query::parse("\"\"\""), Err(QueryError::Empty));
        assert_eq!(Query::parse(&"a ".repeat(17)), Err(QueryError::TooLong));
        assert_eq!(Query::parse(&"a".repeat(MAX_QUERY_CHARS + 1)), Err(QueryError::TooLong));
    }

    #[test]
    fn ranges_in_utf16_for_highlighting() {
        let text = "L’été, un vélo 🚲 électrique #Vélo : cœur";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            [text[..start].encode_utf16().count(), text[..start + needle.len()].encode_utf16().count()]
        };
        assert_eq!(Query::parse("velo ").unwrap().matches(text), [at("vélo"), at("#Vélo")]);
        assert_eq!(Query::parse("#velo ").unwrap().matches(text), [at("#Vélo")]);
        assert_eq!(Query::parse("\"velo electrique\"").unwrap().matches(text), [at("vélo 🚲 électrique")]);
        assert_eq!(Query::parse("coeur").unwrap().matches(text), [at("cœur")]);
        assert_eq!(Query::parse("ét").unwrap().matches(text), [at("été")]);
        assert!(Query::parse("train").unwrap().matches(text).is_empty());
    }

    #[test]
    fn watched_terms_are_queries_each_once() {
        let terms = |list: &[&str]| watch_terms(list.iter().map(|t| t.to_string()).collect());
        assert_eq!(terms(&[" Retard ", "retard", "RETARD", "\"en retard\"", "#promo"]), Some(vec!["Retard".into(), "\"en retard\"".into(), "#promo".into()]));
        assert_eq!(terms(&["ok", "  "]), None);
        assert_eq!(terms(&[]), Some(vec![]));
        let many: Vec<String> = (0..=MAX_WATCHES).map(|n| format!("w{n}")).collect();
        assert_eq!(watch_terms(many), None);
    }

    #[test]
    fn highlighted_pieces_follow_the_ranges() {
        let text = "Un 🚲 vélo, deux vélos";
        let matches = Query::parse("velo ").unwrap().matches(text);
        assert_eq!(highlight(text, &matches), [("Un 🚲 ", false), ("vélo", true), (", deux vélos", false)]);
        let all = Query::parse("velo").unwrap().matches(text);
        assert_eq!(highlight(text, &all), [("Un 🚲 ", false), ("vélo", true), (", deux ", false), ("vélos", true)]);
        // Inside the emoji's surrogate pair, reversed, past the end: skipped.
        assert_eq!(highlight(text, &[[4, 5], [9, 7], [40, 50]]), [(text, false)]);
        assert_eq!(highlight("", &[]), []);
    }
}
