//! An account's posts: `/v1/accounts/{handle}/posts` and `/v1/posts/{id}`.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::{cached_json, read_json, ListQuery};
use crate::hub::{self, PostCommand};
use crate::views::{Freshness, Views};
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::media::check_images;
use gazouillis_protocol::{check_text, keys, Cursor, ErrorCode, NewPost, Post, PostId, PostPage};
use worker::{Date, Env, Request};

/// The number of a stored post (ids are written by the hub, so they parse).
pub fn seq_of(post: &Post) -> u64 {
    post.id.parse::<PostId>().map_or(0, |id| id.seq)
}

/// Newest first. The first page comes from the feed head, later ones from the
/// stored page holding the cursor: one KV read either way.
pub async fn list(req: Request, env: &Env, handle: &str) -> ApiResult {
    let query = ListQuery::from_request(&req)?;
    let views = Views::fresh(env, Freshness::of(&req, env, handle).await?)?;
    let stored = match query.cursor {
        None => views.feed(handle, None).await?,
        Some(Cursor(0)) => views.account(handle).await?.map(|_| PageView::default()),
        Some(Cursor(before)) => views.feed(handle, Some(keys::page_of(before - 1))).await?,
    };
    let (posts, next) = stored.view.newest_before(query.cursor.map(|c| c.0), query.limit, seq_of);
    cached_json(&req, &PostPage { posts, next: next.map(|c| c.to_string()) }, stored.version)
}

pub async fn create(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let new: NewPost = read_json(&mut req).await?;
    let text = check_text(&new.text, crate::config::max_chars(env)).map_err(|err| err.code())?;
    let offer = new.offer.map(|offer| offer.check(Date::now().as_millis())).transpose()?;
    let images = check_images(new.images).ok_or(ErrorCode::InvalidImages)?;
    hub::send_as(env, handle, PostCommand::Create { text, offer, images }, &brand).await?.respond(201)
}

pub async fn get(req: Request, env: &Env, id: &PostId) -> ApiResult {
    let stored = Views::fresh(env, Freshness::of(&req, env, &id.handle).await?)?.post(id).await?;
    cached_json(&req, &stored.view, stored.version)
}

pub async fn delete(req: Request, env: &Env, id: &PostId) -> ApiResult {
    let brand = require_brand(&req, env, &id.handle).await?;
    hub::send_as(env, &id.handle, PostCommand::Delete { seq: id.seq }, &brand).await?.done()
}
