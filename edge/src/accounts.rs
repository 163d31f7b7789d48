//! `/v1/accounts` and `/v1/accounts/{handle}`.

use crate::auth::require_operator;
use crate::error::{ApiError, ApiResult};
use crate::http::{cached_json, json, read_json};
use crate::hub::{self, AccountCommand, TokenCommand};
use crate::turnstile;
use crate::views::{Freshness, Views};
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::limits::{MAX_BIO_CHARS, MIN_SSO_SECRET_CHARS};
use gazouillis_protocol::{check_name, check_text, Account, AccountInfo, AccountList, ErrorCode, NewAccount, SsoSecret};
use worker::{Env, Request};

pub async fn create(mut req: Request, env: &Env) -> ApiResult {
    require_operator(&req, env).await?;
    let new: NewAccount = read_json(&mut req).await?;
    if !is_handle(&new.handle) {
        return Err(ErrorCode::InvalidHandle.into());
    }
    let name = check_name(&new.name)?;
    let bio = match new.bio.trim() {
        "" => String::new(),
        bio => check_text(bio, MAX_BIO_CHARS).map_err(|err| err.code())?,
    };
    let command = AccountCommand::Create { handle: new.handle.clone(), name, bio };
    hub::send(env, &new.handle, command).await?.respond(201)
}

/// `PUT /v1/accounts/{handle}/sso` `{secret}`: the secret the company's site
/// signs its customers' SSO tokens with (operator only).
pub async fn set_sso(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    require_operator(&req, env).await?;
    let new: SsoSecret = read_json(&mut req).await?;
    if new.secret.chars().count() < MIN_SSO_SECRET_CHARS {
        let message = format!("An SSO secret is at least {MIN_SSO_SECRET_CHARS} characters.");
        return Err(ApiError::with_message(ErrorCode::BadRequest, message));
    }
    hub::send(env, handle, TokenCommand::SetSsoSecret { secret: new.secret }).await?.done()
}

/// `GET /v1/accounts`: the handles of every account, in order (operator
/// only; one KV list of the account views, up to 1,000).
pub async fn list(req: Request, env: &Env) -> ApiResult {
    require_operator(&req, env).await?;
    json(200, &AccountList { accounts: Views::new(env)?.accounts().await? })
}

pub async fn get(req: Request, env: &Env, handle: &str) -> ApiResult {
    let stored = Views::fresh(env, Freshness::of(&req, env, handle).await?)?.account(handle).await?;
    cached_json(&req, &info(env, stored.view), stored.version)
}

/// The account as the widget reads it: with this edge's limit and its Turnstile site.
pub fn info(env: &Env, account: Account) -> AccountInfo {
    AccountInfo { account, max_chars: crate::config::max_chars(env), turnstile: turnstile::site(env), push: crate::webpush::push_on(env) }
}
