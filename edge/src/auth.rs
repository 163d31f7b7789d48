//! Who is calling: the operator (`ADMIN_TOKEN`) or a visitor (a session token
//! signed with `SESSION_SECRET`). Both come as `Authorization: Bearer`.

use crate::error::ApiResult;
use crate::http::bearer;
use gazouillis_protocol::token::{self, Claims};
use gazouillis_protocol::ErrorCode;
use worker::{Date, Env, Request};

fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|s| s.to_string()).filter(|s| !s.is_empty())
}

/// Compares without stopping at the first difference, so timing reveals nothing.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn now_seconds() -> u64 {
    Date::now().as_millis() / 1000
}

/// The key sessions are signed with.
pub fn session_secret(env: &Env) -> ApiResult<String> {
    secret(env, "SESSION_SECRET").ok_or_else(|| {
        worker::console_error!("SESSION_SECRET is not set");
        ErrorCode::Internal.into()
    })
}

fn is_admin(env: &Env, token: &str) -> bool {
    secret(env, "ADMIN_TOKEN").is_some_and(|admin| same(&admin, token))
}

fn visitor_claims(env: &Env, token: &str) -> Option<Claims> {
    let secret = secret(env, "SESSION_SECRET")?;
    token::verify(token, secret.as_bytes(), now_seconds())
}

/// Allows the operator; a visitor token is refused with 403, anything else with 401.
pub fn require_admin(req: &Request, env: &Env) -> ApiResult<()> {
    let token = bearer(req).ok_or(ErrorCode::Unauthorized)?;
    if is_admin(env, &token) {
        Ok(())
    } else if visitor_claims(env, &token).is_some() {
        Err(ErrorCode::Forbidden.into())
    } else {
        Err(ErrorCode::Unauthorized.into())
    }
}

/// The visitor behind a valid session token; the operator token is refused
/// with 403 (the brand does not reply or follow as a visitor), anything else with 401.
pub fn require_visitor(req: &Request, env: &Env) -> ApiResult<Claims> {
    let token = bearer(req).ok_or(ErrorCode::Unauthorized)?;
    if let Some(claims) = visitor_claims(env, &token) {
        Ok(claims)
    } else if is_admin(env, &token) {
        Err(ErrorCode::Forbidden.into())
    } else {
        Err(ErrorCode::Unauthorized.into())
    }
}

/// Who may write in a conversation: a visitor, or the brand (the operator token).
pub enum Writer {
    Visitor(Claims),
    Brand,
}

/// A visitor or the brand; anything else is refused with 401.
pub fn require_writer(req: &Request, env: &Env) -> ApiResult<Writer> {
    let token = bearer(req).ok_or(ErrorCode::Unauthorized)?;
    if let Some(claims) = visitor_claims(env, &token) {
        Ok(Writer::Visitor(claims))
    } else if is_admin(env, &token) {
        Ok(Writer::Brand)
    } else {
        Err(ErrorCode::Unauthorized.into())
    }
}

/// A new visitor session token for `claims`.
pub fn issue(env: &Env, visitor: &str, name: &str) -> ApiResult<String> {
    let claims = Claims {
        sub: visitor.to_owned(),
        name: name.to_owned(),
        exp: now_seconds() + gazouillis_protocol::limits::SESSION_TTL_SECONDS,
    };
    Ok(token::sign(&claims, session_secret(env)?.as_bytes()))
}
