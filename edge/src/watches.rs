//! Listening, for the brand: `GET` / `PUT /v1/accounts/{handle}/watches`
//! (the watched terms: words, phrases, hashtags, each a search) and
//! `GET /v1/accounts/{handle}/mentions` (what matched them when written,
//! newest first). All from the account's hub.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::{read_json, ListQuery};
use crate::hub::{self, WatchCommand};
use gazouillis_protocol::search::watch_terms;
use gazouillis_protocol::{ErrorCode, Watches};
use worker::{Env, Request};

pub async fn get(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    hub::send_as(env, handle, WatchCommand::Get, &brand).await?.respond(200)
}

pub async fn put(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let watches: Watches = read_json(&mut req).await?;
    let terms = watch_terms(watches.terms).ok_or(ErrorCode::InvalidWatches)?;
    hub::send_as(env, handle, WatchCommand::Put { terms }, &brand).await?.respond(200)
}

pub async fn mentions(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let query = ListQuery::from_request(&req)?;
    let command = WatchCommand::Mentions { before: query.cursor.map(|cursor| cursor.0), limit: query.limit };
    hub::send_as(env, handle, command, &brand).await?.respond(200)
}
