//! The outbox, for every destination: deliveries wait in `deliveries` (one
//! row per event and target of a destination) until a receiver takes them
//! with a 2xx, or no attempt is left; every attempt is logged in `attempts`.
//! What follows an attempt is `gazouillis_protocol::outbox`'s rule (backoff
//! with jitter, a 429's or a 503's `Retry-After` honoured, the destination's
//! number of attempts, and a target gone for good on a 404 or a 410 where
//! the destination's policy says so: the destination then forgets it,
//! `Destination::forget`). Each destination builds its own requests
//! (`emit::Destination::request`); the outbox sends them only to a
//! deliverable address (`gazouillis_protocol::address`: a stored URL is
//! checked again before each attempt), never following a redirect (a 3xx is
//! the receiver's answer: a failed attempt), and records how they went.
//!
//! A delivery is sent right after the write that raised it is answered; a
//! failed attempt is retried by the hub's alarm (`alarm`). Before an attempt
//! leaves, the row's next attempt is already set as if it failed (its lease)
//! and the attempt is logged as interrupted: a runtime that restarts
//! mid-attempt retries it, so an event is delivered at least once, and its
//! id (the same on every attempt) lets the receiver drop a repeat. Each
//! attempt's outcome is recorded, its retry set and the alarm armed for it,
//! as soon as it ends: a receiver that hangs delays no other.
//!
//! Past what one hub sends well by itself (a post to thousands of
//! followers' browsers), a round with more than [`BATCH`] due hands them to
//! the `DELIVERIES` Cloudflare Queue instead (`handoff`): its consumer
//! makes each [`attempt`] and hands the outcomes back to the hub, which
//! [`record`]s them as it does its own. Claims, leases, rules and the log
//! stay here, the same for both paths.

use super::alarm::wake_by;
use super::db::Db;
use super::emit::{self, destination};
use super::handoff;
use super::AccountHub;
use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use gazouillis_protocol::address::deliverable;
use gazouillis_protocol::outbox::{retry_after_secs, After, Outcome, Policy};
use gazouillis_protocol::store::deliveries::{self, Due};
use gazouillis_protocol::time::rfc3339_from_millis;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;
use worker::{web_sys, AbortController, Date, Delay, Env, Fetch, Request, Storage};

/// Most deliveries attempted at once (by the hub, or by a queue's consumer
/// for each message), and most sent by the hub itself in one round: a round
/// with more due hands the rest to the queue, where there is one.
pub const BATCH: usize = 20;

/// A claimed attempt at a delivery, with everything its request needs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Job {
    pub due: Due,
    pub attempt: u32,
    /// Where it goes (`Destination::recipient`).
    pub recipient: Value,
}

/// How an attempt ended, as the hub records it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Sent {
    pub id: u64,
    pub destination: String,
    pub target: String,
    pub attempt: u32,
    pub outcome: Outcome,
}

impl Job {
    /// How it went, as the hub records it.
    pub fn sent(&self, outcome: Outcome) -> Sent {
        let Due { id, destination, target, .. } = self.due.clone();
        Sent { id, destination, target, attempt: self.attempt, outcome }
    }
}

/// A number from 0 to 1, from the runtime's random source.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::getrandom(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

/// Writes out a chunk of the deliveries of a message to many, if one
/// waits; then sends the deliveries due now (up to [`BATCH`]) side by
/// side, recording how each went as it ends (`storage`'s alarm set at once
/// for its retry). With more due and a queue bound, it first hands the rest
/// of up to [`handoff::ROUND`] to the queue. Returns whether some were left
/// for a next round.
pub async fn deliver_due(db: &Db, env: &Env, storage: &Storage) -> worker::Result<bool> {
    // A message to many is written out as deliveries a chunk per round.
    let waiting = emit::write_out(db)?;
    let now = Date::now().as_millis();
    let queue = handoff::queue(env);
    let round = if queue.is_some() { handoff::ROUND } else { BATCH };
    let mut due = deliveries::due(db, now, round as u64)?;
    let full = due.len() == round;
    if let Some(queue) = queue.filter(|_| due.len() > BATCH) {
        // The first [`BATCH`] leave from here at once: the queue waits up to
        // a second to fill a batch.
        let handed = claim(db, env, storage, due.split_off(BATCH), now, handoff::LEASE_MS).await?;
        handoff::hand(db, &queue, handed).await?;
    }
    let jobs = claim(db, env, storage, due, now, 0).await?;
    let mut sending: FuturesUnordered<_> = jobs.iter().map(|job| async move { job.sent(attempt(env, job).await) }).collect();
    while let Some(sent) = sending.next().await {
        record(db, env, storage, &sent).await?;
    }
    Ok(full || waiting)
}

