//! Hiding: the brand takes a post or a reply out of sight (feeds, threads,
//! timelines, counts, the live push) without deleting it, and may show it
//! again. Hidden items are stored under their own keys, so that the views
//! are built from the shown ones without skipping anything.

use super::{hidden_post_key, hidden_reply_key, post_key, reply_key, AccountHub, PostRecord, View, ACCOUNT, HIDDEN_POSTS, HIDDEN_REPLIES};
use crate::error::ApiResult;
use crate::http::json;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::{ErrorCode, HiddenContent, HiddenState, Post, Reply};
use serde::Serialize;
use worker::ListOptions;

/// Most hidden posts, and most hidden replies, listed at once.
const LISTED: usize = 500;

/// A count once one of its items is hidden (one less) or shown again (one more).
fn recount(count: u64, hidden: bool) -> u64 {
    if hidden { count.saturating_sub(1) } else { count + 1 }
}

impl AccountHub {
    pub(super) async fn hide_post(&self, seq: u64, hidden: bool) -> ApiResult {
        let (record, was_hidden) = self.any_post(seq).await?;
        if was_hidden != hidden {
            let mut account = self.account().await?;
            account.account.posts = recount(account.account.posts, hidden);
            self.store_as(hidden, &record, post_key(seq), hidden_post_key(seq)).await?;
            self.storage().put(ACCOUNT, account).await?;
            self.mark_dirty(&View::of_post(seq, &record)).await?;
            self.publish(&if hidden { Event::PostDeleted { id: record.post.id } } else { Event::Post { post: record.post } });
        }
        json(200, &HiddenState { hidden })
    }

    pub(super) async fn hide_reply(&self, post: u64, seq: u64, hidden: bool) -> ApiResult {
        let (mut record, post_hidden) = self.any_post(post).await?;
        let (reply, was_hidden) = self.any_reply(post, seq).await?.ok_or(ErrorCode::ReplyNotFound)?;
        if was_hidden != hidden {
            record.post.replies = recount(record.post.replies, hidden);
            let replies = record.post.replies;
            self.store_as(hidden, &reply, reply_key(post, seq), hidden_reply_key(post, seq)).await?;
            self.put_post(post, &record, post_hidden).await?;
            self.mark_dirty(&View::of_reply(post, seq, &reply.author)).await?;
            let event = if hidden {
                Event::ReplyDeleted { id: reply.id, post: reply.post, replies }
            } else {
                Event::Reply { reply, replies }
            };
            self.publish(&event);
        }
        json(200, &HiddenState { hidden })
    }

    /// Stores `value` under the key of its new state (`shown` or `hidden`),
    /// and removes it from the other.
    async fn store_as<T: Serialize>(&self, hidden: bool, value: &T, shown: String, hidden_key: String) -> worker::Result<()> {
        let (from, to) = if hidden { (shown, hidden_key) } else { (hidden_key, shown) };
        self.storage().delete(&from).await?;
        self.storage().put(&to, value).await
    }

    pub(super) async fn list_hidden(&self) -> ApiResult {
        self.account().await?;
        let posts: Vec<PostRecord> = self.values(ListOptions::new().prefix(HIDDEN_POSTS).limit(LISTED)).await?;
        let replies: Vec<Reply> = self.values(ListOptions::new().prefix(HIDDEN_REPLIES).limit(LISTED)).await?;
        let posts: Vec<Post> = posts.into_iter().map(|record| record.post).collect();
        json(200, &HiddenContent { posts, replies })
    }

    /// For a visitor's download of their data: their reply, even hidden.
    pub(super) async fn authored_reply(&self, post: u64, seq: u64, visitor: &str) -> ApiResult {
        match self.any_reply(post, seq).await? {
            Some((reply, _)) if reply.author.id == visitor => json(200, &reply),
            _ => Err(ErrorCode::ReplyNotFound.into()),
        }
    }
}
