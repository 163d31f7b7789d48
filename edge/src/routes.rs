//! The API v1 router: which handler answers which method and path.

use crate::error::ApiResult;
use crate::{accounts, follows, hub, me, media, moderation, offers, posts, push, replies, search, session, stats, timeline, tokens, triage, watches, webhooks};
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::{ErrorCode, PostId, ReplyId};
use worker::{Env, Method, Request};

pub async fn route(req: Request, env: &Env) -> ApiResult {
    let path = req.path();
    let segments: Vec<&str> = match path.strip_prefix("/v1/") {
        Some(rest) => rest.split('/').collect(),
        None => return Err(ErrorCode::NotFound.into()),
    };
    let method = req.method();
    // worker-rs reads a method it does not know (PURGE, FOO) as GET: no route has one.
    if req.inner().method() != method.as_ref() {
        return Err(ErrorCode::MethodNotAllowed.into());
    }
    use Method::{Delete, Get, Post, Put};
    match (method, segments.as_slice()) {
        (Post, ["accounts"]) => accounts::create(req, env).await,
        (Get, ["accounts"]) => accounts::list(req, env).await,
        (Post, ["session"]) => session::create(req, env).await,
        (Post, ["session", "sso"]) => session::create_sso(req, env).await,
        (Get, ["timeline"]) => timeline::get(req, env).await,
        (Get, ["search"]) => search::across(req, env).await,
        (Get, ["me"]) => me::export(req, env).await,
        (Delete, ["me"]) => me::erase(req, env).await,
        (Get, ["push"]) => push::key(env).await,
        (Put, ["me", "push"]) => push::subscribe(req, env).await,
        (Delete, ["me", "push", id]) => push::unsubscribe(req, env, id).await,
        (method, ["accounts", handle, rest @ ..]) if is_handle(handle) => match (method, rest) {
            (Get, []) => accounts::get(req, env, handle).await,
            (Get, ["posts"]) => posts::list(req, env, handle).await,
            (Post, ["posts"]) => posts::create(req, env, handle).await,
            (Get, ["follow"]) => follows::get(req, env, handle).await,
            (Put, ["follow"]) => follows::set(req, env, handle, true).await,
            (Delete, ["follow"]) => follows::set(req, env, handle, false).await,
            (Get, ["live"]) if hub::is_upgrade(&req) => hub::forward(env, handle, req).await,
            (Get, ["live"]) => Err(ErrorCode::UpgradeRequired.into()),
            (Post, ["tokens"]) => tokens::issue(req, env, handle).await,
            (Get, ["tokens"]) => tokens::list(req, env, handle).await,
            (Delete, ["tokens", id]) => tokens::revoke(req, env, handle, id).await,
            (Put, ["sso"]) => accounts::set_sso(req, env, handle).await,
            (Get, ["settings"]) => moderation::get_settings(req, env, handle).await,
            (Put, ["settings"]) => moderation::put_settings(req, env, handle).await,
            (Get, ["queue"]) => moderation::queue(req, env, handle).await,
            (Post, ["queue", id, "approve"]) => moderation::decide(req, env, handle, id, true).await,
            (Delete, ["queue", id]) => moderation::decide(req, env, handle, id, false).await,
            (Get, ["hidden"]) => moderation::hidden(req, env, handle).await,
            (Get, ["inbox"]) => triage::list(req, env, handle).await,
            (Get, ["stats"]) => stats::get(req, env, handle).await,
            (Get, ["activity"]) => stats::activity(req, env, handle).await,
            (Get, ["search"]) => search::account(req, env, handle).await,
            (Get, ["watches"]) => watches::get(req, env, handle).await,
            (Put, ["watches"]) => watches::put(req, env, handle).await,
            (Get, ["mentions"]) => watches::mentions(req, env, handle).await,
            (Get, ["webhooks"]) => webhooks::list(req, env, handle).await,
            (Post, ["webhooks"]) => webhooks::create(req, env, handle).await,
            (Delete, ["webhooks", id]) => webhooks::delete(req, env, handle, id).await,
            (Get, ["webhooks", id, "deliveries"]) => webhooks::deliveries(req, env, handle, id).await,
            (Post, ["webhooks", id, "test"]) => webhooks::test(req, env, handle, id).await,
            (Get, ["offers"]) => offers::list(req, env, handle).await,
            (Post, ["media"]) => media::upload(req, env, handle).await,
            (Delete, ["media", id]) => media::delete(req, env, handle, id).await,
            (_, [] | ["posts"] | ["follow"] | ["live"] | ["tokens"] | ["tokens", _] | ["settings"] | ["queue"] | ["queue", _] | ["queue", _, "approve"] | ["sso"] | ["hidden"] | ["inbox"] | ["stats"] | ["search"] | ["watches"] | ["mentions"] | ["activity"]
            | ["webhooks"] | ["webhooks", _] | ["webhooks", _, "deliveries" | "test"] | ["offers"] | ["media"] | ["media", _]) => {
                Err(ErrorCode::MethodNotAllowed.into())
            }
            _ => Err(ErrorCode::NotFound.into()),
        },
        (_, ["accounts", _, ..]) => Err(ErrorCode::AccountNotFound.into()),
        (method, ["posts", id, rest @ ..]) => {
            let id: PostId = id.parse().map_err(|()| ErrorCode::InvalidId)?;
            match (method, rest) {
                (Get, []) => posts::get(req, env, &id).await,
                (Delete, []) => posts::delete(req, env, &id).await,
                (Get, ["replies"]) => replies::list(req, env, &id).await,
                (Post, ["replies"]) => replies::create(req, env, &id).await,
                (Put, ["hidden"]) => moderation::hide(req, env, &id, None).await,
                (Post, ["offer", "claim"]) => offers::claim(req, env, &id).await,
                (_, [] | ["replies"] | ["hidden"] | ["offer", "claim"]) => Err(ErrorCode::MethodNotAllowed.into()),
                _ => Err(ErrorCode::NotFound.into()),
            }
        }
        (method, ["replies", id, rest @ ..]) => {
            let id: ReplyId = id.parse().map_err(|()| ErrorCode::InvalidId)?;
            match (method, rest) {
                (Delete, []) => replies::delete(req, env, &id).await,
                (Put, ["hidden"]) => moderation::hide_reply(req, env, &id).await,
                (_, [] | ["hidden"]) => Err(ErrorCode::MethodNotAllowed.into()),
                _ => Err(ErrorCode::NotFound.into()),
            }
        }
        (_, ["accounts"] | ["session"] | ["session", "sso"] | ["timeline"] | ["me"] | ["search"] | ["push"] | ["me", "push"] | ["me", "push", _]) => {
            Err(ErrorCode::MethodNotAllowed.into())
        }
        _ => Err(ErrorCode::NotFound.into()),
    }
}

/// The account a visitor's write to `path` goes to, for its CORS preflight:
/// replies, their deletion, follows and offer claims (SSO sign-in names its account in the
/// body, which a preflight does not carry; the hub checks it on the write).
pub fn visitor_write_account(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.strip_prefix("/v1/")?.split('/').collect();
    match segments.as_slice() {
        ["accounts", handle, "follow"] if is_handle(handle) => Some((*handle).to_owned()),
        ["posts", id, "replies"] | ["posts", id, "offer", "claim"] => id.parse::<PostId>().ok().map(|id| id.handle),
        ["replies", id] => id.parse::<ReplyId>().ok().map(|id| id.post.handle),
        _ => None,
    }
}
