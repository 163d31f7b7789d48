//! Pictures of brand posts: each upload is recorded (its bytes are already
//! in R2, under `{handle}/{id}`), attached to one post at most, shown with
//! it, moved to `hidden/{handle}/{id}` while it is hidden (`/media/` serves
//! only the other key: one read, no lookup), and deleted from R2 with it. An upload no post took within
//! `UPLOAD_TTL_SECONDS` is deleted by the hub's alarm, or at once when the
//! brand takes it off the post they are writing.

use super::db::Db;
use super::alarm::wake_by;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::media::{hidden_media_key, media_key, ImageKind, Uploaded, UPLOAD_TTL_SECONDS};
use gazouillis_protocol::store::account;
use gazouillis_protocol::store::media::{self, EXPIRED};
use gazouillis_protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::Date;

/// The brand's uploads.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum MediaCommand {
    /// Records an upload, checked by the edge: [`Uploaded`].
    Add { id: String, kind: ImageKind, width: u32, height: u32 },
    /// Deletes an upload no post took.
    Delete { id: String },
}

impl Apply for MediaCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            MediaCommand::Add { id, kind, width, height } => hub.add_media(id, kind, width, height).await.into(),
            MediaCommand::Delete { id } => hub.delete_media(&id).await.into(),
        }
    }
}

/// Most keys R2 deletes in one call.
const R2_DELETE_MAX: usize = 1_000;
/// Most expired uploads deleted at once.
const EXPIRY_BATCH: u64 = R2_DELETE_MAX as u64;
/// How long after a failed deletion of expired uploads it is tried again, in ms.
const EXPIRY_RETRY_MS: u64 = 60_000;

impl Db {
    /// Whether the alarm has uploads to look after: waiting for a post, or expired.
    pub(super) fn has_uploads_to_expire(&self) -> worker::Result<bool> {
        Ok(media::oldest_waiting(self)?.is_some() || media::expired(self)? > 0)
    }
}

impl AccountHub {
    /// Records an upload (checked by the edge, its bytes in R2 next), and
    /// wakes the hub when it expires.
    async fn add_media(&self, id: String, kind: ImageKind, width: u32, height: u32) -> ApiResult<Uploaded> {
        self.db.account()?;
        let now = Date::now().as_millis();
        media::add(&self.db, &id, kind, width, height, now)?;
        wake_by(&self.state.storage(), now + self.upload_ttl_ms()).await?;
        Ok(Uploaded { id, kind, width, height })
    }

    /// `UPLOAD_TTL_SECONDS` (the wrangler var, or its default), in ms.
    fn upload_ttl_ms(&self) -> u64 {
        crate::config::var::<u64>(&self.env, "UPLOAD_TTL_SECONDS").unwrap_or(UPLOAD_TTL_SECONDS).saturating_mul(1000)
    }

    /// Deletes upload `id` if no post took it: 404 `not_found` if there is
    /// none (or it expired), 409 `image_in_use` if it is on a post (it goes
    /// with the post). Marked expired first, like the alarm's, so no post
    /// takes it while its bytes are deleted, and a failed deletion is tried
    /// again by the alarm.
    async fn delete_media(&self, id: &str) -> ApiResult<()> {
        self.db.account()?;
        if !media::waiting(&self.db, id)?.ok_or(ErrorCode::NotFound)? {
            return Err(ErrorCode::ImageInUse.into());
        }
        media::expire(&self.db, id)?;
        if let Err(err) = self.delete_images(&account::handle(&self.db)?, EXPIRED).await {
            wake_by(&self.state.storage(), Date::now().as_millis() + EXPIRY_RETRY_MS).await?;
            return Err(err.into());
        }
        Ok(())
    }

    /// When the alarm next has uploads to expire: a minute from now after a
    /// failed deletion, else when the oldest waiting upload expires (at once
    /// when more than a batch was due).
    pub(super) fn next_upload_expiry(&self) -> worker::Result<Option<u64>> {
        if media::expired(&self.db)? > 0 {
            return Ok(Some(Date::now().as_millis() + EXPIRY_RETRY_MS));
        }
        Ok(media::oldest_waiting(&self.db)?.map(|uploaded| uploaded.saturating_add(self.upload_ttl_ms())))
    }

    /// Deletes the uploads no post took in time, from R2 and the table, a
    /// batch at a time (with those a failed deletion left).
    pub(super) async fn expire_uploads(&self) -> worker::Result<()> {
        let cutoff = Date::now().as_millis().saturating_sub(self.upload_ttl_ms());
        let room = EXPIRY_BATCH.saturating_sub(media::expired(&self.db)?);
        media::expire_due(&self.db, cutoff, room)?;
        self.delete_images(&account::handle(&self.db)?, EXPIRED).await
    }

    /// Deletes post `post`'s pictures, from R2 (shown or hidden) and from the table.
    pub(super) async fn delete_images(&self, handle: &str, post: u64) -> worker::Result<()> {
        let ids = media::of_post(&self.db, post)?;
        let keys: Vec<String> = ids.iter().flat_map(|id| [media_key(handle, id), hidden_media_key(handle, id)]).collect();
        for batch in keys.chunks(R2_DELETE_MAX) {
            self.env.bucket("MEDIA")?.delete_multiple(batch.to_vec()).await?;
        }
        media::delete_of_post(&self.db, post)
    }

    /// Moves post `post`'s pictures in R2 to their hidden key (`hidden`),
    /// or back to the key `/media/` serves. Each is copied then deleted,
    /// and skipped if already moved: a hide or a show cut short is
    /// finished by the next one.
    pub(super) async fn move_images(&self, handle: &str, post: u64, hidden: bool) -> worker::Result<()> {
        let bucket = self.env.bucket("MEDIA")?;
        for id in media::of_post(&self.db, post)? {
            let (shown, concealed) = (media_key(handle, &id), hidden_media_key(handle, &id));
            let (from, to) = if hidden { (shown, concealed) } else { (concealed, shown) };
            let Some(object) = bucket.get(&from).execute().await? else { continue };
            let bytes = object.body().ok_or("a picture without its bytes")?.bytes().await?;
            bucket.put(&to, bytes).http_metadata(object.http_metadata()).execute().await?;
            bucket.delete(&from).await?;
        }
        Ok(())
    }
}
