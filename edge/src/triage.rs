//! `GET /v1/accounts/{handle}/inbox?filter=&cursor=&limit=`: the brand's
//! triage of the replies to answer (the API calls it the inbox; the edge
//! keeps that word for the fediverse's), every visitor reply on the account's posts, newest first, with its
//! post; `filter` is `to_answer` (the default: no reply of the brand after it
//! in its thread), `answered` or `all`. Read from the hub: the brand sees
//! what it just did.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::{query_param, ListQuery};
use crate::hub::{self, TriageCommand};
use gazouillis_protocol::{ErrorCode, InboxFilter};
use worker::{Env, Request};

pub async fn list(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let query = ListQuery::from_request(&req)?;
    let filter = match query_param(&req, "filter")? {
        Some(value) => value.parse().map_err(|()| ErrorCode::InvalidFilter)?,
        None => InboxFilter::default(),
    };
    let command = TriageCommand::List { filter, before: query.cursor.map(|c| c.0), limit: query.limit };
    hub::send_as(env, handle, command, &brand).await?.respond(200)
}
