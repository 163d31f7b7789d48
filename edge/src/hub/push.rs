//! Web Push from the hub: the copies of visitors' push subscriptions (their
//! ledger hands each change here), and a destination of what the hub emits.
//! A new post goes to every notified follower's browsers; the brand's
//! answer in a thread to the browsers of the visitors who replied there
//! before it and asked to be told. Nothing is pushed for a post shown again
//! (`Emitted::Shown`), a held reply or a visitor's own reply.
//!
//! Each delivery is one message to one subscription: its plaintext payload
//! (`gazouillis_push::payload`, in the subscription's language) waits in the
//! outbox, and is encrypted and signed at each attempt (`webpush`), once
//! the post is checked to be still shown. A push service's 404 or 410 ends
//! the subscription, here and in its visitor's ledger.
//!
//! Not here: subscribing (the Worker's `push`), the formats
//! (`gazouillis_push`), sending and retrying (`outbox`).

use super::db::Db;
use super::emit::{Destination, Emitted};
use super::outbox::policy_from_env;
use super::{AccountHub, Apply, Answered};
use crate::config;
use crate::error::ApiResult;
use crate::webpush::{vapid, WebCrypto};
use futures_util::future::LocalBoxFuture;
use gazouillis_protocol::i18n::Lang;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::outbox::Policy;
use gazouillis_protocol::site::post_page;
use gazouillis_protocol::store::deliveries::Due;
use gazouillis_protocol::store::push::{self, Audience, Fanout, PushTarget, DESTINATION};
use gazouillis_protocol::store::{posts, replies};
use gazouillis_protocol::time::{millis_from_rfc3339, rfc3339_from_millis};
use gazouillis_protocol::{Badge, ErrorCode, Post, PostId, Reply, ReplyId};
use gazouillis_push::subscription::unb64;
use gazouillis_push::{ece, payload, vapid as jwt};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::{Date, Env, Headers, Method, Request, RequestInit, Url};

/// A subscription's finished deliveries kept in the log.
const LOG: u64 = 5;

/// Subscriptions a message is written out to at a time (in one turn of the
/// hub: a few milliseconds).
const CHUNK: u64 = 1_000;

/// How pushes are retried: a push service that answers 404 or 410 has
/// dropped the subscription; one that refuses the message (400, 401, 403,
/// 413) will refuse it again.
const POLICY: Policy = Policy { first_retry_ms: 10_000, max_attempts: 6, timeout_ms: 10_000, forgets_gone: true, refused: &[400, 401, 403, 413] };

/// How long a push service keeps a message for a browser offline (seconds).
const POST_TTL: u64 = 86_400;
const ANSWER_TTL: u64 = 7 * 86_400;

/// Visitors' push subscriptions, as their ledger hands them.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum PushCommand {
    /// `targets` are now all of `visitor`'s subscriptions.
    Sync { visitor: String, targets: Vec<PushTarget> },
}

impl Apply for PushCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            PushCommand::Sync { visitor, targets } => hub.sync_push(&visitor, &targets).into(),
        }
    }
}

impl AccountHub {
    fn sync_push(&self, visitor: &str, targets: &[PushTarget]) -> ApiResult<()> {
        Ok(push::sync(&self.db, visitor, targets)?)
    }

    /// Puts a message to `audience` in the outbox, its payload written by
    /// `write` in each subscription's language, and sends it soon (written
    /// out as deliveries after the answer, [`CHUNK`] at a time).
    fn push_to(&self, audience: &Audience, event: &str, kind: &str, write: impl Fn(Lang) -> String) -> ApiResult<()> {
        let now = Date::now().as_millis();
        let (en, fr) = (write(Lang::En), write(Lang::Fr));
        let message = Fanout { event, kind, en: &en, fr: &fr, now, created_at: &rfc3339_from_millis(now) };
        push::fan_out(&self.db, audience, &message)?;
        self.deliver_soon();
        Ok(())
    }

    /// A new post, to every notified follower.
    fn push_post(&self, post: &Post) -> ApiResult<()> {
        let Some(origin) = config::public_origin(&self.env) else { return Ok(()) };
        let account = self.db.account()?;
        let url = format!("{origin}{}", post_page(&post.id.parse::<PostId>().map_err(|()| ErrorCode::Internal)?));
        let (shown, from) = (as_sent(post, &url), payload::Account { handle: &account.handle, name: &account.name });
        self.push_to(&Audience::Notified, &post.id, "post", |lang| payload::post(lang, &from, &shown))
    }

    /// The brand's answer, to the visitors who replied before it in its thread.
    fn push_answer(&self, reply: &Reply) -> ApiResult<()> {
        let Some(origin) = config::public_origin(&self.env) else { return Ok(()) };
        let id: ReplyId = reply.id.parse().map_err(|()| ErrorCode::Internal)?;
        let Some(post) = self.db.shown_post(id.post.seq)? else { return Ok(()) };
        let account = self.db.account()?;
        let url = format!("{origin}{}", post_page(&id.post));
        let (thread, from) = (as_sent(&post, &url), payload::Account { handle: &account.handle, name: &account.name });
        let answer = payload::Reply { id: &reply.id, text: &reply.text };
        self.push_to(&Audience::Thread { post: id.post.seq, seq: id.seq }, &reply.id, "answer", |lang| payload::answer(lang, &from, &thread, &answer))
    }
}

/// `post` as a notification carries it, its page at `url`.
fn as_sent<'a>(post: &'a Post, url: &'a str) -> payload::Post<'a> {
    let offer_ends_at = post.offer.as_ref().map(|offer| offer.ends_at.as_str());
    payload::Post { id: &post.id, text: &post.text, url, created_at: &post.created_at, offer_ends_at }
}

