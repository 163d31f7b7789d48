//! The hub's one account: `account`, a single row with its exact counts
//! (followers, shown posts), the next post and queue numbers, its version
//! and the version of the last change to its feed.
//!
//! Not here: its followers themselves (`follows`, which keeps the count),
//! its settings (`settings`), nor its SSO secret (the hub's tokens).

use super::{int, Sql};
use crate::Account;
use serde::Deserialize;

/// The `account` row.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct AccountRow {
    pub handle: String,
    pub name: String,
    pub bio: String,
    pub followers: u64,
    pub posts: u64,
    pub next_post: u64,
    pub next_queued: u64,
}

impl AccountRow {
    pub fn account(&self) -> Account {
        Account { handle: self.handle.clone(), name: self.name.clone(), bio: self.bio.clone(), followers: self.followers, posts: self.posts }
    }
}

/// The account, once created.
pub fn find<S: Sql>(db: &S) -> Result<Option<AccountRow>, S::Error> {
    db.row("SELECT handle, name, bio, followers, posts, next_post, next_queued FROM account", vec![])
}

/// The account's handle (empty before it is created).
pub fn handle<S: Sql>(db: &S) -> Result<String, S::Error> {
    #[derive(Deserialize)]
    struct Handle {
        handle: String,
    }
    Ok(db.row::<Handle>("SELECT handle FROM account", vec![])?.map(|row| row.handle).unwrap_or_default())
}

/// Creates the account, with nothing counted yet.
pub fn create<S: Sql>(db: &S, handle: &str, name: &str, bio: &str) -> Result<(), S::Error> {
    db.run("INSERT INTO account (id, handle, name, bio) VALUES (0, ?, ?, ?)", vec![handle.into(), name.into(), bio.into()])
}

/// The account's version: how many writes changed what readers see.
/// `None` before the account exists.
pub fn version<S: Sql>(db: &S) -> Result<Option<u64>, S::Error> {
    db.number("SELECT version AS n FROM account", vec![])
}

/// The version of the last change to the feed (0 before the account exists).
pub fn feed_version<S: Sql>(db: &S) -> Result<u64, S::Error> {
    Ok(db.number("SELECT feed_version AS n FROM account", vec![])?.unwrap_or(0))
}

/// A write changed what readers see: the version goes up by one.
pub fn raise_version<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run("UPDATE account SET version = version + 1", vec![])
}

/// The feed changed at the current version.
pub fn feed_changed<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run("UPDATE account SET feed_version = version", vec![])
}

/// A post was published: the next post number is taken, and one more is shown.
pub fn post_added<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run("UPDATE account SET next_post = next_post + 1, posts = posts + 1", vec![])
}

/// A shown post was deleted.
pub fn post_removed<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run("UPDATE account SET posts = max(posts - 1, 0)", vec![])
}

/// Sets the count of shown posts (a post hidden or shown again).
pub fn set_posts<S: Sql>(db: &S, posts: u64) -> Result<(), S::Error> {
    db.run("UPDATE account SET posts = ?", vec![int(posts)])
}

/// The next queue number is taken.
pub fn queued_added<S: Sql>(db: &S) -> Result<(), S::Error> {
    db.run("UPDATE account SET next_queued = next_queued + 1", vec![])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    #[test]
    fn no_account_reads_as_none_and_a_created_one_counts_nothing_yet() {
        let db = store();
        assert_eq!((find(&db).unwrap(), handle(&db).unwrap(), version(&db).unwrap(), feed_version(&db).unwrap()), (None, String::new(), None, 0));
        create(&db, "acme", "Acme", "Bikes").unwrap();
        let row = find(&db).unwrap().unwrap();
        assert_eq!((row.handle.as_str(), row.followers, row.posts, row.next_post, row.next_queued), ("acme", 0, 0, 0, 0));
        assert_eq!(row.account(), Account { handle: "acme".into(), name: "Acme".into(), bio: "Bikes".into(), followers: 0, posts: 0 });
        assert_eq!((handle(&db).unwrap(), version(&db).unwrap()), ("acme".into(), Some(0)));
    }

    #[test]
    fn the_feed_version_follows_the_version_when_the_feed_changes() {
        let db = store();
        create(&db, "acme", "Acme", "").unwrap();
        raise_version(&db).unwrap();
        raise_version(&db).unwrap();
        assert_eq!((version(&db).unwrap(), feed_version(&db).unwrap()), (Some(2), 0));
        feed_changed(&db).unwrap();
        raise_version(&db).unwrap();
        assert_eq!((version(&db).unwrap(), feed_version(&db).unwrap()), (Some(3), 2));
    }

    #[test]
    fn the_post_count_goes_up_and_down_never_below_zero_and_numbers_only_up() {
        let db = store();
        create(&db, "acme", "Acme", "").unwrap();
        post_removed(&db).unwrap();
        post_added(&db).unwrap();
        post_added(&db).unwrap();
        post_removed(&db).unwrap();
        queued_added(&db).unwrap();
        let row = find(&db).unwrap().unwrap();
        assert_eq!((row.posts, row.next_post, row.next_queued), (1, 2, 1));
        set_posts(&db, 7).unwrap();
        assert_eq!(find(&db).unwrap().unwrap().posts, 7);
    }
}
