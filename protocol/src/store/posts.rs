//! The account's posts: `posts`, each with its exact reply count, its next
//! reply number and its pictures, read with its offer's public columns
//! (`offers`); and the feed pages built from them. A hidden post keeps its
//! row (`hidden = 1`) and is left out of every feed.
//!
//! Not here: the account's count of shown posts (`account`), offers and
//! their claims (`offers`), uploads (`media`).

use super::{account, flag, int, Sql};
use crate::limits::PAGE_SIZE;
use crate::offer::Offer;
use crate::page::{FeedHead, PageView};
use crate::{Post, PostId};
use serde::Deserialize;

/// A post's columns, with its offer's public ones, read `FROM {POSTS}`.
const COLUMNS: &str =
    "seq, text, created_at, replies, next_reply, hidden, images, offers.ends_ms AS offer_ends, offers.max_claims AS offer_limit, offers.claimed AS offer_claimed";
const POSTS: &str = "posts LEFT JOIN offers ON offers.post = posts.seq";

/// A `posts` row, with its offer if it holds one.
#[derive(Debug, Deserialize)]
pub struct PostRow {
    pub seq: u64,
    text: String,
    created_at: String,
    pub replies: u64,
    pub next_reply: u64,
    hidden: u8,
    /// Its pictures as readers get them (JSON).
    #[serde(default)]
    images: Option<String>,
    #[serde(default)]
    offer_ends: Option<u64>,
    #[serde(default)]
    offer_limit: Option<u64>,
    #[serde(default)]
    offer_claimed: Option<u64>,
}

impl PostRow {
    pub fn hidden(&self) -> bool {
        self.hidden != 0
    }

    pub fn post(self, handle: &str) -> Post {
        let id = PostId { handle: handle.to_owned(), seq: self.seq };
        let offer = self.offer_ends.map(|ends| Offer::new(ends, self.offer_limit, self.offer_claimed.unwrap_or(0)));
        let images = self.images.and_then(|images| serde_json::from_str(&images).ok()).unwrap_or_default();
        Post { id: id.to_string(), account: id.handle, text: self.text, created_at: self.created_at, replies: self.replies, offer, images }
    }
}

/// Post `seq`, shown or hidden.
pub fn find<S: Sql>(db: &S, seq: u64) -> Result<Option<PostRow>, S::Error> {
    db.row(&format!("SELECT {COLUMNS} FROM {POSTS} WHERE seq = ?"), vec![int(seq)])
}

/// Post `seq`, if it is shown.
pub fn shown<S: Sql>(db: &S, seq: u64) -> Result<Option<PostRow>, S::Error> {
    db.row(&format!("SELECT {COLUMNS} FROM {POSTS} WHERE seq = ? AND hidden = 0"), vec![int(seq)])
}

/// Up to `limit` shown posts, newest first.
pub fn newest<S: Sql>(db: &S, limit: usize) -> Result<Vec<PostRow>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM {POSTS} WHERE hidden = 0 ORDER BY seq DESC LIMIT ?"), vec![int(limit as u64)])
}

/// The newest posts, with the account, and where to go on from the oldest of them.
pub fn feed_head<S: Sql>(db: &S) -> Result<FeedHead, S::Error> {
    let account = account::find(db)?.map(|row| row.account());
    let handle = account::handle(db)?;
    let mut rows = newest(db, PAGE_SIZE + 1)?;
    let more = rows.len() > PAGE_SIZE;
    rows.truncate(PAGE_SIZE);
    let next = rows.last().filter(|_| more).map(|oldest| oldest.seq);
    Ok(FeedHead { account, page: PageView { items: rows.into_iter().map(|row| row.post(&handle)).collect(), next } })
}

/// Stored feed page `page`: shown posts numbered `page * PAGE_SIZE ..` below
/// the next page, newest first.
pub fn feed_page<S: Sql>(db: &S, page: u64) -> Result<PageView<Post>, S::Error> {
    let size = PAGE_SIZE as u64;
    let start = page.saturating_mul(size);
    let statement = format!("SELECT {COLUMNS} FROM {POSTS} WHERE hidden = 0 AND seq >= ? AND seq < ? ORDER BY seq DESC");
    let rows: Vec<PostRow> = db.rows(&statement, vec![int(start), int(start.saturating_add(size))])?;
    let handle = account::handle(db)?;
    Ok(PageView { items: rows.into_iter().map(|row| row.post(&handle)).collect(), next: (page > 0).then_some(start) })
}

/// Up to `limit` hidden posts, in order, with their offers.
pub fn hidden<S: Sql>(db: &S, limit: usize) -> Result<Vec<PostRow>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM {POSTS} WHERE hidden = 1 ORDER BY seq LIMIT ?"), vec![int(limit as u64)])
}

/// Adds post `seq`, shown, with no reply yet.
pub fn add<S: Sql>(db: &S, seq: u64, text: &str, created_at: &str) -> Result<(), S::Error> {
    db.run("INSERT INTO posts (seq, text, created_at) VALUES (?, ?, ?)", vec![int(seq), text.into(), created_at.into()])
}

/// Sets the pictures of post `seq`, as readers get them (JSON).
pub fn set_images<S: Sql>(db: &S, seq: u64, images: &str) -> Result<(), S::Error> {
    db.run("UPDATE posts SET images = ? WHERE seq = ?", vec![images.into(), int(seq)])
}

/// Hides post `seq` (`true`) or shows it again.
pub fn set_hidden<S: Sql>(db: &S, seq: u64, hidden: bool) -> Result<(), S::Error> {
    db.run("UPDATE posts SET hidden = ? WHERE seq = ?", vec![flag(hidden), int(seq)])
}

