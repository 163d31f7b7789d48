//! Pictures of brand posts: each upload is recorded (its bytes are already
//! in R2, under `{handle}/{id}`), attached to one post at most, shown with
//! it, and deleted from R2 with it. An upload no post took within
//! `UPLOAD_TTL_SECONDS` is deleted by the hub's alarm, or at once when the
//! brand takes it off the post they are writing.

use super::db::{int, Db};
use super::alarm::wake_by;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::account;
use gazouillis_protocol::media::{media_key, media_path, Image, ImageKind, NewImage, Uploaded, UPLOAD_TTL_SECONDS};
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

/// The post number of expired uploads while their bytes are deleted (no
/// post has it): taken off the uploads waiting for a post, none can be
/// attached meanwhile, and a deletion that failed is tried again.
const EXPIRED: u64 = i64::MAX as u64;
/// Most expired uploads deleted at once: R2 deletes at most 1,000 keys per call.
const EXPIRY_BATCH: u64 = 1_000;
/// How long after a failed deletion of expired uploads it is tried again, in ms.
const EXPIRY_RETRY_MS: u64 = 60_000;

/// An upload not yet on a post.
#[derive(Deserialize)]
struct Unattached {
    width: u32,
    height: u32,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

impl Db {
    /// The pictures a new post will carry, as readers get them, or 422
    /// `invalid_images` if one is not an upload waiting for a post.
    pub(super) fn images_for(&self, handle: &str, images: &[NewImage]) -> ApiResult<Vec<Image>> {
        let mut shown = Vec::with_capacity(images.len());
        for (n, image) in images.iter().enumerate() {
            let twice = images[..n].iter().any(|before| before.id == image.id);
            let statement = "SELECT width, height FROM media WHERE id = ? AND post IS NULL";
            let upload: Unattached = self.row(statement, vec![image.id.clone().into()])?.filter(|_| !twice).ok_or(ErrorCode::InvalidImages)?;
            shown.push(Image { url: media_path(handle, &image.id), alt: image.alt.clone(), width: upload.width, height: upload.height });
        }
        Ok(shown)
    }

    /// Attaches the uploads of `images` to post `post`.
    pub(super) fn attach_images(&self, post: u64, images: &[NewImage], shown: &[Image]) -> worker::Result<()> {
        for image in images {
            self.run("UPDATE media SET post = ? WHERE id = ?", vec![int(post), image.id.clone().into()])?;
        }
        if !shown.is_empty() {
            let json = serde_json::to_string(shown).unwrap_or_default();
            self.run("UPDATE posts SET images = ? WHERE seq = ?", vec![json.into(), int(post)])?;
        }
        Ok(())
    }

    /// When the oldest upload waiting for a post was uploaded, if one is.
    fn oldest_waiting_upload(&self) -> worker::Result<Option<u64>> {
        self.number("SELECT min(uploaded_ms) AS n FROM media WHERE post IS NULL", vec![])
    }

    /// How many expired uploads still have their bytes to delete (a
    /// deletion failed).
    fn expired_uploads(&self) -> worker::Result<u64> {
        Ok(self.number("SELECT count(*) AS n FROM media WHERE post = ?", vec![int(EXPIRED)])?.unwrap_or(0))
    }

    /// Whether the alarm has uploads to look after: waiting for a post, or expired.
    pub(super) fn has_uploads_to_expire(&self) -> worker::Result<bool> {
        Ok(self.oldest_waiting_upload()?.is_some() || self.expired_uploads()? > 0)
    }
}

impl AccountHub {
    /// Records an upload (checked by the edge, its bytes in R2 next), and
    /// wakes the hub when it expires.
    async fn add_media(&self, id: String, kind: ImageKind, width: u32, height: u32) -> ApiResult<Uploaded> {
        self.db.account()?;
        let kind_name = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let now = Date::now().as_millis();
        let statement = "INSERT INTO media (id, type, width, height, uploaded_ms) VALUES (?, ?, ?, ?, ?)";
        self.db.run(statement, vec![id.clone().into(), kind_name.into(), int(width.into()), int(height.into()), int(now)])?;
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
        let statement = "SELECT post IS NULL AS n FROM media WHERE id = ? AND post IS NOT ?";
        let waiting = self.db.number(statement, vec![id.into(), int(EXPIRED)])?.ok_or(ErrorCode::NotFound)?;
        if waiting == 0 {
            return Err(ErrorCode::ImageInUse.into());
        }
        self.db.run("UPDATE media SET post = ? WHERE id = ?", vec![int(EXPIRED), id.into()])?;
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
        if self.db.expired_uploads()? > 0 {
            return Ok(Some(Date::now().as_millis() + EXPIRY_RETRY_MS));
        }
        Ok(self.db.oldest_waiting_upload()?.map(|uploaded| uploaded.saturating_add(self.upload_ttl_ms())))
    }

    /// Deletes the uploads no post took in time, from R2 and the table, a
    /// batch at a time (with those a failed deletion left).
    pub(super) async fn expire_uploads(&self) -> worker::Result<()> {
        let cutoff = Date::now().as_millis().saturating_sub(self.upload_ttl_ms());
        let room = EXPIRY_BATCH.saturating_sub(self.db.expired_uploads()?);
        let statement = "UPDATE media SET post = ? WHERE id IN
            (SELECT id FROM media WHERE post IS NULL AND uploaded_ms <= ? ORDER BY uploaded_ms LIMIT ?)";
        self.db.run(statement, vec![int(EXPIRED), int(cutoff), int(room)])?;
        self.delete_images(&account::handle(&self.db)?, EXPIRED).await
    }

    /// Deletes post `post`'s pictures, from R2 and from the table.
    pub(super) async fn delete_images(&self, handle: &str, post: u64) -> worker::Result<()> {
        let ids: Vec<Id> = self.db.rows("SELECT id FROM media WHERE post = ?", vec![int(post)])?;
        if ids.is_empty() {
            return Ok(());
        }
        let keys: Vec<String> = ids.iter().map(|row| media_key(handle, &row.id)).collect();
        self.env.bucket("MEDIA")?.delete_multiple(keys).await?;
        self.db.run("DELETE FROM media WHERE post = ?", vec![int(post)])
    }
}
