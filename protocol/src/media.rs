//! Pictures on brand posts: what may be uploaded (JPEG, PNG, WebP, GIF or
//! AVIF, told from the file's bytes, never its name; at most
//! [`MAX_IMAGE_BYTES`]), their size read at upload so that readers reserve
//! their space, and how a post refers to them (each with alt text).
//!
//! Not here: storage (R2, by the edge) and showing them.

use serde::{Deserialize, Serialize};

/// Largest picture, in bytes (5 MB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;
/// Most pictures on one post.
pub const MAX_IMAGES: usize = 4;
/// Most characters of a picture's alt text.
pub const MAX_ALT_CHARS: usize = 1_000;
/// How long an upload waits for a post, in seconds (a day; the wrangler var
/// `UPLOAD_TTL_SECONDS` overrides it): one no post took by then is deleted.
pub const UPLOAD_TTL_SECONDS: u64 = 24 * 3600;

/// A picture's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImageKind {
    Jpeg,
    Png,
    Webp,
    Gif,
    Avif,
}

impl ImageKind {
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
            ImageKind::Gif => "image/gif",
            ImageKind::Avif => "image/avif",
        }
    }
}

/// A picture's format and size, read from its bytes; `None` for anything
/// but the five formats, or one whose size cannot be read.
pub fn sniff(bytes: &[u8]) -> Option<(ImageKind, u32, u32)> {
    use imagesize::{ImageType, image_type};
    let kind = match image_type(bytes).ok()? {
        ImageType::Jpeg => ImageKind::Jpeg,
        ImageType::Png => ImageKind::Png,
        ImageType::Webp => ImageKind::Webp,
        ImageType::Gif => ImageKind::Gif,
        ImageType::Heif(imagesize::Compression::Av1) => ImageKind::Avif,
        _ => return None,
    };
    let size = imagesize::blob_size(bytes).ok()?;
    let (width, height) = (u32::try_from(size.width).ok()?, u32::try_from(size.height).ok()?);
    (width > 0 && height > 0).then_some((kind, width, height))
}

/// `POST /v1/accounts/{handle}/media`: an uploaded picture, to attach to a post by its id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Uploaded {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: ImageKind,
    pub width: u32,
    pub height: u32,
}

/// A picture of a new post: an upload's id, and what it shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewImage {
    pub id: String,
    pub alt: String,
}

/// A picture of a post, as readers get it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Image {
    /// Where the edge serves it (`/media/{handle}/{id}`, on the edge's origin).
    pub url: String,
    pub alt: String,
    pub width: u32,
    pub height: u32,
}

/// The path the edge serves upload `id` of `handle` at.
pub fn media_path(handle: &str, id: &str) -> String {
    format!("/media/{handle}/{id}")
}

/// The R2 key of upload `id` of `handle`.
pub fn media_key(handle: &str, id: &str) -> String {
    format!("{handle}/{id}")
}

/// The R2 key of upload `id` of `handle` while its post is hidden: not the
/// key `/media/` serves (one more level than any [`media_key`]), so that a
/// hidden post's pictures answer 404 and a shown one's cost one read.
pub fn hidden_media_key(handle: &str, id: &str) -> String {
    format!("hidden/{handle}/{id}")
}

/// Whether `id` can be an upload's: 24 lowercase hex digits.
pub fn is_media_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The pictures of a new post, checked: at most [`MAX_IMAGES`], each with an
/// upload id and alt text of 1 to [`MAX_ALT_CHARS`] characters (trimmed).
pub fn check_images(images: Vec<NewImage>) -> Option<Vec<NewImage>> {
    if images.len() > MAX_IMAGES {
        return None;
    }
    images
        .into_iter()
        .map(|image| {
            let alt = image.alt.trim().to_owned();
            let ok = is_media_id(&image.id) && !alt.is_empty() && alt.chars().count() <= MAX_ALT_CHARS && !alt.chars().any(char::is_control);
            ok.then_some(NewImage { id: image.id, alt })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hidden_pictures_key_is_never_a_shown_ones() {
        let id = "0123456789abcdef01234567";
        assert_eq!((media_key("acme", id), hidden_media_key("acme", id)), (format!("acme/{id}"), format!("hidden/acme/{id}")));
        assert_ne!(hidden_media_key("hidden", id), media_key("hidden", id));
        assert!(!media_key("hidden", id).starts_with(&hidden_media_key("hidden", "")), "not under the hidden pictures");
    }

    #[test]
    fn formats_are_told_from_their_bytes() {
        let png = [
            0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0, 40, 0, 0, 0, 30, 8, 2, 0, 0, 0,
        ];
        assert_eq!(sniff(&png), Some((ImageKind::Png, 40, 30)));
        assert_eq!(sniff(b"GIF89a\x28\x00\x1e\x00\x00\x00\x00"), Some((ImageKind::Gif, 40, 30)));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"BM\x00\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00\x28\x00\x00\x00\x28\x00\x00\x00\x1e\x00\x00\x00"), None, "BMP");
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(&png[..12]), None, "cut short");
    }

    #[test]
    fn images_need_alt_text_and_are_at_most_four() {
        let image = |alt: &str| NewImage { id: "0123456789abcdef01234567".into(), alt: alt.into() };
        assert_eq!(check_images(vec![image(" A blue bike ")]), Some(vec![image("A blue bike")]));
        assert_eq!(check_images(vec![]), Some(vec![]));
        assert_eq!(check_images(vec![image("")]), None);
        assert_eq!(check_images(vec![image("   ")]), None);
        assert_eq!(check_images(vec![image(&"a".repeat(1_001))]), None);
        assert!(check_images(vec![image(&"é".repeat(1_000))]).is_some());
        assert_eq!(check_images(vec![image("a"); 5]), None);
        assert_eq!(check_images(vec![NewImage { id: "../x".into(), alt: "a".into() }]), None);
    }
}
