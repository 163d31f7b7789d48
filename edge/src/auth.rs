//! Who is calling, from `Authorization: Bearer`: the operator (`ADMIN_TOKEN`),
//! a brand token the operator issued for one account (checked by that
//! account's hub, which keeps the tokens), or a visitor (a session token
//! signed with `SESSION_SECRET`). A valid token of the wrong role gets 403;
//! no token, or one that is none of these, 401.

use crate::error::{ApiError, ApiResult};
use crate::http::bearer;
use crate::hub::{self, AccountCommand, Brand, TokenCommand};
use crate::crypto;
use gazouillis_protocol::token::{same, Claims};
use gazouillis_protocol::limits::{SESSION_TTL_SECONDS, SSO_SESSION_TTL_SECONDS};
use gazouillis_protocol::{BrandToken, ErrorCode};
use worker::{Date, Env, Request};

pub fn secret(env: &Env, name: &str) -> Option<String> {
    env.secret(name).ok().map(|s| s.to_string()).filter(|s| !s.is_empty())
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

async fn visitor_claims(env: &Env, token: &str) -> Option<Claims> {
    let secret = secret(env, "SESSION_SECRET")?;
    crypto::verify(token, secret.as_bytes(), now_seconds()).await
}

enum Caller {
    Operator,
    Brand(BrandToken),
    Visitor(Claims),
}

async fn caller(req: &Request, env: &Env) -> ApiResult<Caller> {
    let token = bearer(req).ok_or(ErrorCode::Unauthorized)?;
    if let Some(claims) = visitor_claims(env, &token).await {
        Ok(Caller::Visitor(claims))
    } else if is_admin(env, &token) {
        Ok(Caller::Operator)
    } else if let Ok(brand) = token.parse() {
        Ok(Caller::Brand(brand))
    } else {
        Err(ErrorCode::Unauthorized.into())
    }
}

/// Refuses a call `caller`'s role may not make: 403, unless the caller is a
/// brand token its account's hub does not know (forged, revoked, or of no
/// account), which gets 401 like any invalid token. Only the hub keeps brand
/// tokens, so it is asked, on this refusal path only.
async fn refuse(env: &Env, caller: Caller) -> ApiError {
    if let Caller::Brand(token) = caller {
        let handle = token.handle.clone();
        if let Err(refused) = hub::send_as(env, &handle, AccountCommand::Check, &Brand::Token(token)).await {
            return refused;
        }
    }
    ErrorCode::Forbidden.into()
}

/// Allows the operator only (creating accounts, issuing brand tokens).
pub async fn require_operator(req: &Request, env: &Env) -> ApiResult<()> {
    match caller(req, env).await? {
        Caller::Operator => Ok(()),
        other => Err(refuse(env, other).await),
    }
}

/// Allows the brand of account `handle`: the operator, or a brand token for
/// that account (a token for another account is refused with 403). The
/// account's hub checks the token itself before it acts.
pub async fn require_brand(req: &Request, env: &Env, handle: &str) -> ApiResult<Brand> {
    match caller(req, env).await? {
        Caller::Operator => Ok(Brand::Operator),
        Caller::Brand(token) if token.handle == handle => Ok(Brand::Token(token)),
        other => Err(refuse(env, other).await),
    }
}

/// The brand of account `handle` behind a read, if the caller is one: its
/// reads come from the hub, which checks a brand token. Anyone else reads
/// as the public does.
pub async fn brand_reader(req: &Request, env: &Env, handle: &str) -> Option<Brand> {
    match caller(req, env).await.ok()? {
        Caller::Operator => Some(Brand::Operator),
        Caller::Brand(token) if token.handle == handle => Some(Brand::Token(token)),
        _ => None,
    }
}

/// The visitor behind a valid session token; the brand does not follow or
/// read a timeline as a visitor (403).
pub async fn require_visitor(req: &Request, env: &Env) -> ApiResult<Claims> {
    match caller(req, env).await? {
        Caller::Visitor(claims) => still_vouched(env, claims).await,
        other => Err(refuse(env, other).await),
    }
}

/// A session made from an SSO token holds while its account's SSO secret
/// is the one that vouched (its hub is asked: one request, on a customer's
/// calls only); a new secret ends it with 401.
async fn still_vouched(env: &Env, claims: Claims) -> ApiResult<Claims> {
    if let Some(account) = &claims.customer_of {
        let epoch = claims.sso_epoch.unwrap_or_default();
        hub::send(env, account, TokenCommand::CheckSsoEpoch { epoch }).await?;
    }
    Ok(claims)
}

/// Who may write in a conversation of account `handle`: a visitor, or its brand.
pub enum Writer {
    Visitor(Claims),
    Brand(Brand),
}

pub async fn require_writer(req: &Request, env: &Env, handle: &str) -> ApiResult<Writer> {
    match caller(req, env).await? {
        Caller::Visitor(claims) => still_vouched(env, claims).await.map(Writer::Visitor),
        _ => require_brand(req, env, handle).await.map(Writer::Brand),
    }
}

/// A new visitor session token; `customer` names the account whose SSO
/// vouched for the visitor, and its SSO secret's epoch: such a session lasts
/// a day rather than a year, and ends with a new secret.
pub async fn issue(env: &Env, visitor: &str, name: &str, customer: Option<(String, u64)>) -> ApiResult<String> {
    let ttl = if customer.is_some() { SSO_SESSION_TTL_SECONDS } else { SESSION_TTL_SECONDS };
    let (customer_of, sso_epoch) = customer.unzip();
    let claims = Claims { sub: visitor.to_owned(), name: name.to_owned(), exp: now_seconds() + ttl, customer_of, sso_epoch };
    Ok(crypto::sign(&claims, session_secret(env)?.as_bytes()).await?)
}
