//! End-to-end tests of Gazouillis, on real parts only.
//!
//! * [`Edge`] runs the real Worker (`edge/build/index.js`, built beforehand by
//!   `cargo xtask build`) under `wrangler dev`, that is the real workerd runtime
//!   with Workers KV and Durable Objects simulated on disk in a fresh
//!   `--persist-to` directory, on a free loopback port, with a random admin
//!   token and session secret. It can be stopped and started again on the same
//!   data ([`Edge::restart`]).
//! * [`Browser`] runs chromedriver and headless Chromium; each
//!   [`Browser::new_context`] is a separate profile, so a separate visitor.
//!   [`Tab`] reads and drives the widget inside its shadow root.
//! * [`WwwServer`] serves the demo site `www/` from a second origin, pointing
//!   its `<script src="/widget/...">` at the edge, which proves that the widget
//!   works when embedded cross-origin.
//!
//! Reads in Gazouillis are views that a Durable Object materializes a little
//! after each write, so a test reads after a write with [`eventually`], a
//! bounded retry, never with a fixed sleep.
//!
//! Every process the harness starts leads its own process group, and dropping
//! its guard ends the whole group, also when a test panics (and, through
//! `PR_SET_PDEATHSIG`, when the test binary is killed). Each test binary starts
//! one [`Edge`] and runs its checks as named steps of a [`Suite`]: a failing
//! step is reported and the others still run; steps on separate data run side
//! by side.
//!
//! Run: `cargo xtask build`, then
//! `cargo test -p gazouillis-tests --no-fail-fast -- --nocapture`.
//! Environment: `GAZOUILLIS_ROOT` (the repository, default `..` of this crate),
//! `CHROMEDRIVER` (default `/usr/bin/chromedriver`), `CHROMIUM` (default
//! `/usr/bin/chromium`).

pub mod autopush;
pub mod browser;
pub mod edge;
pub mod firefox;
pub mod feeds;
pub mod fixture;
pub mod html;
pub mod isso;
pub mod live;
pub mod process;
pub mod push_service;
pub mod receiver;
pub mod sso;
pub mod turnstile;
pub mod www;

pub use browser::{Browser, PostView, ReplyView, Tab};
pub use edge::{Edge, Req, Resp};
pub use live::LiveClient;
pub use gazouillis_protocol as protocol;
pub use reqwest::Method;

use std::any::Any;
use std::collections::hash_map::RandomState;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long a read may take to show a write: views normally follow within
/// milliseconds, and within a second or two under bursts.
pub const SETTLE: Duration = Duration::from_secs(10);

/// RFC 3339, `seconds` from now.
pub fn in_seconds(seconds: i64) -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64;
    gazouillis_protocol::time::rfc3339_from_millis((now + seconds * 1000) as u64)
}

/// Lowercase base 36, as post and reply ids and cursors spell their numbers
/// (written here again, so that tests check the edge's own spelling).
pub fn b36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(std::char::from_digit((n % 36) as u32, 36).unwrap());
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// The repository root: `GAZOUILLIS_ROOT`, or the parent of this crate.
pub fn repo_root() -> PathBuf {
    let root = match std::env::var_os("GAZOUILLIS_ROOT") {
        Some(root) => PathBuf::from(root),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join(".."),
    };
    root.canonicalize().unwrap_or(root)
}

/// `n` distinct free TCP ports on 127.0.0.1 (all bound at once, then released).
pub fn free_ports(n: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> =
        (0..n).map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a free port on 127.0.0.1")).collect();
    listeners.iter().map(|l| l.local_addr().expect("local address").port()).collect()
}

/// A random lowercase hex string of `2 * bytes` digits (for tokens and names;
/// not cryptographic, but never the same twice in a run).
pub fn random_hex(bytes: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::with_capacity(bytes * 2 + 16);
    while out.len() < bytes * 2 {
        let mut h = RandomState::new().build_hasher();
        h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
        h.write_u32(std::process::id());
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        out.push_str(&format!("{:016x}", h.finish()));
    }
    out.truncate(bytes * 2);
    out
}

