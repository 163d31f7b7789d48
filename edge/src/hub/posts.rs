//! The account's posts: creating and deleting them, and the feed pages built
//! from them. A hidden post keeps its row (`hidden = 1`) and its number, and
//! is left out of every feed and count.

use super::db::{int, Db};
use super::replies::ReplyRow;
use super::views::{View, PAGE};
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::page::{FeedHead, PageView};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::limits::PAGE_SIZE;
use gazouillis_protocol::media::NewImage;
use gazouillis_protocol::offer::{CheckedOffer, Offer};
use gazouillis_protocol::{ErrorCode, Post, PostId};
use serde::{Deserialize, Serialize};
use worker::Date;

/// The brand's posts.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PostCommand {
    /// Publishes a post: [`Post`].
    Create { text: String, offer: Option<CheckedOffer>, images: Vec<NewImage> },
    Delete { seq: u64 },
}

impl Apply for PostCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            PostCommand::Create { text, offer, images } => hub.create_post(text, offer, images).await.into(),
            PostCommand::Delete { seq } => hub.delete_post(seq).await.into(),
        }
    }
}

/// A post's columns, with its offer's public ones, read `FROM {POSTS}`.
const POST_COLUMNS: &str =
    "seq, text, created_at, replies, next_reply, hidden, images, offers.ends_ms AS offer_ends, offers.max_claims AS offer_limit, offers.claimed AS offer_claimed";
const POSTS: &str = "posts LEFT JOIN offers ON offers.post = posts.seq";

/// A `posts` row, with its offer if it holds one.
#[derive(Deserialize)]
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

/// Reads of the tables, for the hub's commands and for the views.
impl Db {
    /// A post, shown or hidden, or 404 `post_not_found`.
    pub(super) fn any_post(&self, seq: u64) -> ApiResult<PostRow> {
        let row = self.row(&format!("SELECT {POST_COLUMNS} FROM {POSTS} WHERE seq = ?"), vec![int(seq)])?;
        row.ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// A shown post, or 404 `post_not_found`.
    pub(super) fn post(&self, seq: u64) -> ApiResult<PostRow> {
        let row = self.any_post(seq)?;
        if row.hidden() { Err(ErrorCode::PostNotFound.into()) } else { Ok(row) }
    }

    /// A shown post's row, if there is one.
    pub(super) fn shown_row(&self, seq: u64) -> worker::Result<Option<PostRow>> {
        self.row(&format!("SELECT {POST_COLUMNS} FROM {POSTS} WHERE seq = ? AND hidden = 0"), vec![int(seq)])
    }

    pub(super) fn shown_post(&self, seq: u64) -> worker::Result<Option<Post>> {
        let Some(row) = self.shown_row(seq)? else { return Ok(None) };
        Ok(Some(row.post(&self.handle()?)))
    }

    /// The id of the newest shown post.
    pub(super) fn newest_post(&self) -> worker::Result<Option<String>> {
        Ok(self.feed(Some(1), "", vec![])?.into_iter().next().map(|post| post.id))
    }

    /// Shown posts, newest first: `limit` of them (`None`: all), filtered by `condition`.
    fn feed(&self, limit: Option<usize>, condition: &str, values: Vec<super::db::Value>) -> worker::Result<Vec<Post>> {
        let limit = limit.map(|n| format!("LIMIT {n}")).unwrap_or_default();
        let statement = format!("SELECT {POST_COLUMNS} FROM {POSTS} WHERE hidden = 0 {condition} ORDER BY seq DESC {limit}");
        let rows: Vec<PostRow> = self.rows(&statement, values)?;
        let handle = self.handle()?;
        Ok(rows.into_iter().map(|row| row.post(&handle)).collect())
    }

    /// The newest posts, and where to go on from the oldest of them.
    /// The newest posts, with the account.
    pub(super) fn feed_head(&self) -> worker::Result<FeedHead> {
        let account = self.account_row()?.map(|row| row.account());
        let mut posts = self.feed(Some(PAGE_SIZE + 1), "", vec![])?;
        let more = posts.len() > PAGE_SIZE;
        posts.truncate(PAGE_SIZE);
        let next = posts.last().filter(|_| more).and_then(|oldest| oldest.id.parse::<PostId>().ok()).map(|id| id.seq);
        Ok(FeedHead { account, page: PageView { items: posts, next } })
    }

    /// Stored feed page `page`: posts numbered `page * PAGE ..` below the next page, newest first.
    pub(super) fn feed_page(&self, page: u64) -> worker::Result<PageView<Post>> {
        let start = page.saturating_mul(PAGE);
        let posts = self.feed(None, "AND seq >= ? AND seq < ?", vec![int(start), int(start.saturating_add(PAGE))])?;
        Ok(PageView { items: posts, next: (page > 0).then_some(start) })
    }
}

impl AccountHub {

    /// A brand post, with an offer for followers if `offer`, and `images` (uploads not yet on a post).
    async fn create_post(&self, text: String, offer: Option<CheckedOffer>, images: Vec<NewImage>) -> ApiResult<Post> {
        let account = self.db.account()?;
        let seq = account.next_post;
        // Checked before anything is written: a refused post leaves nothing.
        let shown = self.db.images_for(&account.handle, &images)?;
        let created_at = rfc3339_from_millis(Date::now().as_millis());
        let statement = "INSERT INTO posts (seq, text, created_at) VALUES (?, ?, ?)";
        self.db.run(statement, vec![int(seq), text.into(), created_at.into()])?;
        if let Some(offer) = offer {
            self.db.add_offer(seq, &offer)?;
        }
        self.db.attach_images(seq, &images, &shown)?;
        self.db.run("UPDATE account SET next_post = next_post + 1, posts = posts + 1", vec![])?;
        self.db.count_post()?;
        self.note_mentions("post", seq, seq, true)?;
        let post = self.db.any_post(seq)?.post(&account.handle);
        self.emit(Emitted::Public(Event::Post { post: post.clone() }))?;
        // Thread page 0 is written at once, empty, so that listing replies is one read.
        self.changed(&View::of_post(seq, 0)).await?;
        Ok(post)
    }

    /// Deletes a post, shown or hidden, with its replies.
    async fn delete_post(&self, seq: u64) -> ApiResult<()> {
        let post = self.db.any_post(seq)?;
        let handle = self.db.account()?.handle;
        let statement = "SELECT post, seq, author_id, author_name, author_badge, text, created_at, hidden FROM replies WHERE post = ?";
        let replies: Vec<ReplyRow> = self.db.rows(statement, vec![int(seq)])?;
        // Its offer's claims go with it (a trigger): so may its claimants' index of theirs.
        let claimants = self.db.claimants(seq)?;
        self.db.run("DELETE FROM replies WHERE post = ?", vec![int(seq)])?;
        self.db.run("DELETE FROM posts WHERE seq = ?", vec![int(seq)])?;
        self.delete_images(&handle, seq).await?;
        if !post.hidden() {
            self.db.run("UPDATE account SET posts = max(posts - 1, 0)", vec![])?;
        }
        let mut views = View::of_post(seq, post.next_reply);
        // Each visitor's index of what they wrote loses these replies.
        let visitors = replies.iter().map(|reply| (reply.seq, reply.author())).filter(|(_, author)| !author.is_brand());
        views.extend(visitors.map(|(reply, author)| View::Authored(author.id, seq, reply)));
        views.extend(claimants.into_iter().map(View::Claimed));
        self.emit(Emitted::Public(Event::PostDeleted { id: post.post(&handle).id }))?;
        self.changed(&views).await?;
        Ok(())
    }
}