/// Claims each of `due` for its next attempt, its lease `grace` ms longer
/// than its destination's (time for a queue to bring the outcome back).
/// A delivery no attempt is left for, or whose event is no longer wanted,
/// is given up; one whose recipient cannot be read fails this attempt.
async fn claim(db: &Db, env: &Env, storage: &Storage, due: Vec<Due>, now: u64, grace: u64) -> worker::Result<Vec<Job>> {
    let mut jobs = Vec::with_capacity(due.len());
    for due in due {
        let attempt = due.attempts + 1;
        let Some(destination) = destination(&due.destination) else {
            // A destination this edge does not know: nothing can send it.
            deliveries::give_up(db, due.id)?;
            continue;
        };
        let policy = destination.policy(env);
        // Its last attempt was cut short by a restart, or what it carries is no longer wanted.
        if attempt > policy.max_attempts || !destination.wanted(db, &due)? {
            deliveries::give_up(db, due.id)?;
            continue;
        }
        // Claimed before it leaves: the retry is due as if this attempt failed.
        deliveries::claim(db, due.id, attempt, policy.lease(attempt, now, jitter()) + grace, &rfc3339_from_millis(now))?;
        match destination.recipient(db, &due) {
            Ok(recipient) => jobs.push(Job { due, attempt, recipient }),
            Err(err) => {
                let job = Job { due, attempt, recipient: Value::Null };
                record(db, env, storage, &job.sent(Outcome::failed(err.to_string()))).await?;
            }
        }
    }
    Ok(jobs)
}

/// Makes `job`'s attempt: its destination's request, sent.
pub async fn attempt(env: &Env, job: &Job) -> Outcome {
    let Some(destination) = destination(&job.due.destination) else {
        return Outcome::failed("no such destination: not sent");
    };
    match destination.request(env, &job.due, &job.recipient).await {
        Ok(request) => send(request, destination.policy(env).timeout_ms, destination.allows_loopback(env)).await,
        Err(err) => Outcome::failed(err.to_string()),
    }
}

/// Records how an attempt ended, and what follows by its destination's
/// policy: its retry (the alarm armed for it), or its target forgotten.
pub async fn record(db: &Db, env: &Env, storage: &Storage, sent: &Sent) -> worker::Result<()> {
    let Some(destination) = destination(&sent.destination) else { return Ok(()) };
    let after = destination.policy(env).after(sent.attempt, Date::now().as_millis(), &sent.outcome, jitter());
    deliveries::record(db, sent.id, sent.attempt, &sent.outcome, after)?;
    match after {
        After::RetryAt(at) => wake_by(storage, at).await,
        After::Gone => destination.forget(env, db, &sent.target).await,
        After::Delivered | After::Failed => Ok(()),
    }
}

/// One attempt: `request`, answered within `timeout_ms` or abandoned; not
/// sent at all to an address that is not deliverable.
pub async fn send(request: Request, timeout_ms: u64, allow_loopback: bool) -> Outcome {
    if !request.url().is_ok_and(|url| deliverable(&url, allow_loopback)) {
        return Outcome::failed("not a public https address: not sent");
    }
    let request = match unfollowed(&request) {
        Ok(request) => request,
        Err(err) => return Outcome::failed(err.to_string()),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let answer = Box::pin(fetch.send_with_signal(&signal));
    match select(answer, Box::pin(Delay::from(Duration::from_millis(timeout_ms)))).await {
        Either::Left((Ok(response), _)) => {
            let retry_after = response.headers().get("retry-after").ok().flatten().and_then(|value| retry_after_secs(&value, Date::now().as_millis()));
            let outcome = Outcome::answered(response.status_code(), retry_after);
            // Its body is never read: cancelled, its connection closes now, not
            // when the runtime collects it (thousands of pushes would hold
            // thousands of sockets).
            if let Some(body) = web_sys::Response::from(response).body() {
                let _ = body.cancel();
            }
            outcome
        }
        Either::Left((Err(err), _)) => Outcome::failed(err.to_string()),
        Either::Right(_) => {
            controller.abort();
            Outcome::failed(format!("no answer within {timeout_ms} ms"))
        }
    }
}

/// `request`, its redirects not followed: a receiver's 3xx is its answer,
/// never a way to an address that [`deliverable`] did not check (an
/// internal host's), nor a way to turn the POST into a GET.
fn unfollowed(request: &Request) -> worker::Result<Request> {
    let init = web_sys::RequestInit::new();
    init.set_redirect(web_sys::RequestRedirect::Manual);
    Ok(web_sys::Request::new_with_request_and_init(request.inner(), &init)?.into())
}

impl AccountHub {
    /// Sends what is due right after the current answer leaves, then sets
    /// the alarm for the retries.
    pub(super) fn deliver_soon(&self) {
        let (db, env, storage) = (self.db.clone(), self.env.clone(), self.state.storage());
        self.state.wait_until(async move {
            // A timer's turn: the answer leaves first.
            Delay::from(Duration::ZERO).await;
            let result = async {
                while deliver_due(&db, &env, &storage).await? {}
                match deliveries::next_at(&db)? {
                    Some(at) => wake_by(&storage, at).await,
                    None => Ok(()),
                }
            };
            if let Err(err) = result.await {
                worker::console_error!("delivery failed, retried by the alarm: {err}");
            }
        });
    }
}

/// A destination's policy from its vars (`{prefix}_FIRST_RETRY_MS`,
/// `{prefix}_MAX_ATTEMPTS`, from 1 to 100, and `{prefix}_TIMEOUT_MS`), or
/// `defaults`.
pub fn policy_from_env(env: &Env, prefix: &str, defaults: Policy) -> Policy {
    let var = |name: &str| crate::config::var::<u64>(env, &format!("{prefix}_{name}"));
    Policy {
        first_retry_ms: var("FIRST_RETRY_MS").unwrap_or(defaults.first_retry_ms),
        max_attempts: var("MAX_ATTEMPTS").map_or(defaults.max_attempts, |n| n.clamp(1, 100) as u32),
        timeout_ms: var("TIMEOUT_MS").unwrap_or(defaults.timeout_ms),
        ..defaults
    }
}
