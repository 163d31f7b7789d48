//! `GET /v1/accounts/{handle}/stats?days=7|30|90`: the brand's statistics
//! over that period (see `gazouillis_protocol::stats`), from the hub, which
//! counts them as writes happen.

use crate::auth::require_brand;
use crate::error::ApiResult;
use crate::http::query_param;
use crate::hub::{self, ActivityCommand, StatsCommand};
use gazouillis_protocol::stats::PERIODS;
use gazouillis_protocol::ErrorCode;
use worker::{Env, Request};

/// `GET /v1/accounts/{handle}/activity`: visitors' replies per hour over the
/// last week and its buzz episodes (`gazouillis_protocol::buzz`).
pub async fn activity(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    hub::send_as(env, handle, ActivityCommand::Get, &brand).await?.respond(200)
}

pub async fn get(req: Request, env: &Env, handle: &str) -> ApiResult {
    let brand = require_brand(&req, env, handle).await?;
    let days = match query_param(&req, "days")? {
        Some(value) => PERIODS.into_iter().find(|days| days.to_string() == value).ok_or(ErrorCode::InvalidDays)?,
        None => PERIODS[0],
    };
    hub::send_as(env, handle, StatsCommand::Get { days }, &brand).await?.respond(200)
}
