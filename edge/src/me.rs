//! `/v1/me`: what Gazouillis stores about a visitor (their name, their
//! replies, the accounts they follow, their claims of offers, their push
//! subscriptions), to download it or delete it.
//!
//! Each account's hub answers for its own data (one request per account),
//! so a write made a moment ago is found; which accounts to ask comes from
//! the visitor's `ledger`, and from KV's indexes for what was written before
//! the ledger existed.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::json;
use crate::hub::{self, VisitorCommand, VisitorData};
use crate::{ledger, push};
use crate::views::Views;
use futures_util::future::try_join_all;
use gazouillis_protocol::{Erased, ErrorCode, MyData, ReplyId, Visitor};
use worker::{Env, Request};

pub async fn export(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let handles = accounts_of(env, &visitor.sub).await?;
    let command = VisitorCommand::Data { visitor: visitor.sub.clone() };
    let held = try_join_all(handles.iter().map(|handle| ask::<VisitorData>(env, handle, command.clone()))).await?;
    let push = push::listed(env, &visitor.sub).await?;
    let mut data = MyData {
        visitor: Visitor { id: visitor.sub, name: visitor.name, badge: None },
        replies: Vec::new(),
        following: Vec::new(),
        claims: Vec::new(),
        pending: Vec::new(),
        push,
    };
    for (handle, held) in handles.into_iter().zip(held) {
        let Some(held) = held else { continue };
        data.replies.extend(held.replies);
        data.claims.extend(held.claims);
        data.pending.extend(held.pending);
        if held.following {
            data.following.push(handle);
        }
    }
    data.replies.sort_by_key(|reply| reply.id.parse::<ReplyId>().map(|id| (id.post.to_string(), id.seq)).ok());
    json(200, &data)
}

/// Deletes every reply of the visitor (waiting ones too), every follow and
/// every claim, through each account's hub, so counts and the live push
/// follow. (An offer's count of claims stays: the codes it gave out stay
/// given.) One request per account, however much it holds.
pub async fn erase(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let handles = accounts_of(env, &visitor.sub).await?;
    let command = VisitorCommand::Erase { visitor: visitor.sub.clone() };
    let mut erased = Erased { replies: 0, follows: 0, claims: 0, pending: 0, push: 0 };
    for handle in &handles {
        if let Some(done) = ask::<Erased>(env, handle, command.clone()).await? {
            erased.replies += done.replies;
            erased.follows += done.follows;
            erased.claims += done.claims;
            erased.pending += done.pending;
        }
    }
    // Only once every account is done: an erasure that failed partway is tried again whole.
    erased.push = ledger::forget_push(env, &visitor.sub).await?;
    ledger::forget(env, &visitor.sub, handles).await?;
    json(200, &erased)
}

/// Every account where the visitor may have written: their ledger's, and
/// those of KV's indexes of their replies, follows and claims.
async fn accounts_of(env: &Env, visitor: &str) -> ApiResult<Vec<String>> {
    let views = Views::new(env)?;
    let mut handles = ledger::accounts(env, visitor).await?;
    handles.extend(views.authored(visitor).await?.into_iter().map(|id| id.post.handle));
    handles.extend(views.followed(visitor).await?);
    handles.extend(views.claimed_in(visitor).await?);
    handles.sort();
    handles.dedup();
    Ok(handles)
}

/// A hub's answer to `command` about a visitor's data: `None` when the
/// account is gone, and an error when the hub failed, so that an export or
/// an erasure is never silently incomplete (an erasure tried again picks up
/// where it failed).
async fn ask<T: serde::de::DeserializeOwned>(env: &Env, handle: &str, command: VisitorCommand) -> ApiResult<Option<T>> {
    match hub::send(env, handle, command).await {
        Ok(answer) => answer.value().map(Some),
        Err(err) if err.code == ErrorCode::AccountNotFound => Ok(None),
        Err(err) => {
            worker::console_error!("a hub refused a visitor's data: {}", err.code.as_str());
            Err(ErrorCode::Internal.into())
        }
    }
}
