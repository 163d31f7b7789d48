//! `/v1/push` and `/v1/me/push`: the edge's VAPID public key, and a
//! visitor's browsers subscribing to notifications (Web Push). A visitor's
//! subscriptions live in their ledger; each change is copied to every
//! account where they follow or replied (`hub::PushCommand::Sync`), whose
//! hub fans its posts and answers out from there.
//!
//! Not here: what is pushed and when (the hub's `push`), the formats
//! (`gazouillis_push`), the cryptography (`webpush`).

use crate::auth::require_visitor;
use crate::config;
use crate::error::ApiResult;
use crate::http::{json, read_json};
use crate::hub::{self, PushCommand};
use crate::ledger::{self, Subscription};
use crate::random;
use crate::webpush::{is_p256_point, vapid};
use gazouillis_protocol::store::push::PushTarget;
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::{ErrorCode, PushKey, PushListed, PushSubscribed};
use gazouillis_push::subscription::{self, b64, SubscriptionJson};
use worker::{Date, Env, Request, Response};

/// `GET /v1/push`: the key browsers subscribe with; 404 `push_disabled`
/// without one.
pub async fn key(env: &Env) -> ApiResult {
    let vapid = vapid(env).await?.ok_or(ErrorCode::PushDisabled)?;
    json(200, &PushKey { public_key: b64(&vapid.public_key) })
}

/// `PUT /v1/me/push`: stores a browser's subscription (201 new, 200 known
/// by its endpoint), and hands the visitor's list to their accounts.
pub async fn subscribe(mut req: Request, env: &Env) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    vapid(env).await?.ok_or(ErrorCode::PushDisabled)?;
    let sent: SubscriptionJson = read_json(&mut req).await?;
    let checked = subscription::check(sent, &config::push_services(env), config::loopback_allowed(env, "PUSH")).map_err(|_| ErrorCode::InvalidSubscription)?;
    if !is_p256_point(&checked.p256dh).await {
        return Err(ErrorCode::InvalidSubscription.into());
    }
    let target = PushTarget {
        id: random::hex(12)?,
        visitor: visitor.sub.clone(),
        endpoint: checked.endpoint.to_string(),
        p256dh: b64(&checked.p256dh),
        auth: b64(&checked.auth),
        answers: checked.answers,
        lang: checked.lang.tag().to_owned(),
    };
    let created_at = rfc3339_from_millis(Date::now().as_millis());
    let done = ledger::subscribe(env, &visitor.sub, Subscription { target, created_at }).await?;
    sync(env, &visitor.sub).await?;
    let stored = done.stored.target;
    json(if done.created { 201 } else { 200 }, &PushSubscribed { id: stored.id, endpoint: stored.endpoint, answers: stored.answers })
}

/// `DELETE /v1/me/push/{id}`: the visitor's subscription `id` goes.
pub async fn unsubscribe(req: Request, env: &Env, id: &str) -> ApiResult {
    let visitor = require_visitor(&req, env).await?;
    if !ledger::unsubscribe(env, &visitor.sub, id).await? {
        return Err(ErrorCode::SubscriptionNotFound.into());
    }
    sync(env, &visitor.sub).await?;
    Ok(Response::empty()?.with_status(204))
}

/// The visitor's subscriptions as `GET /v1/me` lists them: the endpoint's
/// origin, never its secret path.
pub async fn listed(env: &Env, visitor: &str) -> ApiResult<Vec<PushListed>> {
    let all = ledger::subscriptions(env, visitor).await?;
    Ok(all
        .into_iter()
        .map(|kept| PushListed {
            origin: worker::Url::parse(&kept.target.endpoint).map(|url| url.origin().ascii_serialization()).unwrap_or_default(),
            id: kept.target.id,
            created_at: kept.created_at,
            answers: kept.target.answers,
        })
        .collect())
}

/// Hands the visitor's subscriptions to every account where they wrote.
async fn sync(env: &Env, visitor: &str) -> ApiResult<()> {
    let targets: Vec<PushTarget> = ledger::subscriptions(env, visitor).await?.into_iter().map(|kept| kept.target).collect();
    for handle in ledger::accounts(env, visitor).await? {
        hand_to(env, &handle, visitor, targets.clone()).await?;
    }
    Ok(())
}

/// Makes `targets` all of `visitor`'s subscriptions in account `handle`
/// (none there if the account is gone).
pub async fn hand_to(env: &Env, handle: &str, visitor: &str, targets: Vec<PushTarget>) -> ApiResult<()> {
    match hub::send(env, handle, PushCommand::Sync { visitor: visitor.to_owned(), targets }).await {
        Ok(_) => Ok(()),
        Err(err) if err.code == ErrorCode::AccountNotFound => Ok(()),
        Err(err) => Err(err),
    }
}
