//! Abuse limits kept in Durable Object storage (KV cannot count concurrent
//! writes): the account hub limits replies per visitor and per client address
//! as it writes them; the `Limiter` object limits what has no account, such as
//! session creation per client address. The window logic, and the keys a
//! client address counts under (an IPv6 /64, and its /48), are
//! `gazouillis_protocol::rate`; the limits are wrangler vars.

use crate::error::{ApiError, ApiResult};
use gazouillis_protocol::rate::{address_limits, admit, RateLimit};
use gazouillis_protocol::ErrorCode;
use worker::{durable_object, Date, DurableObject, Env, Method, Request, RequestInit, Response, State, Storage};

/// A limit from the wrangler var `name` (`"5/60"`: 5 per 60 s), or `default`
/// when the var is missing or unreadable.
pub fn limit(env: &Env, name: &str, default: RateLimit) -> RateLimit {
    crate::config::var(env, name).unwrap_or(default)
}

/// The client's address as Cloudflare gives it.
pub fn client_ip(req: &Request) -> String {
    req.headers().get("cf-connecting-ip").ok().flatten().unwrap_or_else(|| "unknown".into())
}

/// Counts one event under `key` in `storage`, or refuses it with 429.
pub async fn admit_in(storage: &Storage, key: &str, limit: RateLimit) -> ApiResult<()> {
    let mut recent: Vec<u64> = storage.get(key).await?.unwrap_or_default();
    admit(&mut recent, Date::now().as_millis(), limit).map_err(ApiError::rate_limited)?;
    storage.put(key, recent).await?;
    Ok(())
}

/// Counts one event of `kind` (e.g. `session`) from client address `ip`,
/// under each key the address counts under (`rate::address_limits`).
pub async fn check_address(env: &Env, kind: &str, ip: &str, limit: RateLimit) -> ApiResult<()> {
    for (key, limit) in address_limits(kind, ip, limit) {
        check(env, &key, limit).await?;
    }
    Ok(())
}

/// Counts one event under `key` in its own `Limiter`.
async fn check(env: &Env, key: &str, limit: RateLimit) -> ApiResult<()> {
    let stub = env.durable_object("LIMITER")?.id_from_name(key)?.get_stub()?;
    let body = serde_json::to_string(&limit).map_err(|_| ErrorCode::Internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let mut answer = stub.fetch_with_request(Request::new_with_init("https://limiter/", &init)?).await?;
    match answer.status_code() {
        204 => Ok(()),
        _ => {
            let seconds = answer.headers().get("retry-after")?.and_then(|s| s.parse().ok()).unwrap_or(1);
            let _ = answer.text().await;
            Err(ApiError::rate_limited(seconds))
        }
    }
}

/// One key's sliding window.
#[durable_object]
pub struct Limiter {
    state: State,
}

impl DurableObject for Limiter {
    fn new(state: State, _env: Env) -> Self {
        Limiter { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let answer = match req.json::<RateLimit>().await {
            Ok(limit) => admit_in(&self.state.storage(), "recent", limit).await,
            Err(_) => Err(ErrorCode::BadRequest.into()),
        };
        match answer {
            Ok(()) => Ok(Response::empty()?.with_status(204)),
            Err(err) => err.into_response(),
        }
    }
}
