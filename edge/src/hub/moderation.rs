//! The brand's moderation: the account's settings, the queue of visitors'
//! replies waiting for a decision, and hiding posts and replies (out of
//! feeds, threads, counts and the live push, without deleting them).

use super::db::{flag, int, Db};
use super::replies::{badge_name, badge_of, ReplyRow, REPLY_COLUMNS};
use super::views::View;
use super::emit::Emitted;
use super::{AccountHub, Apply};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::moderation::{Reason, Settings};
use gazouillis_protocol::{Author, ErrorCode, HiddenContent, HiddenState, PostId, Queue, Queued, Reply};
use serde::{Deserialize, Serialize};

/// The brand's moderation.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ModerationCommand {
    /// The account's [`Settings`].
    GetSettings,
    PutSettings { settings: Settings },
    /// The replies waiting for a decision: [`Queue`].
    ListQueue,
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
            ModerationCommand::ListQueue => hub.list_queue().into(),
            ModerationCommand::Decide { id, approve } => hub.decide(id, approve).await.into(),
            ModerationCommand::Hide { post, reply: None, hidden } => hub.hide_post(post, hidden).await.into(),
            ModerationCommand::Hide { post, reply: Some(seq), hidden } => hub.hide_reply(post, seq, hidden).await.into(),
            ModerationCommand::ListHidden => hub.list_hidden().into(),
        }
    }
}

/// Most hidden posts, and most hidden replies, listed at once.
const LISTED: usize = 500;

/// Puts a reply in the queue as number `n`.
pub fn enqueue(db: &Db, n: u64, queued: &Queued) -> worker::Result<()> {
    let post = queued.post.parse::<PostId>().map_or(0, |id| id.seq);
    let reason = serde_json::to_value(queued.reason).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    db.run(
        "INSERT OR REPLACE INTO queue (n, post, author_id, author_name, author_badge, text, created_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        vec![
            int(n),
            int(post),
            queued.author.id.clone().into(),
            queued.author.name.clone().into(),
            badge_name(queued.author.badge).into(),
            queued.text.clone().into(),
            queued.created_at.clone().into(),
            reason.into(),
        ],
    )
}

/// A `queue` row.
#[derive(Deserialize)]
pub(super) struct QueuedRow {
    n: u64,
    post: u64,
    author_id: String,
    author_name: String,
    author_badge: Option<String>,
    text: String,
    created_at: String,
    reason: String,
}

impl QueuedRow {
    pub(super) fn queued(self, handle: &str) -> Queued {
        let author = Author { id: self.author_id, name: self.author_name, badge: badge_of(self.author_badge.as_deref()) };
        Queued {
            id: self.n.to_string(),
            post: PostId { handle: handle.to_owned(), seq: self.post }.to_string(),
            author,
            text: self.text,
            created_at: self.created_at,
            reason: serde_json::from_value(self.reason.into()).unwrap_or(Reason::Premoderated),
        }
    }
}

impl Db {
    /// Queued reply number `n`, if it is still waiting.
    pub(super) fn queued(&self, n: u64) -> worker::Result<Option<QueuedRow>> {
        self.row("SELECT * FROM queue WHERE n = ?", vec![int(n)])
    }
}

/// A count once one of its items is hidden (one less) or shown again (one more).
fn recount(count: u64, hidden: bool) -> u64 {
    if hidden { count.saturating_sub(1) } else { count + 1 }
}

/// Reads of the tables, for the hub's commands and for the views.
impl Db {
    pub(super) fn settings(&self) -> worker::Result<Settings> {
        #[derive(Deserialize)]
        struct Stored {
            json: String,
        }
        let stored: Option<Stored> = self.row("SELECT json FROM settings", vec![])?;
        Ok(stored.and_then(|stored| serde_json::from_str(&stored.json).ok()).unwrap_or_default())
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
        self.db.run("INSERT OR REPLACE INTO settings (id, json) VALUES (0, ?)", vec![stored.into()])?;
        Ok(settings)
    }

