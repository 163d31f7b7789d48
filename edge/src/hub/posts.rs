//! The account's posts: creating and deleting them, and finding one (404
//! when it is absent, or hidden). A hidden post keeps its row and its
//! number, and is left out of every feed and count. Their rows and the feed
//! pages are `gazouillis_protocol::store::posts`'.

use super::db::Db;
use super::views::View;
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::store::posts::{self, PostRow};
use gazouillis_protocol::store::{account, media, offers, replies, stats};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::media::NewImage;
use gazouillis_protocol::offer::CheckedOffer;
use gazouillis_protocol::{ErrorCode, Post};
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

impl Db {
    /// A post, shown or hidden, or 404 `post_not_found`.
    pub(super) fn any_post(&self, seq: u64) -> ApiResult<PostRow> {
        posts::find(self, seq)?.ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// A shown post, or 404 `post_not_found`.
    pub(super) fn post(&self, seq: u64) -> ApiResult<PostRow> {
        let row = self.any_post(seq)?;
        if row.hidden() { Err(ErrorCode::PostNotFound.into()) } else { Ok(row) }
    }

    pub(super) fn shown_post(&self, seq: u64) -> worker::Result<Option<Post>> {
        let Some(row) = posts::shown(self, seq)? else { return Ok(None) };
        Ok(Some(row.post(&account::handle(self)?)))
    }

    /// The id of the newest shown post.
    pub(super) fn newest_post(&self) -> worker::Result<Option<String>> {
        let handle = account::handle(self)?;
        Ok(posts::newest(self, 1)?.into_iter().next().map(|row| row.post(&handle).id))
    }
}

impl AccountHub {
    /// A brand post, with an offer for followers if `offer`, and `images` (uploads not yet on a post).
    async fn create_post(&self, text: String, offer: Option<CheckedOffer>, images: Vec<NewImage>) -> ApiResult<Post> {
        let account = self.db.account()?;
        let seq = account.next_post;
        // Checked before anything is written: a refused post leaves nothing.
        let shown = media::images_for(&self.db, &account.handle, &images)?.ok_or(ErrorCode::InvalidImages)?;
        let created_at = rfc3339_from_millis(Date::now().as_millis());
        posts::add(&self.db, seq, &text, &created_at)?;
        if let Some(offer) = offer {
            offers::add(&self.db, seq, &offer)?;
        }
        media::attach(&self.db, seq, &images, &shown)?;
        account::post_added(&self.db)?;
        stats::count_post(&self.db, Date::now().as_millis())?;
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
        let replies = replies::of_post(&self.db, seq)?;
        // Its offer's claims go with it (a trigger): so may its claimants' index of theirs.
        let claimants = offers::claimants(&self.db, seq)?;
        replies::delete_of_post(&self.db, seq)?;
        posts::delete(&self.db, seq)?;
        self.delete_images(&handle, seq).await?;
        if !post.hidden() {
            account::post_removed(&self.db)?;
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
