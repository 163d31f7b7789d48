//! The abuse limits' state: `rate_windows`, the recent events of each limit
//! (by key: `{kind}/{visitor}`, `{kind}-ip/{address}` for the kinds `reply`,
//! `follow`, `claim`), as a JSON list of times.
//!
//! Not here: what a limit admits (`rate`).

use super::Sql;
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

/// Stores the recent events of limit `key`.
pub fn save<S: Sql>(db: &S, key: &str, hits: &[u64]) -> Result<(), S::Error> {
    let hits = serde_json::to_string(hits).unwrap_or_else(|_| "[]".into());
    db.run("INSERT OR REPLACE INTO rate_windows (key, hits) VALUES (?, ?)", vec![key.into(), hits.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    #[test]
    fn a_window_is_saved_replaced_and_read_by_its_key() {
        let db = store();
        assert_eq!(hits(&db, "reply/v").unwrap(), Vec::<u64>::new());
        save(&db, "reply/v", &[1, 2]).unwrap();
        save(&db, "reply/v", &[2, 3, 4]).unwrap();
        assert_eq!((hits(&db, "reply/v").unwrap(), hits(&db, "reply/w").unwrap()), (vec![2, 3, 4], vec![]));
    }
}