    /// Holds a visitor's reply in the queue; answers its number there.
    pub(super) fn hold(&self, post: u64, author: Author, text: String, created_at: String, reason: Reason) -> ApiResult<String> {
        let account = self.db.account()?;
        let n = account.next_queued;
        let post_id = PostId { handle: account.handle, seq: post }.to_string();
        enqueue(&self.db, n, &Queued { id: n.to_string(), post: post_id, author, text, created_at, reason })?;
        self.db.run("UPDATE account SET next_queued = next_queued + 1", vec![])?;
        self.note_mentions("queued", post, n, true)?;
        Ok(n.to_string())
    }

    fn list_queue(&self) -> ApiResult<Queue> {
        let handle = self.db.account()?.handle;
        let rows: Vec<QueuedRow> = self.db.rows("SELECT * FROM queue ORDER BY n", vec![])?;
        Ok(Queue { queued: rows.into_iter().map(|row| row.queued(&handle)).collect() })
    }

    /// Publishes a queued reply (answering it), or rejects it.
    async fn decide(&self, n: u64, approve: bool) -> ApiResult<Option<Reply>> {
        let handle = self.db.account()?.handle;
        let row = self.db.queued(n)?.ok_or(ErrorCode::NotFound)?;
        if approve {
            // Checked before the reply leaves the queue: a refused approval keeps it there.
            self.db.post(row.post)?;
        }
        self.db.run("DELETE FROM queue WHERE n = ?", vec![int(n)])?;
        if !approve {
            return Ok(None);
        }
        let post = row.post;
        let queued = row.queued(&handle);
        self.publish_reply(post, queued.author, queued.text, queued.created_at, false).await.map(Some)
    }

    async fn hide_post(&self, seq: u64, hidden: bool) -> ApiResult<HiddenState> {
        let post = self.db.any_post(seq)?;
        if post.hidden() != hidden {
            let posts = recount(self.db.account()?.posts, hidden);
            self.db.run("UPDATE posts SET hidden = ? WHERE seq = ?", vec![flag(hidden), int(seq)])?;
            self.db.run("UPDATE account SET posts = ?", vec![int(posts)])?;
            let views = View::of_post(seq, post.next_reply);
            let post = post.post(&self.db.handle()?);
            self.emit(Emitted::Public(if hidden { Event::PostDeleted { id: post.id } } else { Event::Post { post } }))?;
            self.changed(&views).await?;
        }
        Ok(HiddenState { hidden })
    }

    async fn hide_reply(&self, post: u64, seq: u64, hidden: bool) -> ApiResult<HiddenState> {
        let replies = self.db.any_post(post)?.replies;
        let reply = self.db.any_reply(post, seq)?.ok_or(ErrorCode::ReplyNotFound)?;
        if reply.hidden() != hidden {
            let replies = recount(replies, hidden);
            self.db.run("UPDATE replies SET hidden = ? WHERE post = ? AND seq = ?", vec![flag(hidden), int(post), int(seq)])?;
            self.db.run("UPDATE posts SET replies = ? WHERE seq = ?", vec![int(replies), int(post)])?;
            let views = View::of_reply(post, seq, &reply.author());
            let reply = reply.reply(&self.db.handle()?);
            self.emit(Emitted::Public(if hidden {
                Event::ReplyDeleted { id: reply.id, post: reply.post, replies }
            } else {
                Event::Reply { reply, replies }
            }))?;
            self.changed(&views).await?;
        }
        Ok(HiddenState { hidden })
    }

    fn list_hidden(&self) -> ApiResult<HiddenContent> {
        let handle = self.db.account()?.handle;
        let posts: Vec<super::posts::PostRow> =
            self.db.rows(&format!("SELECT * FROM posts WHERE hidden = 1 ORDER BY seq LIMIT {LISTED}"), vec![])?;
        let replies: Vec<ReplyRow> = self
            .db
            .rows(&format!("SELECT {REPLY_COLUMNS} FROM replies WHERE hidden = 1 ORDER BY post, seq LIMIT {LISTED}"), vec![])?;
        Ok(HiddenContent {
            posts: posts.into_iter().map(|row| row.post(&handle)).collect(),
            replies: replies.into_iter().map(|row| row.reply(&handle)).collect(),
        })
    }
}
