//! `/v1/accounts/{handle}/tokens`: the brand tokens the operator issues for an
//! account (a community manager's, a tool's), lists and revokes. A brand
//! token posts and moderates that account only.

use crate::auth::require_operator;
use crate::error::ApiResult;
use crate::http::read_json;
use crate::hub::{self, TokenCommand};
use gazouillis_protocol::ids::is_token_id;
use gazouillis_protocol::{check_name, ErrorCode, NewToken};
use worker::{Env, Request};

pub async fn issue(mut req: Request, env: &Env, handle: &str) -> ApiResult {
    require_operator(&req, env).await?;
    let new: NewToken = read_json(&mut req).await?;
    let name = check_name(&new.name)?;
    hub::send(env, handle, TokenCommand::Issue { name }).await?.respond(201)
}

pub async fn list(req: Request, env: &Env, handle: &str) -> ApiResult {
    require_operator(&req, env).await?;
    hub::send(env, handle, TokenCommand::List).await?.respond(200)
}

pub async fn revoke(req: Request, env: &Env, handle: &str, id: &str) -> ApiResult {
    require_operator(&req, env).await?;
    if !is_token_id(id) {
        return Err(ErrorCode::InvalidId.into());
    }
    hub::send(env, handle, TokenCommand::Revoke { id: id.to_owned() }).await?.done()
}
