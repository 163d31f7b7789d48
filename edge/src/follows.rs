//! `/v1/accounts/{handle}/follow`: the visitor's follow of an account.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::json;
use crate::hub::{self, FollowCommand};
use crate::ledger;
use crate::limiter::client_ip;
use crate::views::{note_hub_version, Freshness, Views};
use gazouillis_protocol::FollowState;
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
    let following = views.follows(&visitor.sub, handle).await?;
    json(200, &FollowState { following, followers })
}

/// Follows (`true`) or unfollows: the hub counts, so doing it twice counts
/// once. A follow is noted in the visitor's ledger first (for `/v1/me`).
pub async fn set(req: Request, env: &Env, handle: &str, follow: bool) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    if follow {
        ledger::note(env, &visitor.sub, handle).await?;
    }
    let command = FollowCommand::Set { visitor: visitor.sub, follow, ip: client_ip(&req) };
    hub::send_from(env, handle, command, &req).await?.respond(200)
}
