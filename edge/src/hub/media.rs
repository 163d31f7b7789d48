//! Pictures of brand posts: each upload is recorded (its bytes are already
//! in R2, under `{handle}/{id}`), attached to one post at most, shown with
//! it, and deleted from R2 with it.

use super::db::{int, Db};
use super::AccountHub;
use crate::error::ApiResult;
use crate::http::json;
use gazouillis_protocol::media::{media_key, media_path, Image, ImageKind, NewImage, Uploaded};
use gazouillis_protocol::ErrorCode;
use serde::Deserialize;

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
}

impl AccountHub {
    /// Records an upload (checked by the edge, its bytes in R2 next).
    pub(super) fn add_media(&self, id: String, kind: ImageKind, width: u32, height: u32) -> ApiResult {
        self.db.account()?;
        let kind_name = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
        let statement = "INSERT INTO media (id, type, width, height) VALUES (?, ?, ?, ?)";
        self.db.run(statement, vec![id.clone().into(), kind_name.into(), int(width.into()), int(height.into())])?;
        json(201, &Uploaded { id, kind, width, height })
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
