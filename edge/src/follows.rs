//! `/v1/accounts/{handle}/follow`: the visitor's follow of an account.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::{json, read_optional_json};
use crate::hub::{self, FollowCommand};
use crate::ledger;
use crate::limiter::client_ip;
use crate::views::{note_hub_version, Freshness, Views};
use gazouillis_protocol::{Follow, FollowState, Following};
use worker::{Env, Request};

/// From KV (two reads), or from the hub when the visitor asks for a version.
pub async fn get(req: Request, env: &Env, handle: &str) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    if let Freshness::AtLeast(version) = Freshness::of(&req, env, handle).await? {
        let answer = hub::send(env, handle, FollowCommand::Get { visitor: visitor.sub }).await?;
        note_hub_version(handle, version, &answer).await?;
        return answer.respond(200);
    }
    let views = Views::new(env)?;
    let followers = views.account(handle).await?.view.followers;
    let follow = views.follow(&visitor.sub, handle).await?;
    json(200, &Following { state: FollowState { following: follow.is_some(), followers }, notify: follow.unwrap_or(false) })
}

/// Follows (`true`, with an optional body `{notify}`) or unfollows: the
/// hub counts, so doing it twice counts once. A follow is noted in the
/// visitor's ledger first (for `/v1/me`, and for their push subscriptions
/// to reach the account).
pub async fn set(mut req: Request, env: &Env, handle: &str, follow: bool) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let body: Follow = if follow { read_optional_json(&mut req).await? } else { Follow::default() };
    if follow {
        ledger::note(env, &visitor.sub, handle).await?;
    }
    let command = FollowCommand::Set { visitor: visitor.sub, follow, ip: client_ip(&req), notify: body.notify };
    hub::send_from(env, handle, command, &req).await?.respond(200)
}
