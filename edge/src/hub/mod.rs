//! The account hub: one Durable Object per account, the single writer of
//! everything about that account.
//!
//! Why: Workers KV cannot count concurrent writes nor keep a list that many
//! clients append to. The hub applies every write of its account, one at a
//! time, to its own SQLite storage (`schema` in the protocol crate), where
//! counts are exact; then it materializes the read views into KV (`views`),
//! where every read call costs one KV read. It is also the account's live
//! hub: widgets hold a WebSocket to it and get every write the moment it is
//! stored (`live`).
//!
//! Each concern has its own file: `posts`, `replies`, `follows`,
//! `moderation` (settings, queue, hiding), `triage` (the brand's replies to
//! answer: the API's `/inbox`), `stats` (the brand's), `tokens` (brand
//! tokens and the SSO secret), `search`, `watches` (and mentions),
//! `activity` (and buzz), `offers`, `media` (posts' pictures), `visitors`
//! (one visitor's data, for `/v1/me`); `emit` (the one place a write is
//! told: to open widgets, then to each destination), `webhooks` (a
//! destination: alerts), `push` (a destination: the followers' browsers),
//! `outbox` (every destination's deliveries) and `handoff` (the outbox's
//! queue path, for a post to thousands);
//! `limits` (the abuse limits on visitors' writes), `live`, `views` (flushing to KV, and answering reads KV cannot yet),
//! `alarm` (the one alarm, shared by what is due later), `db` (the hub's
//! SQLite, on which `gazouillis_protocol::store`'s queries run, one file
//! per table group) and `migrate` (the schema, and hubs written before
//! SQLite). This file is the door: the families of commands the Worker
//! sends (each concern's file owns its enum and applies it to a typed
//! result), how a result crosses back ([`Answer`]), and the Durable Object's
//! entry points.
//!
//! Not here: HTTP (requests and statuses), authentication and validation (the Worker's
//! handlers do them before calling the hub).

mod account;
mod activity;
mod alarm;
mod db;
mod emit;
mod follows;
mod handoff;
mod limits;
mod live;
mod media;
mod migrate;
mod moderation;
mod offers;
mod outbox;
mod posts;
mod push;
mod replies;
mod search;
mod stats;
mod tokens;
mod triage;
mod views;
mod visitors;
mod watches;
mod webhooks;

pub use account::AccountCommand;
pub use activity::ActivityCommand;
pub use follows::FollowCommand;
pub use handoff::consume;
pub use media::MediaCommand;
pub use moderation::ModerationCommand;
pub use offers::{Claim, OfferCommand};
pub use posts::PostCommand;
pub use push::PushCommand;
pub use replies::{NewReply, ReplyCommand};
pub use search::SearchCommand;
pub use stats::StatsCommand;
pub use tokens::{SsoCustomer, TokenCommand};
pub use triage::TriageCommand;
pub use views::{View, ViewCommand};
pub use visitors::{VisitorCommand, VisitorData};
pub use watches::WatchCommand;
pub use webhooks::WebhookCommand;

use crate::error::{ApiError, ApiResult};
use db::Db;
use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::live::{PING, PONG};
use gazouillis_protocol::{BrandToken, ErrorCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::cell::Cell;
use worker::{
    durable_object, worker_sys::WebSocketRequestResponsePair, DurableObject, Env, Headers, Method, Request, RequestInit,
    Response, State, WebSocket, WebSocketIncomingMessage,
};

/// Declares the commands the Worker sends, one family per concern: each
/// family's file owns its enum and applies it ([`Apply`]). Adding a family is
/// one line here.
macro_rules! families {
    ($($family:ident($command:ty)),* $(,)?) => {
        /// A command sent to an account's hub, by family.
        #[derive(Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Command {
            $($family($command)),*
        }

        $(impl From<$command> for Command {
            fn from(command: $command) -> Self {
                Command::$family(command)
            }
        })*

        impl AccountHub {
            async fn apply(&self, command: Command) -> Answered {
                match command {
                    $(Command::$family(command) => command.apply(self).await),*
                }
            }
        }
    };
}

families! {
    Account(AccountCommand),
    Posts(PostCommand),
    Media(MediaCommand),
    Replies(ReplyCommand),
    Follows(FollowCommand),
    Moderation(ModerationCommand),
    Tokens(TokenCommand),
    Stats(StatsCommand),
    Activity(ActivityCommand),
    Triage(TriageCommand),
    Search(SearchCommand),
    Watches(WatchCommand),
    Webhooks(WebhookCommand),
    Offers(OfferCommand),
    Visitors(VisitorCommand),
    Views(ViewCommand),
    Push(PushCommand),
    Outbox(handoff::OutboxCommand),
}

