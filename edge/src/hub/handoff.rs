//! The outbox's queue path: a post to thousands of followers' browsers is
//! more than one hub sends well (one Durable Object, one thread, at most
//! 1,000 subrequests an invocation). Where the `DELIVERIES` Cloudflare
//! Queue is bound, a round of the outbox with more than `outbox::BATCH` due
//! takes up to [`ROUND`] of them: it sends the first `BATCH` itself (at
//! once: the queue waits up to a second to fill a batch) and hands the rest
//! over ([`hand`]), a few dozen to a message. The Worker's queue consumer
//! ([`consume`]) makes each attempt, as the hub would, and hands the
//! outcomes back to the hub, which records them (`outbox::record`): the
//! queue runs as many consumers as its backlog needs, each within its own
//! limits.
//!
//! A handed-off delivery's lease is [`LEASE_MS`] longer: one whose outcome
//! never comes back (a consumer that failed) is tried again by the hub's
//! alarm after it.
//!
//! Not here: claiming, the rules and the log (`outbox`), requests
//! (each destination's).

use super::db::Db;
use super::outbox::{attempt, record, Job, Sent, BATCH};
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use futures_util::stream::{self, StreamExt};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use worker::{Env, MessageBatch, Queue};

/// Most deliveries handed off in one round of the outbox.
pub const ROUND: usize = 1_000;

/// How much longer a handed-off delivery's lease is than its destination's.
pub const LEASE_MS: u64 = 10 * 60_000;

/// Deliveries in one message: a consumer's batch (`max_batch_size`
/// messages) stays well within a Worker's subrequests.
const PER_MESSAGE: usize = 25;

/// Most bytes of messages sent at once (a queue takes up to 256 KB in one
/// `sendBatch`, and a message may be held as UTF-16), and most messages.
const SEND_BYTES: usize = 100_000;
const SEND_MESSAGES: usize = 100;

/// A message: some of an account's claimed deliveries.
#[derive(Serialize, Deserialize)]
struct Handoff<'a> {
    account: Cow<'a, str>,
    jobs: Cow<'a, [Job]>,
}

/// The queue deliveries are handed to, where one is bound.
pub fn queue(env: &Env) -> Option<Queue> {
    env.queue("DELIVERIES").ok()
}

/// Hands `jobs` (claimed from the outbox of `db`) to `queue`.
pub async fn hand(db: &Db, queue: &Queue, jobs: Vec<Job>) -> worker::Result<()> {
    let account = db.account().map_err(|err| err.message)?.handle;
    let (mut sending, mut bytes) = (Vec::new(), 0);
    for jobs in jobs.chunks(PER_MESSAGE) {
        let message = serde_json::to_string(&Handoff { account: Cow::Borrowed(&account), jobs: Cow::Borrowed(jobs) })?;
        if bytes + message.len() > SEND_BYTES || sending.len() == SEND_MESSAGES {
            queue.send_batch(std::mem::take(&mut sending)).await?;
            bytes = 0;
        }
        bytes += message.len();
        sending.push(message);
    }
    if !sending.is_empty() {
        queue.send_batch(sending).await?;
    }
    Ok(())
}

/// The Worker's queue consumer: makes the attempts of each message
/// ([`BATCH`] at a time), then hands their outcomes back to the account's
/// hub. A message unread, or whose outcomes the hub did not take, is left
/// to its deliveries' leases.
pub async fn consume(batch: MessageBatch<String>, env: &Env) -> worker::Result<()> {
    for message in batch.messages()? {
        let handoff: Handoff = match serde_json::from_str(message.body()) {
            Ok(handoff) => handoff,
            Err(err) => {
                worker::console_error!("a queued delivery message is unreadable, left to its leases: {err}");
                continue;
            }
        };
        let sent: Vec<Sent> = stream::iter(handoff.jobs.iter()).map(|job| async move { job.sent(attempt(env, job).await) }).buffer_unordered(BATCH).collect().await;
        if let Err(err) = super::send(env, &handoff.account, OutboxCommand::Record { sent }).await {
            worker::console_error!("outcomes of queued deliveries not recorded, tried again after their leases: {}", err.message);
        }
    }
    Ok(())
}

/// What a queue's consumer hands back.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OutboxCommand {
    /// How the attempts of handed-off deliveries ended.
    Record { sent: Vec<Sent> },
}

impl Apply for OutboxCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            OutboxCommand::Record { sent } => hub.record_handed_back(&sent).await.into(),
        }
    }
}

impl AccountHub {
    async fn record_handed_back(&self, sent: &[Sent]) -> ApiResult<()> {
        let storage = self.state.storage();
        for sent in sent {
            record(&self.db, &self.env, &storage, sent).await?;
        }
        Ok(())
    }
}
