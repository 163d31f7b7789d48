//! The brand's moderation: the account's settings, the queue of visitors'
//! replies waiting for a decision, and hiding posts and replies (out of
//! feeds, threads, counts and the live push, without deleting them).

use super::db::Db;
use super::views::View;
use super::emit::Emitted;
use super::{AccountHub, Apply};
use crate::config;
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::moderation::{Reason, Settings};
use gazouillis_protocol::store::{account, posts, queue, replies, settings};
use gazouillis_protocol::{Author, ErrorCode, HiddenContent, HiddenState, PostId, Queue, Queued, Reply};
use serde::{Deserialize, Serialize};

/// The brand's moderation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ModerationCommand {
    /// The account's [`Settings`].
    GetSettings,
    PutSettings { settings: Settings },
    /// Up to `limit` replies waiting for a decision, numbered after `after`,
    /// oldest first: [`Queue`].
    ListQueue { after: Option<u64>, limit: usize },
    /// Publishes (`approve`) or rejects the queued reply number `id`: the
    /// reply published, if it was.
    Decide { id: u64, approve: bool },
    /// Hides (`hidden: true`) or shows again post `post`, or its reply
    /// `reply`: [`HiddenState`].
    Hide { post: u64, reply: Option<u64>, hidden: bool },
    /// What is hidden: [`HiddenContent`].
    ListHidden,
}

impl Apply for ModerationCommand {
    async fn apply(self, hub: &AccountHub) -> super::Answered {
        match self {
            ModerationCommand::GetSettings => hub.get_settings().into(),
            ModerationCommand::PutSettings { settings } => hub.put_settings(settings).into(),
            ModerationCommand::ListQueue { after, limit } => hub.list_queue(after, limit).into(),
            ModerationCommand::Decide { id, approve } => hub.decide(id, approve).await.into(),
            ModerationCommand::Hide { post, reply: None, hidden } => hub.hide_post(post, hidden).await.into(),
            ModerationCommand::Hide { post, reply: Some(seq), hidden } => hub.hide_reply(post, seq, hidden).await.into(),
            ModerationCommand::ListHidden => hub.list_hidden().into(),
        }
    }
}

/// Most hidden posts, and most hidden replies, listed at once.
const LISTED: usize = 500;

/// A count once one of its items is hidden (one less) or shown again (one more).
fn recount(count: u64, hidden: bool) -> u64 {
    if hidden { count.saturating_sub(1) } else { count + 1 }
}

impl Db {
    /// The account's settings (for every command's check of the page's site).
    pub(super) fn settings(&self) -> worker::Result<Settings> {
        settings::get(self)
    }
}

impl AccountHub {
    fn get_settings(&self) -> ApiResult<Settings> {
        self.db.account()?;
        Ok(self.db.settings()?)
    }

    fn put_settings(&self, settings: Settings) -> ApiResult<Settings> {
        self.db.account()?;
        let stored = serde_json::to_string(&settings).map_err(|_| ErrorCode::Internal)?;
        settings::put(&self.db, &stored)?;
        Ok(settings)
    }

    /// Holds a visitor's reply in the queue; answers its number there. A
    /// full queue ([`config::max_queued`]) refuses it.
    pub(super) fn hold(&self, post: u64, author: Author, text: String, created_at: String, reason: Reason) -> ApiResult<String> {
        let account = self.db.account()?;
        if queue::count(&self.db)? >= config::max_queued(&self.env) {
            return Err(ErrorCode::QueueFull.into());
        }
        let n = account.next_queued;
        let post_id = PostId { handle: account.handle, seq: post }.to_string();
        queue::add(&self.db, n, &Queued { id: n.to_string(), post: post_id, author, text, created_at, reason })?;
        account::queued_added(&self.db)?;
        self.note_mentions("queued", post, n, true)?;
        Ok(n.to_string())
    }

    fn list_queue(&self, after: Option<u64>, limit: usize) -> ApiResult<Queue> {
        let handle = self.db.account()?.handle;
        let (rows, next) = queue::page(&self.db, after, limit)?;
        Ok(Queue { queued: rows.into_iter().map(|row| row.queued(&handle)).collect(), next: next.map(|cursor| cursor.to_string()) })
    }

    /// Publishes a queued reply (answering it), or rejects it.
    async fn decide(&self, n: u64, approve: bool) -> ApiResult<Option<Reply>> {
        let handle = self.db.account()?.handle;
        let row = queue::find(&self.db, n)?.ok_or(ErrorCode::NotFound)?;
        if approve {
            // Checked before the reply leaves the queue: a refused approval keeps it there.
            self.db.post(row.post)?;
        }
        queue::remove(&self.db, n)?;
        if !approve {
            return Ok(None);
        }
        let post = row.post;
        let queued = row.queued(&handle);
        self.publish_reply(post, queued.author, queued.text, queued.created_at, false).await.map(Some)
    }

    /// Hides or shows post `seq`, its pictures first (those of a hide or a
    /// show cut short too).
    async fn hide_post(&self, seq: u64, hidden: bool) -> ApiResult<HiddenState> {
        let post = self.db.any_post(seq)?;
        self.move_images(&account::handle(&self.db)?, seq, hidden).await?;
        if post.hidden() != hidden {
            let count = recount(self.db.account()?.posts, hidden);
            posts::set_hidden(&self.db, seq, hidden)?;
            account::set_posts(&self.db, count)?;
            let views = View::of_post(seq, post.next_reply);
            let post = post.post(&account::handle(&self.db)?);
            self.emit(Emitted::Shown(if hidden { Event::PostDeleted { id: post.id } } else { Event::Post { post } }))?;
            self.changed(&views).await?;
        }
        Ok(HiddenState { hidden })
    }

    async fn hide_reply(&self, post: u64, seq: u64, hidden: bool) -> ApiResult<HiddenState> {
        let count = self.db.any_post(post)?.replies;
        let reply = replies::find(&self.db, post, seq)?.ok_or(ErrorCode::ReplyNotFound)?;
        if reply.hidden() != hidden {
            let count = recount(count, hidden);
            replies::set_hidden(&self.db, post, seq, hidden)?;
            posts::set_replies(&self.db, post, count)?;
            let views = View::of_reply(post, seq, &reply.author());
            let reply = reply.reply(&account::handle(&self.db)?);
            self.emit(Emitted::Shown(if hidden {
                Event::ReplyDeleted { id: reply.id, post: reply.post, replies: count }
            } else {
                Event::Reply { reply, replies: count }
            }))?;
            self.changed(&views).await?;
        }
        Ok(HiddenState { hidden })
    }

    fn list_hidden(&self) -> ApiResult<HiddenContent> {
        let handle = self.db.account()?.handle;
        Ok(HiddenContent {
            posts: posts::hidden(&self.db, LISTED)?.into_iter().map(|row| row.post(&handle)).collect(),
            replies: replies::hidden(&self.db, LISTED)?.into_iter().map(|row| row.reply(&handle)).collect(),
        })
    }
}
