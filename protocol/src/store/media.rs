//! Uploaded pictures: `media`, one row per upload (its bytes are in R2),
//! with its format, size and upload time, and the post it is on (none while
//! it waits for one; [`EXPIRED`] while its bytes are deleted). A post's
//! pictures as readers get them are its `images` column (`posts`).
//!
//! Not here: the bytes (R2), nor how long an upload may wait (the hub).

use super::{int, posts, Sql};
use crate::media::{media_path, Image, ImageKind, NewImage};
use serde::Deserialize;

/// The post number of expired uploads while their bytes are deleted (no
/// post has it): taken off the uploads waiting for a post, none can be
/// attached meanwhile, and a deletion that failed is tried again.
pub const EXPIRED: u64 = i64::MAX as u64;

/// Records upload `id`, uploaded at `now` (ms since 1970), waiting for a post.
pub fn add<S: Sql>(db: &S, id: &str, kind: ImageKind, width: u32, height: u32, now: u64) -> Result<(), S::Error> {
    let kind = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
    let statement = "INSERT INTO media (id, type, width, height, uploaded_ms) VALUES (?, ?, ?, ?, ?)";
    db.run(statement, vec![id.into(), kind.into(), int(width.into()), int(height.into()), int(now)])
}

/// The pictures a new post will carry, as readers get them; `None` if one
/// is not an upload waiting for a post (or comes twice).
pub fn images_for<S: Sql>(db: &S, handle: &str, images: &[NewImage]) -> Result<Option<Vec<Image>>, S::Error> {
    #[derive(Deserialize)]
    struct Unattached {
        width: u32,
        height: u32,
    }
    let mut shown = Vec::with_capacity(images.len());
    for (n, image) in images.iter().enumerate() {
        let twice = images[..n].iter().any(|before| before.id == image.id);
        let statement = "SELECT width, height FROM media WHERE id = ? AND post IS NULL";
        let Some(upload) = db.row::<Unattached>(statement, vec![image.id.as_str().into()])?.filter(|_| !twice) else {
            return Ok(None);
        };
        shown.push(Image { url: media_path(handle, &image.id), alt: image.alt.clone(), width: upload.width, height: upload.height });
    }
    Ok(Some(shown))
}

/// Attaches the uploads of `images` to post `post`, which shows them as `shown`.
pub fn attach<S: Sql>(db: &S, post: u64, images: &[NewImage], shown: &[Image]) -> Result<(), S::Error> {
    for image in images {
        db.run("UPDATE media SET post = ? WHERE id = ?", vec![int(post), image.id.as_str().into()])?;
    }
    if !shown.is_empty() {
        posts::set_images(db, post, &serde_json::to_string(shown).unwrap_or_default())?;
    }
    Ok(())
}

/// Whether upload `id` waits for a post (`Some(false)`: it is on one; `None`:
/// there is none, or it expired).
pub fn waiting<S: Sql>(db: &S, id: &str) -> Result<Option<bool>, S::Error> {
    let waiting = db.number("SELECT post IS NULL AS n FROM media WHERE id = ? AND post IS NOT ?", vec![id.into(), int(EXPIRED)])?;
    Ok(waiting.map(|n| n != 0))
}

/// Marks upload `id` expired.
pub fn expire<S: Sql>(db: &S, id: &str) -> Result<(), S::Error> {
    db.run("UPDATE media SET post = ? WHERE id = ?", vec![int(EXPIRED), id.into()])
}

/// Marks expired up to `room` uploads waiting for a post since `cutoff` (ms) or before, the oldest first.
pub fn expire_due<S: Sql>(db: &S, cutoff: u64, room: u64) -> Result<(), S::Error> {
    let statement = "UPDATE media SET post = ? WHERE id IN
        (SELECT id FROM media WHERE post IS NULL AND uploaded_ms <= ? ORDER BY uploaded_ms LIMIT ?)";
    db.run(statement, vec![int(EXPIRED), int(cutoff), int(room)])
}

