//! The layout of the keys the edge writes in Workers KV: one place for every
//! key format. Each key holds one JSON document that a read call returns with
//! a single KV read; see README's "Storage" section for who writes what.

use crate::ids::{PostId, ReplyId};
use crate::limits::PAGE_SIZE;

/// `account/{handle}`: the [`Account`](crate::Account) with its counts.
pub fn account(handle: &str) -> String {
    format!("account/{handle}")
}

/// `feed/{handle}`: the newest posts, a `PageView<Post>`.
pub fn feed_head(handle: &str) -> String {
    format!("feed/{handle}")
}

/// `feed/{handle}/{page}`: the posts numbered `page * PAGE_SIZE ..` up to the next page, newest first.
pub fn feed_page(handle: &str, page: u64) -> String {
    format!("feed/{handle}/{page}")
}

/// `post/{id}`: one [`Post`](crate::Post).
pub fn post(id: &PostId) -> String {
    format!("post/{id}")
}

/// `thread/{post}/{page}`: the replies numbered `page * PAGE_SIZE ..` up to the next page, oldest first.
pub fn thread_page(post: &PostId, page: u64) -> String {
    format!("thread/{post}/{page}")
}

/// `following/{visitor}/{handle}`: present while the visitor follows the account.
pub fn following(visitor: &str, handle: &str) -> String {
    format!("{}{handle}", following_prefix(visitor))
}

/// The prefix listing every account a visitor follows.
pub fn following_prefix(visitor: &str) -> String {
    format!("following/{visitor}/")
}

/// `authored/{visitor}/{reply}`: present while the visitor's reply exists, so
/// that a visitor's data can be found (`/v1/me`) without reading every thread.
pub fn authored(visitor: &str, reply: &ReplyId) -> String {
    format!("{}{reply}", authored_prefix(visitor))
}

/// The prefix listing every reply a visitor wrote.
pub fn authored_prefix(visitor: &str) -> String {
    format!("authored/{visitor}/")
}

/// `claimed/{visitor}/{handle}`: present while the visitor holds a claim of
/// one of the account's offers, so that `/v1/me` finds their claims without
/// asking every account. (Migration 10 writes it for earlier claims: the
/// format is spelled in SQL there too.)
pub fn claimed(visitor: &str, handle: &str) -> String {
    format!("{}{handle}", claimed_prefix(visitor))
}

/// The prefix listing every account where a visitor holds claims.
pub fn claimed_prefix(visitor: &str) -> String {
    format!("claimed/{visitor}/")
}

/// `sweep`: where the cron's wake-up of every hub is, a [`Sweep`](crate::sweep::Sweep).
pub const SWEEP: &str = "sweep";

/// The stored page an item numbered `seq` belongs to.
pub fn page_of(seq: u64) -> u64 {
    seq / PAGE_SIZE as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let id = PostId { handle: "acme".into(), seq: 71 };
        assert_eq!(post(&id), "post/acme-1z");
        assert_eq!(thread_page(&id, 0), "thread/acme-1z/0");
        assert_eq!(feed_page("acme", page_of(120)), "feed/acme/2");
        assert_eq!(following("0123456789abcdef", "acme"), "following/0123456789abcdef/acme");
        assert!(following("v", "acme").starts_with(&following_prefix("v")));
    }
}
