//! Visitor sessions: `POST /v1/session`, an anonymous identity under a name
//! the visitor gives; `POST /v1/session/sso`, a customer already signed in on
//! the company's site, vouched for by the account's SSO secret.

use crate::auth::{issue, session_secret};
use crate::hub::{self, SsoCustomer, TokenCommand};
use crate::error::ApiResult;
use crate::http::{json, read_json};
use crate::limiter::{self, client_ip};
use crate::random;
use crate::turnstile;
use gazouillis_protocol::limits::RATE_SESSIONS_IP;
use gazouillis_protocol::ids::is_handle;
use crate::crypto;
use gazouillis_protocol::{check_name, Badge, ErrorCode, NewSession, NewSsoSession, Session, Visitor};
use worker::{Env, Request};

pub async fn create(mut req: Request, env: &Env) -> ApiResult {
    let new: NewSession = read_json(&mut req).await?;
    let name = check_name(&new.name)?;
    within_limit(&req, env).await?;
    turnstile::check(env, new.turnstile.as_deref(), &client_ip(&req)).await?;
    let id = random::hex(8)?;
    let token = issue(env, &id, &name, None).await?;
    json(201, &Session { visitor: Visitor { id, name, badge: None }, token })
}

/// The customer's visitor id is derived from the account and the site's own
/// id for them (`sub`), so it is the same on every sign-in and device.
pub async fn create_sso(mut req: Request, env: &Env) -> ApiResult {
    let new: NewSsoSession = read_json(&mut req).await?;
    if !is_handle(&new.account) {
        return Err(ErrorCode::InvalidHandle.into());
    }
    within_limit(&req, env).await?;
    let customer: SsoCustomer = hub::send_from(env, &new.account, TokenCommand::VerifySso { sso: new.sso }, &req).await?.value()?;
    let name = check_name(&customer.claims.name)?;
    let id = crypto::derive_id(session_secret(env)?.as_bytes(), &format!("sso/{}/{}", new.account, customer.claims.sub)).await?;
    let token = issue(env, &id, &name, Some((new.account, customer.epoch))).await?;
    json(201, &Session { visitor: Visitor { id, name, badge: Some(Badge::Customer) }, token })
}

async fn within_limit(req: &Request, env: &Env) -> ApiResult<()> {
    let limit = limiter::limit(env, "RATE_SESSIONS_IP", RATE_SESSIONS_IP);
    limiter::check_address(env, "session", &client_ip(req), limit).await
}
