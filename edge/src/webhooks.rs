//! The brand's webhooks: `GET` / `POST /v1/accounts/{handle}/webhooks`,
//! `DELETE …/webhooks/{id}`, `GET …/webhooks/{id}/deliveries` (the log of
//! what was sent, newest first) and `POST …/webhooks/{id}/test`. All from
//! the account's hub, which also sends the alerts (`hub::outbox`).
//!
//! A webhook URL is `https://` to a public host
//! (`gazouillis_protocol::address`); the `WEBHOOK_ALLOW_LOOPBACK` var (`1`)
//! also lets `http://127.0.0.1` receive, for tests.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::{read_json, ListQuery};
use crate::hub::{self, WebhookCommand};
use gazouillis_protocol::webhook::{is_webhook_id, NewWebhook};
use gazouillis_protocol::ErrorCode;
use worker::{Env, Request};

pub async fn list(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    hub::send_as(env, handle, WebhookCommand::List, &brand).await?.respond(200)
}

pub async fn create(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let webhook: NewWebhook = read_json(&mut req).await?;
    if !webhook.url_allowed(crate::config::loopback_allowed(env, "WEBHOOK")) {
        return Err(ErrorCode::InvalidWebhook.into());
    }
    hub::send_as(env, handle, WebhookCommand::Create { webhook }, &brand).await?.respond(201)
}

pub async fn delete(req: Request, env: &Env, handle: &str, id: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    check_id(id)?;
    hub::send_as(env, handle, WebhookCommand::Delete { id: id.to_owned() }, &brand).await?.done()
}

pub async fn deliveries(req: Request, env: &Env, handle: &str, id: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    check_id(id)?;
    let query = ListQuery::from_request(&req)?;
    let command = WebhookCommand::Deliveries { id: id.to_owned(), before: query.cursor.map(|cursor| cursor.0), limit: query.limit };
    hub::send_as(env, handle, command, &brand).await?.respond(200)
}

pub async fn test(req: Request, env: &Env, handle: &str, id: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    check_id(id)?;
    hub::send_as(env, handle, WebhookCommand::Test { id: id.to_owned() }, &brand).await?.respond(202)
}

fn check_id(id: &str) -> ApiResult<()> {
    if is_webhook_id(id) { Ok(()) } else { Err(ErrorCode::InvalidId.into()) }
}
