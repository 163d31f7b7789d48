//! Listening: `watches`, the terms the brand watches (in the order put),
//! and `mentions`, the items that matched some when they were written,
//! numbered in that order (`n`) and gone with their item (triggers of
//! `schema`). A term matches an item as a search for it would: through the
//! index itself (`schema::MATCHES_ENTRY`).
//!
//! Not here: how a term is read (`search`), the items (`search::found`).

use super::search::found;
use super::{below, int, one_more, Sql};
use crate::page::one_past;
use crate::schema::MATCHES_ENTRY;
use crate::search::Query;
use crate::{Cursor, Mention, SearchHit};
use serde::Deserialize;

/// A `mentions` row.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct MentionRow {
    pub n: u64,
    pub kind: String,
    pub post: u64,
    pub seq: u64,
    /// The terms it matched, as a JSON list.
    pub terms: String,
}

/// The watched terms, in the order put.
pub fn watched<S: Sql>(db: &S) -> Result<Vec<String>, S::Error> {
    #[derive(Deserialize)]
    struct Term {
        term: String,
    }
    Ok(db.rows::<Term>("SELECT term FROM watches ORDER BY rowid", vec![])?.into_iter().map(|t| t.term).collect())
}

/// Replaces the watched terms (each once).
pub fn put<S: Sql>(db: &S, terms: &[String]) -> Result<(), S::Error> {
    db.run("DELETE FROM watches", vec![])?;
    for term in terms {
        db.run("INSERT OR IGNORE INTO watches (term) VALUES (?)", vec![term.as_str().into()])?;
    }
    Ok(())
}

/// Records a mention of the item just written (kind, post, number) if it
/// matches watched terms, and answers those terms.
pub fn note<S: Sql>(db: &S, kind: &str, post: u64, seq: u64) -> Result<Vec<String>, S::Error> {
    let mut matched = Vec::new();
    for term in watched(db)? {
        let Ok(query) = Query::parse(&term) else { continue };
        let values = vec![query.to_fts().into(), kind.into(), int(post), int(seq)];
        if db.number(MATCHES_ENTRY, values)?.unwrap_or(0) > 0 {
            matched.push(term);
        }
    }
    if !matched.is_empty() {
        let terms = serde_json::to_string(&matched).unwrap_or_else(|_| "[]".into());
        let statement = "INSERT OR REPLACE INTO mentions (kind, post, seq, terms) VALUES (?, ?, ?, ?)";
        db.run(statement, vec![kind.into(), int(post), int(seq), terms.into()])?;
    }
    Ok(matched)
}

/// Up to `limit` mentions numbered below `before`, newest first, and the
/// cursor after them if more follow.
pub fn mentions<S: Sql>(db: &S, before: Option<u64>, limit: usize) -> Result<(Vec<MentionRow>, Option<Cursor>), S::Error> {
    let statement = "SELECT n, kind, post, seq, terms FROM mentions WHERE n < ? ORDER BY n DESC LIMIT ?";
    let rows: Vec<MentionRow> = db.rows(statement, vec![below(before), one_more(limit)])?;
    Ok(one_past(rows, limit, |row| row.n))
}

/// The mention of an item by `terms`, as listed: the item with the ranges
/// they matched; `None` once the item is gone.
pub fn mention<S: Sql>(db: &S, handle: &str, kind: &str, post: u64, seq: u64, terms: Vec<String>) -> Result<Option<Mention>, S::Error> {
    let Some((found, hidden)) = found(db, handle, kind, post, seq)? else { return Ok(None) };
    // All its terms as one query: their ranges merged.
    let all = Query { terms: terms.iter().filter_map(|term| Query::parse(term).ok()).flat_map(|query| query.terms).collect() };
    let matches = all.matches(found.text());
    Ok(Some(Mention { hit: SearchHit { found, matches, hidden }, terms }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;
    use crate::store::posts;

    fn terms(list: &[&str]) -> Vec<String> {
        list.iter().map(|term| term.to_string()).collect()
    }

    #[test]
    fn watched_terms_are_replaced_each_once_in_order() {
        let db = store();
        assert_eq!(watched(&db).unwrap(), Vec::<String>::new());
        put(&db, &terms(&["retard", "remboursement", "retard"])).unwrap();
        assert_eq!(watched(&db).unwrap(), ["retard", "remboursement"]);
        put(&db, &terms(&["colis"])).unwrap();
        assert_eq!(watched(&db).unwrap(), ["colis"]);
    }

    #[test]
    fn an_item_matching_watched_terms_is_noted_with_them() {
        let db = store();
        put(&db, &terms(&["retard", "\"en retard\"", "colis"])).unwrap();
        posts::add(&db, 0, "Livraison en retard", "then").unwrap();
        posts::add(&db, 1, "Merci !", "then").unwrap();
        assert_eq!(note(&db, "post", 0, 0).unwrap(), ["retard", "\"en retard\""]);
        assert_eq!(note(&db, "post", 1, 1).unwrap(), Vec::<String>::new());
        let (rows, next) = mentions(&db, None, 10).unwrap();
        assert_eq!((rows.len(), rows[0].terms.as_str(), next), (1, "[\"retard\",\"\\\"en retard\\\"\"]", None));
        let hit = mention(&db, "acme", "post", 0, 0, terms(&["retard"])).unwrap().unwrap().hit;
        let ranges = Query::parse("retard").unwrap().matches("Livraison en retard");
        assert_eq!((hit.found.text(), hit.matches, hit.hidden), ("Livraison en retard", ranges, false));
        posts::delete(&db, 0).unwrap();
        assert_eq!(mentions(&db, None, 10).unwrap().0, [], "gone with its item");
        assert_eq!(mention(&db, "acme", "post", 0, 0, terms(&["retard"])).unwrap(), None);
    }

    #[test]
    fn mentions_page_newest_first_below_a_number() {
        let db = store();
        put(&db, &terms(&["velo"])).unwrap();
        for seq in 0..3 {
            posts::add(&db, seq, "Un vélo", "then").unwrap();
            note(&db, "post", seq, seq).unwrap();
        }
        let (first, next) = mentions(&db, None, 2).unwrap();
        assert_eq!((first.iter().map(|row| row.post).collect::<Vec<_>>(), next), (vec![2, 1], Some(Cursor(first[1].n))));
        let (rest, next) = mentions(&db, next.map(|c| c.0), 2).unwrap();
        assert_eq!((rest.iter().map(|row| row.post).collect::<Vec<_>>(), next), (vec![0], None));
    }
}
