//! Replies to the account's posts: a visitor's (within the abuse limits, and
//! through the moderation queue when the account's rules say so) or the
//! brand's; deleting them; and the thread pages built from them. A hidden
//! reply keeps its row (`hidden = 1`) and is left out of threads and counts.

use super::db::{int, Db};
use super::views::{View, PAGE};
use super::emit::Emitted;
use super::{AccountHub, Apply};
use crate::error::{ApiError, ApiResult};
use crate::limiter;
use gazouillis_protocol::limits::{RATE_REPLIES, RATE_REPLIES_IP};
use gazouillis_protocol::live::Event;
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::rate::{admit, RateLimit};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::{Author, Badge, ErrorCode, Pending, PostId, Reply, ReplyId};
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

pub const REPLY_COLUMNS: &str = "post, seq, author_id, author_name, author_badge, text, created_at, hidden";

/// A `replies` row.
#[derive(Deserialize)]
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

/// Stores the recent events of an abuse limit.
pub fn save_window(db: &Db, key: &str, hits: &[u64]) -> worker::Result<()> {
    let hits = serde_json::to_string(hits).unwrap_or_else(|_| "[]".into());
    db.run("INSERT OR REPLACE INTO rate_windows (key, hits) VALUES (?, ?)", vec![key.into(), hits.into()])
}

/// Reads of the tables, for the hub's commands and for the views.
impl Db {
    /// A reply, shown or hidden.
    pub(super) fn any_reply(&self, post: u64, seq: u64) -> worker::Result<Option<ReplyRow>> {
        let statement = format!("SELECT {REPLY_COLUMNS} FROM replies WHERE post = ? AND seq = ?");
        self.row(&statement, vec![int(post), int(seq)])
    }

    /// Stored thread page `page` of post `seq`, oldest first; `None` once the post is gone or hidden.
    pub(super) fn thread_page(&self, seq: u64, page: u64) -> worker::Result<Option<PageView<Reply>>> {
        let Some(post) = self.shown_row(seq)? else {
            return Ok(None);
        };
        let start = page.saturating_mul(PAGE);
        let end = start.saturating_add(PAGE);
        let statement = format!("SELECT {REPLY_COLUMNS} FROM replies WHERE post = ? AND seq >= ? AND seq < ? AND hidden = 0 ORDER BY seq");
        let rows: Vec<ReplyRow> = self.rows(&statement, vec![int(seq), int(start), int(end)])?;
        let handle = self.handle()?;
        let replies = rows.into_iter().map(|row| row.reply(&handle)).collect();
        Ok(Some(PageView { items: replies, next: (post.next_reply > end).then_some(end) }))
    }
}

impl AccountHub {

    /// Counts one event of the limit `key`, or refuses it with 429.
    fn admit(&self, key: &str, limit: RateLimit) -> ApiResult<()> {
        #[derive(Deserialize)]
        struct Window {
            hits: String,
        }
        let window: Option<Window> = self.db.row("SELECT hits FROM rate_windows WHERE key = ?", vec![key.into()])?;
        let mut hits: Vec<u64> = window.and_then(|w| serde_json::from_str(&w.hits).ok()).unwrap_or_default();
        admit(&mut hits, Date::now().as_millis(), limit).map_err(ApiError::rate_limited)?;
        save_window(&self.db, key, &hits)?;
        Ok(())
    }

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
        self.admit(&format!("reply-ip/{ip}"), limiter::limit(&self.env, "RATE_REPLIES_IP", RATE_REPLIES_IP))?;
        self.admit(&format!("reply/{}", visitor.id), limiter::limit(&self.env, "RATE_REPLIES", RATE_REPLIES))?;
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
        self.db.run(
            &format!("INSERT INTO replies ({REPLY_COLUMNS}, n) VALUES (?, ?, ?, ?, ?, ?, ?, 0, (SELECT coalesce(max(n) + 1, 0) FROM replies))"),
            vec![int(post_seq), int(seq), author.id.into(), author.name.into(), badge_name(author.badge).into(), text.into(), created_at.into()],
        )?;
        self.db.run("UPDATE posts SET next_reply = next_reply + 1, replies = replies + 1 WHERE seq = ?", vec![int(post_seq)])?;
        if brand {
            self.db.count_answers(post_seq, seq)?;
        } else {
            self.db.count_reply(post_seq)?;
            self.check_buzz()?;
        }
        self.note_mentions("reply", post_seq, seq, alert)?;
        let replies = post.replies + 1;
        let reply = self.db.any_reply(post_seq, seq)?.ok_or(ErrorCode::Internal)?.reply(&self.db.handle()?);
        self.emit(Emitted::Public(Event::Reply { reply: reply.clone(), replies }))?;
        self.changed(&View::of_reply(post_seq, seq, &reply.author)).await?;
        Ok(reply)
    }

    pub(super) async fn delete_reply(&self, post_seq: u64, seq: u64, visitor: Option<String>) -> ApiResult<()> {
        let post = self.db.any_post(post_seq)?;
        let reply = self.db.any_reply(post_seq, seq)?.ok_or(ErrorCode::ReplyNotFound)?;
        let author = reply.author();
        if visitor.is_some_and(|visitor| visitor != author.id) {
            return Err(ErrorCode::Forbidden.into());
        }
        self.db.run("DELETE FROM replies WHERE post = ? AND seq = ?", vec![int(post_seq), int(seq)])?;
        let mut replies = post.replies;
        if !reply.hidden() {
            replies = replies.saturating_sub(1);
            self.db.run("UPDATE posts SET replies = ? WHERE seq = ?", vec![int(replies), int(post_seq)])?;
        }
        let reply = reply.reply(&self.db.handle()?);
        self.emit(Emitted::Public(Event::ReplyDeleted { id: reply.id, post: reply.post, replies }))?;
        self.changed(&View::of_reply(post_seq, seq, &author)).await?;
        Ok(())
    }
}
