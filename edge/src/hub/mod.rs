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
//! `moderation` (settings, queue, hiding), `triage` (the brand's replies to answer: the API's `/inbox`) and `stats` (the brand's), `tokens` (brand tokens and the SSO
//! secret), `search`, `watches` (and mentions), `activity` (and buzz),
//! `emit` (the one place a write is told: to open widgets, then to each destination), `webhooks` and `outbox` (alerts and their delivery), `offers`, `media` (posts' pictures), `visitors`
//! (one visitor's data, for `/v1/me`), `live`, `views`
//! (flushing to KV, and answering reads KV cannot yet), `alarm` (the one alarm, shared by what is due later), `db` (typed SQL) and `migrate` (the schema, and hubs written before
//! SQLite). This file is the door: the commands the Worker sends, and the
//! Durable Object's entry points.
//!
//! Not here: HTTP parsing, authentication and validation (the Worker's
//! handlers do them before calling the hub).

mod account;
mod activity;
mod alarm;
mod db;
mod emit;
mod follows;
mod live;
mod media;
mod migrate;
mod moderation;
mod offers;
mod outbox;
mod posts;
mod replies;
mod search;
mod stats;
mod tokens;
mod triage;
mod views;
mod visitors;
mod watches;
mod webhooks;

pub use views::View;
pub use visitors::VisitorData;

use crate::error::{ApiError, ApiResult};
use db::Db;
use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::live::{PING, PONG};
use gazouillis_protocol::media::{ImageKind, NewImage};
use gazouillis_protocol::moderation::Settings;
use gazouillis_protocol::offer::CheckedOffer;
use gazouillis_protocol::webhook::NewWebhook;
use gazouillis_protocol::{Author, BrandToken, ErrorCode, InboxFilter};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use worker::{
    durable_object, worker_sys::WebSocketRequestResponsePair, DurableObject, Env, Headers, Method, Request, RequestInit,
    Response, State, WebSocket, WebSocketIncomingMessage,
};

/// A command sent to an account's hub.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    CreateAccount { name: String, bio: String },
    CreatePost { text: String, offer: Option<CheckedOffer>, images: Vec<NewImage> },
    /// Records an upload, checked by the edge.
    AddMedia { id: String, kind: ImageKind, width: u32, height: u32 },
    /// Deletes an upload no post took.
    DeleteMedia { id: String },
    DeletePost { seq: u64 },
    /// `author: None` is the account's brand itself; `ip` is the client's
    /// address, for the abuse limits.
    CreateReply { post: u64, author: Option<Author>, text: String, ip: String },
    /// `visitor: Some(id)` may delete only their own reply; `None` is the brand, who may delete any.
    DeleteReply { post: u64, seq: u64, visitor: Option<String> },
    Follow { visitor: String, follow: bool },
    /// Whether `visitor` follows the account, with the follower count.
    GetFollow { visitor: String },
    GetSettings,
    PutSettings { settings: Settings },
    ListQueue,
    /// Publishes (`approve`) or rejects the queued reply number `id`.
    Decide { id: u64, approve: bool },
    IssueToken { name: String },
    SetSsoSecret { secret: String },
    /// Answers the claims of a customer's SSO token signed with the account's secret, or 401.
    VerifySso { sso: String },
    ListTokens,
    RevokeToken { id: String },
    /// Answers 204 once the checks every command goes through passed: the
    /// brand token, the page's site (see [`send_as`], [`send_from`]).
    Check,
    /// [`Command::Check`], and 404 if the account does not exist: before
    /// work done outside the hub (an upload to R2).
    CheckAccount,
    /// Hides (`hidden: true`) or shows again post `post`, or its reply `reply`.
    Hide { post: u64, reply: Option<u64>, hidden: bool },
    ListHidden,
    /// The brand's statistics over the last `days` days.
    Stats { days: u32 },
    /// The brand's replies to answer (`/inbox`): up to `limit` visitor replies numbered below `before`, newest first.
    Triage { filter: InboxFilter, before: Option<u64>, limit: usize },
    /// Up to `limit` hits for query `q` indexed below `before`, newest first;
    /// `brand` (sent only with the brand's authority): queued and hidden ones too.
    Search { q: String, before: Option<u64>, limit: usize, brand: bool },
    GetWatches,
    /// Visitors' replies per hour over the last week, and its buzz episodes.
    Activity,
    /// Replaces the watched terms (already checked).
    PutWatches { terms: Vec<String> },
    /// Up to `limit` mentions numbered below `before`, newest first.
    Mentions { before: Option<u64>, limit: usize },
    ListWebhooks,
    /// Adds a webhook (its URL already checked).
    CreateWebhook { webhook: NewWebhook },
    DeleteWebhook { id: String },
    /// Up to `limit` deliveries of webhook `id` numbered below `before`, newest first.
    Deliveries { id: String, before: Option<u64>, limit: usize },
    /// Sends a test event to webhook `id`.
    TestWebhook { id: String },
    /// A follower's claim of post `post`'s offer.
    ClaimOffer { post: u64, visitor: String },
    /// What the account holds of a visitor ([`VisitorData`]): their download.
    VisitorData { visitor: String },
    /// Deletes what the account holds of a visitor, answering how much
    /// ([`gazouillis_protocol::Erased`]): their erasure.
    EraseVisitor { visitor: String },
    ListOffers,
    /// A read view as KV will hold it after the next flush, built now (404 if
    /// the view would be absent): for readers that KV has not caught up with.
    Read { view: View },
}

