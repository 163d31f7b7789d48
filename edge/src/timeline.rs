//! `GET /v1/timeline`: the posts of every account the visitor follows, newest first.
//!
//! Merged at read time from each followed account's feed head (one KV list
//! plus one KV read per followed account), so posting costs the same however
//! many followers an account has. It reaches back as far as those heads do
//! (the newest `PAGE_SIZE` posts of each account).

use crate::auth::require_visitor;
use crate::error::ApiResult;
use crate::http::{json, ListQuery};
use crate::views::Views;
use futures_util::future::join_all;
use gazouillis_protocol::time::{millis_from_rfc3339, rfc3339_from_millis};
use gazouillis_protocol::{Cursor, PostPage};
use worker::{Env, Request};

pub async fn get(req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    let query = ListQuery::from_request(&req)?;
    let views = Views::new(env)?;
    let handles = views.followed(&visitor.sub).await?;
    let heads = join_all(handles.iter().map(|handle| views.feed(handle, None))).await;
    let before = query.cursor.map(|Cursor(millis)| rfc3339_from_millis(millis));
    let mut posts: Vec<_> = heads
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|head| head.view.items)
        .filter(|post| before.as_ref().is_none_or(|before| post.created_at < *before))
        .collect();
    posts.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
    let more = posts.len() > query.limit;
    posts.truncate(query.limit);
    let next = posts.last().filter(|_| more).and_then(|last| millis_from_rfc3339(&last.created_at));
    json(200, &PostPage { posts, next: next.map(|millis| Cursor(millis).to_string()) })
}
