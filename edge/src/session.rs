//! `POST /v1/session`: an anonymous visitor identity with a signed token.

use crate::auth::issue;
use crate::error::ApiResult;
use crate::http::{json, read_json};
use crate::limiter::{self, client_ip};
use gazouillis_protocol::limits::RATE_SESSIONS_IP;
use gazouillis_protocol::{check_name, ErrorCode, NewSession, Session, Visitor};
use worker::Request;

pub async fn create(mut req: Request, env: &worker::Env) -> ApiResult {
    let new: NewSession = read_json(&mut req).await?;
    let name = check_name(&new.name)?;
    let limit = limiter::limit(env, "RATE_SESSIONS_IP", RATE_SESSIONS_IP);
    limiter::check(env, &format!("session/{}", client_ip(&req)), limit).await?;
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|_| ErrorCode::Internal)?;
    let id: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let token = issue(env, &id, &name)?;
    json(201, &Session { visitor: Visitor { id, name, badge: None }, token })
}
