//! The outbox: alerts wait in `deliveries` (one row per event and webhook)
//! until a receiver takes them with a 2xx, or the maximum number of attempts
//! is reached; every attempt is logged in `attempts`.
//!
//! An event is sent right after the write that raised it is answered; a
//! failed attempt is retried after `webhook::retry_delay`, by the hub's alarm
//! (shared with the views' flush: the alarm is set for whichever is due
//! first). Before an attempt leaves, the row's next attempt is already set
//! as if it failed and the attempt is logged as interrupted: a runtime that
//! restarts mid-attempt retries it, so an event is delivered at least once,
//! and its id (the same on every attempt) lets the receiver drop a repeat.
//! Each attempt's outcome is recorded, and its retry set, as soon as it
//! ends: a receiver that hangs delays no other. A URL that is no longer
//! deliverable (`gazouillis_protocol::address`: stored before private
//! addresses were refused) is not fetched: the attempt fails.

use super::alarm::wake_by;
use super::db::{int, Db};
use super::AccountHub;
use futures_util::future::{select, Either};
use futures_util::stream::{FuturesUnordered, StreamExt};
use gazouillis_protocol::address::deliverable;
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::webhook::{
    retry_delay, signature, slack_body, Event, Format, Language, EVENT_ID_HEADER, EVENT_TYPE_HEADER, FIRST_RETRY_MS, MAX_ATTEMPTS,
    SIGNATURE_HEADER, TIMEOUT_MS,
};
use serde::Deserialize;
use std::time::Duration;
use worker::{AbortController, Date, Delay, Env, Fetch, Headers, Method, Request, RequestInit, Storage};

/// Most deliveries attempted at once.
const BATCH: u64 = 20;

/// How deliveries are retried: the vars `WEBHOOK_FIRST_RETRY_MS`,
/// `WEBHOOK_MAX_ATTEMPTS` and `WEBHOOK_TIMEOUT_MS`, or their defaults; and
/// whether loopback receivers are allowed (`WEBHOOK_ALLOW_LOOPBACK`).
#[derive(Clone, Copy)]
pub struct Retry {
    first_ms: u64,
    max_attempts: u32,
    timeout_ms: u64,
    allow_loopback: bool,
}

impl Retry {
    pub fn from_env(env: &Env) -> Retry {
        let var = |name| crate::config::var::<u64>(env, name);
        Retry {
            first_ms: var("WEBHOOK_FIRST_RETRY_MS").unwrap_or(FIRST_RETRY_MS),
            max_attempts: var("WEBHOOK_MAX_ATTEMPTS").map_or(MAX_ATTEMPTS, |n| n.clamp(1, 100) as u32),
            timeout_ms: var("WEBHOOK_TIMEOUT_MS").unwrap_or(TIMEOUT_MS),
            allow_loopback: crate::config::loopback_allowed(env),
        }
    }

    /// When to try again after attempt `attempt` failed at `now`.
    fn next_at(self, now: u64, attempt: u32) -> u64 {
        now + retry_delay(self.first_ms, attempt, jitter())
    }
}

/// A number from 0 to 1, from the runtime's random source.
fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::getrandom(&mut bytes);
    f64::from(u32::from_le_bytes(bytes)) / f64::from(u32::MAX)
}

/// A due delivery, with its webhook.
#[derive(Deserialize)]
struct Due {
    id: u64,
    event: String,
    #[serde(rename = "type")]
    kind: String,
    body: String,
    attempts: u32,
    url: String,
    format: Format,
    language: Language,
    secret: String,
}

/// How an attempt ended.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
}

impl Outcome {
    fn delivered(&self) -> bool {
        self.status.is_some_and(|status| (200..300).contains(&status))
    }
}

