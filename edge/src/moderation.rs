//! The brand's moderation of an account: its settings
//! (`/v1/accounts/{handle}/settings`: open or premoderated, blocked words,
//! links) and its queue of waiting replies (`/v1/accounts/{handle}/queue`),
//! approved or rejected one by one; and hiding posts and replies
//! (`/v1/posts/{id}/hidden`, `/v1/replies/{id}/hidden`,
//! `/v1/accounts/{handle}/hidden`). The rules themselves are
//! `gazouillis_protocol::moderation`; the hub applies them as replies arrive.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::{read_json, ListQuery};
use crate::hub::{self, Answer, ModerationCommand};
use gazouillis_protocol::ids::queue_number;
use gazouillis_protocol::moderation::Settings;
use gazouillis_protocol::{ErrorCode, HiddenState, PostId, Reply, ReplyId};
use worker::{Env, Request};

/// Runs a brand command on the account's hub.
async fn as_brand(req: &Request, env: &Env, handle: &str, command: ModerationCommand) -> ApiResult<Answer> {
    let brand = require_brand(req, env, handle).await?;
    hub::send_as(env, handle, command, &brand).await
}

pub async fn get_settings(req: Request, env: &Env, handle: &str) -> ApiResult {
    as_brand(&req, env, handle, ModerationCommand::GetSettings).await?.respond(200)
}

pub async fn put_settings(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    require_brand(&req, env, handle).await?;
    let settings: Settings = read_json(&mut req).await?;
    let settings = settings.normalized().map_err(|_| ErrorCode::InvalidSettings)?;
    as_brand(&req, env, handle, ModerationCommand::PutSettings { settings }).await?.respond(200)
}

/// A page of the queue, oldest first (`?limit=&cursor=`).
pub async fn queue(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let query = ListQuery::from_request(&req)?;
    let command = ModerationCommand::ListQueue { after: query.cursor.map(|cursor| cursor.0), limit: query.limit };
    hub::send_as(env, handle, command, &brand).await?.respond(200)
}

pub async fn decide(req: Request, env: &Env, handle: &str, id: &str, approve: bool) -> ApiResult {
    let id = queue_number(id).ok_or(ErrorCode::InvalidId)?;
    let answer = as_brand(&req, env, handle, ModerationCommand::Decide { id, approve }).await?;
    match answer.value::<Option<Reply>>()? {
        Some(published) => answer.respond_with(201, &published),
        None => answer.done(),
    }
}

/// Hides a post (`reply: None`) or one of its replies, or shows it again.
pub async fn hide(mut req: Request, env: &Env, post: &PostId, reply: Option<u64>) -> ApiResult {
    require_brand(&req, env, &post.handle).await?;
    let state: HiddenState = read_json(&mut req).await?;
    as_brand(&req, env, &post.handle, ModerationCommand::Hide { post: post.seq, reply, hidden: state.hidden }).await?.respond(200)
}

pub async fn hide_reply(req: Request, env: &Env, id: &ReplyId) -> ApiResult {
    hide(req, env, &id.post, Some(id.seq)).await
}

pub async fn hidden(req: Request, env: &Env, handle: &str) -> ApiResult {
    as_brand(&req, env, handle, ModerationCommand::ListHidden).await?.respond(200)
}
