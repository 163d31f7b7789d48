//! `bench_first_load`: what a first visit costs, in one headless Chromium,
//! for three ways of putting a conversation on a page, each from a host page
//! on a second origin (the tests' file server), all in the same run:
//!
//! 1. `widget`: the loader script and `<gazouillis-feed account="acme">`;
//! 2. `embed`: the server-rendered fragment of `GET /embed/acme` inlined in
//!    the page (fetched by the benchmark each round, as a site's server would
//!    include it), with the same loader, which takes the fragment over;
//! 3. `isso`: Isso (installed from PyPI into `target/isso` by the xtask
//!    command, run on loopback by `gazouillis_tests::isso`), embedded as its
//!    documentation says.
//!
//! The account `acme` has `POSTS` posts, the newest with `REPLIES`
//! visitors' replies; Isso's thread has as many comments as acme has posts.
//! A measurement, never a pass/fail test.
//!
//! Each round loads each subject once, in a fresh browser context (a new
//! Chromium with an empty profile: nothing cached), in an order that turns
//! by one each round; an untimed round first warms the servers up. A script
//! at the top of the host page records, with `performance.now()` (ms since
//! navigation start), when the DOM first holds
//!
//! - a post (the widget's and the fragment's `article.gz-post`, in the
//!   element's shadow root; Isso's first `#isso-root .isso-comment`);
//! - the opener of the first post's thread (the widget's
//!   `button.gz-open-replies`; the fragment's opener is a plain link until
//!   the widget takes over), which the benchmark then clicks (a W3C pointer
//!   action at its centre) as soon as the page says it is there;
//! - a reply box that is present, visible and enabled (the thread's
//!   `textarea.gz-reply-input`; Isso's postbox textarea, which it shows
//!   without a click);
//!
//! checked on every DOM change (mutation observers, the widget's shadow root
//! included from its creation), every frame, and once the parser has read
//! the body. The click's time is the event's own `timeStamp`. "Reply can be
//! typed" includes the benchmark's own reaction to the opener (WebDriver
//! round trips); the report says how long that was.
//!
//! Bytes before the first post: every Resource Timing entry that started
//! before the first post (the host page itself is not one, nor is the host
//! site's icon; the embed's inlined fragment is added, since it rides in the
//! page), fetched again by the benchmark and measured raw, `gzip -9` and
//! `brotli -q 11` (the `gzip` and `brotli` commands), as `cargo xtask size`
//! does. WebSockets are not resources and are not counted.
//!
//! Run it with `cargo xtask bench-first-load [--rounds N]`, which installs
//! Chromium, brotli and Isso and builds the Worker and the widget first.

use gazouillis_tests::isso::Isso;
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, Method, SETTLE, Tab, TempDir, ensure_eq, eventually, median, repo_root};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: bench_first_load [--rounds N]
  --rounds N  rounds, each loading the widget, the embed and Isso once (default 5)";

/// acme's posts (one page of the widget's feed), and Isso's comments.
const POSTS: usize = 20;
/// Visitors' replies on acme's newest post, the one whose thread is opened.
const REPLIES: usize = 3;
/// How long one page may take to show its post and its reply box.
const LOAD_WAIT: Duration = Duration::from_secs(60);
/// The path of Isso's host page, which names its thread.
const ISSO_PAGE: &str = "/bench/isso.html";
/// What posts and comments say, in turn.
const TEXTS: [&str; 4] = [
    "Nouvelle collection de vélos pliants : plus légers, même prix. Passez les voir en boutique !",
    "Livraison offerte ce week-end sur toutes les commandes, partout en France.",
    "Question du jour : vous roulez plutôt en ville ou à la campagne ? Dites-le-nous.",
    "Atelier réparation gratuit samedi matin : apportez votre vélo, on s'occupe du reste.",
];

#[derive(Clone, Copy, PartialEq)]
enum Subject {
    Widget,
    Embed,
    Isso,
}

