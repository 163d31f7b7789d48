//! `GET /v1/accounts/{handle}/search?q=&cursor=&limit=`: what the account's
//! posts and replies say, newest first, from its hub's full-text index. The
//! public finds only what anyone may see; the brand (its token or the
//! operator's) also its queued and hidden replies and hidden posts, marked.
//! A query that is not one (no word, too long) is refused here, before any
//! hub is asked.

use crate::auth::brand_reader;
use crate::error::ApiResult;
use crate::http::{query_param, ListQuery};
use crate::hub::{self, Command};
use gazouillis_protocol::search::Query;
use gazouillis_protocol::ErrorCode;
use worker::{Env, Request};

pub async fn account(req: Request, env: &Env, handle: &str) -> ApiResult {
    let list = ListQuery::from_request(&req)?;
    let q = query_param(&req, "q")?.unwrap_or_default();
    Query::parse(&q).map_err(|_| ErrorCode::InvalidQuery)?;
    let (before, limit) = (list.cursor.map(|cursor| cursor.0), list.limit);
    match brand_reader(&req, env, handle) {
        Some(brand) => hub::send_as(env, handle, &Command::Search { q, before, limit, brand: true }, &brand).await,
        None => hub::send(env, handle, &Command::Search { q, before, limit, brand: false }).await,
    }
}