/// Sends a command to the hub of `handle` and returns its answer, already in
/// API form (status and JSON body).
pub async fn send(env: &Env, handle: &str, command: &Command) -> ApiResult {
    request(env, handle, command, Headers::new()).await
}

/// [`send`] for a visitor's write from a web page: the page's site (its
/// `Origin`) goes along, for the hub to refuse it unless the account allows it.
pub async fn send_from(env: &Env, handle: &str, command: &Command, from: &Request) -> ApiResult {
    let headers = Headers::new();
    if let Some(origin) = from.headers().get("origin")? {
        headers.set(ORIGIN_HEADER, &origin)?;
    }
    request(env, handle, command, headers).await
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
pub async fn send_as(env: &Env, handle: &str, command: &Command, brand: &Brand) -> ApiResult {
    let headers = Headers::new();
    if let Brand::Token(token) = brand {
        headers.set(BRAND_TOKEN_HEADER, &token.to_string())?;
    }
    request(env, handle, command, headers).await
}

async fn request(env: &Env, handle: &str, command: &Command, headers: Headers) -> ApiResult {
    let body = serde_json::to_string(command).map_err(|_| ErrorCode::Internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
    let req = Request::new_with_init(&format!("https://hub/{handle}"), &init)?;
    forward(env, handle, req).await
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
            return self.accept_live().or_else(ApiError::into_response);
        }
        let handle = req.path().trim_start_matches('/').to_owned();
        if let Some(token) = req.headers().get(BRAND_TOKEN_HEADER)?
            && let Err(refused) = self.check_brand_token(&token)
        {
            return refused.into_response();
        }
        if let Some(origin) = req.headers().get(ORIGIN_HEADER)?
            && !self.db.settings()?.allows_origin(&origin)
        {
            return ApiError::from(ErrorCode::OriginNotAllowed).into_response();
        }
        // serde_json, not the JS parser: post numbers are u64, and JS numbers lose them past 2^53.
        let command = req.text().await.ok().and_then(|body| serde_json::from_str::<Command>(&body).ok());
        let answer = match command {
            Some(command) => self.apply(&handle, command).await,
            None => Err(ErrorCode::BadRequest.into()),
        };
        let answer = answer.or_else(ApiError::into_response)?;
        // Every answer names the account's version after it (read your writes).
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
    async fn apply(&self, handle: &str, command: Command) -> ApiResult {
        match command {
            Command::CreateAccount { name, bio } => self.create_account(handle, name, bio).await,
            Command::CreatePost { text, offer, images } => self.create_post(text, offer, images).await,
            Command::AddMedia { id, kind, width, height } => self.add_media(id, kind, width, height).await,
            Command::DeleteMedia { id } => self.delete_media(&id).await,
            Command::DeletePost { seq } => self.delete_post(seq).await,
            Command::CreateReply { post, author, text, ip } => self.create_reply(post, author, text, &ip).await,
            Command::DeleteReply { post, seq, visitor } => self.delete_reply(post, seq, visitor).await,
            Command::Follow { visitor, follow } => self.follow(&visitor, follow).await,
            Command::GetFollow { visitor } => self.get_follow(&visitor),
            Command::GetSettings => self.get_settings(),
            Command::PutSettings { settings } => self.put_settings(settings),
            Command::ListQueue => self.list_queue(),
            Command::Decide { id, approve } => self.decide(id, approve).await,
            Command::IssueToken { name } => self.issue_token(name),
            Command::SetSsoSecret { secret } => self.set_sso_secret(&secret),
            Command::VerifySso { sso } => self.verify_sso(&sso),
            Command::ListTokens => self.list_tokens(),
            Command::RevokeToken { id } => self.revoke_token(&id),
            Command::Check => Ok(Response::empty()?.with_status(204)),
            Command::CheckAccount => {
                self.db.account()?;
                Ok(Response::empty()?.with_status(204))
            }
            Command::Hide { post, reply: None, hidden } => self.hide_post(post, hidden).await,
            Command::Hide { post, reply: Some(seq), hidden } => self.hide_reply(post, seq, hidden).await,
            Command::ListHidden => self.list_hidden(),
            Command::Triage { filter, before, limit } => self.list_triage(filter, before, limit),
            Command::Stats { days } => self.stats(days),
            Command::Search { q, before, limit, brand } => self.search(&q, before, limit, brand),
            Command::GetWatches => self.get_watches(),
            Command::Activity => self.activity(),
            Command::PutWatches { terms } => self.put_watches(terms),
            Command::Mentions { before, limit } => self.list_mentions(before, limit),
            Command::ListWebhooks => self.list_webhooks(),
            Command::CreateWebhook { webhook } => self.create_webhook(webhook),
            Command::DeleteWebhook { id } => self.delete_webhook(&id),
            Command::Deliveries { id, before, limit } => self.list_deliveries(&id, before, limit),
            Command::TestWebhook { id } => self.test_webhook(&id),
            Command::ClaimOffer { post, visitor } => self.claim_offer(post, &visitor).await,
            Command::VisitorData { visitor } => self.visitor_data(&visitor),
            Command::EraseVisitor { visitor } => self.erase_visitor(&visitor).await,
            Command::ListOffers => self.list_offers(),
            Command::Read { view } => self.read(&view),
        }
    }
}
