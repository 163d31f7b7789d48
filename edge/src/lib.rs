//! The Gazouillis edge: a Cloudflare Worker serving API v1.
//!
//! Reads come from views in Workers KV (one KV read per call); writes go to the
//! account's hub, a Durable Object that serializes them and rewrites the views
//! (see `hub`). The widget bundle and the demo site are static assets that
//! Cloudflare serves before this code runs. A cron wakes every hub after a
//! deploy that adds a schema migration (`sweep`); a queue's consumer sends a
//! post's pushes to thousands of browsers (`hub::handoff`). Validation, ids
//! and key layout live in the `gazouillis-protocol` crate; this crate is the
//! thin shell around it.

mod accounts;
mod auth;
mod config;
mod cors;
mod crypto;
mod error;
mod follows;
mod http;
mod hub;
mod ledger;
mod limiter;
mod me;
mod media;
mod moderation;
mod offers;
mod posts;
mod push;
mod random;
mod replies;
mod routes;
mod search;
mod session;
mod site;
mod stats;
mod sweep;
mod timeline;
mod tokens;
mod triage;
mod turnstile;
mod views;
mod watches;
mod webhooks;
mod webpush;

use worker::{event, Context, Env, MessageBatch, Method, Request, Response, ScheduleContext, ScheduledEvent};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    if req.method() == Method::Options {
        return cors::preflight(&req, &env).await;
    }
    let path = req.path();
    if path.starts_with("/media/") {
        return media::serve(&req, &env).await.or_else(|err| err.into_response());
    }
    let routed = if site::serves(&path) { site::route(req, &env).await } else { routes::route(req, &env).await };
    let response = match routed {
        Ok(response) => response,
        Err(err) => err.into_response()?,
    };
    if response.status_code() == 101 {
        // A live WebSocket: CORS does not apply, and its headers are the runtime's.
        return Ok(response);
    }
    cors::with_cors(response)
}

/// The `DELIVERIES` queue's consumer (`hub::handoff`): what failed is left
/// to the deliveries' leases.
#[event(queue)]
async fn queue(batch: MessageBatch<String>, env: Env, _ctx: Context) -> worker::Result<()> {
    hub::consume(batch, &env).await
}

/// The cron (`[triggers]` in wrangler.toml): wakes the hubs after a new schema migration.
#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // What failed is logged where it failed; the next run tries again.
    let _ = sweep::run(&env).await;
}
