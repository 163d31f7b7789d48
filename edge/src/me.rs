//! `/v1/me`: what Gazouillis stores about a visitor (their name, their
//! replies, the accounts they follow), to download it or delete it.

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::json;
use crate::hub::{self, Command};
use crate::views::Views;
use gazouillis_protocol::{Erased, MyData, Visitor};
use worker::{Env, Request};

pub async fn export(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env)?;
    let views = Views::new(env)?;
    let replies = views.replies(&views.authored(&visitor.sub).await?).await?;
    let following = views.followed(&visitor.sub).await?;
    json(200, &MyData { visitor: Visitor { id: visitor.sub, name: visitor.name, badge: None }, replies, following })
}

/// Deletes every reply of the visitor and every follow, through each
/// account's hub, so counts and the live push follow.
pub async fn erase(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env)?;
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
