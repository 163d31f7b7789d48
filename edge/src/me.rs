//! `/v1/me`: what Gazouillis stores about a visitor (their name, their
//! replies, the accounts they follow, their claims of offers), to download
//! it or delete it.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::json;
use crate::hub::{self, Command};
use crate::views::Views;
use gazouillis_protocol::offer::ClaimOf;
use gazouillis_protocol::{Erased, ErrorCode, MyData, ReplyId, Visitor};
use std::collections::BTreeMap;
use worker::{Env, Request, Response};

pub async fn export(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let views = Views::new(env)?;
    let authored = views.authored(&visitor.sub).await?;
    let mut replies = views.replies(&authored).await?;
    // Those not in the threads are hidden (or just deleted): their hubs have them.
    let shown: Vec<String> = replies.iter().map(|reply| reply.id.clone()).collect();
    for id in authored.iter().filter(|id| !shown.contains(&id.to_string())) {
        let command = Command::AuthoredReply { post: id.post.seq, seq: id.seq, visitor: visitor.sub.clone() };
        if let Some(mut answer) = found(hub::send(env, &id.post.handle, &command).await?)? {
            replies.push(answer.json().await?);
        }
    }
    replies.sort_by_key(|reply| reply.id.parse::<ReplyId>().map(|id| (id.post.to_string(), id.seq)).ok());
    let following = views.followed(&visitor.sub).await?;
    let mut claims = Vec::new();
    for handle in accounts_with_claims(&views, &visitor.sub, &following).await? {
        claims.extend(hub_claims(env, &handle, Command::VisitorClaims { visitor: visitor.sub.clone() }).await?);
    }
    json(200, &MyData { visitor: Visitor { id: visitor.sub, name: visitor.name, badge: None }, replies, following, claims })
}

/// The accounts where a visitor may hold claims: those of their index, and
/// those they follow (a claim needs a follow). The index of claims made
/// before it existed is written by each hub when it next starts (schema
/// migration 10); asking the followed accounts' hubs covers those meanwhile.
async fn accounts_with_claims(views: &Views<'_>, visitor: &str, following: &[String]) -> ApiResult<Vec<String>> {
    let mut handles = views.claimed_in(visitor).await?;
    handles.extend(following.iter().cloned());
    handles.sort();
    handles.dedup();
    Ok(handles)
}

/// The claims an account's hub answers `command` with (none when the
/// account is gone).
async fn hub_claims(env: &Env, handle: &str, command: Command) -> ApiResult<Vec<ClaimOf>> {
    match found(hub::send(env, handle, &command).await?)? {
        Some(mut answer) => Ok(answer.json().await?),
        None => Ok(Vec::new()),
    }
}

/// A hub's answer about a visitor's data: `None` when what was asked for is
/// gone (404: the account, the reply), the answer when it succeeded, and an
/// error otherwise, so that an export or an erasure is never silently
/// incomplete (an erasure tried again picks up where it failed).
fn found(answer: Response) -> ApiResult<Option<Response>> {
    match answer.status_code() {
        200..=299 => Ok(Some(answer)),
        404 => Ok(None),
        status => {
            worker::console_error!("a hub answered {status} about a visitor's data");
            Err(ErrorCode::Internal.into())
        }
    }
}

/// Deletes every reply of the visitor, every follow and every claim,
/// through each account's hub, so counts and the live push follow. (An
/// offer's count of claims stays: the codes it gave out stay given.)
pub async fn erase(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let views = Views::new(env)?;
    let mut erased = Erased { replies: 0, follows: 0, claims: 0 };
    // One request per account, however many replies.
    let mut by_account: BTreeMap<String, Vec<(u64, u64)>> = BTreeMap::new();
    for id in views.authored(&visitor.sub).await? {
        by_account.entry(id.post.handle).or_default().push((id.post.seq, id.seq));
    }
    for (handle, replies) in by_account {
        let command = Command::EraseReplies { visitor: visitor.sub.clone(), replies };
        // None: the account is gone, and its replies with it.
        if let Some(mut answer) = found(hub::send(env, &handle, &command).await?)? {
            erased.replies += answer.json::<u64>().await?;
        }
    }
    let following = views.followed(&visitor.sub).await?;
    // Before the follows go: they say where claims may be.
    let claimed = accounts_with_claims(&views, &visitor.sub, &following).await?;
    for handle in following {
        let command = Command::Follow { visitor: visitor.sub.clone(), follow: false };
        if found(hub::send(env, &handle, &command).await?)?.is_some() {
            erased.follows += 1;
        }
    }
    for handle in claimed {
        erased.claims += hub_claims(env, &handle, Command::EraseClaims { visitor: visitor.sub.clone() }).await?.len() as u64;
    }
    json(200, &erased)
}
