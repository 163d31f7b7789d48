//! Search in the account: the FTS5 index `search` and its keys
//! `search_keys` (kept by triggers of `schema` on `posts`, `replies` and
//! `queue`), read newest first by `sid`; and the item an entry stands for,
//! read from its own table.
//!
//! Not here: how a query is read (`search`), the statement itself
//! (`schema::SEARCH`).

use super::{below, flag, one_more, posts, queue, replies, Sql};
use crate::page::one_past;
use crate::schema::SEARCH;
use crate::search::Query;
use crate::{Cursor, Found};
use serde::Deserialize;

/// A `search_keys` row: what an index entry is.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Key {
    pub sid: u64,
    /// `post`, `reply` or `queued`.
    pub kind: String,
    pub post: u64,
    /// The item's number: in its post for a reply, in the queue for a queued reply.
    pub seq: u64,
}

/// Up to `limit` entries matching `query` indexed below `before`, newest
/// first, and the cursor after them if more follow; `brand`: queued and
/// hidden ones too.
pub fn find<S: Sql>(db: &S, query: &Query, before: Option<u64>, limit: usize, brand: bool) -> Result<(Vec<Key>, Option<Cursor>), S::Error> {
    let keys: Vec<Key> = db.rows(SEARCH, vec![query.to_fts().into(), below(before), one_more(limit), flag(brand)])?;
    Ok(one_past(keys, limit, |key| key.sid))
}

/// The item of kind `kind` keyed by its post and number, and whether it is
/// hidden (itself, or its post); `None` once it is gone.
pub fn found<S: Sql>(db: &S, handle: &str, kind: &str, post: u64, seq: u64) -> Result<Option<(Found, bool)>, S::Error> {
    Ok(match kind {
        "post" => posts::find(db, post)?.map(|row| {
            let hidden = row.hidden();
            (Found::Post(row.post(handle)), hidden)
        }),
        "reply" => match replies::find(db, post, seq)? {
            Some(row) => {
                let hidden = row.hidden() || posts::find(db, post)?.is_some_and(|post| post.hidden());
                Some((Found::Reply(row.reply(handle)), hidden))
            }
            None => None,
        },
        _ => queue::find(db, seq)?.map(|row| (Found::Queued(row.queued(handle)), false)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::moderation::Reason;
    use crate::store::native::store;
    use crate::{Author, PostId, Queued};

    /// Post 0 and a reply to it, post 1 hidden with a reply, and a queued
    /// reply to post 0, all about bikes.
    fn indexed() -> rusqlite::Connection {
        let db = store();
        let v = Author { id: "v".into(), name: "V".into(), badge: None };
        posts::add(&db, 0, "Un vélo", "then").unwrap();
        replies::add(&db, 0, 0, &v, "Quel vélo", "then").unwrap();
        posts::add(&db, 1, "Un autre vélo", "then").unwrap();
        replies::add(&db, 1, 0, &v, "Vélo caché", "then").unwrap();
        posts::set_hidden(&db, 1, true).unwrap();
        let post = PostId { handle: "acme".into(), seq: 0 }.to_string();
        let queued = Queued { id: "0".into(), post, author: v, text: "Vélo pas cher".into(), created_at: "then".into(), reason: Reason::Link };
        queue::add(&db, 0, &queued).unwrap();
        db
    }

    fn kinds(keys: &[Key]) -> Vec<(&str, u64, u64)> {
        keys.iter().map(|key| (key.kind.as_str(), key.post, key.seq)).collect()
    }

    #[test]
    fn the_public_finds_what_is_shown_the_brand_everything_newest_first() {
        let db = indexed();
        let query = Query::parse("velo").unwrap();
        let (public, next) = find(&db, &query, None, 10, false).unwrap();
        assert_eq!((kinds(&public), next), (vec![("reply", 0, 0), ("post", 0, 0)], None));
        let (brand, _) = find(&db, &query, None, 10, true).unwrap();
        assert_eq!(kinds(&brand), [("queued", 0, 0), ("reply", 1, 0), ("post", 1, 1), ("reply", 0, 0), ("post", 0, 0)]);
    }

    #[test]
    fn results_page_below_an_entry() {
        let db = indexed();
        let query = Query::parse("velo").unwrap();
        let (first, next) = find(&db, &query, None, 2, true).unwrap();
        assert_eq!(next, Some(Cursor(first[1].sid)));
        let (rest, next) = find(&db, &query, next.map(|c| c.0), 10, true).unwrap();
        assert_eq!((kinds(&rest), next), (vec![("post", 1, 1), ("reply", 0, 0), ("post", 0, 0)], None));
    }

    #[test]
    fn an_entry_is_found_as_its_item_hidden_with_its_post() {
        let db = indexed();
        let text = |found: Option<(Found, bool)>| found.map(|(found, hidden)| (found.text().to_owned(), hidden));
        assert_eq!(text(found(&db, "acme", "post", 0, 0).unwrap()), Some(("Un vélo".into(), false)));
        assert_eq!(text(found(&db, "acme", "post", 1, 1).unwrap()), Some(("Un autre vélo".into(), true)));
        assert_eq!(text(found(&db, "acme", "reply", 1, 0).unwrap()), Some(("Vélo caché".into(), true)), "its post is hidden");
        assert_eq!(text(found(&db, "acme", "reply", 0, 0).unwrap()), Some(("Quel vélo".into(), false)));
        assert_eq!(text(found(&db, "acme", "queued", 0, 0).unwrap()), Some(("Vélo pas cher".into(), false)));
        assert_eq!(found(&db, "acme", "reply", 0, 1).unwrap(), None);
    }
}