/// Sends every delivery due now (up to [`BATCH`]), side by side, and
/// records how each went as it ends, setting the alarm (`storage`'s) for its
/// retry at once. Returns whether some were left for a next round.
pub async fn deliver_due(db: &Db, storage: &Storage, retry: Retry) -> worker::Result<bool> {
    let now = Date::now().as_millis();
    let statement = "SELECT d.id, d.event, d.type, d.body, d.attempts, w.url, w.format, w.language, w.secret
        FROM deliveries d JOIN webhooks w ON w.id = d.webhook WHERE d.next_at <= ? ORDER BY d.next_at LIMIT ?";
    let due: Vec<Due> = db.rows(statement, vec![int(now), int(BATCH)])?;
    let full = due.len() as u64 == BATCH;
    let mut sending = FuturesUnordered::new();
    for delivery in due {
        let attempt = delivery.attempts + 1;
        if attempt > retry.max_attempts {
            // Its last attempt was cut short by a restart.
            db.run("UPDATE deliveries SET state = 'failed', next_at = NULL WHERE id = ?", vec![int(delivery.id)])?;
            continue;
        }
        // Claimed before it leaves: the retry is due as if this attempt failed.
        let lease = retry.next_at(now + retry.timeout_ms, attempt);
        db.run("UPDATE deliveries SET attempts = ?, next_at = ? WHERE id = ?", vec![int(attempt.into()), int(lease), int(delivery.id)])?;
        let statement = "INSERT OR REPLACE INTO attempts (delivery, n, at, error) VALUES (?, ?, ?, 'interrupted')";
        db.run(statement, vec![int(delivery.id), int(attempt.into()), rfc3339_from_millis(now).into()])?;
        sending.push(async move {
            let outcome = send(&delivery, retry).await;
            (delivery, attempt, outcome)
        });
    }
    while let Some((delivery, attempt, outcome)) = sending.next().await {
        let statement = "UPDATE attempts SET status = ?, error = ? WHERE delivery = ? AND n = ?";
        let status = outcome.status.map_or(worker::SqlStorageValue::Null, |status| int(status.into()));
        db.run(statement, vec![status, outcome.error.clone().into(), int(delivery.id), int(attempt.into())])?;
        let (state, next_at) = if outcome.delivered() {
            ("delivered", None)
        } else if attempt >= retry.max_attempts {
            ("failed", None)
        } else {
            ("pending", Some(retry.next_at(Date::now().as_millis(), attempt)))
        };
        db.run("UPDATE deliveries SET state = ?, next_at = ? WHERE id = ?", vec![state.into(), next_at.map_or(worker::SqlStorageValue::Null, int), int(delivery.id)])?;
        if let Some(at) = next_at {
            wake_by(storage, at).await?;
        }
    }
    Ok(full)
}

/// One attempt: the event in the webhook's format, answered within the timeout or abandoned.
async fn send(delivery: &Due, retry: Retry) -> Outcome {
    let failed = |error: String| Outcome { status: None, error: Some(error) };
    if !worker::Url::parse(&delivery.url).is_ok_and(|url| deliverable(&url, retry.allow_loopback)) {
        return failed("not a public https address: not sent".to_owned());
    }
    let timeout_ms = retry.timeout_ms;
    let request = match request(delivery) {
        Ok(request) => request,
        Err(err) => return failed(err.to_string()),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let answer = Box::pin(fetch.send_with_signal(&signal));
    match select(answer, Box::pin(Delay::from(Duration::from_millis(timeout_ms)))).await {
        Either::Left((Ok(response), _)) => Outcome { status: Some(response.status_code()), error: None },
        Either::Left((Err(err), _)) => failed(err.to_string()),
        Either::Right(_) => {
            controller.abort();
            failed(format!("no answer within {timeout_ms} ms"))
        }
    }
}

fn request(delivery: &Due) -> worker::Result<Request> {
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set("user-agent", "Gazouillis-Webhooks/1")?;
    let body = match delivery.format {
        Format::Slack => slack_body(&serde_json::from_str::<Event>(&delivery.body)?, delivery.language),
        Format::Json => {
            headers.set(EVENT_ID_HEADER, &delivery.event)?;
            headers.set(EVENT_TYPE_HEADER, &delivery.kind)?;
            headers.set(SIGNATURE_HEADER, &signature(&delivery.secret, Date::now().as_millis() / 1000, &delivery.body))?;
            delivery.body.clone()
        }
    };
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    Request::new_with_init(&delivery.url, &init)
}

impl Db {
    /// When the next pending delivery is due, if one is.
    pub(super) fn next_delivery(&self) -> worker::Result<Option<u64>> {
        self.number("SELECT min(next_at) AS n FROM deliveries WHERE next_at IS NOT NULL", vec![])
    }
}

impl AccountHub {
    /// Sends what is due right after the current answer leaves, then sets
    /// the alarm for the retries.
    pub(super) fn deliver_soon(&self) {
        let (db, storage, retry) = (self.db.clone(), self.state.storage(), Retry::from_env(&self.env));
        self.state.wait_until(async move {
            // A timer's turn: the answer leaves first.
            Delay::from(Duration::ZERO).await;
            let result = async {
                while deliver_due(&db, &storage, retry).await? {}
                match db.next_delivery()? {
                    Some(at) => wake_by(&storage, at).await,
                    None => Ok(()),
                }
            };
            if let Err(err) = result.await {
                worker::console_error!("webhook delivery failed, retried by the alarm: {err}");
            }
        });
    }
}
