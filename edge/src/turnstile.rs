//! Cloudflare Turnstile on visitor session creation, when the operator sets
//! `TURNSTILE_SECRET`: a new anonymous session needs the token of a solved
//! Turnstile challenge, checked with Cloudflare's siteverify. The widget shows
//! the challenge with the `TURNSTILE_SITE_KEY` var, which the account's info
//! hands it. The `TURNSTILE_VERIFY_URL` and `TURNSTILE_SCRIPT_URL` vars point
//! elsewhere (tests use local stand-ins). Without the secret, nothing is
//! asked. Sessions from the company's SSO are vouched for by its secret and
//! need no challenge.

use crate::auth::secret;
use crate::error::ApiResult;
use gazouillis_protocol::{ErrorCode, TurnstileSite};
use serde::Deserialize;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

const VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
const SCRIPT_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
/// Turnstile tokens are at most 2,048 characters.
const MAX_TOKEN_LEN: usize = 2048;

#[derive(Deserialize)]
struct Outcome {
    success: bool,
}

/// What the widget needs to show the challenge, when one is asked.
pub fn site(env: &Env) -> Option<TurnstileSite> {
    secret(env, "TURNSTILE_SECRET")?;
    let site_key = env.var("TURNSTILE_SITE_KEY").ok()?.to_string();
    Some(TurnstileSite { site_key, script: var_or(env, "TURNSTILE_SCRIPT_URL", SCRIPT_URL) })
}

fn var_or(env: &Env, name: &str, default: &str) -> String {
    env.var(name).map_or_else(|_| default.to_owned(), |value| value.to_string())
}

/// Passes when Turnstile is off, or `token` is a solved challenge; fails
/// closed (503) when siteverify cannot be reached.
pub async fn check(env: &Env, token: Option<&str>, ip: &str) -> ApiResult<()> {
    let Some(secret) = secret(env, "TURNSTILE_SECRET") else { return Ok(()) };
    let token = token.filter(|token| !token.is_empty()).ok_or(ErrorCode::TurnstileRequired)?;
    if token.len() > MAX_TOKEN_LEN {
        return Err(ErrorCode::TurnstileFailed.into());
    }
    let url = var_or(env, "TURNSTILE_VERIFY_URL", VERIFY_URL);
    let body = serde_json::json!({ "secret": secret, "response": token, "remoteip": ip }).to_string();
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let unavailable = |_| ErrorCode::TurnstileUnavailable;
    let mut answer = Fetch::Request(Request::new_with_init(&url, &init)?).send().await.map_err(unavailable)?;
    if answer.status_code() != 200 {
        return Err(ErrorCode::TurnstileUnavailable.into());
    }
    let outcome: Outcome = answer.json().await.map_err(unavailable)?;
    if outcome.success {
        Ok(())
    } else {
        Err(ErrorCode::TurnstileFailed.into())
    }
}