/// p50, p95 and max (nearest rank) of `values`, each clamped at 0: for the benchmarks.
pub fn percentiles(values: impl Iterator<Item = f64>) -> Option<[f64; 3]> {
    let mut ms: Vec<f64> = values.map(|v| v.max(0.0)).collect();
    ms.sort_by(f64::total_cmp);
    let rank = |q: f64| ms[((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len()) - 1];
    (!ms.is_empty()).then(|| [rank(0.50), rank(0.95), rank(1.0)])
}

/// The median of `values`, if any.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// A directory under the system temp dir, removed (with its content) on drop.
pub struct TempDir {
    path: PathBuf,
}

impl TempDir {
    pub fn new(label: &str) -> TempDir {
        let path = std::env::temp_dir().join(format!("gazouillis-{label}-{}-{}", std::process::id(), random_hex(4)));
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("create {}: {e}", path.display()));
        TempDir { path }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Retries `check` until it returns `Ok`, for at most `timeout`, and returns its
/// value; panics with the last error otherwise. For reads that follow writes:
/// the views are eventually consistent.
pub async fn eventually<T, F, Fut>(timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    let mut pause = Duration::from_millis(25);
    let mut tries = 0u32;
    loop {
        tries += 1;
        match check().await {
            Ok(value) => return value,
            Err(last) => {
                if start.elapsed() >= timeout {
                    panic!("still failing after {:?} ({tries} tries): {last}", start.elapsed());
                }
            }
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(250));
    }
}

/// Inside an [`eventually`] check: returns `Err(message)` unless the condition holds.
#[macro_export]
macro_rules! ensure {
    ($cond:expr, $($msg:tt)+) => {
        if !$cond {
            return ::std::result::Result::Err(format!($($msg)+));
        }
    };
}

/// Inside an [`eventually`] check: returns `Err` unless both sides are equal.
#[macro_export]
macro_rules! ensure_eq {
    ($left:expr, $right:expr $(,)?) => {
        $crate::ensure_eq!($left, $right, "values differ")
    };
    ($left:expr, $right:expr, $($msg:tt)+) => {
        // `match` keeps temporaries of both sides alive, as in `assert_eq!`.
        match (&$left, &$right) {
            (left, right) => {
                if left != right {
                    return ::std::result::Result::Err(format!(
                        "{}: expected {:?}, got {:?}",
                        format!($($msg)+),
                        right,
                        left
                    ));
                }
            }
        }
    };
}

/// Named checks sharing one context (one wrangler, one browser): each step runs
/// in its own task with a time limit; a failing step is recorded and the others
/// still run; [`Suite::finish`] panics with every failure. Steps run one after
/// the other ([`Suite::step`]) or side by side ([`Suite::spawn`] then
/// [`Suite::join`]) when they touch separate data.
pub struct Suite<C> {
    name: String,
    ctx: Option<Arc<C>>,
    failures: Vec<(String, String)>,
    passed: Vec<String>,
    started: Instant,
    step_timeout: Duration,
    running: Vec<(String, Instant, StepTask)>,
}

/// A running step: whether it finished in time, and how long it ran.
type StepTask = tokio::task::JoinHandle<(bool, Duration)>;

impl<C: Send + Sync + 'static> Suite<C> {
    pub fn new(name: &str, ctx: C) -> Suite<C> {
        Suite {
            name: name.to_owned(),
            ctx: Some(Arc::new(ctx)),
            failures: Vec::new(),
            passed: Vec::new(),
            started: Instant::now(),
            step_timeout: Duration::from_secs(180),
            running: Vec::new(),
        }
    }

    /// The shared context.
    pub fn ctx(&self) -> Arc<C> {
        self.ctx.clone().expect("suite context")
    }

    /// Runs one named step; returns whether it passed.
    pub async fn step<F, Fut>(&mut self, name: &str, step: F) -> bool
    where
        F: FnOnce(Arc<C>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        eprintln!("[{}] step {name} ...", self.name);
        let task = self.start(step);
        self.record(name, Instant::now(), task).await
    }

    fn start<F, Fut>(&self, step: F) -> StepTask
    where
        F: FnOnce(Arc<C>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let (limit, step) = (self.step_timeout, step(self.ctx()));
        tokio::spawn(async move {
            let started = Instant::now();
            let in_time = tokio::time::timeout(limit, step).await.is_ok();
            (in_time, started.elapsed())
        })
    }

    /// Starts a step that runs alongside the others until [`Suite::join`].
    pub fn spawn<F, Fut>(&mut self, name: &str, step: F)
    where
        F: FnOnce(Arc<C>) -> Fut,
        Fut: Future<Output = ()> + Send + 'static,
    {
        eprintln!("[{}] step {name} started", self.name);
        let task = self.start(step);
        self.running.push((name.to_owned(), Instant::now(), task));
    }

    /// Waits for every spawned step; returns whether they all passed.
    pub async fn join(&mut self) -> bool {
        let mut all = true;
        for (name, started, task) in std::mem::take(&mut self.running) {
            all &= self.record(&name, started, task).await;
        }
        all
    }

    async fn record(&mut self, name: &str, started: Instant, task: StepTask) -> bool {
        let (outcome, took) = match task.await {
            Ok((true, took)) => (Ok(()), took),
            Ok((false, took)) => (Err(format!("timed out after {:?}", self.step_timeout)), took),
            Err(e) if e.is_panic() => (Err(panic_message(e.into_panic())), started.elapsed()),
            Err(e) => (Err(format!("task failed: {e}")), started.elapsed()),
        };
        match outcome {
            Ok(()) => {
                eprintln!("[{}] step {name} passed in {took:.2?}", self.name);
                self.passed.push(name.to_owned());
                true
            }
            Err(why) => {
                eprintln!("[{}] step {name} FAILED in {took:.2?}: {why}", self.name);
                self.failures.push((name.to_owned(), why));
                false
            }
        }
    }

    /// Ends the suite: `on_failure` gets the context (e.g. to print server logs)
    /// if a step failed, the context is dropped (stopping its processes), and
    /// the suite panics if any step failed.
    pub async fn finish(mut self, on_failure: impl FnOnce(&C)) {
        self.join().await;
        let ctx = self.ctx.take().expect("suite context");
        if !self.failures.is_empty() {
            on_failure(&ctx);
        }
        drop(ctx);
        let took = self.started.elapsed();
        eprintln!("[{}] {} passed, {} failed, in {took:.2?}", self.name, self.passed.len(), self.failures.len());
        if !self.failures.is_empty() {
            let list: Vec<String> = self.failures.iter().map(|(n, why)| format!("  - {n}: {why}")).collect();
            panic!("{} step(s) of {} failed:\n{}", self.failures.len(), self.name, list.join("\n"));
        }
    }
}

fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else {
        "panicked (non-string payload)".to_owned()
    }
}