/// The followers' browsers as a destination of what the hub emits.
pub(super) struct FollowerPush;

/// A subscription as a push's request needs it (base64url keys).
#[derive(Serialize, Deserialize)]
struct Browser {
    endpoint: String,
    p256dh: String,
    auth: String,
}

impl Destination for FollowerPush {
    fn name(&self) -> &'static str {
        DESTINATION
    }

    fn take(&self, hub: &AccountHub, emitted: &Emitted) -> ApiResult<()> {
        match emitted {
            Emitted::Public(Event::Post { post }) => hub.push_post(post),
            Emitted::Public(Event::Reply { reply, .. }) if reply.author.badge == Some(Badge::Brand) => hub.push_answer(reply),
            _ => Ok(()),
        }
    }

    fn write_out(&self, db: &Db) -> worker::Result<bool> {
        push::write_out(db, CHUNK, LOG)
    }

    /// [`POLICY`], as the vars `PUSH_*` change it.
    fn policy(&self, env: &Env) -> Policy {
        policy_from_env(env, "PUSH", POLICY)
    }

    fn allows_loopback(&self, env: &Env) -> bool {
        config::loopback_allowed(env, "PUSH")
    }

    /// A post still shown; an answer still shown, in a thread still shown.
    fn wanted(&self, db: &Db, due: &Due) -> worker::Result<bool> {
        let shown_post = |id: &PostId| -> worker::Result<bool> { Ok(posts::shown(db, id.seq)?.is_some()) };
        Ok(match due.kind.as_str() {
            "post" => due.event.parse::<PostId>().ok().map(|id| shown_post(&id)).transpose()?.unwrap_or(false),
            "answer" => match due.event.parse::<ReplyId>() {
                Ok(id) => shown_post(&id.post)? && replies::find(db, id.post.seq, id.seq)?.is_some_and(|reply| !reply.hidden()),
                Err(()) => false,
            },
            _ => false,
        })
    }

    /// The subscription's endpoint and keys.
    fn recipient(&self, db: &Db, due: &Due) -> worker::Result<Value> {
        let target = push::find(db, &due.target)?.ok_or("the subscription is gone")?;
        Ok(serde_json::to_value(Browser { endpoint: target.endpoint, p256dh: target.p256dh, auth: target.auth })?)
    }

    /// The payload encrypted for the subscription (RFC 8291), with the
    /// edge's VAPID JWT for the push service (RFC 8292).
    fn request<'a>(&'a self, env: &'a Env, due: &'a Due, recipient: &'a Value) -> LocalBoxFuture<'a, worker::Result<Request>> {
        Box::pin(async move {
            let target = Browser::deserialize(recipient)?;
            let vapid = vapid(env).await?.ok_or("push is off: VAPID_PRIVATE_KEY is not set")?;
            let endpoint = Url::parse(&target.endpoint)?;
            let (p256dh, auth) = (unb64(&target.p256dh).ok_or("unreadable p256dh")?, unb64(&target.auth).ok_or("unreadable auth")?);
            let mut salt = [0u8; 16];
            getrandom::getrandom(&mut salt).map_err(|err| err.to_string())?;
            let body = ece::encrypt(&WebCrypto, &p256dh, &auth, salt, due.body.as_bytes()).await?;
            let now = Date::now().as_millis();
            let authorization = vapid.authorization(&jwt::audience(&endpoint), &config::vapid_subject(env), now / 1000).await?;
            let headers = Headers::new();
            headers.set("content-type", "application/octet-stream")?;
            headers.set("content-encoding", "aes128gcm")?;
            headers.set("authorization", &authorization)?;
            headers.set("urgency", "normal")?;
            let (ttl, topic) = delivery_terms(due, now);
            headers.set("ttl", &ttl.to_string())?;
            if let Some(topic) = topic {
                headers.set("topic", &topic)?;
            }
            let mut init = RequestInit::new();
            init.with_method(Method::Post).with_headers(headers).with_body(Some(worker::js_sys::Uint8Array::from(body.as_slice()).into()));
            Request::new_with_init(endpoint.as_str(), &init)
        })
    }

    /// The subscription goes, here and in its visitor's ledger.
    fn forget<'a>(&'a self, env: &'a Env, db: &'a Db, target: &'a str) -> LocalBoxFuture<'a, worker::Result<()>> {
        Box::pin(async move {
            let Some(gone) = push::find(db, target)? else { return Ok(()) };
            push::forget(db, target)?;
            crate::ledger::unsubscribe(env, &gone.visitor, target).await.map_err(|err| err.code.as_str().to_owned())?;
            Ok(())
        })
    }
}

/// A message's TTL (seconds) and topic: a post's lasts a day (until its
/// offer ends, if sooner) and replaces the account's previous post still
/// waiting (`Topic`: a burst of posts shows as the latest); an answer's
/// lasts a week.
fn delivery_terms(due: &Due, now: u64) -> (u64, Option<String>) {
    #[derive(Deserialize)]
    struct Sent {
        account: SentAccount,
        post: SentPost,
    }
    #[derive(Deserialize)]
    struct SentAccount {
        handle: String,
    }
    #[derive(Deserialize)]
    struct SentPost {
        offer: Option<SentOffer>,
    }
    #[derive(Deserialize)]
    struct SentOffer {
        ends_at: String,
    }
    if due.kind != "post" {
        return (ANSWER_TTL, None);
    }
    let Ok(sent) = serde_json::from_str::<Sent>(&due.body) else { return (POST_TTL, None) };
    let until_end = sent.post.offer.and_then(|offer| millis_from_rfc3339(&offer.ends_at)).map(|end| end.saturating_sub(now) / 1000);
    (until_end.map_or(POST_TTL, |left| left.clamp(1, POST_TTL)), Some(sent.account.handle))
}
