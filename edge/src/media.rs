//! Pictures of brand posts: `POST /v1/accounts/{handle}/media` takes one
//! picture's bytes (JPEG, PNG, WebP, GIF or AVIF, told from the bytes; at
//! most 5 MB, refused as soon as the body is larger) into R2 (the `MEDIA`
//! bucket) and answers its id, type and size, for a new post to carry with
//! alt text; `DELETE /v1/accounts/{handle}/media/{id}` deletes an upload
//! no post took; `GET /media/{handle}/{id}` serves it back, byte for byte, with
//! its type, cached for [`CACHE_CONTROL`]'s five minutes only: hiding its post
//! moves it in R2 (`hub::media`), and it answers 404 then. `/media/` answers
//! no other method than GET and HEAD.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::read_bytes;
use crate::hub::{self, AccountCommand, MediaCommand};
use crate::random;
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::media::{is_media_id, media_key, sniff, MAX_IMAGE_BYTES};
use gazouillis_protocol::ErrorCode;
use worker::{Env, Headers, HttpMetadata, Request, Response};

/// How long a shown picture may be kept by browsers and caches: for a
/// hidden post's pictures to be gone from them within five minutes.
const CACHE_CONTROL: &str = "public, max-age=300";

pub async fn upload(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    // The brand token and the account, before the body is read.
    hub::send_as(env, handle, AccountCommand::CheckExists, &brand).await?;
    let bytes = read_bytes(&mut req, MAX_IMAGE_BYTES, ErrorCode::ImageTooLarge).await?;
    let (kind, width, height) = sniff(&bytes).ok_or(ErrorCode::UnsupportedImage)?;
    let id = random::hex(12)?;
    // Recorded first: what R2 holds is always known to the hub.
    let answer = hub::send_as(env, handle, MediaCommand::Add { id: id.clone(), kind, width, height }, &brand).await?;
    let metadata = HttpMetadata { content_type: Some(kind.mime().to_owned()), ..HttpMetadata::default() };
    env.bucket("MEDIA")?.put(media_key(handle, &id), bytes).http_metadata(metadata).execute().await?;
    answer.respond(201)
}

/// Deletes an upload the brand took off the post they are writing.
pub async fn delete(req: Request, env: &Env, handle: &str, id: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    if !is_media_id(id) {
        return Err(ErrorCode::InvalidId.into());
    }
    hub::send_as(env, handle, MediaCommand::Delete { id: id.to_owned() }, &brand).await?.done()
}

/// The picture (shown: its post is not hidden), or 404 `not_found`; 405
/// `method_not_allowed` for any method but GET and HEAD.
pub async fn serve(req: &Request, env: &Env) -> ApiResult {
    // The method as sent: worker-rs reads one it does not know as GET.
    if !matches!(req.inner().method().as_str(), "GET" | "HEAD") {
        return Err(ErrorCode::MethodNotAllowed.into());
    }
    let path = req.path();
    let (handle, id) = path.strip_prefix("/media/").and_then(|rest| rest.split_once('/')).ok_or(ErrorCode::NotFound)?;
    if !is_handle(handle) || !is_media_id(id) {
        return Err(ErrorCode::NotFound.into());
    }
    let object = env.bucket("MEDIA")?.get(media_key(handle, id)).execute().await?.ok_or(ErrorCode::NotFound)?;
    let content_type = object.http_metadata().content_type.unwrap_or_else(|| "application/octet-stream".into());
    let bytes = object.body().ok_or(ErrorCode::NotFound)?.bytes().await?;
    let headers = Headers::new();
    headers.set("content-type", &content_type)?;
    headers.set("cache-control", CACHE_CONTROL)?;
    headers.set("x-content-type-options", "nosniff")?;
    headers.set("cross-origin-resource-policy", "cross-origin")?;
    Ok(Response::from_bytes(bytes)?.with_headers(headers))
}
