//! `/v1/me`: what Gazouillis stores about a visitor (their name, their
//! replies, the accounts they follow), to download it or delete it.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::json;
use crate::hub::{self, Command};
use crate::views::Views;
use gazouillis_protocol::{Erased, MyData, ReplyId, Visitor};
use worker::{Env, Request};

pub async fn export(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let views = Views::new(env)?;
    let authored = views.authored(&visitor.sub).await?;
    let mut replies = views.replies(&authored).await?;
    // Those not in the threads are hidden (or just deleted): their hubs have them.
    let shown: Vec<String> = replies.iter().map(|reply| reply.id.clone()).collect();
    for id in authored.iter().filter(|id| !shown.contains(&id.to_string())) {
        let command = Command::AuthoredReply { post: id.post.seq, seq: id.seq, visitor: visitor.sub.clone() };
        let mut answer = hub::send(env, &id.post.handle, &command).await?;
        if answer.status_code() == 200 {
            replies.push(answer.json().await?);
        }
    }
    replies.sort_by_key(|reply| reply.id.parse::<ReplyId>().map(|id| (id.post.to_string(), id.seq)).ok());
    let following = views.followed(&visitor.sub).await?;
    json(200, &MyData { visitor: Visitor { id: visitor.sub, name: visitor.name, badge: None }, replies, following })
}

/// Deletes every reply of the visitor and every follow, through each
/// account's hub, so counts and the live push follow.
pub async fn erase(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let views = Views::new(env)?;
    let mut erased = Erased { replies: 0, follows: 0 };
    for id in views.authored(&visitor.sub).await? {
        let command = Command::DeleteReply { post: id.post.seq, seq: id.seq, visitor: Some(visitor.sub.clone()) };
        // 404: already gone (deleted meanwhile, or with its post).
        if hub::send(env, &id.post.handle, &command).await?.status_code() == 204 {
            erased.replies += 1;
        }
    }
    for handle in views.followed(&visitor.sub).await? {
        let command = Command::Follow { visitor: visitor.sub.clone(), follow: false };
        if hub::send(env, &handle, &command).await?.status_code() == 200 {
            erased.follows += 1;
        }
    }
    json(200, &erased)
}
