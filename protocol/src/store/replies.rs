//! Replies to the account's posts: `replies`, numbered within their post
//! (`seq`) and across the account in the order written (`n`); and the
//! thread pages built from them. A hidden reply keeps its row (`hidden = 1`)
//! and is left out of threads.
//!
//! Not here: the posts' reply counts (`posts`), the brand's inbox
//! (`triage`), replies waiting for a decision (`queue`).

use super::{flag, int, posts, Sql, Value};
use crate::limits::PAGE_SIZE;
use crate::page::PageView;
use crate::{Author, Badge, PostId, Reply, ReplyId};
use serde::Deserialize;

/// A reply's columns, as [`ReplyRow`] reads them.
pub(super) const COLUMNS: &str = "post, seq, author_id, author_name, author_badge, text, created_at, hidden";

/// A `replies` row.
#[derive(Debug, Deserialize)]
pub struct ReplyRow {
    pub post: u64,
    pub seq: u64,
    author_id: String,
    author_name: String,
    author_badge: Option<String>,
    text: String,
    created_at: String,
    hidden: u8,
}

/// How a badge is stored: its JSON name (`brand`, `customer`).
pub fn badge_name(badge: Option<Badge>) -> Option<String> {
    badge.and_then(|badge| serde_json::to_value(badge).ok()?.as_str().map(str::to_owned))
}

/// The badge stored as `name`.
pub fn badge_of(name: Option<&str>) -> Option<Badge> {
    serde_json::from_value(serde_json::Value::String(name?.to_owned())).ok()
}

impl ReplyRow {
    pub fn hidden(&self) -> bool {
        self.hidden != 0
    }

    pub fn author(&self) -> Author {
        Author { id: self.author_id.clone(), name: self.author_name.clone(), badge: badge_of(self.author_badge.as_deref()) }
    }

    pub fn reply(self, handle: &str) -> Reply {
        let post = PostId { handle: handle.to_owned(), seq: self.post };
        let author = self.author();
        Reply { id: ReplyId { post: post.clone(), seq: self.seq }.to_string(), post: post.to_string(), author, text: self.text, created_at: self.created_at }
    }
}

/// Reply `seq` of post `post`, shown or hidden.
pub fn find<S: Sql>(db: &S, post: u64, seq: u64) -> Result<Option<ReplyRow>, S::Error> {
    db.row(&format!("SELECT {COLUMNS} FROM replies WHERE post = ? AND seq = ?"), vec![int(post), int(seq)])
}

/// Every reply of post `post`, shown or hidden.
pub fn of_post<S: Sql>(db: &S, post: u64) -> Result<Vec<ReplyRow>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM replies WHERE post = ?"), vec![int(post)])
}

/// A visitor's replies, shown or hidden, in the order of the posts.
pub fn by_author<S: Sql>(db: &S, visitor: &str) -> Result<Vec<ReplyRow>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM replies WHERE author_id = ? ORDER BY post, seq"), vec![visitor.into()])
}

/// Up to `limit` hidden replies, in order.
pub fn hidden<S: Sql>(db: &S, limit: usize) -> Result<Vec<ReplyRow>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM replies WHERE hidden = 1 ORDER BY post, seq LIMIT ?"), vec![int(limit as u64)])
}

/// Stored thread page `page` of post `seq`: its shown replies numbered
/// `page * PAGE_SIZE ..` below the next page, oldest first; `None` once the
/// post is gone or hidden.
pub fn thread_page<S: Sql>(db: &S, seq: u64, page: u64) -> Result<Option<PageView<Reply>>, S::Error> {
    let Some(post) = posts::shown(db, seq)? else {
        return Ok(None);
    };
    let start = page.saturating_mul(PAGE_SIZE as u64);
    let end = start.saturating_add(PAGE_SIZE as u64);
    let statement = format!("SELECT {COLUMNS} FROM replies WHERE post = ? AND seq >= ? AND seq < ? AND hidden = 0 ORDER BY seq");
    let rows: Vec<ReplyRow> = db.rows(&statement, vec![int(seq), int(start), int(end)])?;
    let handle = super::account::handle(db)?;
    let replies = rows.into_iter().map(|row| row.reply(&handle)).collect();
    Ok(Some(PageView { items: replies, next: (post.next_reply > end).then_some(end) }))
}

/// Adds reply `seq` to post `post`, shown, numbered after every reply of the account.
pub fn add<S: Sql>(db: &S, post: u64, seq: u64, author: &Author, text: &str, created_at: &str) -> Result<(), S::Error> {
    let statement =
        format!("INSERT INTO replies ({COLUMNS}, n) VALUES (?, ?, ?, ?, ?, ?, ?, 0, (SELECT coalesce(max(n) + 1, 0) FROM replies))");
    db.run(&statement, written(post, seq, author, text, created_at))
}

/// The values of a reply's written columns, in [`COLUMNS`]' order (all but `hidden`).
pub(super) fn written(post: u64, seq: u64, author: &Author, text: &str, created_at: &str) -> Vec<Value> {
    vec![
        int(post),
        int(seq),
        author.id.as_str().into(),
        author.name.as_str().into(),
        badge_name(author.badge).into(),
        text.into(),
        created_at.into(),
    ]
}

/// Hides reply `seq` of post `post` (`true`) or shows it again.
pub fn set_hidden<S: Sql>(db: &S, post: u64, seq: u64, hidden: bool) -> Result<(), S::Error> {
    db.run("UPDATE replies SET hidden = ? WHERE post = ? AND seq = ?", vec![flag(hidden), int(post), int(seq)])
}

