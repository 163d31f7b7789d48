//! The moderation queue: `queue`, visitors' replies waiting for the brand's
//! decision, numbered in the order held (`n`, from `account.next_queued`).
//!
//! Not here: taking the next number (`account`), publishing an approved
//! reply (`replies`).

use super::{int, one_more, Sql};
use super::replies::{badge_name, badge_of};
use crate::moderation::Reason;
use crate::page::one_past;
use crate::{Author, Cursor, PostId, Queued};
use serde::Deserialize;

/// A `queue` row.
#[derive(Debug, Deserialize)]
pub struct QueuedRow {
    n: u64,
    pub post: u64,
    author_id: String,
    author_name: String,
    author_badge: Option<String>,
    text: String,
    created_at: String,
    reason: String,
}

impl QueuedRow {
    pub fn queued(self, handle: &str) -> Queued {
        let author = Author { id: self.author_id, name: self.author_name, badge: badge_of(self.author_badge.as_deref()) };
        Queued {
            id: self.n.to_string(),
            post: PostId { handle: handle.to_owned(), seq: self.post }.to_string(),
            author,
            text: self.text,
            created_at: self.created_at,
            reason: serde_json::from_value(self.reason.into()).unwrap_or(Reason::Premoderated),
        }
    }
}

/// Puts `queued` in the queue as number `n` (replacing one of that number).
pub fn add<S: Sql>(db: &S, n: u64, queued: &Queued) -> Result<(), S::Error> {
    let post = queued.post.parse::<PostId>().map_or(0, |id| id.seq);
    let reason = serde_json::to_value(queued.reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    db.run(
        "INSERT OR REPLACE INTO queue (n, post, author_id, author_name, author_badge, text, created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            int(n),
            int(post),
            queued.author.id.as_str().into(),
            queued.author.name.as_str().into(),
            badge_name(queued.author.badge).into(),
            queued.text.as_str().into(),
            queued.created_at.as_str().into(),
            reason.into(),
        ],
    )
}

/// Queued reply number `n`, if it is still waiting.
pub fn find<S: Sql>(db: &S, n: u64) -> Result<Option<QueuedRow>, S::Error> {
    db.row("SELECT * FROM queue WHERE n = ?", vec![int(n)])
}

/// Up to `limit` queued replies numbered after `after`, oldest first, and
/// the cursor after them when more follow.
pub fn page<S: Sql>(db: &S, after: Option<u64>, limit: usize) -> Result<(Vec<QueuedRow>, Option<Cursor>), S::Error> {
    let from = after.map_or(0, |n| n.saturating_add(1));
    let rows: Vec<QueuedRow> = db.rows("SELECT * FROM queue WHERE n >= ? ORDER BY n LIMIT ?", vec![int(from), one_more(limit)])?;
    Ok(one_past(rows, limit, |row| row.n))
}

/// How many replies wait.
pub fn count<S: Sql>(db: &S) -> Result<u64, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM queue", vec![])?.unwrap_or(0))
}

/// A visitor's queued replies, oldest first.
pub fn by_author<S: Sql>(db: &S, visitor: &str) -> Result<Vec<QueuedRow>, S::Error> {
    db.rows("SELECT * FROM queue WHERE author_id = ? ORDER BY n", vec![visitor.into()])
}

/// Takes queued reply number `n` out of the queue.
pub fn remove<S: Sql>(db: &S, n: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM queue WHERE n = ?", vec![int(n)])
}

/// Takes a visitor's queued replies out of the queue.
pub fn remove_by_author<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM queue WHERE author_id = ?", vec![visitor.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    fn queued(n: u64, author: &str, reason: Reason) -> Queued {
        let post = PostId { handle: "acme".into(), seq: 3 }.to_string();
        let author = Author { id: author.into(), name: "V".into(), badge: Some(crate::Badge::Customer) };
        Queued { id: n.to_string(), post, author, text: format!("reply {n}"), created_at: "then".into(), reason }
    }

    fn numbers(rows: Vec<QueuedRow>) -> Vec<String> {
        rows.into_iter().map(|row| row.queued("acme").id).collect()
    }

    #[test]
    fn a_queued_reply_reads_back_as_it_was_held() {
        let db = store();
        add(&db, 4, &queued(4, "v", Reason::Link)).unwrap();
        let row = find(&db, 4).unwrap().unwrap();
        assert_eq!(row.post, 3);
        assert_eq!(row.queued("acme"), queued(4, "v", Reason::Link));
        assert!(find(&db, 5).unwrap().is_none());
    }

    #[test]
    fn the_queue_lists_oldest_first_by_author_and_loses_what_is_removed() {
        let db = store();
        for (n, author) in [(2, "w"), (0, "v"), (1, "v")] {
            add(&db, n, &queued(n, author, Reason::Premoderated)).unwrap();
        }
        assert_eq!(numbers(all(&db)), ["0", "1", "2"]);
        assert_eq!(numbers(by_author(&db, "v").unwrap()), ["0", "1"]);
        remove(&db, 1).unwrap();
        assert_eq!(numbers(all(&db)), ["0", "2"]);
        remove_by_author(&db, "v").unwrap();
        assert_eq!(numbers(all(&db)), ["2"]);
        assert_eq!(count(&db).unwrap(), 1);
    }

    fn all(db: &rusqlite::Connection) -> Vec<QueuedRow> {
        page(db, None, 50).unwrap().0
    }

    #[test]
    fn the_queue_reads_a_page_at_a_time_oldest_first() {
        let db = store();
        for n in [0, 1, 2, 4, 5] {
            add(&db, n, &queued(n, "v", Reason::Premoderated)).unwrap();
        }
        let (first, next) = page(&db, None, 2).unwrap();
        assert_eq!((numbers(first), next), (vec!["0".to_owned(), "1".to_owned()], Some(Cursor(1))));
        let (second, next) = page(&db, Some(1), 2).unwrap();
        assert_eq!((numbers(second), next), (vec!["2".to_owned(), "4".to_owned()], Some(Cursor(4))));
        let (last, next) = page(&db, Some(4), 2).unwrap();
        assert_eq!((numbers(last), next), (vec!["5".to_owned()], None));
        assert_eq!(page(&db, Some(u64::MAX), 2).unwrap().0.len(), 0, "a cursor past every number");
        assert_eq!(count(&db).unwrap(), 5);
    }
}
