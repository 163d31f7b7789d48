//! A post's conversation: `/v1/posts/{id}/replies` and `/v1/replies/{id}`.
//! Visitors and the brand reply; a visitor deletes their own replies, the
//! brand any reply.

use crate::auth::{require_writer, Writer};
use crate::error::ApiResult;
use crate::http::{cached_json, read_json, ListQuery};
use crate::hub::{self, NewReply, ReplyCommand};
use crate::ledger;
use crate::limiter::client_ip;
use crate::views::{Freshness, Views};
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::{check_text, keys, Author, Badge, ErrorCode, NewText, PostId, Reply, ReplyId, ReplyPage};
use worker::{Env, Request};

pub fn seq_of(reply: &Reply) -> u64 {
    reply.id.parse::<ReplyId>().map_or(0, |id| id.seq)
}

/// Oldest first, from the stored thread page holding the cursor: one KV read.
/// The hub writes page 0 with the post, so its absence means no such post.
pub async fn list(req: Request, env: &Env, post: &PostId) -> ApiResult {
    let query = ListQuery::from_request(&req)?;
    let from = query.cursor.map_or(0, |c| c.0);
    let page = keys::page_of(from);
    let views = Views::fresh(env, Freshness::of(&req, env, &post.handle).await?)?;
    let stored = match views.thread(post, page).await? {
        Some(stored) => stored,
        None if page == 0 => return Err(ErrorCode::PostNotFound.into()),
        // Past page 0, a missing page is empty if the post exists (one more read, only then).
        None => views.post(post).await?.map(|_| PageView::default()),
    };
    let (replies, next) = stored.view.oldest_from(from, query.limit, seq_of);
    cached_json(&req, &ReplyPage { replies, next: next.map(|c| c.to_string()) }, stored.version)
}

pub async fn create(mut req: Request, env: &Env, post: &PostId) -> ApiResult {
    let writer = require_writer(&req, env, &post.handle).await?;
    let new: NewText = read_json(&mut req).await?;
    let text = check_text(&new.text, crate::config::max_chars(env)).map_err(|err| err.code())?;
    let ip = client_ip(&req);
    let answer = match writer {
        Writer::Visitor(visitor) => {
            let customer = visitor.customer_of.as_deref() == Some(post.handle.as_str());
            ledger::note(env, &visitor.sub, &post.handle).await?;
            let author = Some(Author { id: visitor.sub, name: visitor.name, badge: customer.then_some(Badge::Customer) });
            hub::send_from(env, &post.handle, ReplyCommand::Create { post: post.seq, author, text, ip }, &req).await?
        }
        Writer::Brand(brand) => {
            let command = ReplyCommand::Create { post: post.seq, author: None, text, ip };
            hub::send_as(env, &post.handle, command, &brand).await?
        }
    };
    match answer.value()? {
        NewReply::Published(reply) => answer.respond_with(201, &reply),
        NewReply::Held(pending) => answer.respond_with(202, &pending),
    }
}

pub async fn delete(req: Request, env: &Env, id: &ReplyId) -> ApiResult {
    let (handle, post, seq) = (&id.post.handle, id.post.seq, id.seq);
    let answer = match require_writer(&req, env, handle).await? {
        Writer::Visitor(visitor) => {
            hub::send_from(env, handle, ReplyCommand::Delete { post, seq, visitor: Some(visitor.sub) }, &req).await?
        }
        Writer::Brand(brand) => hub::send_as(env, handle, ReplyCommand::Delete { post, seq, visitor: None }, &brand).await?,
    };
    answer.done()
}