/// When the oldest upload waiting for a post was uploaded, if one is.
pub fn oldest_waiting<S: Sql>(db: &S) -> Result<Option<u64>, S::Error> {
    db.number("SELECT min(uploaded_ms) AS n FROM media WHERE post IS NULL", vec![])
}

/// How many expired uploads still have their bytes to delete (a deletion failed).
pub fn expired<S: Sql>(db: &S) -> Result<u64, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM media WHERE post = ?", vec![int(EXPIRED)])?.unwrap_or(0))
}

/// The uploads on post `post` (or [`EXPIRED`]), by id.
pub fn of_post<S: Sql>(db: &S, post: u64) -> Result<Vec<String>, S::Error> {
    #[derive(Deserialize)]
    struct Id {
        id: String,
    }
    Ok(db.rows::<Id>("SELECT id FROM media WHERE post = ?", vec![int(post)])?.into_iter().map(|row| row.id).collect())
}

/// Deletes the uploads on post `post` (or [`EXPIRED`]), once their bytes are.
pub fn delete_of_post<S: Sql>(db: &S, post: u64) -> Result<(), S::Error> {
    db.run("DELETE FROM media WHERE post = ?", vec![int(post)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    fn new(id: &str) -> NewImage {
        NewImage { id: id.into(), alt: format!("alt {id}") }
    }

    #[test]
    fn uploads_waiting_for_a_post_are_shown_on_it_once_attached() {
        let db = store();
        posts::add(&db, 0, "post", "then").unwrap();
        add(&db, "a", ImageKind::Png, 40, 30, 10).unwrap();
        add(&db, "b", ImageKind::Jpeg, 80, 60, 20).unwrap();
        let images = [new("b"), new("a")];
        let shown = images_for(&db, "acme", &images).unwrap().unwrap();
        assert_eq!(shown[0], Image { url: media_path("acme", "b"), alt: "alt b".into(), width: 80, height: 60 });
        assert_eq!(images_for(&db, "acme", &[new("a"), new("a")]).unwrap(), None, "twice");
        assert_eq!(images_for(&db, "acme", &[new("c")]).unwrap(), None, "no such upload");
        attach(&db, 0, &images, &shown).unwrap();
        assert_eq!(images_for(&db, "acme", &[new("a")]).unwrap(), None, "on a post already");
        assert_eq!(posts::find(&db, 0).unwrap().unwrap().post("acme").images, shown);
        assert_eq!((waiting(&db, "a").unwrap(), of_post(&db, 0).unwrap().len()), (Some(false), 2));
        assert_eq!(oldest_waiting(&db).unwrap(), None);
        delete_of_post(&db, 0).unwrap();
        assert_eq!((waiting(&db, "a").unwrap(), of_post(&db, 0).unwrap()), (None, vec![]));
    }

    #[test]
    fn uploads_expire_the_oldest_first_within_room_and_stay_until_deleted() {
        let db = store();
        for (id, at) in [("new", 300), ("old", 100), ("mid", 200)] {
            add(&db, id, ImageKind::Webp, 1, 1, at).unwrap();
        }
        assert_eq!((oldest_waiting(&db).unwrap(), waiting(&db, "old").unwrap()), (Some(100), Some(true)));
        expire_due(&db, 250, 1).unwrap();
        assert_eq!((of_post(&db, EXPIRED).unwrap(), expired(&db).unwrap()), (vec!["old".to_owned()], 1));
        assert_eq!(waiting(&db, "old").unwrap(), None, "an expired upload is not there for the brand");
        expire(&db, "new").unwrap();
        expire_due(&db, 250, 10).unwrap();
        assert_eq!((expired(&db).unwrap(), oldest_waiting(&db).unwrap()), (3, None));
        delete_of_post(&db, EXPIRED).unwrap();
        assert_eq!(expired(&db).unwrap(), 0);
    }
}
