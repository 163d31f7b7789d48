//! The views to rewrite: `dirty_views`, one mark per KV key, with the view
//! (JSON) and the version of the last write that changed it. A mark is
//! removed once a view at least that recent is in KV.
//!
//! Not here: the views themselves and their flush (the hub's `views`).

use super::{int, Sql};
use serde::Deserialize;

/// A `dirty_views` row.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Dirty {
    pub key: String,
    pub view: String,
    pub version: u64,
}

/// Marks view `view` (JSON), at KV key `key`, changed at version `version`.
pub fn mark<S: Sql>(db: &S, key: &str, view: &str, version: u64) -> Result<(), S::Error> {
    db.run("INSERT OR REPLACE INTO dirty_views (key, view, version) VALUES (?, ?, ?)", vec![key.into(), view.into(), int(version)])
}

/// Every marked view.
pub fn marked<S: Sql>(db: &S) -> Result<Vec<Dirty>, S::Error> {
    db.rows("SELECT key, view, version FROM dirty_views", vec![])
}

/// How many views are marked.
pub fn count<S: Sql>(db: &S) -> Result<u64, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM dirty_views", vec![])?.unwrap_or(0))
}

/// The view at `key` is in KV as of version `version`: its mark goes,
/// unless a later write marked it again.
pub fn written<S: Sql>(db: &S, key: &str, version: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM dirty_views WHERE key = ? AND version <= ?", vec![key.into(), int(version)])
}

/// Drops the mark at `key`, whatever its version (a view that cannot be read).
pub fn drop_mark<S: Sql>(db: &S, key: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM dirty_views WHERE key = ?", vec![key.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    #[test]
    fn a_mark_stays_until_its_view_is_written_at_least_as_recent() {
        let db = store();
        mark(&db, "acme/head", "\"FeedHead\"", 3).unwrap();
        mark(&db, "acme/0", "{\"Post\":0}", 3).unwrap();
        // Marked again by a later write while the flush wrote version 3.
        mark(&db, "acme/head", "\"FeedHead\"", 4).unwrap();
        assert_eq!(count(&db).unwrap(), 2);
        written(&db, "acme/head", 3).unwrap();
        written(&db, "acme/0", 3).unwrap();
        assert_eq!(marked(&db).unwrap(), [Dirty { key: "acme/head".into(), view: "\"FeedHead\"".into(), version: 4 }]);
        drop_mark(&db, "acme/head").unwrap();
        assert_eq!(count(&db).unwrap(), 0);
    }
}