const SUBJECTS: [Subject; 3] = [Subject::Widget, Subject::Embed, Subject::Isso];

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::Widget => "widget",
            Subject::Embed => "embed",
            Subject::Isso => "isso",
        }
    }

    /// Where the timing script looks: `shadow` (in the first
    /// `<gazouillis-feed>`'s shadow root, else the document), and what it
    /// looks for.
    fn selectors(self) -> Value {
        match self {
            Subject::Widget | Subject::Embed => json!({
                "shadow": true,
                "post": "article.gz-post",
                "opener": OPENER,
                "box": "textarea.gz-reply-input",
            }),
            Subject::Isso => json!({
                "shadow": false,
                "post": "#isso-root .isso-comment",
                "opener": null,
                "box": ".isso-postbox textarea.isso-textarea",
            }),
        }
    }
}

/// The widget's control that opens a post's thread (the first one: acme's
/// newest post, the one with replies).
const OPENER: &str = "button.gz-open-replies";

/// Records in `window.__bench.marks` (ms since navigation start) when the
/// DOM first holds a post (`post`), the thread's opener (`opener`) and a
/// usable reply box (`box`), and when the first click came (`click`);
/// `__bench.when(mark, done)` calls `done(marks)` once the mark is set (or
/// `done(null)` after 20 s). `marks.at` is the opener's centre, in viewport
/// pixels, as it first appeared. `SELECTORS` is replaced by
/// [`Subject::selectors`].
const TIMING: &str = r#"<script>
(() => {
  const sel = SELECTORS;
  const marks = {};
  const waiters = [];
  const set = (key, element) => {
    if (marks[key] !== undefined) return;
    marks[key] = performance.now();
    if (key === 'opener') {
      const r = element.getBoundingClientRect();
      marks.at = [Math.round(r.x + r.width / 2), Math.round(r.y + r.height / 2)];
    }
    waiters.filter(w => w.key === key).forEach(w => w.done(marks));
  };
  const usable = e => !!e && !e.disabled && !e.readOnly && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const observed = new Set();
  const observe = root => {
    if (observed.has(root)) return;
    observed.add(root);
    new MutationObserver(check).observe(root, { childList: true, subtree: true, attributes: true, characterData: true });
  };
  function check() {
    const host = document.querySelector('gazouillis-feed');
    const scope = sel.shadow ? host && host.shadowRoot : document;
    if (!scope) return;
    observe(scope);
    if (scope.querySelector(sel.post)) set('post');
    const opener = sel.opener && scope.querySelector(sel.opener);
    if (opener) set('opener', opener);
    if (usable(scope.querySelector(sel.box))) set('box');
  }
  // The widget attaches its shadow root from its script: watched from its first node.
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init); observe(root); return root; };
  addEventListener('click', e => { if (marks.click === undefined) marks.click = e.timeStamp; }, true);
  observe(document);
  const frame = () => { check(); if (marks.post === undefined || marks.box === undefined) requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  window.__bench = { marks, check, when: (key, done) => {
    if (marks[key] !== undefined) return done(marks);
    waiters.push({ key, done });
    setTimeout(() => done(null), 20000);
  } };
})();
</script>"#;

/// Ends each host page's body: a check as soon as the parser has read it
/// (mutation observers hear of what the parser inserts only at the next
/// microtask checkpoint, which may come after the loader's module has run).
const PARSED: &str = "<script>window.__bench.check();</script>";

/// The marks, and the URLs of the resources that started before the first
/// post (but the host site's icon, which Chromium lists and fetches for itself).
const READ: &str = "const marks = window.__bench.marks;
    return { marks, resources: performance.getEntriesByType('resource')
        .filter(r => r.startTime < marks.post && r.name !== location.origin + '/favicon.ico').map(r => r.name) };";

#[derive(Deserialize)]
struct Marks {
    post: f64,
    #[serde(rename = "box")]
    reply_box: f64,
    opener: Option<f64>,
    click: Option<f64>,
}

#[derive(Deserialize)]
struct Read {
    marks: Marks,
    resources: Vec<String>,
}

/// One load of one subject.
struct Load {
    marks: Marks,
    /// What came before the first post (the inlined fragment first), each
    /// with its raw, gzip and brotli bytes.
    resources: Vec<(String, [u64; 3])>,
}

impl Load {
    /// Raw, gzip and brotli bytes of all [`Load::resources`].
    fn bytes(&self) -> [u64; 3] {
        let mut total = [0; 3];
        for (_, sizes) in &self.resources {
            total.iter_mut().zip(sizes).for_each(|(sum, size)| *sum += size);
        }
        total
    }
}

