//! The import of a hub written before SQLite, which kept one key-value
//! entry per thing: each entry's row, written as an upsert, so that an
//! import cut short (the runtime restarted) runs again whole without
//! doubling anything. Counts and numbers are copied as they were.
//!
//! Not here: reading the old entries (the edge's `hub::migrate`), nor the
//! tables imported as they are written today (`settings`, `queue`,
//! `rate_windows`, `tokens`' SSO secret).

use super::{flag, int, replies, Sql};
use crate::schema::NUMBER_REPLIES;
use crate::{Account, Post, Reply};

/// The account, with its counters and next numbers.
pub fn account<S: Sql>(db: &S, account: &Account, next_post: u64, next_queued: u64) -> Result<(), S::Error> {
    let statement = "INSERT INTO account (id, handle, name, bio, followers, posts, next_post, next_queued) VALUES (0, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, name = excluded.name, bio = excluded.bio,
        followers = excluded.followers, posts = excluded.posts, next_post = excluded.next_post, next_queued = excluded.next_queued";
    let values = vec![
        account.handle.as_str().into(),
        account.name.as_str().into(),
        account.bio.as_str().into(),
        int(account.followers),
        int(account.posts),
        int(next_post),
        int(next_queued),
    ];
    db.run(statement, values)
}

/// Post number `seq`, hidden or not, with its reply count and next reply number.
pub fn post<S: Sql>(db: &S, seq: u64, post: &Post, next_reply: u64, hidden: bool) -> Result<(), S::Error> {
    let statement = "INSERT OR REPLACE INTO posts (seq, text, created_at, replies, next_reply, hidden) VALUES (?, ?, ?, ?, ?, ?)";
    let values = vec![int(seq), post.text.as_str().into(), post.created_at.as_str().into(), int(post.replies), int(next_reply), flag(hidden)];
    db.run(statement, values)
}

/// Reply number `seq` of post `post`, hidden or not; numbered across the
/// account by [`number_replies`], once every reply is in.
pub fn reply<S: Sql>(db: &S, post: u64, seq: u64, reply: &Reply, hidden: bool) -> Result<(), S::Error> {
    let statement = format!("INSERT OR REPLACE INTO replies ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", replies::COLUMNS);
    let mut values = replies::written(post, seq, &reply.author, &reply.text, &reply.created_at);
    values.push(flag(hidden));
    db.run(&statement, values)
}

/// Numbers the imported replies across the account, in the order written.
pub fn number_replies<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run(NUMBER_REPLIES, vec![])
}

pub fn follower<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    db.run("INSERT OR IGNORE INTO follows (visitor) VALUES (?)", vec![visitor.into()])
}

/// Brand token `id`, kept as the digest of its secret.
pub fn token<S: Sql>(db: &S, id: &str, name: &str, digest: &str) -> Result<(), S::Error> {
    db.run("INSERT OR REPLACE INTO tokens (id, name, digest) VALUES (?, ?, ?)", vec![id.into(), name.into(), digest.into()])
}

/// A view marked to flush (`view`: its JSON), as of no version.
pub fn dirty_view<S: Sql>(db: &S, key: &str, view: &str) -> Result<(), S::Error> {
    db.run("INSERT OR REPLACE INTO dirty_views (key, view, version) VALUES (?, ?, 0)", vec![key.into(), view.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{account as accounts, dirty_views, follows, posts, replies, tokens};
    use crate::{Author, Badge};

    fn acme(followers: u64) -> Account {
        Account { handle: "acme".into(), name: "Acme".into(), bio: "Bikes".into(), followers, posts: 1 }
    }

    fn reply_at(created_at: &str) -> Reply {
        let author = Author { id: "v1".into(), name: "Zoé".into(), badge: Some(Badge::Customer) };
        Reply { id: String::new(), post: String::new(), author, text: "Hello".into(), created_at: created_at.into() }
    }

    #[test]
    fn an_import_run_twice_leaves_each_row_once_as_it_was() {
        let db = crate::store::native::store();
        let hi = Post {
            id: "acme-3".into(),
            account: "acme".into(),
            text: "Hi".into(),
            created_at: "2026-11-01T10:00:00.000Z".into(),
            replies: 2,
            offer: None,
            images: Vec::new(),
        };
        for _ in 0..2 {
            account(&db, &acme(7), 4, 2).unwrap();
            post(&db, 3, &hi, 2, false).unwrap();
            reply(&db, 3, 1, &reply_at("2026-11-01T10:02:00.000Z"), true).unwrap();
            reply(&db, 3, 0, &reply_at("2026-11-01T10:01:00.000Z"), false).unwrap();
            follower(&db, "v1").unwrap();
            token(&db, "a1", "Day shift", "d1").unwrap();
            dirty_view(&db, "acme/feed", "\"FeedHead\"").unwrap();
        }
        number_replies(&db).unwrap();
        let row = accounts::find(&db).unwrap().unwrap();
        assert_eq!((row.followers, row.posts, row.next_post, row.next_queued), (7, 1, 4, 2));
        let stored = posts::find(&db, 3).unwrap().unwrap();
        assert_eq!((stored.replies, stored.next_reply, stored.hidden()), (2, 2, false));
        let first = replies::find(&db, 3, 0).unwrap().unwrap();
        assert_eq!((first.author().badge, first.hidden()), (Some(Badge::Customer), false));
        assert!(replies::find(&db, 3, 1).unwrap().unwrap().hidden());
        assert!(follows::follows(&db, "v1").unwrap());
        assert_eq!(tokens::digest(&db, "a1").unwrap().as_deref(), Some("d1"));
        assert_eq!(dirty_views::count(&db).unwrap(), 1);
        let numbered: Vec<(u64, u64)> = db.prepare("SELECT seq, n FROM replies ORDER BY n").unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(numbered, [(0, 0), (1, 1)], "numbered in the order written");
    }
}