/// How a family of commands is applied to the hub: each command's typed
/// result, as an [`Answered`].
trait Apply {
    async fn apply(self, hub: &AccountHub) -> Answered;
}

/// A command's typed result (its value, or an [`ApiError`]) as it crosses
/// from the hub to the Worker, in JSON.
struct Answered(String);

impl<T: Serialize> From<ApiResult<T>> for Answered {
    fn from(result: ApiResult<T>) -> Self {
        let internal = || r#"{"Err":{"code":"internal","message":"Something went wrong on our side."}}"#.to_owned();
        Answered(serde_json::to_string(&result).unwrap_or_else(|_| internal()))
    }
}

/// A hub's answer to a command: its value in JSON, and the account's version
/// after it. The Worker reads the value ([`Answer::value`]) or shapes it into
/// the API's answer ([`Answer::respond`], [`Answer::done`]).
pub struct Answer {
    value: Box<RawValue>,
    version: Option<u64>,
}

impl Answer {
    /// The value, typed as the command answers it.
    pub fn value<T: DeserializeOwned>(&self) -> ApiResult<T> {
        serde_json::from_str(self.value.get()).map_err(|err| {
            worker::console_error!("a hub's answer is not the value expected: {err}");
            ErrorCode::Internal.into()
        })
    }

    /// The account's version after the command, as the hub named it.
    pub fn version(&self) -> Option<u64> {
        self.version
    }

    /// The value as the API answers it, with `status`.
    pub fn respond(self, status: u16) -> ApiResult {
        let response = Response::ok(self.value.get())?.with_status(status);
        response.headers().set("content-type", "application/json")?;
        self.versioned(response)
    }

    /// `value` (derived from the answer) as the API answers it, with `status`.
    pub fn respond_with<T: Serialize>(self, status: u16, value: &T) -> ApiResult {
        self.versioned(Response::from_json(value)?.with_status(status))
    }

    /// 204: done, with nothing to say.
    pub fn done(self) -> ApiResult {
        self.versioned(Response::empty()?.with_status(204))
    }

    /// Every answer names the account's version after it (read your writes).
    fn versioned(self, response: Response) -> ApiResult {
        if let Some(version) = self.version {
            response.headers().set(VERSION_HEADER, &version.to_string())?;
        }
        Ok(response)
    }
}

/// Sends a command to the hub of `handle` and returns its answer.
pub async fn send(env: &Env, handle: &str, command: impl Into<Command>) -> ApiResult<Answer> {
    request(env, handle, command.into(), Headers::new()).await
}

/// [`send`] for a visitor's write from a web page: the page's site (its
/// `Origin`) goes along, for the hub to refuse it unless the account allows it.
pub async fn send_from(env: &Env, handle: &str, command: impl Into<Command>, from: &Request) -> ApiResult<Answer> {
    let headers = Headers::new();
    if let Some(origin) = from.headers().get("origin")? {
        headers.set(ORIGIN_HEADER, &origin)?;
    }
    request(env, handle, command.into(), headers).await
}

/// The brand of an account: the operator, or one of the account's brand
/// tokens, which its hub checks before it writes (the Worker's `auth` tells
/// which a caller is).
pub enum Brand {
    Operator,
    Token(BrandToken),
}

/// [`send`] with the brand's authority: a brand token goes along, for the hub
/// (which keeps the account's tokens) to check before it acts.
pub async fn send_as(env: &Env, handle: &str, command: impl Into<Command>, brand: &Brand) -> ApiResult<Answer> {
    let headers = Headers::new();
    if let Brand::Token(token) = brand {
        headers.set(BRAND_TOKEN_HEADER, &token.to_string())?;
    }
    request(env, handle, command.into(), headers).await
}

