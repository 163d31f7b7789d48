//! The abuse limits' state: `rate_windows`, the recent events of each limit
//! (kinds `reply`, `follow`, `claim`, each per visitor and per client
//! address) as a JSON list of times, by key (the edge stores a keyed hash of
//! `{kind}/{visitor}`, `{kind}-ip/{address}`: no address or visitor id in
//! clear), with when the window expires (its last event plus the limit's
//! window), after which the row is pruned.
//!
//! Not here: what a limit admits (`rate`), hashing the keys (the edge).

use super::{int, Sql};
use serde::Deserialize;

/// The recent events of limit `key` (none if it has none, or is unreadable).
pub fn hits<S: Sql>(db: &S, key: &str) -> Result<Vec<u64>, S::Error> {
    #[derive(Deserialize)]
    struct Window {
        hits: String,
    }
    let window: Option<Window> = db.row("SELECT hits FROM rate_windows WHERE key = ?", vec![key.into()])?;
    Ok(window.and_then(|w| serde_json::from_str(&w.hits).ok()).unwrap_or_default())
}

/// Stores the recent events of limit `key`, all past once `expires_at` (ms since 1970).
pub fn save<S: Sql>(db: &S, key: &str, hits: &[u64], expires_at: u64) -> Result<(), S::Error> {
    let hits = serde_json::to_string(hits).unwrap_or_else(|_| "[]".into());
    let statement = "INSERT OR REPLACE INTO rate_windows (key, hits, expires_at) VALUES (?, ?, ?)";
    db.run(statement, vec![key.into(), hits.into(), int(expires_at)])
}

/// Deletes the windows expired at `now`: nothing is kept past its use.
pub fn prune<S: Sql>(db: &S, now: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM rate_windows WHERE expires_at <= ?", vec![int(now)])
}

/// Deletes the window of limit `key` (a visitor's, at their erasure).
pub fn remove<S: Sql>(db: &S, key: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM rate_windows WHERE key = ?", vec![key.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    #[test]
    fn a_window_is_saved_replaced_and_read_by_its_key() {
        let db = store();
        assert_eq!(hits(&db, "reply/v").unwrap(), Vec::<u64>::new());
        save(&db, "reply/v", &[1, 2], 100).unwrap();
        save(&db, "reply/v", &[2, 3, 4], 100).unwrap();
        assert_eq!((hits(&db, "reply/v").unwrap(), hits(&db, "reply/w").unwrap()), (vec![2, 3, 4], vec![]));
    }

    #[test]
    fn expired_windows_are_pruned_and_a_removed_one_is_gone() {
        let db = store();
        save(&db, "a", &[1], 100).unwrap();
        save(&db, "b", &[50], 150).unwrap();
        save(&db, "c", &[60], 160).unwrap();
        prune(&db, 99).unwrap();
        assert_eq!(hits(&db, "a").unwrap(), [1], "not expired yet");
        prune(&db, 150).unwrap();
        assert_eq!((hits(&db, "a").unwrap(), hits(&db, "b").unwrap(), hits(&db, "c").unwrap()), (vec![], vec![], vec![60]));
        remove(&db, "c").unwrap();
        assert_eq!(hits(&db, "c").unwrap(), Vec::<u64>::new());
        let left: Option<u64> = db.number("SELECT count(*) AS n FROM rate_windows", vec![]).unwrap();
        assert_eq!(left, Some(0));
    }
}