/// Deletes reply `seq` of post `post`.
pub fn delete<S: Sql>(db: &S, post: u64, seq: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM replies WHERE post = ? AND seq = ?", vec![int(post), int(seq)])
}

/// Deletes every reply of post `post`.
pub fn delete_of_post<S: Sql>(db: &S, post: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM replies WHERE post = ?", vec![int(post)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{account, native::store};

    fn visitor(id: &str) -> Author {
        Author { id: id.into(), name: id.to_uppercase(), badge: None }
    }

    /// A store of account `acme` with posts 0 and 1, and replies by `v` and the brand.
    fn with_replies() -> rusqlite::Connection {
        let db = store();
        account::create(&db, "acme", "Acme", "").unwrap();
        for post in [0, 1] {
            posts::add(&db, post, "post", "then").unwrap();
        }
        add(&db, 1, 0, &visitor("v"), "first", "then").unwrap();
        add(&db, 0, 0, &Author::brand("acme", "Acme"), "brand", "then").unwrap();
        add(&db, 0, 1, &visitor("v"), "second", "then").unwrap();
        add(&db, 0, 2, &visitor("w"), "third", "then").unwrap();
        db
    }

    fn seqs(rows: &[ReplyRow]) -> Vec<(u64, u64)> {
        rows.iter().map(|row| (row.post, row.seq)).collect()
    }

    #[test]
    fn badges_are_stored_by_name() {
        assert_eq!(badge_name(Some(Badge::Customer)).as_deref(), Some("customer"));
        assert_eq!(badge_of(badge_name(Some(Badge::Brand)).as_deref()), Some(Badge::Brand));
        assert_eq!((badge_name(None), badge_of(None), badge_of(Some("nobody"))), (None, None, None));
    }

    #[test]
    fn a_reply_is_found_with_its_author_and_numbered_across_the_account() {
        let db = with_replies();
        let reply = find(&db, 0, 0).unwrap().unwrap();
        assert!(reply.author().is_brand());
        let reply = find(&db, 0, 1).unwrap().unwrap().reply("acme");
        let post = PostId { handle: "acme".into(), seq: 0 };
        assert_eq!(reply, Reply { id: ReplyId { post: post.clone(), seq: 1 }.to_string(), post: post.to_string(), author: visitor("v"), text: "second".into(), created_at: "then".into() });
        assert!(find(&db, 1, 1).unwrap().is_none());
        let n: Vec<i64> = db.prepare("SELECT n FROM replies ORDER BY n").unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(n, [0, 1, 2, 3]);
    }

    #[test]
    fn replies_are_listed_by_post_by_author_and_hidden() {
        let db = with_replies();
        assert_eq!(seqs(&of_post(&db, 0).unwrap()).len(), 3);
        assert_eq!(seqs(&by_author(&db, "v").unwrap()), [(0, 1), (1, 0)]);
        set_hidden(&db, 1, 0, true).unwrap();
        set_hidden(&db, 0, 2, true).unwrap();
        assert!(find(&db, 1, 0).unwrap().unwrap().hidden());
        assert_eq!(seqs(&hidden(&db, 500).unwrap()), [(0, 2), (1, 0)]);
        assert_eq!(seqs(&hidden(&db, 1).unwrap()), [(0, 2)]);
        set_hidden(&db, 0, 2, false).unwrap();
        assert_eq!(seqs(&hidden(&db, 500).unwrap()), [(1, 0)]);
    }

    #[test]
    fn a_thread_page_holds_its_shown_replies_oldest_first() {
        let db = with_replies();
        for _ in 0..3 {
            posts::reply_added(&db, 0).unwrap();
        }
        set_hidden(&db, 0, 1, true).unwrap();
        let page = thread_page(&db, 0, 0).unwrap().unwrap();
        let texts: Vec<&str> = page.items.iter().map(|reply| reply.text.as_str()).collect();
        assert_eq!((texts, page.next), (vec!["brand", "third"], None));
        assert_eq!(thread_page(&db, 0, 1).unwrap().unwrap().items, []);
        posts::set_hidden(&db, 0, true).unwrap();
        assert_eq!(thread_page(&db, 0, 0).unwrap(), None, "a hidden post has no thread");
        assert_eq!(thread_page(&db, 7, 0).unwrap(), None);
    }

    #[test]
    fn a_full_thread_page_leads_to_the_next() {
        let db = store();
        account::create(&db, "acme", "Acme", "").unwrap();
        posts::add(&db, 0, "post", "then").unwrap();
        for seq in 0..PAGE_SIZE as u64 + 1 {
            add(&db, 0, seq, &visitor("v"), "hi", "then").unwrap();
            posts::reply_added(&db, 0).unwrap();
        }
        let first = thread_page(&db, 0, 0).unwrap().unwrap();
        assert_eq!((first.items.len(), first.next), (PAGE_SIZE, Some(PAGE_SIZE as u64)));
        let second = thread_page(&db, 0, 1).unwrap().unwrap();
        assert_eq!((second.items.len(), second.next), (1, None));
    }

    #[test]
    fn deleted_replies_are_gone() {
        let db = with_replies();
        delete(&db, 0, 1).unwrap();
        assert!(find(&db, 0, 1).unwrap().is_none());
        delete_of_post(&db, 0).unwrap();
        assert_eq!(seqs(&of_post(&db, 0).unwrap()), []);
        assert_eq!(seqs(&of_post(&db, 1).unwrap()), [(1, 0)]);
    }
}