struct Bench {
    edge: Edge,
    www: WwwServer,
    isso: Isso,
    browser: Browser,
    http: reqwest::Client,
    /// Sizes of each URL fetched again, measured once (brotli -q 11 takes a
    /// while; nothing a page fetches changes during a run but the time an
    /// edge fragment says it was rendered at).
    sizes: HashMap<String, [u64; 3]>,
    scratch: TempDir,
}

fn parse_args() -> Result<usize, String> {
    let given: Vec<String> = std::env::args().skip(1).collect();
    match given.as_slice() {
        [] => Ok(5),
        [flag, value] if flag == "--rounds" => {
            value.parse().ok().filter(|&n: &usize| n > 0).ok_or_else(|| format!("--rounds {value}: not a positive number"))
        }
        [flag, ..] if flag == "-h" || flag == "--help" => Err(String::new()),
        other => Err(format!("unexpected arguments {other:?}")),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let rounds = match parse_args() {
        Ok(rounds) => rounds,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("bench_first_load: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // Installed by `cargo xtask bench-first-load` (`xtask/src/project.rs`, `isso_venv`).
    let isso_bin = repo_root().join("target/isso/bin/isso");
    assert!(isso_bin.is_file(), "no {}: `cargo xtask bench-first-load` installs Isso", isso_bin.display());
    let edge = Edge::start().await;
    seed(&edge).await;
    let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
    let isso = Isso::start(&isso_bin, &www.origin()).await;
    for n in 0..POSTS {
        isso.comment(ISSO_PAGE, "Acme", "Acme", TEXTS[n % TEXTS.len()]).await;
    }
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().expect("HTTP client");
    let browser = Browser::start().await;
    let mut bench = Bench { edge, www, isso, browser, http, sizes: HashMap::new(), scratch: TempDir::new("first-load") };

    let started = Instant::now();
    for subject in SUBJECTS {
        bench.load(subject).await;
    }
    eprintln!("[bench] warm-up round done in {:.1?}", started.elapsed());
    let mut loads: Vec<Vec<Load>> = SUBJECTS.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in (0..SUBJECTS.len()).map(|i| (i + round) % SUBJECTS.len()) {
            let load = bench.load(SUBJECTS[k]).await;
            let m = &load.marks;
            eprintln!(
                "[bench] round {} {}: first post {:.0} ms, reply box {:.0} ms, {} bytes",
                round + 1,
                SUBJECTS[k].name(),
                m.post,
                m.reply_box,
                load.bytes()[0]
            );
            loads[k].push(load);
        }
    }
    bench.report(rounds, &loads);
    ExitCode::SUCCESS
}

/// acme and its posts, the newest with its replies, readable by all.
async fn seed(edge: &Edge) {
    edge.create_account("acme", "Acme", "Des vélos pour tous").await;
    let mut newest = None;
    for n in 0..POSTS {
        newest = Some(edge.create_post("acme", TEXTS[n % TEXTS.len()]).await);
    }
    let newest = newest.expect("posts");
    for n in 0..REPLIES {
        let visitor = edge.new_session(&format!("Visiteur {n}")).await;
        edge.reply(&visitor.token, &newest.id, "Merci, je passe samedi avec le mien !").await;
    }
    eventually(SETTLE, || async {
        let posts = edge.feed_all("acme", None).await?;
        ensure_eq!(posts.len(), POSTS, "acme's public feed");
        ensure_eq!((posts[0].id.as_str(), posts[0].replies), (newest.id.as_str(), REPLIES as u64), "the newest post's replies");
        Ok(())
    })
    .await;
}

impl Bench {
    /// Loads `subject` in a fresh browser context until its reply box is usable.
    async fn load(&mut self, subject: Subject) -> Load {
        let timing = TIMING.replace("SELECTORS", &subject.selectors().to_string());
        let (path, fragment) = match subject {
            Subject::Widget => {
                self.www.add_page("/bench/widget.html", &widget_page(&timing, &format!("<gazouillis-feed account=\"acme\"></gazouillis-feed>{PARSED}")));
                ("/bench/widget.html", None)
            }
            Subject::Embed => {
                // Fresh each round: the widget reads a fragment's first view only while it is recent.
                let fragment = self.edge.get("/embed/acme?lang=en").send().await.expect(200).text();
                self.www.add_page("/bench/embed.html", &widget_page(&timing, &format!("{fragment}{PARSED}")));
                ("/bench/embed.html", Some(fragment))
            }
            Subject::Isso => {
                let origin = self.isso.origin();
                let page = format!(
                    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>test</title>{timing}</head><body>\
                     <script data-isso=\"{origin}/\" src=\"{origin}/js/embed.min.js\"></script>\
                     <section id=\"isso-thread\"></section>{PARSED}</body></html>"
                );
                self.www.add_page(ISSO_PAGE, &page);
                (ISSO_PAGE, None)
            }
        };
        let tab = self.browser.new_context().await;
        let read = self.visit(&tab, subject, &format!("{}{path}", self.www.origin())).await;
        tab.close().await;
        let read = read.unwrap_or_else(|why| panic!("{}: {why}", subject.name()));
        let mut resources = Vec::new();
        if let Some(fragment) = fragment {
            resources.push(("/embed/acme?lang=en, inlined".to_owned(), compressed_sizes(fragment.as_bytes(), self.scratch.path())));
        }
        for url in read.resources {
            let sizes = self.sizes_of(&url).await;
            resources.push((url, sizes));
        }
        Load { marks: read.marks, resources }
    }

    /// Opens `url`, clicks the thread's opener as soon as there is one, and
    /// reads the marks once the post and the reply box are there.
    async fn visit(&self, tab: &Tab, subject: Subject, url: &str) -> Result<Read, String> {
        // The bare WebDriver navigation (it returns at the page's load event),
        // so that the opener is watched for, and clicked, as soon as can be.
        tab.command(Method::POST, "/url", Some(json!({ "url": url }))).await?;
        if subject != Subject::Isso {
            let marks = until_mark(tab, "opener").await?;
            click(tab, &marks["at"]).await?;
        }
        until_mark(tab, "post").await?;
        until_mark(tab, "box").await?;
        let read = tab.js(READ, vec![]).await?;
        serde_json::from_value(read.clone()).map_err(|e| format!("marks {read}: {e}"))
    }

    /// The raw, gzip and brotli bytes of what `url` answers now.
    async fn sizes_of(&mut self, url: &str) -> [u64; 3] {
        if let Some(sizes) = self.sizes.get(url) {
            return *sizes;
        }
        let answer = self.http.get(url).send().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert!(answer.status().is_success(), "GET {url}: {}", answer.status());
        let body = answer.bytes().await.unwrap_or_else(|e| panic!("GET {url}: {e}"));
        let sizes = compressed_sizes(&body, self.scratch.path());
        self.sizes.insert(url.to_owned(), sizes);
        sizes
    }

    /// The markdown tables.
    fn report(&self, rounds: usize, loads: &[Vec<Load>]) {
        println!();
        println!("First load, {rounds} rounds in turn, each in a fresh Chromium profile; medians (min–max):");
        println!();
        println!("| subject | resources | raw bytes | gzip -9 | brotli | first post | reply can be typed | click to reply box |");
        println!("|---|---|---|---|---|---|---|---|");
        let mut notes = Vec::new();
        for (subject, loads) in SUBJECTS.iter().zip(loads) {
            let bytes: Vec<String> = (0..3).map(|i| spread(loads.iter().map(|l| l.bytes()[i]))).collect();
            let clicks: Vec<f64> = loads.iter().filter_map(|l| Some(l.marks.reply_box - l.marks.click?)).collect();
            println!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |",
                subject.name(),
                spread(loads.iter().map(|l| l.resources.len() as u64)),
                bytes[0],
                bytes[1],
                bytes[2],
                ms(loads.iter().map(|l| l.marks.post).collect()),
                ms(loads.iter().map(|l| l.marks.reply_box).collect()),
                if clicks.is_empty() { "no click needed".to_owned() } else { ms(clicks) },
            );
            // The benchmark's own reaction is part of "reply can be typed": said, not hidden.
            let waits: Vec<f64> = loads.iter().filter_map(|l| Some(l.marks.click? - l.marks.opener?)).collect();
            if !waits.is_empty() {
                notes.push(format!(
                    "{}: the thread's opener was there at {}; the benchmark's click came {} after it",
                    subject.name(),
                    ms(loads.iter().filter_map(|l| l.marks.opener).collect()),
                    ms(waits)
                ));
            }
            let names = |l: &Load| l.resources.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
            if loads.windows(2).any(|w| names(&w[0]) != names(&w[1])) {
                notes.push(format!("{}: what came before the first post differs between rounds (below: the first round)", subject.name()));
            } else if loads.windows(2).any(|w| w[0].bytes() != w[1].bytes()) {
                // The embed's fragment holds the time it was rendered, which compresses unevenly.
                notes.push(format!("{}: the same resources each round, their bytes differing (min–max above)", subject.name()));
            }
        }
        println!();
        for note in notes {
            println!("- {note}");
        }
        println!();
        println!("Counted before the first post (first round):");
        println!();
        println!("| subject | resource | raw | gzip -9 | brotli |");
        println!("|---|---|---|---|---|");
        let (edge, isso) = (self.edge.base_url(), self.isso.origin());
        for (subject, loads) in SUBJECTS.iter().zip(loads) {
            for (url, sizes) in loads.first().map_or(&[][..], |l| &l.resources[..]) {
                let name = url.replace(&edge, "edge ").replace(&isso, "isso ");
                println!("| {} | {name} | {} | {} | {} |", subject.name(), group(sizes[0]), group(sizes[1]), group(sizes[2]));
            }
        }
    }
}

/// Waits until the page's timing script has set `mark`; returns the marks then.
async fn until_mark(tab: &Tab, mark: &str) -> Result<Value, String> {
    let started = Instant::now();
    loop {
        let script = json!({ "script": "window.__bench.when(arguments[0], arguments[1]);", "args": [mark] });
        let marks = tab.command(Method::POST, "/execute/async", Some(script)).await?;
        if !marks.is_null() {
            return Ok(marks);
        }
        if started.elapsed() > LOAD_WAIT {
            let marks = tab.js("return window.__bench.marks;", vec![]).await?;
            return Err(format!("no {mark} within {LOAD_WAIT:?} (marks so far: {marks})"));
        }
    }
}

/// A mouse click at `at` (`[x, y]` in the viewport), as one W3C action:
/// the browser's own input events and hit testing, with fewer round trips
/// to chromedriver than an element click (which checks the element first).
async fn click(tab: &Tab, at: &Value) -> Result<(), String> {
    let pointer = json!([
        { "type": "pointerMove", "duration": 0, "origin": "viewport", "x": at[0], "y": at[1] },
        { "type": "pointerDown", "button": 0 },
        { "type": "pointerUp", "button": 0 },
    ]);
    let actions = json!({ "actions": [{ "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": pointer }] });
    tab.command(Method::POST, "/actions", Some(actions)).await.map(drop)
}

/// `bytes` raw, through `gzip -9` and through `brotli -q 11`.
fn compressed_sizes(bytes: &[u8], scratch: &std::path::Path) -> [u64; 3] {
    let file = scratch.join("body");
    std::fs::write(&file, bytes).expect("write a scratch file");
    let size = |program: &str, args: &[&str]| {
        let out = Command::new(program)
            .args(args)
            .arg(&file)
            .output()
            .unwrap_or_else(|e| panic!("run {program} (`cargo xtask bench-first-load` installs it): {e}"));
        assert!(out.status.success(), "{program} failed: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout.len() as u64
    };
    [bytes.len() as u64, size("gzip", &["-9", "-c"]), size("brotli", &["-q", "11", "-c"])]
}

/// The value when all rounds agree, else `min–max`, digits grouped.
fn spread(values: impl Iterator<Item = u64>) -> String {
    let values: Vec<u64> = values.collect();
    let (min, max) = (values.iter().min().copied().unwrap_or(0), values.iter().max().copied().unwrap_or(0));
    if min == max { group(min) } else { format!("{}–{}", group(min), group(max)) }
}

/// `12,345`.
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `median ms (min–max)`.
fn ms(values: Vec<f64>) -> String {
    let min = values.iter().copied().fold(f64::INFINITY, f64::min);
    let max = values.iter().copied().fold(0.0, f64::max);
    match median(values) {
        Some(median) => format!("{median:.0} ms ({min:.0}–{max:.0})"),
        None => "–".to_owned(),
    }
}
