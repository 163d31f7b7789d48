//! Offers for followers: `POST /v1/posts/{id}/offer/claim` (a visitor who
//! follows the account gets the code) and `GET /v1/accounts/{handle}/offers`
//! (the brand's offers with their codes, claims and follows). A post's offer
//! is created with the post (`posts::create`); public reads show it without
//! its code.

use crate::auth::{require_brand, require_visitor};
use crate::error::ApiResult;
use crate::hub::{self, Claim, OfferCommand};
use crate::ledger;
use crate::limiter::client_ip;
use gazouillis_protocol::PostId;
use worker::{Env, Request};

pub async fn claim(req: Request, env: &Env, post: &PostId) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    ledger::note(env, &visitor.sub, &post.handle).await?;
    let command = OfferCommand::Claim { post: post.seq, visitor: visitor.sub, ip: client_ip(&req) };
    let answer = hub::send_from(env, &post.handle, command, &req).await?;
    let claim: Claim = answer.value()?;
    // 201 for the claim that took the code; 200 for the same code again.
    answer.respond_with(if claim.first { 201 } else { 200 }, &claim.claimed)
}

pub async fn list(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    hub::send_as(env, handle, OfferCommand::List, &brand).await?.respond(200)
}
