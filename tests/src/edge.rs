//! The real Worker under `wrangler dev`, and an HTTP client for its API.

use crate::process::ProcessGroup;
use crate::{TempDir, free_ports, in_seconds, random_hex, repo_root};
use gazouillis_protocol::offer::Claimed;
use gazouillis_protocol::{Account, ErrorBody, FollowState, Found, Post, PostPage, Reply, ReplyPage, SearchHit, SearchResults, Session};
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long `wrangler dev` may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// What an [`Edge`] starts on: a built tree, a store, and its secrets.
pub struct Store {
    /// The repository whose `edge/build` and `edge/public` run.
    pub root: PathBuf,
    /// A `--persist-to` directory to start from (copied, never changed); `None`: empty.
    pub state: Option<PathBuf>,
    pub admin_token: String,
    pub session_secret: String,
}

/// Copies the directory tree `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    for entry in std::fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.expect("directory entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap_or_else(|e| panic!("copy {}: {e}", entry.path().display()));
        }
    }
}

/// One `wrangler dev` of the real Worker, on its own data directory.
pub struct Edge {
    root: PathBuf,
    /// `--var` arguments, `NAME:value`.
    vars: Vec<String>,
    admin_token: String,
    session_secret: String,
    http: reqwest::Client,
    running: Mutex<Running>,
    /// Holds `state/` (the `--persist-to` dir) and the wrangler logs.
    dir: TempDir,
}

struct Running {
    process: Option<ProcessGroup>,
    port: u16,
    generation: u32,
}

/// The abuse limits out of the way: every test client comes from 127.0.0.1.
pub const RAISED_LIMITS: [(&str, &str); 8] = [
    ("RATE_REPLIES", "1000000/60"),
    ("RATE_REPLIES_IP", "1000000/60"),
    ("RATE_SESSIONS_IP", "1000000/60"),
    ("RATE_FOLLOWS", "1000000/60"),
    ("RATE_FOLLOWS_IP", "1000000/60"),
    ("RATE_CLAIMS", "1000000/60"),
    ("RATE_CLAIMS_IP", "1000000/60"),
    ("LIVE_PER_ADDRESS", "1000000"),
];

impl Edge {
    /// Starts `wrangler dev` on the built Worker (building nothing) and waits
    /// until it answers HTTP. Every test client comes from 127.0.0.1, so the
    /// abuse limits are raised out of the way; [`Edge::start_with`] sets them.
    pub async fn start() -> Edge {
        Edge::start_also(&[]).await
    }

    /// [`Edge::start`] with these wrangler vars too (`name`, `value`).
    pub async fn start_also(vars: &[(&str, &str)]) -> Edge {
        Edge::start_with(&[&RAISED_LIMITS[..], vars].concat()).await
    }

    /// [`Edge::start`] with these wrangler vars (`name`, `value`).
    pub async fn start_with(vars: &[(&str, &str)]) -> Edge {
        Edge::start_on(Store { root: repo_root(), state: None, admin_token: random_hex(24), session_secret: random_hex(32) }, vars)
            .await
    }

    /// Starts `wrangler dev` on the Worker built in `store.root`, on a copy of
    /// `store.state` (a `--persist-to` directory; none: a fresh one), with the
    /// secrets that store was written with.
    pub async fn start_on(store: Store, vars: &[(&str, &str)]) -> Edge {
        let root = store.root;
        for built in ["edge/build/index.js", "edge/public/widget/gazouillis.js"] {
            if !root.join(built).is_file() {
                panic!("{} is missing: run `cargo xtask build` first", root.join(built).display());
            }
        }
        let dir = TempDir::new("edge");
        let state = dir.path().join("state");
        match &store.state {
            Some(from) => copy_dir(from, &state),
            None => std::fs::create_dir_all(&state).expect("create the persist dir"),
        }
        let http = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        let edge = Edge {
            root,
            vars: vars.iter().map(|(name, value)| format!("{name}:{value}")).collect(),
            admin_token: store.admin_token,
            session_secret: store.session_secret,
            http,
            running: Mutex::new(Running { process: None, port: 0, generation: 0 }),
            dir,
        };
        edge.launch().await;
        edge
    }

    /// The `--persist-to` directory: KV, Durable Objects and their SQLite files.
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// Stops wrangler and everything it started. Requests fail until [`Edge::restart`].
    pub fn stop(&self) {
        let process = self.running.lock().expect("edge state").process.take();
        if let Some(mut process) = process {
            process.stop();
        }
    }