/// A reply was added to post `seq`: its next reply number is taken, and one more is shown.
pub fn reply_added<S: Sql>(db: &S, seq: u64) -> Result<(), S::Error> {
    db.run("UPDATE posts SET next_reply = next_reply + 1, replies = replies + 1 WHERE seq = ?", vec![int(seq)])
}

/// Sets the count of post `seq`'s shown replies.
pub fn set_replies<S: Sql>(db: &S, seq: u64, replies: u64) -> Result<(), S::Error> {
    db.run("UPDATE posts SET replies = ? WHERE seq = ?", vec![int(replies), int(seq)])
}

/// Deletes post `seq` (its offer, claims and mentions go with it: triggers).
pub fn delete<S: Sql>(db: &S, seq: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM posts WHERE seq = ?", vec![int(seq)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    /// A store of account `acme` with posts `0..n`, the ones in `hidden` hidden.
    fn with_posts(n: u64, hidden: &[u64]) -> rusqlite::Connection {
        let db = store();
        account::create(&db, "acme", "Acme", "").unwrap();
        for seq in 0..n {
            add(&db, seq, &format!("post {seq}"), "2026-12-07T12:00:00.000Z").unwrap();
        }
        for &seq in hidden {
            set_hidden(&db, seq, true).unwrap();
        }
        db
    }

    fn id(seq: u64) -> String {
        PostId { handle: "acme".into(), seq }.to_string()
    }

    fn ids(page: &PageView<Post>) -> Vec<String> {
        page.items.iter().map(|post| post.id.clone()).collect()
    }

    #[test]
    fn a_post_is_found_shown_or_hidden_and_shown_only_while_shown() {
        let db = with_posts(2, &[1]);
        let post = find(&db, 0).unwrap().unwrap();
        assert_eq!((post.hidden(), shown(&db, 0).unwrap().is_some()), (false, true));
        assert!(find(&db, 1).unwrap().unwrap().hidden());
        assert!(shown(&db, 1).unwrap().is_none());
        assert!(find(&db, 2).unwrap().is_none());
        set_hidden(&db, 1, false).unwrap();
        assert!(shown(&db, 1).unwrap().is_some());
        let post = find(&db, 0).unwrap().unwrap().post("acme");
        assert_eq!((post.id, post.account.as_str(), post.text.as_str(), post.offer, post.images), (id(0), "acme", "post 0", None, vec![]));
    }

    #[test]
    fn a_post_reads_its_offer_and_its_pictures() {
        let db = with_posts(1, &[]);
        db.execute("INSERT INTO offers (post, code, ends_ms, max_claims, claimed) VALUES (0, 'CODE', 1000, 10, 3)", []).unwrap();
        let image = crate::media::Image { url: "/media/acme/x".into(), alt: "A bike".into(), width: 40, height: 30 };
        set_images(&db, 0, &serde_json::to_string(&[&image]).unwrap()).unwrap();
        let post = find(&db, 0).unwrap().unwrap().post("acme");
        assert_eq!((post.offer, post.images), (Some(Offer::new(1000, Some(10), 3)), vec![image]));
    }

    #[test]
    fn the_feed_head_is_the_newest_shown_page_with_the_account() {
        let db = store();
        assert_eq!(feed_head(&db).unwrap(), FeedHead { account: None, page: PageView { items: vec![], next: None } });
        let db = with_posts(PAGE_SIZE as u64 + 2, &[PAGE_SIZE as u64 + 1]);
        let head = feed_head(&db).unwrap();
        assert_eq!(head.account.unwrap().handle, "acme");
        // Newest first, the hidden one left out; one more shown post than a page: a next page.
        assert_eq!(head.page.items.len(), PAGE_SIZE);
        assert_eq!((head.page.items[0].id.clone(), head.page.next), (id(PAGE_SIZE as u64), Some(1)));
        set_hidden(&db, 0, true).unwrap();
        assert_eq!(feed_head(&db).unwrap().page.next, None);
        assert_eq!(newest(&db, 1).unwrap()[0].seq, PAGE_SIZE as u64);
    }

    #[test]
    fn a_feed_page_holds_its_numbers_newest_first() {
        let db = with_posts(PAGE_SIZE as u64 + 2, &[1]);
        let first = feed_page(&db, 0).unwrap();
        assert_eq!((first.items.len(), first.next), (PAGE_SIZE - 1, None));
        assert_eq!(ids(&first)[..2], [id(49), id(48)]);
        let second = feed_page(&db, 1).unwrap();
        assert_eq!((ids(&second), second.next), (vec![id(51), id(50)], Some(50)));
    }

    #[test]
    fn counts_and_hidden_posts() {
        let db = with_posts(3, &[2, 0]);
        reply_added(&db, 1).unwrap();
        reply_added(&db, 1).unwrap();
        let post = find(&db, 1).unwrap().unwrap();
        assert_eq!((post.replies, post.next_reply), (2, 2));
        set_replies(&db, 1, 1).unwrap();
        assert_eq!(find(&db, 1).unwrap().unwrap().replies, 1);
        let listed: Vec<u64> = hidden(&db, 500).unwrap().iter().map(|row| row.seq).collect();
        assert_eq!(listed, [0, 2]);
        assert_eq!(hidden(&db, 1).unwrap().len(), 1);
        db.execute("INSERT INTO offers (post, code, ends_ms, max_claims, claimed) VALUES (2, 'CODE', 1000, 10, 3)", []).unwrap();
        let offer = hidden(&db, 500).unwrap().pop().unwrap().post("acme").offer;
        assert_eq!(offer, Some(Offer::new(1000, Some(10), 3)), "a hidden post keeps its offer");
        delete(&db, 1).unwrap();
        assert!(find(&db, 1).unwrap().is_none());
    }
}
