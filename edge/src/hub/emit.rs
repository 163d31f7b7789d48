//! The one place the hub tells what it wrote. [`AccountHub::emit`] pushes a
//! public event (a post, a reply, a deletion, a count) to every open widget
//! (`live`), then hands what it emits to each destination, which takes what
//! it wants (its deliveries go in the outbox) and builds the requests that
//! deliver them: the brand's webhooks take its alerts (a mention of a
//! watched term, a buzz), the followers' browsers its new posts and answers
//! (`push`). A new destination (their fediverse inboxes) is one file with a
//! [`Destination`] and one line in [`DESTINATIONS`].
//!
//! Not here: sending and retrying (`outbox`).

use super::db::Db;
use super::push::FollowerPush;
use super::webhooks::WebhookAlerts;
use super::AccountHub;
use crate::error::ApiResult;
use futures_util::future::LocalBoxFuture;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::outbox::Policy;
use gazouillis_protocol::store::deliveries::Due;
use gazouillis_protocol::webhook::Alert;
use serde_json::Value;
use worker::{Env, Request};

/// What the hub emits.
pub(super) enum Emitted {
    /// For everyone, written now: what open widgets show at once, and what
    /// followers are told of off the page.
    Public(Event),
    /// For everyone, a change to what was written: a post or a reply hidden
    /// or shown again, which open widgets follow; nothing new to tell.
    Shown(Event),
    /// For the brand only.
    Alert(Alert),
}

/// Where emitted things go besides the open widgets.
pub(super) trait Destination: Sync {
    /// Its name in the outbox (`deliveries.destination`).
    fn name(&self) -> &'static str;
    /// Takes what it wants of `emitted`: its deliveries go in the outbox.
    fn take(&self, hub: &AccountHub, emitted: &Emitted) -> ApiResult<()>;
    /// Writes out some of the deliveries of a message it took for a large
    /// audience (in the outbox's rounds, after the write that raised it is
    /// answered). Returns whether some may be left.
    fn write_out(&self, _db: &Db) -> worker::Result<bool> {
        Ok(false)
    }
    /// How its deliveries are retried.
    fn policy(&self, env: &Env) -> Policy;
    /// Whether its receivers may be on `http://127.0.0.1` (the tests').
    fn allows_loopback(&self, env: &Env) -> bool;
    /// Whether `due` is still to be sent (checked before each attempt: a
    /// post deleted meanwhile is not).
    fn wanted(&self, _db: &Db, _due: &Due) -> worker::Result<bool> {
        Ok(true)
    }
    /// Where `due` goes and with which keys, read from the hub's tables
    /// before each attempt: all [`Destination::request`] needs besides
    /// `due`, so that a queue's consumer, which has no tables, builds the
    /// request too.
    fn recipient(&self, db: &Db, due: &Due) -> worker::Result<Value>;
    /// The request that delivers `due` to `recipient` now (built at each
    /// attempt; async, as signing through WebCrypto is).
    fn request<'a>(&'a self, env: &'a Env, due: &'a Due, recipient: &'a Value) -> LocalBoxFuture<'a, worker::Result<Request>>;
    /// Forgets `target`, gone for good (its subscriber row goes, and its
    /// deliveries with it). Called only where [`Destination::policy`]
    /// `forgets_gone`, which webhooks do not.
    fn forget<'a>(&'a self, _env: &'a Env, _db: &'a Db, _target: &'a str) -> LocalBoxFuture<'a, worker::Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// Every destination, each handed everything emitted, in turn.
static DESTINATIONS: [&dyn Destination; 2] = [&WebhookAlerts, &FollowerPush];

/// The destination of this name (`None`: none of this edge's).
pub(super) fn destination(name: &str) -> Option<&'static dyn Destination> {
    DESTINATIONS.iter().copied().find(|destination| destination.name() == name)
}

/// Writes out some waiting deliveries of every destination; whether some may be left.
pub(super) fn write_out(db: &Db) -> worker::Result<bool> {
    DESTINATIONS.iter().try_fold(false, |left, destination| Ok(destination.write_out(db)? || left))
}

impl AccountHub {
    /// Pushes a public event live, then hands `emitted` to every destination.
    pub(super) fn emit(&self, emitted: Emitted) -> ApiResult<()> {
        if let Emitted::Public(event) | Emitted::Shown(event) = &emitted {
            self.push_live(event);
        }
        DESTINATIONS.iter().try_for_each(|destination| destination.take(self, &emitted))
    }
}
