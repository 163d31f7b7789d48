//! Replies to the account's posts: a visitor's (within the abuse limits, and
//! through the moderation queue when the account's rules say so) or the
//! brand's; and deleting them. A hidden reply keeps its row and is left out
//! of threads and counts. Their rows and the thread pages are
//! `gazouillis_protocol::store::replies`'.

use super::views::View;
use super::emit::Emitted;
use super::limits::REPLIES;
use super::{AccountHub, Apply};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::store::{account, posts, replies, stats};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::{Author, Badge, ErrorCode, Pending, Reply};
use serde::{Deserialize, Serialize};
use worker::Date;

/// Replies in the account's conversations.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ReplyCommand {
    /// Replies to post `post`: [`NewReply`]. `author: None` is the account's
    /// brand itself; `ip` is the client's address, for the abuse limits.
    Create { post: u64, author: Option<Author>, text: String, ip: String },
    /// `visitor: Some(id)` may delete only their own reply; `None` is the
    /// brand, who may delete any.
    Delete { post: u64, seq: u64, visitor: Option<String> },
}

impl Apply for ReplyCommand {
    async fn apply(self, hub: &AccountHub) -> super::Answered {
        match self {
            ReplyCommand::Create { post, author, text, ip } => hub.create_reply(post, author, text, &ip).await.into(),
            ReplyCommand::Delete { post, seq, visitor } => hub.delete_reply(post, seq, visitor).await.into(),
        }
    }
}

/// What became of a new reply.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewReply {
    Published(Reply),
    /// Held in the moderation queue.
    Held(Pending),
}

// The names the key-value import (`migrate`) calls them by.

impl AccountHub {
    /// A visitor's reply (within the abuse limits, and through the queue when
    /// the account's rules say so), or the brand's (`author: None`).
    async fn create_reply(&self, post_seq: u64, author: Option<Author>, text: String, ip: &str) -> ApiResult<NewReply> {
        self.db.post(post_seq)?;
        let now = rfc3339_from_millis(Date::now().as_millis());
        let Some(visitor) = author else {
            let account = self.db.account()?;
            let brand = Author::brand(&account.handle, &account.name);
            return self.publish_reply(post_seq, brand, text, now, true).await.map(NewReply::Published);
        };
        self.admit_visitor(&REPLIES, &visitor.id, ip).await?;
        let settings = self.db.settings()?;
        if settings.sso_required && visitor.badge != Some(Badge::Customer) {
            return Err(ErrorCode::SsoRequired.into());
        }
        match settings.review(&text) {
            None => self.publish_reply(post_seq, visitor, text, now, true).await.map(NewReply::Published),
            Some(reason) => {
                let id = self.hold(post_seq, visitor, text, now, reason)?;
                Ok(NewReply::Held(Pending { pending: true, id }))
            }
        }
    }

    /// Adds a reply to its thread, counts it, and pushes it; `alert`: its
    /// mention of watched terms goes to the webhooks (see `note_mentions`).
    pub(super) async fn publish_reply(&self, post_seq: u64, author: Author, text: String, created_at: String, alert: bool) -> ApiResult<Reply> {
        let post = self.db.post(post_seq)?;
        let seq = post.next_reply;
        let brand = author.is_brand();
        replies::add(&self.db, post_seq, seq, &author, &text, &created_at)?;
        posts::reply_added(&self.db, post_seq)?;
        let now = Date::now().as_millis();
        if brand {
            stats::count_answers(&self.db, post_seq, seq, now)?;
        } else {
            stats::count_reply(&self.db, post_seq, now)?;
            self.check_buzz()?;
        }
        self.note_mentions("reply", post_seq, seq, alert)?;
        let replies = post.replies + 1;
        let reply = replies::find(&self.db, post_seq, seq)?.ok_or(ErrorCode::Internal)?.reply(&account::handle(&self.db)?);
        self.emit(Emitted::Public(Event::Reply { reply: reply.clone(), replies }))?;
        self.changed(&View::of_reply(post_seq, seq, &reply.author)).await?;
        Ok(reply)
    }

    pub(super) async fn delete_reply(&self, post_seq: u64, seq: u64, visitor: Option<String>) -> ApiResult<()> {
        let post = self.db.any_post(post_seq)?;
        let reply = replies::find(&self.db, post_seq, seq)?.ok_or(ErrorCode::ReplyNotFound)?;
        let author = reply.author();
        if visitor.is_some_and(|visitor| visitor != author.id) {
            return Err(ErrorCode::Forbidden.into());
        }
        replies::delete(&self.db, post_seq, seq)?;
        let mut count = post.replies;
        if !reply.hidden() {
            count = count.saturating_sub(1);
            posts::set_replies(&self.db, post_seq, count)?;
        }
        let reply = reply.reply(&account::handle(&self.db)?);
        self.emit(Emitted::Public(Event::ReplyDeleted { id: reply.id, post: reply.post, replies: count }))?;
        self.changed(&View::of_reply(post_seq, seq, &author)).await?;
        Ok(())
    }
}
