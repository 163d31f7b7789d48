//! The account hub: one Durable Object per account, the single writer of
//! everything about that account.
//!
//! Why: Workers KV cannot count concurrent writes nor keep a list that many
//! clients append to. The hub serializes every write of its account in its own
//! strongly consistent storage (one key per post, reply and follow, plus exact
//! counters), then materializes the read views into KV, where every read call
//! costs one KV read. View writes are coalesced by an alarm so that no KV key
//! is written more than about once a second, however many writes arrive.
//!
//! It is also the account's live hub: widgets hold a WebSocket to it
//! (hibernation API, so an idle connection costs nothing), and every write
//! is pushed to them as an [`Event`] the moment the hub has stored it, with
//! exact counts, without waiting for the KV views.
//!
//! Not here: HTTP parsing, authentication and validation (the handlers do them
//! before calling the hub).

mod hiding;

use crate::error::{ApiError, ApiResult};
use crate::http::json;
use gazouillis_protocol::keys;
use crate::auth::Brand;
use crate::limiter;
use gazouillis_protocol::moderation::Settings;
use gazouillis_protocol::token::{self, digest, same};
use gazouillis_protocol::limits::{PAGE_SIZE, RATE_REPLIES, RATE_REPLIES_IP};
use gazouillis_protocol::live::{Event, PING, PONG};
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::{
    Account, Author, Badge, BrandToken, ErrorCode, FollowState, IssuedToken, Pending, Post, PostId, Queue, Queued, Reply, ReplyId,
    TokenInfo,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use worker::{
    durable_object, worker_sys::WebSocketRequestResponsePair, Date, DurableObject, Env, Headers, ListOptions, Method, Request,
    RequestInit, Response, State, Storage, WebSocket, WebSocketIncomingMessage, WebSocketPair,
};

/// Shortest time between two flushes of views to KV, in milliseconds.
const FLUSH_INTERVAL_MS: u64 = 1_000;
const PAGE: u64 = PAGE_SIZE as u64;

/// A write sent to an account's hub.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Command {
    CreateAccount { name: String, bio: String },
    CreatePost { text: String },
    DeletePost { seq: u64 },
    /// `author: None` is the account's brand itself; `ip` is the client's
    /// address, for the abuse limits.
    CreateReply { post: u64, author: Option<Author>, text: String, ip: String },
    /// `visitor: Some(id)` may delete only their own reply; `None` is the brand, who may delete any.
    DeleteReply { post: u64, seq: u64, visitor: Option<String> },
    Follow { visitor: String, follow: bool },
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
    /// Hides (`hidden: true`) or shows again post `post`, or its reply `reply`.
    Hide { post: u64, reply: Option<u64>, hidden: bool },
    ListHidden,
    /// Reply `seq` of post `post`, hidden or not, if `visitor` wrote it.
    AuthoredReply { post: u64, seq: u64, visitor: String },
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

/// [`send`] with the brand's authority: a brand token goes along, for the hub
/// (which keeps the account's tokens) to check before it writes.
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

/// The hub's record of its account.
#[derive(Serialize, Deserialize)]
struct AccountRecord {
    account: Account,
    next_post: u64,
    /// Number of the next reply to enter the moderation queue.
    #[serde(default)]
    next_queued: u64,
}

/// The hub's record of one post.
#[derive(Serialize, Deserialize)]
struct PostRecord {
    post: Post,
    next_reply: u64,
}

/// A KV view that must be rewritten from the hub's storage.
#[derive(Debug, Serialize, Deserialize)]
enum View {
    Account,
    FeedHead,
    FeedPage(u64),
    Post(u64),
    Thread(u64, u64),
    Following(String),
    /// A visitor's reply: (visitor, post, reply).
    Authored(String, u64, u64),
}

impl View {
    /// The views showing a post: the account (its count), the feed pages it
    /// is on, the post and every page of its thread.
    fn of_post(seq: u64, record: &PostRecord) -> Vec<View> {
        let mut views = vec![View::Account, View::FeedHead, View::FeedPage(keys::page_of(seq)), View::Post(seq)];
        // Page 0 exists from the post's creation on, even with no reply.
        let thread_pages = record.next_reply.div_ceil(PAGE).max(1);
        views.extend((0..thread_pages).map(|page| View::Thread(seq, page)));
        views
    }

    /// The views a reply's creation or deletion changes: its post (and its
    /// count in the feed), its thread page, and for a visitor's, the index of
    /// what they wrote.
    fn of_reply(post: u64, seq: u64, author: &Author) -> Vec<View> {
        let mut views =
            vec![View::FeedHead, View::FeedPage(keys::page_of(post)), View::Post(post), View::Thread(post, keys::page_of(seq))];
        if !author.is_brand() {
            views.push(View::Authored(author.id.clone(), post, seq));
        }
        // The first reply of a new page: the page before now goes on here (its `next`).
        if seq > 0 && seq.is_multiple_of(PAGE) {
            views.push(View::Thread(post, keys::page_of(seq) - 1));
        }
        views
    }

    fn kv_key(&self, handle: &str) -> String {
        let post_id = |seq: u64| PostId { handle: handle.to_owned(), seq };
        match self {
            View::Account => keys::account(handle),
            View::FeedHead => keys::feed_head(handle),
            View::FeedPage(page) => keys::feed_page(handle, *page),
            View::Post(seq) => keys::post(&post_id(*seq)),
            View::Thread(seq, page) => keys::thread_page(&post_id(*seq), *page),
            View::Following(visitor) => keys::following(visitor, handle),
            View::Authored(visitor, post, seq) => keys::authored(visitor, &ReplyId { post: post_id(*post), seq: *seq }),
        }
    }
}

// Keys in the hub's own storage. Numbers are zero-padded so that key order is number order.
const ACCOUNT: &str = "account";
const HANDLE: &str = "handle";
fn post_key(seq: u64) -> String {
    format!("post/{seq:020}")
}
fn reply_prefix(post: u64) -> String {
    format!("reply/{post:020}/")
}
fn reply_key(post: u64, seq: u64) -> String {
    format!("{}{seq:020}", reply_prefix(post))
}
/// Hidden posts and replies are kept apart from the shown ones, so that
/// nothing that builds a view has to skip them.
const HIDDEN_POSTS: &str = "hidden_post/";
const HIDDEN_REPLIES: &str = "hidden_reply/";
fn hidden_post_key(seq: u64) -> String {
    format!("{HIDDEN_POSTS}{seq:020}")
}
fn hidden_reply_prefix(post: u64) -> String {
    format!("{HIDDEN_REPLIES}{post:020}/")
}
fn hidden_reply_key(post: u64, seq: u64) -> String {
    format!("{}{seq:020}", hidden_reply_prefix(post))
}
fn follower_key(visitor: &str) -> String {
    format!("follower/{visitor}")
}
const DIRTY: &str = "dirty/";
const TOKEN: &str = "token/";
const SETTINGS: &str = "settings";
const SSO_SECRET: &str = "sso_secret";
const QUEUE: &str = "queue/";
fn queue_key(n: u64) -> String {
    format!("{QUEUE}{n:020}")
}
fn token_key(id: &str) -> String {
    format!("{TOKEN}{id}")
}

/// A brand token as the hub keeps it: its name and the digest of its secret.
#[derive(Serialize, Deserialize)]
struct TokenRecord {
    name: String,
    digest: String,
}

#[durable_object]
pub struct AccountHub {
    state: State,
    env: Env,
    last_flush: Cell<u64>,
}

impl DurableObject for AccountHub {
    fn new(state: State, env: Env) -> Self {
        // Keep-alive pings are answered by the runtime, without waking the hub.
        if let Ok(pair) = WebSocketRequestResponsePair::new(PING, PONG) {
            state.set_websocket_auto_response(&pair);
        }
        AccountHub { state, env, last_flush: Cell::new(0) }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        if is_upgrade(&req) {
            return self.accept_live().await.or_else(ApiError::into_response);
        }
        let handle = req.path().trim_start_matches('/').to_owned();
        if let Some(token) = req.headers().get(BRAND_TOKEN_HEADER)?
            && let Err(refused) = self.check_brand_token(&token).await
        {
            return refused.into_response();
        }
        if let Some(origin) = req.headers().get(ORIGIN_HEADER)?
            && !self.settings().await?.allows_origin(&origin)
        {
            return ApiError::from(ErrorCode::OriginNotAllowed).into_response();
        }
        // serde_json, not the JS parser: post numbers are u64, and JS numbers lose them past 2^53.
        let command = req.text().await.ok().and_then(|body| serde_json::from_str::<Command>(&body).ok());
        let answer = match command {
            Some(command) => self.apply(&handle, command).await,
            None => Err(ErrorCode::BadRequest.into()),
        };
        answer.or_else(ApiError::into_response)
    }

    async fn alarm(&self) -> worker::Result<Response> {
        self.last_flush.set(Date::now().as_millis());
        self.flush().await?;
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
    fn storage(&self) -> Storage {
        self.state.storage()
    }

    async fn apply(&self, handle: &str, command: Command) -> ApiResult {
        match command {
            Command::CreateAccount { name, bio } => self.create_account(handle, name, bio).await,
            Command::CreatePost { text } => self.create_post(text).await,
            Command::DeletePost { seq } => self.delete_post(seq).await,
            Command::CreateReply { post, author, text, ip } => self.create_reply(post, author, text, &ip).await,
            Command::DeleteReply { post, seq, visitor } => self.delete_reply(post, seq, visitor).await,
            Command::Follow { visitor, follow } => self.follow(visitor, follow).await,
            Command::GetSettings => self.get_settings().await,
            Command::PutSettings { settings } => self.put_settings(settings).await,
            Command::ListQueue => self.list_queue().await,
            Command::Decide { id, approve } => self.decide(id, approve).await,
            Command::IssueToken { name } => self.issue_token(name).await,
            Command::SetSsoSecret { secret } => self.set_sso_secret(secret).await,
            Command::VerifySso { sso } => self.verify_sso(&sso).await,
            Command::ListTokens => self.list_tokens().await,
            Command::RevokeToken { id } => self.revoke_token(&id).await,
            Command::Check => Ok(Response::empty()?.with_status(204)),
            Command::Hide { post, reply: None, hidden } => self.hide_post(post, hidden).await,
            Command::Hide { post, reply: Some(seq), hidden } => self.hide_reply(post, seq, hidden).await,
            Command::ListHidden => self.list_hidden().await,
            Command::AuthoredReply { post, seq, visitor } => self.authored_reply(post, seq, &visitor).await,
        }
    }

    /// Accepts a live connection (hibernatable) and greets it with the
    /// account's exact counts and newest post.
    async fn accept_live(&self) -> ApiResult {
        let account = self.account().await?.account;
        let newest = ListOptions::new().prefix("post/").reverse(true).limit(1);
        let newest_post = self.values::<PostRecord>(newest).await?.pop().map(|record| record.post.id);
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
        pair.server.send_with_str(to_json(&Event::Hello { account, newest_post }))?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Pushes an event to every open widget of the account.
    fn publish(&self, event: &Event) {
        let message = to_json(event);
        for socket in self.state.get_websockets() {
            // A socket that is closing fails to send; its close handler tidies up.
            let _ = socket.send_with_str(&message);
        }
    }

    async fn account(&self) -> ApiResult<AccountRecord> {
        self.storage().get(ACCOUNT).await?.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }

    /// A shown post.
    async fn post(&self, seq: u64) -> ApiResult<PostRecord> {
        self.storage().get(&post_key(seq)).await?.ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// A post, shown or hidden: its record, and whether it is hidden.
    async fn any_post(&self, seq: u64) -> ApiResult<(PostRecord, bool)> {
        if let Some(record) = self.storage().get(&post_key(seq)).await? {
            return Ok((record, false));
        }
        let hidden = self.storage().get(&hidden_post_key(seq)).await?;
        hidden.map(|record| (record, true)).ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// A reply, shown or hidden: the reply, and whether it is hidden.
    async fn any_reply(&self, post: u64, seq: u64) -> worker::Result<Option<(Reply, bool)>> {
        if let Some(reply) = self.storage().get(&reply_key(post, seq)).await? {
            return Ok(Some((reply, false)));
        }
        Ok(self.storage().get(&hidden_reply_key(post, seq)).await?.map(|reply| (reply, true)))
    }

    /// Stores a post's record where its state says (shown or hidden).
    async fn put_post(&self, seq: u64, record: &PostRecord, hidden: bool) -> worker::Result<()> {
        let key = if hidden { hidden_post_key(seq) } else { post_key(seq) };
        self.storage().put(&key, record).await
    }

    async fn create_account(&self, handle: &str, name: String, bio: String) -> ApiResult {
        if self.storage().get::<AccountRecord>(ACCOUNT).await?.is_some() {
            return Err(ErrorCode::HandleTaken.into());
        }
        let account = Account { handle: handle.to_owned(), name, bio, followers: 0, posts: 0 };
        self.storage().put(HANDLE, handle).await?;
        self.storage().put(ACCOUNT, AccountRecord { account: account.clone(), next_post: 0, next_queued: 0 }).await?;
        self.mark_dirty(&[View::Account, View::FeedHead]).await?;
        json(201, &account)
    }

    async fn create_post(&self, text: String) -> ApiResult {
        let mut record = self.account().await?;
        let seq = record.next_post;
        let id = PostId { handle: record.account.handle.clone(), seq };
        let post = Post {
            id: id.to_string(),
            account: id.handle,
            text,
            created_at: rfc3339_from_millis(Date::now().as_millis()),
            replies: 0,
        };
        record.next_post += 1;
        record.account.posts += 1;
        self.storage().put(&post_key(seq), PostRecord { post: post.clone(), next_reply: 0 }).await?;
        self.storage().put(ACCOUNT, record).await?;
        // Thread page 0 is written at once, empty, so that listing replies is one read.
        let views = [View::Account, View::FeedHead, View::FeedPage(keys::page_of(seq)), View::Post(seq), View::Thread(seq, 0)];
        self.mark_dirty(&views).await?;
        self.publish(&Event::Post { post: post.clone() });
        json(201, &post)
    }

    async fn delete_post(&self, seq: u64) -> ApiResult {
        let (post, was_hidden) = self.any_post(seq).await?;
        let mut record = self.account().await?;
        if !was_hidden {
            record.account.posts = record.account.posts.saturating_sub(1);
        }
        let mut replies: Vec<(String, Reply)> = self.entries(ListOptions::new().prefix(&reply_prefix(seq))).await?;
        replies.extend(self.entries::<Reply>(ListOptions::new().prefix(&hidden_reply_prefix(seq))).await?);
        let keys: Vec<&str> = replies.iter().map(|(key, _)| key.as_str()).collect();
        for chunk in keys.chunks(128) {
            self.storage().delete_multiple(chunk.to_vec()).await?;
        }
        self.storage().delete_multiple(vec![post_key(seq), hidden_post_key(seq)]).await?;
        self.storage().put(ACCOUNT, record).await?;
        let mut dirty = View::of_post(seq, &post);
        // Each visitor's index of what they wrote loses these replies.
        let visitors = replies.iter().filter(|(_, reply)| !reply.author.is_brand());
        dirty.extend(visitors.filter_map(|(_, r)| Some(View::Authored(r.author.id.clone(), seq, r.id.parse::<ReplyId>().ok()?.seq))));
        self.mark_dirty(&dirty).await?;
        self.publish(&Event::PostDeleted { id: post.post.id });
        Ok(Response::empty()?.with_status(204))
    }

    /// A visitor's reply (within the abuse limits, and through the queue when
    /// the account's rules say so), or the brand's (`author: None`).
    async fn create_reply(&self, post_seq: u64, author: Option<Author>, text: String, ip: &str) -> ApiResult {
        self.post(post_seq).await?;
        let now = rfc3339_from_millis(Date::now().as_millis());
        let Some(visitor) = author else {
            let account = self.account().await?.account;
            return self.publish_reply(post_seq, Author::brand(&account.handle, &account.name), text, now).await;
        };
        let per_ip = limiter::limit(&self.env, "RATE_REPLIES_IP", RATE_REPLIES_IP);
        limiter::admit_in(&self.storage(), &format!("rate/reply-ip/{ip}"), per_ip).await?;
        let per_visitor = limiter::limit(&self.env, "RATE_REPLIES", RATE_REPLIES);
        limiter::admit_in(&self.storage(), &format!("rate/reply/{}", visitor.id), per_visitor).await?;
        let settings = self.settings().await?;
        if settings.sso_required && visitor.badge != Some(Badge::Customer) {
            return Err(ErrorCode::SsoRequired.into());
        }
        match settings.review(&text) {
            None => self.publish_reply(post_seq, visitor, text, now).await,
            Some(reason) => {
                let mut record = self.account().await?;
                let n = record.next_queued;
                record.next_queued += 1;
                let post = PostId { handle: record.account.handle.clone(), seq: post_seq }.to_string();
                let queued = Queued { id: n.to_string(), post, author: visitor, text, created_at: now, reason };
                self.storage().put(&queue_key(n), &queued).await?;
                self.storage().put(ACCOUNT, record).await?;
                json(202, &Pending { pending: true, id: queued.id })
            }
        }
    }

    /// Adds a reply to its thread, counts it, and pushes it.
    async fn publish_reply(&self, post_seq: u64, author: Author, text: String, created_at: String) -> ApiResult {
        let mut record = self.post(post_seq).await?;
        let post_id: PostId = record.post.id.parse().map_err(|()| ErrorCode::Internal)?;
        let seq = record.next_reply;
        let reply = Reply { id: ReplyId { post: post_id, seq }.to_string(), post: record.post.id.clone(), author, text, created_at };
        record.next_reply += 1;
        record.post.replies += 1;
        let replies = record.post.replies;
        self.storage().put(&reply_key(post_seq, seq), &reply).await?;
        self.storage().put(&post_key(post_seq), record).await?;
        self.mark_dirty(&View::of_reply(post_seq, seq, &reply.author)).await?;
        self.publish(&Event::Reply { reply: reply.clone(), replies });
        json(201, &reply)
    }

    async fn delete_reply(&self, post_seq: u64, seq: u64, visitor: Option<String>) -> ApiResult {
        let (mut record, post_hidden) = self.any_post(post_seq).await?;
        let (reply, was_hidden) = self.any_reply(post_seq, seq).await?.ok_or(ErrorCode::ReplyNotFound)?;
        if visitor.is_some_and(|visitor| visitor != reply.author.id) {
            return Err(ErrorCode::Forbidden.into());
        }
        if !was_hidden {
            record.post.replies = record.post.replies.saturating_sub(1);
        }
        let replies = record.post.replies;
        self.storage().delete_multiple(vec![reply_key(post_seq, seq), hidden_reply_key(post_seq, seq)]).await?;
        self.put_post(post_seq, &record, post_hidden).await?;
        self.mark_dirty(&View::of_reply(post_seq, seq, &reply.author)).await?;
        self.publish(&Event::ReplyDeleted { id: reply.id, post: reply.post, replies });
        Ok(Response::empty()?.with_status(204))
    }

    async fn settings(&self) -> worker::Result<Settings> {
        Ok(self.storage().get(SETTINGS).await?.unwrap_or_default())
    }

    async fn get_settings(&self) -> ApiResult {
        self.account().await?;
        json(200, &self.settings().await?)
    }

    async fn put_settings(&self, settings: Settings) -> ApiResult {
        self.account().await?;
        self.storage().put(SETTINGS, &settings).await?;
        json(200, &settings)
    }

    async fn list_queue(&self) -> ApiResult {
        self.account().await?;
        let queued = self.values::<Queued>(ListOptions::new().prefix(QUEUE)).await?;
        json(200, &Queue { queued })
    }

    /// Publishes a queued reply (201 with the reply), or rejects it (204).
    async fn decide(&self, n: u64, approve: bool) -> ApiResult {
        self.account().await?;
        let key = queue_key(n);
        let queued: Queued = self.storage().get(&key).await?.ok_or(ErrorCode::NotFound)?;
        self.storage().delete(&key).await?;
        if !approve {
            return Ok(Response::empty()?.with_status(204));
        }
        let post: PostId = queued.post.parse().map_err(|()| ErrorCode::Internal)?;
        self.publish_reply(post.seq, queued.author, queued.text, queued.created_at).await
    }

    async fn set_sso_secret(&self, secret: String) -> ApiResult {
        self.account().await?;
        self.storage().put(SSO_SECRET, secret).await?;
        Ok(Response::empty()?.with_status(204))
    }

    async fn verify_sso(&self, sso: &str) -> ApiResult {
        self.account().await?;
        let secret: Option<String> = self.storage().get(SSO_SECRET).await?;
        let now = Date::now().as_millis() / 1000;
        match secret.and_then(|secret| token::verify(sso, secret.as_bytes(), now)) {
            Some(claims) => json(200, &claims),
            None => Err(ErrorCode::Unauthorized.into()),
        }
    }

    /// A brand token of this account, not revoked, or 401.
    async fn check_brand_token(&self, token: &str) -> ApiResult<()> {
        let token: BrandToken = token.parse().map_err(|()| ErrorCode::Unauthorized)?;
        let record: Option<TokenRecord> = self.storage().get(&token_key(&token.id)).await?;
        match record {
            Some(record) if same(&record.digest, &digest(&token.secret)) => Ok(()),
            _ => Err(ErrorCode::Unauthorized.into()),
        }
    }

    async fn issue_token(&self, name: String) -> ApiResult {
        let handle = self.account().await?.account.handle;
        let mut bytes = [0u8; 20];
        getrandom::getrandom(&mut bytes).map_err(|_| ErrorCode::Internal)?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let (id, secret) = hex.split_at(8);
        let token = BrandToken { handle, id: id.to_owned(), secret: secret.to_owned() };
        self.storage().put(&token_key(id), TokenRecord { name: name.clone(), digest: digest(secret) }).await?;
        json(201, &IssuedToken { id: id.to_owned(), name, token: token.to_string() })
    }

    async fn list_tokens(&self) -> ApiResult {
        self.account().await?;
        let records: Vec<(String, TokenRecord)> = self.entries(ListOptions::new().prefix(TOKEN)).await?;
        let tokens: Vec<TokenInfo> = records
            .into_iter()
            .map(|(key, record)| TokenInfo { id: key.trim_start_matches(TOKEN).to_owned(), name: record.name })
            .collect();
        json(200, &tokens)
    }

    async fn revoke_token(&self, id: &str) -> ApiResult {
        self.account().await?;
        if !self.storage().delete(&token_key(id)).await? {
            return Err(ErrorCode::NotFound.into());
        }
        Ok(Response::empty()?.with_status(204))
    }

    async fn follow(&self, visitor: String, follow: bool) -> ApiResult {
        let mut record = self.account().await?;
        let key = follower_key(&visitor);
        let following = self.storage().get::<bool>(&key).await?.is_some();
        if following != follow {
            if follow {
                self.storage().put(&key, true).await?;
                record.account.followers += 1;
            } else {
                self.storage().delete(&key).await?;
                record.account.followers = record.account.followers.saturating_sub(1);
            }
            let followers = record.account.followers;
            self.storage().put(ACCOUNT, record).await?;
            self.mark_dirty(&[View::Account, View::Following(visitor)]).await?;
            self.publish(&Event::Followers { followers });
            return json(200, &FollowState { following: follow, followers });
        }
        json(200, &FollowState { following, followers: record.account.followers })
    }

    /// Records views to rewrite and makes sure a flush is scheduled.
    async fn mark_dirty(&self, views: &[View]) -> worker::Result<()> {
        let handle = self.handle().await?;
        for view in views {
            self.storage().put(&format!("{DIRTY}{}", view.kv_key(&handle)), view).await?;
        }
        if self.storage().get_alarm().await?.is_none() {
            let due = self.last_flush.get() + FLUSH_INTERVAL_MS;
            let delay = due.saturating_sub(Date::now().as_millis());
            self.storage().set_alarm(delay as i64).await?;
        }
        Ok(())
    }

    async fn handle(&self) -> worker::Result<String> {
        Ok(self.storage().get::<String>(HANDLE).await?.unwrap_or_default())
    }

    /// Rewrites every dirty view in KV from the hub's storage. Marks are
    /// removed before writing: a write arriving meanwhile marks its views
    /// again and schedules the next flush, so nothing is missed.
    async fn flush(&self) -> worker::Result<()> {
        let handle = self.handle().await?;
        let marked: Vec<(String, View)> = self.entries(ListOptions::new().prefix(DIRTY)).await?;
        let keys: Vec<String> = marked.iter().map(|(key, _)| key.clone()).collect();
        for chunk in keys.chunks(128) {
            self.storage().delete_multiple(chunk.to_vec()).await?;
        }
        let kv = self.env.kv("POSTS")?;
        for (index, (_, view)) in marked.iter().enumerate() {
            let written = self.write_view(&kv, &handle, view).await;
            if let Err(err) = written {
                // Mark what is left again; the runtime retries a failed alarm.
                for (key, view) in &marked[index..] {
                    self.storage().put(key, view).await?;
                }
                return Err(err);
            }
        }
        Ok(())
    }

    async fn write_view(&self, kv: &worker::KvStore, handle: &str, view: &View) -> worker::Result<()> {
        let key = view.kv_key(handle);
        let document = match view {
            View::Account => self.storage().get::<AccountRecord>(ACCOUNT).await?.map(|r| to_json(&r.account)),
            View::FeedHead => Some(to_json(&self.feed_head().await?)),
            View::FeedPage(page) => Some(to_json(&self.feed_page(*page).await?)),
            View::Post(seq) => self.storage().get::<PostRecord>(&post_key(*seq)).await?.map(|r| to_json(&r.post)),
            View::Thread(seq, page) => self.thread_page(*seq, *page).await?.map(|view| to_json(&view)),
            View::Following(visitor) => self.storage().get::<bool>(&follower_key(visitor)).await?.map(|_| "1".into()),
            // Hidden replies stay in the index: their author may still download or delete them.
            View::Authored(_, post, seq) => self.any_reply(*post, *seq).await?.map(|_| "1".into()),
        };
        match document {
            Some(document) => kv.put(&key, document)?.execute().await?,
            None => kv.delete(&key).await?,
        }
        Ok(())
    }

    /// The newest posts, and where to go on from the oldest of them.
    async fn feed_head(&self) -> worker::Result<PageView<Post>> {
        let options = ListOptions::new().prefix("post/").reverse(true).limit(PAGE_SIZE + 1);
        let mut posts: Vec<Post> = self.values::<PostRecord>(options).await?.into_iter().map(|r| r.post).collect();
        let more = posts.len() > PAGE_SIZE;
        posts.truncate(PAGE_SIZE);
        let next = posts.last().filter(|_| more).and_then(|oldest| oldest.id.parse::<PostId>().ok()).map(|id| id.seq);
        Ok(PageView { items: posts, next })
    }

    /// Stored feed page `page`: posts numbered `page * PAGE ..` below the next page, newest first.
    async fn feed_page(&self, page: u64) -> worker::Result<PageView<Post>> {
        let (start, end) = (post_key(page * PAGE), post_key((page + 1) * PAGE));
        let options = ListOptions::new().start(&start).end(&end).reverse(true);
        let posts = self.values::<PostRecord>(options).await?.into_iter().map(|r| r.post).collect();
        Ok(PageView { items: posts, next: (page > 0).then_some(page * PAGE) })
    }

    /// Stored thread page `page` of post `seq`, oldest first; `None` once the post is gone.
    async fn thread_page(&self, seq: u64, page: u64) -> worker::Result<Option<PageView<Reply>>> {
        let Some(post) = self.storage().get::<PostRecord>(&post_key(seq)).await? else {
            return Ok(None);
        };
        let (start, end) = (reply_key(seq, page * PAGE), reply_key(seq, (page + 1) * PAGE));
        let replies = self.values::<Reply>(ListOptions::new().start(&start).end(&end)).await?;
        let following_page = (page + 1) * PAGE;
        Ok(Some(PageView { items: replies, next: (post.next_reply > following_page).then_some(following_page) }))
    }

    async fn entries<T: DeserializeOwned>(&self, options: ListOptions<'_>) -> worker::Result<Vec<(String, T)>> {
        let map = self.storage().list_with_options(options).await?;
        let mut entries = Vec::new();
        let mut failed = None;
        map.for_each(&mut |value, key| match serde_wasm_bindgen::from_value(value) {
            Ok(value) => entries.push((key.as_string().unwrap_or_default(), value)),
            Err(err) => failed = Some(err),
        });
        match failed {
            Some(err) => Err(worker::Error::RustError(format!("corrupt hub storage: {err}"))),
            None => Ok(entries),
        }
    }

    async fn values<T: DeserializeOwned>(&self, options: ListOptions<'_>) -> worker::Result<Vec<T>> {
        Ok(self.entries(options).await?.into_iter().map(|(_, value)| value).collect())
    }

}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
