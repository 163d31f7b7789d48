//! Cloudflare Turnstile on visitor session creation, when the operator sets
//! `TURNSTILE_SECRET`: a new anonymous session needs the token of a solved
//! Turnstile challenge, checked with Cloudflare's siteverify. The
//! `TURNSTILE_VERIFY_URL` var points elsewhere (tests use a local stand-in).
//! Without the secret, nothing is asked. Sessions from the company's SSO
//! are vouched for by its secret and need no challenge.

use crate::auth::secret;
use crate::error::ApiResult;
use gazouillis_protocol::ErrorCode;
use serde::Deserialize;
use worker::{Env, Fetch, Headers, Method, Request, RequestInit};

const VERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";
/// Turnstile tokens are at most 2,048 characters.
const MAX_TOKEN_LEN: usize = 2048;

#[derive(Deserialize)]
struct Outcome {
    success: bool,
}

/// Passes when Turnstile is off, or `token` is a solved challenge; fails
/// closed (503) when siteverify cannot be reached.
pub async fn check(env: &Env, token: Option<&str>, ip: &str) -> ApiResult<()> {
    let Some(secret) = secret(env, "TURNSTILE_SECRET") else { return Ok(()) };
    let token = token.filter(|token| !token.is_empty()).ok_or(ErrorCode::TurnstileRequired)?;
    if token.len() > MAX_TOKEN_LEN {
        return Err(ErrorCode::TurnstileFailed.into());
    }
    let url = env.var("TURNSTILE_VERIFY_URL").map_or_else(|_| VERIFY_URL.to_owned(), |url| url.to_string());
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