async fn request(env: &Env, handle: &str, command: Command, headers: Headers) -> ApiResult<Answer> {
    let body = serde_json::to_string(&command).map_err(|_| ErrorCode::Internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let req = Request::new_with_init(&format!("https://hub/{handle}"), &init)?;
    let mut reply = forward(env, handle, req).await?;
    let version = reply.headers().get(VERSION_HEADER)?.and_then(|version| version.parse().ok());
    // serde_json, not the JS parser: post numbers are u64, and JS numbers lose them past 2^53.
    let result: Result<Box<RawValue>, ApiError> = serde_json::from_str(&reply.text().await?).map_err(|err| {
        worker::console_error!("a hub's reply is not JSON: {err}");
        ErrorCode::Internal
    })?;
    Ok(Answer { value: result?, version })
}

/// How a brand token reaches the hub (only the Worker calls the hub).
const BRAND_TOKEN_HEADER: &str = "x-gazouillis-brand-token";
/// How the site of a visitor's page reaches the hub.
const ORIGIN_HEADER: &str = "x-gazouillis-origin";

/// Hands a request to the hub of `handle`: a command from [`send`], or a
/// WebSocket upgrade, which the hub accepts to push the account's events.
pub async fn forward(env: &Env, handle: &str, req: Request) -> ApiResult {
    let stub = env.durable_object("HUB")?.id_from_name(handle)?.get_stub()?;
    Ok(stub.fetch_with_request(req).await?)
}

/// Whether a request asks to become a WebSocket.
pub fn is_upgrade(req: &Request) -> bool {
    req.headers().get("upgrade").ok().flatten().is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

#[durable_object]
pub struct AccountHub {
    state: State,
    env: Env,
    db: Db,
    /// When the views were last flushed to KV (ms since 1970; 0: not since this hub started).
    last_flush: Cell<u64>,
    /// When the views last changed, while `VIEW_DELAY_MS` holds flushes back (0: not since this hub started).
    last_change: Cell<u64>,
}

impl DurableObject for AccountHub {
    fn new(state: State, env: Env) -> Self {
        // Keep-alive pings are answered by the runtime, without waking the hub.
        if let Ok(pair) = WebSocketRequestResponsePair::new(PING, PONG) {
            state.set_websocket_auto_response(&pair);
        }
        // Nothing reaches the hub before its storage is on the current schema.
        let _migrated = state.block_concurrency_while(migrate::migrate(state.storage()));
        let db = Db::new(state.storage().sql());
        AccountHub { state, env, db, last_flush: Cell::new(0), last_change: Cell::new(0) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if is_upgrade(&req) {
            return self.accept_live(&crate::limiter::client_ip(&req)).or_else(ApiError::into_response);
        }
        let outcome = match self.door(&mut req).await {
            Ok(command) => self.apply(command).await,
            Err(refused) => Answered::from(Err::<(), _>(refused)),
        };
        let answer = Response::ok(outcome.0)?;
        if let Some(version) = self.db.version()? {
            answer.headers().set(VERSION_HEADER, &version.to_string())?;
        }
        Ok(answer)
    }

    /// The hub's alarm rang (`alarm`).
    async fn alarm(&self) -> worker::Result<Response> {
        self.ring().await?;
        Response::empty()
    }

    async fn websocket_message(&self, _ws: WebSocket, _message: WebSocketIncomingMessage) -> worker::Result<()> {
        // Clients only ping, which the runtime answers; anything else is ignored.
        Ok(())
    }

    async fn websocket_close(&self, ws: WebSocket, _code: usize, _reason: String, _clean: bool) -> worker::Result<()> {
        // Completes the closing handshake; the socket may already be gone.
        let _ = ws.close(Some(1000), Some("bye"));
        Ok(())
    }

    async fn websocket_error(&self, _ws: WebSocket, _error: worker::Error) -> worker::Result<()> {
        Ok(())
    }
}

impl AccountHub {
    /// The command a request carries, once the checks every command goes
    /// through passed: the brand token, the page's site (see [`send_as`],
    /// [`send_from`]).
    async fn door(&self, req: &mut Request) -> ApiResult<Command> {
        if let Some(token) = req.headers().get(BRAND_TOKEN_HEADER)? {
            self.check_brand_token(&token).await?;
        }
        if let Some(origin) = req.headers().get(ORIGIN_HEADER)?
            && !self.db.settings()?.allows_origin(&origin)
        {
            return Err(ErrorCode::OriginNotAllowed.into());
        }
        // serde_json, not the JS parser: post numbers are u64, and JS numbers lose them past 2^53.
        let body = req.text().await?;
        let value: serde_json::Value = serde_json::from_str(&body).map_err(|_| ErrorCode::BadRequest)?;
        serde_json::from_value(value).map_err(|_| ErrorCode::BadRequest.into())
    }
}
