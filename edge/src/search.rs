//! Search. `GET /v1/accounts/{handle}/search?q=&cursor=&limit=`: what the account's
//! posts and replies say, newest first, from its hub's full-text index. The
//! public finds only what anyone may see; the brand (its token or the
//! operator's) also its queued and hidden replies and hidden posts, marked.
//! A query that is not one (no word, too long) is refused here, before any
//! hub is asked.

use crate::auth::{brand_reader, require_operator};
use crate::hub::Brand;
use crate::error::ApiResult;
use crate::http::{json, parse_limit, query_param, ListQuery};
use crate::hub::{self, SearchCommand};
use futures_util::future::join_all;
use gazouillis_protocol::across::{merge, parse_accounts, AcrossCursor, Page, Resume};
use gazouillis_protocol::limits::DEFAULT_LIMIT;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::{Cursor, ErrorCode, SearchResults};
use worker::{Env, Request};

/// `?q=`, refused unless it is a query (the hub reads it again).
fn query(req: &Request) -> ApiResult<String> {
    let q = query_param(req, "q")?.unwrap_or_default();
    Query::parse(&q).map_err(|_| ErrorCode::InvalidQuery)?;
    Ok(q)
}

pub async fn account(req: Request, env: &Env, handle: &str) -> ApiResult {
    let list = ListQuery::from_request(&req)?;
    let q = query(&req)?;
    let (before, limit) = (list.cursor.map(|cursor| cursor.0), list.limit);
    let answer = match brand_reader(&req, env, handle).await {
        Some(brand) => hub::send_as(env, handle, SearchCommand::Find { q, before, limit, brand: true }, &brand).await?,
        None => hub::send(env, handle, SearchCommand::Find { q, before, limit, brand: false }).await?,
    };
    answer.respond(200)
}

/// `GET /v1/search?q=&accounts=a,b&limit=&cursor=` (operator): the same
/// search in up to 20 accounts at once, newest first. Their hubs answer in
/// parallel and the pages merge by date; the cursor holds where each account
/// goes on (then `accounts` is not needed). An account that does not exist
/// finds nothing.
pub async fn across(req: Request, env: &Env) -> ApiResult {
    require_operator(&req, env).await?;
    let q = query(&req)?;
    let limit = match query_param(&req, "limit")? {
        Some(value) => parse_limit(&value)?,
        None => DEFAULT_LIMIT,
    };
    let resumes = match query_param(&req, "cursor")? {
        Some(cursor) => cursor.parse::<AcrossCursor>().map_err(|()| ErrorCode::InvalidCursor)?.0,
        None => {
            let accounts = query_param(&req, "accounts")?.unwrap_or_default();
            let handles = parse_accounts(&accounts).ok_or(ErrorCode::InvalidAccounts)?;
            handles.into_iter().map(|handle| Resume { handle, before: None, skip: 0 }).collect()
        }
    };
    let asked = resumes.into_iter().map(|resume| page(env, &q, resume, limit));
    let pages = join_all(asked).await.into_iter().collect::<ApiResult<Vec<Page>>>()?;
    let (hits, next) = merge(pages, limit);
    json(200, &SearchResults { hits, next: next.map(|cursor| cursor.to_string()) })
}

/// One account's page for `resume`, without the hits already shown.
async fn page(env: &Env, q: &str, resume: Resume, limit: usize) -> ApiResult<Page> {
    let command = SearchCommand::Find { q: q.to_owned(), before: resume.before, limit: resume.skip + limit, brand: true };
    let results: SearchResults = match hub::send_as(env, &resume.handle, command, &Brand::Operator).await {
        Ok(answer) => answer.value()?,
        Err(err) if err.code == ErrorCode::AccountNotFound => return Ok(Page { resume, hits: Vec::new(), next: None }),
        Err(err) => return Err(err),
    };
    let next = results.next.as_deref().and_then(|next| next.parse::<Cursor>().ok()).map(|cursor| cursor.0);
    let hits = results.hits.into_iter().skip(resume.skip).collect();
    Ok(Page { resume, hits, next })
}