    /// Stops wrangler and starts it again on the same data directory, the
    /// same admin token and session secret, and the same port: open widgets
    /// see their edge go away and come back, as in a redeploy.
    pub async fn restart(&self) {
        self.stop();
        self.launch().await;
    }

    async fn launch(&self) {
        let ports = free_ports(2);
        let generation = {
            let mut running = self.running.lock().expect("edge state");
            assert!(running.process.is_none(), "wrangler is already running");
            running.generation += 1;
            running.generation
        };
        let (port, inspector) = match self.port() {
            0 => (ports[0], ports[1]),
            kept => (kept, ports[1]),
        };
        let log = self.dir.path().join(format!("wrangler-{generation}.log"));
        let mut cmd = Command::new(self.root.join("node_modules/.bin/wrangler"));
        cmd.current_dir(&self.root)
            .args(["dev", "--config", "edge/wrangler.toml", "--ip", "127.0.0.1"])
            .arg("--port")
            .arg(port.to_string())
            .arg("--inspector-port")
            .arg(inspector.to_string())
            .arg("--persist-to")
            .arg(self.state_dir())
            .arg("--var")
            .arg(format!("ADMIN_TOKEN:{}", self.admin_token))
            .arg("--var")
            .arg(format!("SESSION_SECRET:{}", self.session_secret))
            .args(self.vars.iter().flat_map(|var| ["--var", var.as_str()]))
            // `GET /__scheduled` runs the cron (see `run_cron`).
            .arg("--test-scheduled")
            // Info: the requests, and the queue's batches (see `logged`).
            .args(["--log-level", "info"])
            .env("WRANGLER_SEND_METRICS", "false")
            .env("CLOUDFLARE_CF_FETCH_ENABLED", "false")
            .env("WRANGLER_LOG_PATH", self.dir.path().join("wrangler-debug-logs"))
            .env("NO_COLOR", "1")
            .env("FORCE_COLOR", "0")
            .env("CI", "1");
        let process = ProcessGroup::spawn("wrangler dev", cmd, &log)
            .unwrap_or_else(|e| panic!("spawn {}: {e}", self.root.join("node_modules/.bin/wrangler").display()));
        {
            let mut running = self.running.lock().expect("edge state");
            running.process = Some(process);
            running.port = port;
        }
        let started = Instant::now();
        let probe = format!("http://127.0.0.1:{port}/v1/accounts/probe");
        loop {
            if let Some(status) = self.running.lock().expect("edge state").process.as_mut().and_then(|p| p.exited()) {
                panic!("wrangler dev exited ({status}) before answering; its output:\n{}", self.log_tail(8000));
            }
            let answer = self.http.get(&probe).timeout(Duration::from_secs(2)).send().await;
            if answer.is_ok() {
                eprintln!(
                    "[harness] wrangler dev #{generation} answers on port {port} after {:.2?}",
                    started.elapsed()
                );
                return;
            }
            if started.elapsed() > START_TIMEOUT {
                panic!(
                    "wrangler dev did not answer {probe} within {START_TIMEOUT:?}; its output:\n{}",
                    self.log_tail(8000)
                );
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// `http://127.0.0.1:<port>` of the running Worker.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    pub fn port(&self) -> u16 {
        self.running.lock().expect("edge state").port
    }

    pub fn admin_token(&self) -> &str {
        &self.admin_token
    }

    /// The `SESSION_SECRET` visitor tokens are signed with, for tests that
    /// forge, alter or expire tokens.
    pub fn session_secret(&self) -> &str {
        &self.session_secret
    }

    /// CPU milliseconds the Workers runtime (`workerd`) has spent so far.
    pub fn runtime_cpu_ms(&self) -> f64 {
        self.running.lock().expect("running").process.as_ref().map_or(0.0, |process| process.cpu_ms("workerd"))
    }

    /// The end of the current wrangler's output (errors and panics of the Worker show there).
    pub fn log_tail(&self, max: usize) -> String {
        let running = self.running.lock().expect("edge state");
        let log = self.dir.path().join(format!("wrangler-{}.log", running.generation));
        crate::process::log_tail(&log, max)
    }

    /// Whether wrangler's output since the edge started holds `needle`: how
    /// a test sees what the runtime did that no answer shows, such as a
    /// queue's consumer running (`QUEUE {queue} {acked}/{total}`).
    pub fn logged(&self, needle: &str) -> bool {
        let generations = self.running.lock().expect("edge state").generation;
        (1..=generations).any(|generation| {
            let log = self.dir.path().join(format!("wrangler-{generation}.log"));
            std::fs::read_to_string(log).is_ok_and(|text| text.contains(needle))
        })
    }

    /// Prints the end of wrangler's output to stderr, for a failed suite.
    pub fn dump_log(&self) {
        eprintln!("----- end of wrangler output -----\n{}\n-----", self.log_tail(12000));
    }

    // ----- raw requests -----

    /// A request to `path` (starting with `/`) on the Worker.
    pub fn req(&self, method: Method, path: &str) -> Req {
        let url = format!("{}{path}", self.base_url());
        Req { label: format!("{method} {path}"), builder: self.http.request(method, url) }
    }

    pub fn get(&self, path: &str) -> Req {
        self.req(Method::GET, path)
    }

    pub fn post(&self, path: &str) -> Req {
        self.req(Method::POST, path)
    }

    pub fn put(&self, path: &str) -> Req {
        self.req(Method::PUT, path)
    }

    pub fn delete(&self, path: &str) -> Req {
        self.req(Method::DELETE, path)
    }

    /// Adds the admin token to a request.
    pub fn admin(&self, req: Req) -> Req {
        req.bearer(&self.admin_token)
    }

    /// `POST path` with the admin token and a JSON body.
    pub async fn admin_post(&self, path: &str, body: &Value) -> Resp {
        self.admin(self.post(path)).json(body).send().await
    }

    // ----- typed calls that must succeed (setup) -----

    /// Runs the Worker's cron once, as Cloudflare would on its schedule.
    pub async fn run_cron(&self) {
        self.get("/__scheduled?cron=*+*+*+*+*").send().await.expect(200);
    }

    /// `POST /v1/accounts`, expecting 201.
    pub async fn create_account(&self, handle: &str, name: &str, bio: &str) -> Account {
        self.admin_post("/v1/accounts", &json!({"handle": handle, "name": name, "bio": bio})).await.expect_json(201)
    }

    /// `POST /v1/accounts/{handle}/posts`, expecting 201.
    pub async fn create_post(&self, handle: &str, text: &str) -> Post {
        self.admin_post(&format!("/v1/accounts/{handle}/posts"), &json!({"text": text})).await.expect_json(201)
    }

    /// A post with an offer of `code` for followers, ending `ends_in` seconds
    /// from now, expecting 201.
    pub async fn create_offer_post(&self, handle: &str, code: &str, ends_in: i64, limit: Option<u64>) -> Post {
        let body = json!({"text": "Pour nos abonnés : -20 % sur les vélos.", "offer": {"code": code, "ends_at": in_seconds(ends_in), "limit": limit}});
        self.admin_post(&format!("/v1/accounts/{handle}/posts"), &body).await.expect_json(201)
    }

    /// A first claim of post `post`'s offer by a follower, expecting 201.
    pub async fn claim(&self, token: &str, post: &str) -> Claimed {
        self.post(&format!("/v1/posts/{post}/offer/claim")).bearer(token).send().await.expect_json(201)
    }

    /// `DELETE /v1/posts/{id}`, expecting 204.
    pub async fn delete_post(&self, id: &str) {
        self.admin(self.delete(&format!("/v1/posts/{id}"))).send().await.expect(204);
    }

    /// `POST /v1/session`, expecting 201.
    pub async fn new_session(&self, name: &str) -> Session {
        self.post("/v1/session").json(&json!({"name": name})).send().await.expect_json(201)
    }

    /// `POST /v1/posts/{post}/replies` as a visitor, expecting 201.
    pub async fn reply(&self, token: &str, post: &str, text: &str) -> Reply {
        self.post(&format!("/v1/posts/{post}/replies"))
            .bearer(token)
            .json(&json!({"text": text}))
            .send()
            .await
            .expect_json(201)
    }

    /// `PUT /v1/accounts/{handle}/follow`, expecting 200.
    pub async fn follow(&self, token: &str, handle: &str) -> FollowState {
        self.put(&format!("/v1/accounts/{handle}/follow")).bearer(token).send().await.expect_json(200)
    }

    /// `DELETE /v1/accounts/{handle}/follow`, expecting 200.
    pub async fn unfollow(&self, token: &str, handle: &str) -> FollowState {
        self.delete(&format!("/v1/accounts/{handle}/follow")).bearer(token).send().await.expect_json(200)
    }

    // ----- reads, for `eventually` -----

    /// `GET /v1/accounts/{handle}` as 200.
    pub async fn account(&self, handle: &str) -> Result<Account, String> {
        self.get(&format!("/v1/accounts/{handle}")).send().await.check_json(200)
    }

    /// `GET /v1/posts/{id}` as 200.
    pub async fn post_of(&self, id: &str) -> Result<Post, String> {
        self.get(&format!("/v1/posts/{id}")).send().await.check_json(200)
    }

    /// `GET /v1/accounts/{handle}/follow` for a visitor, as 200.
    pub async fn follow_state(&self, token: &str, handle: &str) -> Result<FollowState, String> {
        self.get(&format!("/v1/accounts/{handle}/follow")).bearer(token).send().await.check_json(200)
    }

    /// Walks a whole account feed with pages of `limit` (`None`: the default),
    /// checking that each page holds at most `limit` posts and that cursors
    /// never repeat.
    pub async fn feed_all(&self, handle: &str, limit: Option<usize>) -> Result<Vec<Post>, String> {
        let path = format!("/v1/accounts/{handle}/posts");
        let mut posts = Vec::new();
        walk(
            limit,
            |cursor| {
                let path = with_query(&path, limit, cursor.as_deref());
                async move {
                    let page: PostPage = self.get(&path).send().await.check_json(200)?;
                    Ok((page.posts, page.next))
                }
            },
            &mut posts,
        )
        .await?;
        Ok(posts)
    }

    /// Waits (up to [`SETTLE`](crate::SETTLE)) until the public feed of
    /// `handle` lists `count` posts: for a page to open on what was just written.
    pub async fn until_feed_holds(&self, handle: &str, count: usize) {
        crate::eventually(crate::SETTLE, || async {
            crate::ensure_eq!(self.feed_all(handle, None).await?.len(), count, "{handle}'s public feed");
            Ok(())
        })
        .await;
    }

    /// Walks all replies of a post with pages of `limit`.
    pub async fn replies_all(&self, post: &str, limit: Option<usize>) -> Result<Vec<Reply>, String> {
        let path = format!("/v1/posts/{post}/replies");
        let mut replies = Vec::new();
        walk(
            limit,
            |cursor| {
                let path = with_query(&path, limit, cursor.as_deref());
                async move {
                    let page: ReplyPage = self.get(&path).send().await.check_json(200)?;
                    Ok((page.replies, page.next))
                }
            },
            &mut replies,
        )
        .await?;
        Ok(replies)
    }

    /// Walks a visitor's whole timeline with pages of `limit`.
    pub async fn timeline_all(&self, token: &str, limit: Option<usize>) -> Result<Vec<Post>, String> {
        let mut posts = Vec::new();
        walk(
            limit,
            |cursor| {
                let path = with_query("/v1/timeline", limit, cursor.as_deref());
                async move {
                    let page: PostPage = self.get(&path).bearer(token).send().await.check_json(200)?;
                    Ok((page.posts, page.next))
                }
            },
            &mut posts,
        )
        .await?;
        Ok(posts)
    }

    /// `GET /v1/accounts/{handle}/search?{query}` as the public, or with
    /// `token`, expecting 200.
    pub async fn search(&self, handle: &str, query: &str, token: Option<&str>) -> SearchResults {
        let req = self.get(&format!("/v1/accounts/{handle}/search?{query}"));
        let req = match token {
            Some(token) => req.bearer(token),
            None => req,
        };
        req.send().await.expect_json(200)
    }
}

/// A search hit as `kind id`, with ` hidden` when it is.
pub fn describe_hit(hit: &SearchHit) -> String {
    let (kind, id) = match &hit.found {
        Found::Post(post) => ("post", &post.id),
        Found::Reply(reply) => ("reply", &reply.id),
        Found::Queued(queued) => ("queued", &queued.id),
    };
    format!("{kind} {id}{}", if hit.hidden { " hidden" } else { "" })
}

impl Drop for Edge {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `path?limit=..&cursor=..`.
pub fn with_query(path: &str, limit: Option<usize>, cursor: Option<&str>) -> String {
    let mut params = Vec::new();
    if let Some(limit) = limit {
        params.push(format!("limit={limit}"));
    }
    if let Some(cursor) = cursor {
        params.push(format!("cursor={cursor}"));
    }
    if params.is_empty() { path.to_owned() } else { format!("{path}?{}", params.join("&")) }
}

async fn walk<T, F, Fut>(limit: Option<usize>, mut page: F, out: &mut Vec<T>) -> Result<(), String>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), String>>,
{
    let max = limit.unwrap_or(gazouillis_protocol::limits::DEFAULT_LIMIT);
    let mut cursor: Option<String> = None;
    let mut seen = HashSet::new();
    for _ in 0..10_000 {
        let (items, next) = page(cursor.clone()).await?;
        if items.len() > max {
            return Err(format!(
                "a page after cursor {cursor:?} holds {} items, more than the limit {max}",
                items.len()
            ));
        }
        out.extend(items);
        match next {
            None => return Ok(()),
            Some(next) => {
                if !seen.insert(next.clone()) {
                    return Err(format!("cursor {next:?} came back twice: the cursor chain loops"));
                }
                cursor = Some(next);
            }
        }
    }
    Err("more than 10000 pages".into())
}

/// A request being built, labelled for failure messages.
pub struct Req {
    label: String,
    builder: reqwest::RequestBuilder,
}

impl Req {
    pub fn bearer(self, token: &str) -> Req {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.builder = self.builder.header(name, value);
        self
    }

    /// A JSON body (`content-type: application/json`).
    pub fn json(mut self, body: &Value) -> Req {
        self.builder = self.builder.json(body);
        self
    }

    /// A raw body, sent as `application/json` whatever it holds.
    pub fn raw(mut self, body: impl Into<Vec<u8>>) -> Req {
        self.builder = self.builder.header("content-type", "application/json").body(body.into());
        self
    }

    pub async fn send(self) -> Resp {
        let response = self.builder.send().await.unwrap_or_else(|e| panic!("{}: no HTTP answer: {e:?}", self.label));
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_else(|e| panic!("{}: reading the body: {e}", self.label)).to_vec();
        Resp { label: self.label, status, headers, body }
    }
}

/// A whole HTTP answer.
#[derive(Debug)]
pub struct Resp {
    pub label: String,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
    }

    pub fn describe(&self) -> String {
        let mut body = self.text();
        if body.len() > 600 {
            let mut cut = 600;
            while !body.is_char_boundary(cut) {
                cut -= 1;
            }
            body.truncate(cut);
            body.push('…');
        }
        format!("{} answered {} {body}", self.label, self.status)
    }

    /// `Ok(())` if the status is `status`.
    pub fn check(&self, status: u16) -> Result<(), String> {
        if self.status == status { Ok(()) } else { Err(format!("expected {status}: {}", self.describe())) }
    }

    /// Panics unless the status is `status`.
    pub fn expect(&self, status: u16) -> &Resp {
        if let Err(e) = self.check(status) {
            panic!("{e}");
        }
        self
    }

    /// The body as JSON of type `T` if the status is `status`.
    pub fn check_json<T: DeserializeOwned>(&self, status: u16) -> Result<T, String> {
        self.check(status)?;
        serde_json::from_slice(&self.body)
            .map_err(|e| format!("{}: body is not the expected JSON ({e})", self.describe()))
    }

    /// The body as JSON of type `T`; panics unless the status is `status`.
    pub fn expect_json<T: DeserializeOwned>(&self, status: u16) -> T {
        self.check_json(status).unwrap_or_else(|e| panic!("{e}"))
    }

    /// `Ok` if this is the error answer `status` with `{"error":{"code":code,"message":<non-empty>}}`.
    pub fn check_error(&self, status: u16, code: &str) -> Result<(), String> {
        if self.status != status {
            return Err(format!("expected {status} {code}: {}", self.describe()));
        }
        let body: ErrorBody = serde_json::from_slice(&self.body)
            .map_err(|e| format!("expected an error body with code {code} ({e}): {}", self.describe()))?;
        if body.error.code != code {
            return Err(format!("expected code {code}: {}", self.describe()));
        }
        if body.error.message.trim().is_empty() {
            return Err(format!("the error message is empty: {}", self.describe()));
        }
        Ok(())
    }

    /// Panics unless this is the error answer `status` with code `code`.
    pub fn expect_error(&self, status: u16, code: &str) {
        if let Err(e) = self.check_error(status, code) {
            panic!("{e}");
        }
    }
}
