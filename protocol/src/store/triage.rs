//! The brand's inbox (the API's `/inbox`): visitors' replies on shown posts,
//! read from `replies` newest first by `n` (the order written), each with
//! whether the brand answered after it in its thread.
//!
//! Not here: the replies themselves (`replies`).

use super::replies::{ReplyRow, COLUMNS};
use super::{below, one_more, Sql};
use crate::page::one_past;
use crate::{Cursor, InboxFilter};
use serde::Deserialize;

/// Whether the brand replied after reply `r` in its thread.
const ANSWERED: &str = "EXISTS (SELECT 1 FROM replies b WHERE b.post = r.post AND b.seq > r.seq AND b.author_badge = 'brand' AND b.hidden = 0)";

/// A visitor's reply in the inbox.
#[derive(Debug, Deserialize)]
pub struct InboxRow {
    #[serde(flatten)]
    pub reply: ReplyRow,
    pub n: u64,
    answered: u8,
}

impl InboxRow {
    /// Whether the brand replied after it in its thread.
    pub fn answered(&self) -> bool {
        self.answered != 0
    }
}

/// Up to `limit` shown visitor replies on shown posts numbered below
/// `before`, newest first, and the cursor after them if more follow.
pub fn inbox<S: Sql>(db: &S, filter: InboxFilter, before: Option<u64>, limit: usize) -> Result<(Vec<InboxRow>, Option<Cursor>), S::Error> {
    let columns = COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
    let filter = match filter {
        InboxFilter::ToAnswer => format!("AND NOT {ANSWERED}"),
        InboxFilter::Answered => format!("AND {ANSWERED}"),
        InboxFilter::All => String::new(),
    };
    let statement = format!(
        "SELECT {columns}, r.n AS n, {ANSWERED} AS answered FROM replies r JOIN posts p ON p.seq = r.post AND p.hidden = 0
         WHERE r.hidden = 0 AND coalesce(r.author_badge, '') != 'brand' AND r.n < ? {filter}
         ORDER BY r.n DESC LIMIT ?"
    );
    let rows: Vec<InboxRow> = db.rows(&statement, vec![below(before), one_more(limit)])?;
    Ok(one_past(rows, limit, |row| row.n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;
    use crate::store::{posts, replies};
    use crate::Author;

    /// Post 0 with replies by `v`, the brand, `w` (hidden), `v` again; post
    /// 1 (hidden) with one by `v`.
    fn with_inbox() -> rusqlite::Connection {
        let db = store();
        let v = Author { id: "v".into(), name: "V".into(), badge: None };
        let w = Author { id: "w".into(), name: "W".into(), badge: Some(crate::Badge::Customer) };
        posts::add(&db, 0, "post", "then").unwrap();
        posts::add(&db, 1, "post", "then").unwrap();
        posts::set_hidden(&db, 1, true).unwrap();
        replies::add(&db, 0, 0, &v, "first", "then").unwrap();
        replies::add(&db, 0, 1, &Author::brand("acme", "Acme"), "answer", "then").unwrap();
        replies::add(&db, 0, 2, &w, "hidden", "then").unwrap();
        replies::set_hidden(&db, 0, 2, true).unwrap();
        replies::add(&db, 1, 0, &v, "on a hidden post", "then").unwrap();
        replies::add(&db, 0, 3, &v, "second", "then").unwrap();
        db
    }

    fn listed(db: &rusqlite::Connection, filter: InboxFilter, before: Option<u64>, limit: usize) -> (Vec<(u64, bool)>, Option<Cursor>) {
        let (rows, next) = inbox(db, filter, before, limit).unwrap();
        (rows.iter().map(|row| (row.reply.seq, row.answered())).collect(), next)
    }

    #[test]
    fn the_inbox_lists_shown_visitor_replies_newest_first_filtered_by_answer() {
        let db = with_inbox();
        assert_eq!(listed(&db, InboxFilter::All, None, 10), (vec![(3, false), (0, true)], None));
        assert_eq!(listed(&db, InboxFilter::ToAnswer, None, 10), (vec![(3, false)], None));
        assert_eq!(listed(&db, InboxFilter::Answered, None, 10), (vec![(0, true)], None));
        // A hidden answer answers nothing.
        replies::set_hidden(&db, 0, 1, true).unwrap();
        assert_eq!(listed(&db, InboxFilter::Answered, None, 10), (vec![], None));
    }

    #[test]
    fn the_inbox_pages_below_a_number() {
        let db = with_inbox();
        let (first, next) = inbox(&db, InboxFilter::All, None, 1).unwrap();
        assert_eq!((first[0].reply.seq, next), (3, Some(Cursor(first[0].n))));
        assert_eq!(listed(&db, InboxFilter::All, next.map(|c| c.0), 1), (vec![(0, true)], None));
    }
}
