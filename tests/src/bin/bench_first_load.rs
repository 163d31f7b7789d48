//! `bench_first_load`: what a first visit costs, in one headless Chromium,
//! for three ways of putting a conversation on a page (a product page's
//! thread), each from a host page on a second origin (the tests' file
//! server), all in the same run:
//!
//! 1. `widget`: the loader script and `<gazouillis-feed account="acme"
//!    post="…">`, the conversation of acme's newest post;
//! 2. `embed`: the server-rendered fragment of `GET /embed/acme/{number}`
//!    inlined in the page (fetched by the benchmark each round, as a site's
//!    server would include it), with the same loader, which takes the
//!    fragment over;
//! 3. `isso`: Isso (installed from PyPI into `target/isso` by the xtask
//!    command, run on loopback by `gazouillis_tests::isso`), embedded as its
//!    documentation says.
//!
//! With `--baseline TREE --label COMMIT` (what `cargo xtask
//! bench-first-load --baseline COMMIT` passes: a tree built by `cargo xtask
//! build-at`), the widget and the embed are measured a second time, on that
//! tree's edge, widget and loader, in the same rounds: `widget (COMMIT)` and
//! `embed (COMMIT)`.
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
//!   element's shadow root, once its style sheet applies: the frame `.gz`
//!   has its background; Isso's first `#isso-root .isso-comment`);
//! - a reply box that is present, visible and enabled (the conversation's
//!   `textarea.gz-reply-input`, in the edge's first view already; Isso's
//!   postbox textarea); neither needs a click;
//!
//! checked on every DOM change (mutation observers, the widget's shadow root
//! included from its creation), every frame, and once the parser has read
//! the body.
//!
//! Bytes before the first post: every Resource Timing entry that started
//! before the first post (the host page itself is not one, nor is the host
//! site's icon; the embed's inlined fragment is added, since it rides in the
//! page), fetched again by the benchmark and measured raw, `gzip -9` and
//! `brotli -q 11` (the `gzip` and `brotli` commands), as `cargo xtask size`
//! does. WebSockets are not resources and are not counted.
//!
//! Run it with `cargo xtask bench-first-load [--rounds N] [--baseline
//! COMMIT]`, which installs Chromium, brotli and Isso and builds the Worker
//! and the widget (and the baseline) first.

use gazouillis_tests::isso::Isso;
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_protocol::PostId;
use gazouillis_tests::edge::Store;
use gazouillis_tests::{Browser, Edge, Method, SETTLE, Tab, TempDir, b36, ensure_eq, eventually, median, random_hex, repo_root};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: bench_first_load [--rounds N] [--baseline TREE --label NAME]
  --rounds N       rounds, each loading the widget, the embed and Isso once (default 5)
  --baseline TREE  also the widget and the embed of TREE (built by `cargo xtask build-at`)
  --label NAME     what TREE is called in the tables (its commit)";

/// acme's posts (one page of the widget's feed), and Isso's comments.
const POSTS: usize = 20;
/// Visitors' replies on acme's newest post, the conversation shown.
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

/// What one page loads; the widget and the embed from one of the
/// [`Bench::sites`] (0: this tree's).
#[derive(Clone, Copy, PartialEq)]
enum Subject {
    Widget(usize),
    Embed(usize),
    Isso,
}

impl Subject {
    /// The widget and the embed of each site, then Isso.
    fn all(sites: usize) -> Vec<Subject> {
        let mut all: Vec<Subject> = (0..sites).flat_map(|site| [Subject::Widget(site), Subject::Embed(site)]).collect();
        all.push(Subject::Isso);
        all
    }

    /// Where the timing script looks: `shadow` (in the first
    /// `<gazouillis-feed>`'s shadow root, else the document), and what it
    /// looks for; `styled`, an element whose background shows its style
    /// sheet is applied (the widget's frame: a linked sheet may come after
    /// its view is in the DOM).
    fn selectors(self) -> Value {
        match self {
            Subject::Widget(_) | Subject::Embed(_) => json!({
                "shadow": true,
                "styled": ".gz",
                "post": "article.gz-post",
                "box": "textarea.gz-reply-input",
            }),
            Subject::Isso => json!({
                "shadow": false,
                "styled": null,
                "post": "#isso-root .isso-comment",
                "box": ".isso-postbox textarea.isso-textarea",
            }),
        }
    }
}

/// Records in `window.__bench.marks` (ms since navigation start) when the
/// DOM first holds a post (`post`) and a usable reply box (`box`);
/// `__bench.when(mark, done)` calls `done(marks)` once the mark is set (or
/// `done(null)` after 20 s). `SELECTORS` is replaced by
/// [`Subject::selectors`].
const TIMING: &str = r#"<script>
(() => {
  const sel = SELECTORS;
  const marks = {};
  const waiters = [];
  const set = key => {
    if (marks[key] !== undefined) return;
    marks[key] = performance.now();
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
    // A post or a box counts once styled (the sheet's background on the frame).
    const frame = sel.styled && scope.querySelector(sel.styled);
    if (sel.styled && (!frame || getComputedStyle(frame).backgroundColor === 'rgba(0, 0, 0, 0)')) return;
    // Both read before either is set: setting one answers the benchmark, which takes a while.
    const post = !!scope.querySelector(sel.post), box = usable(scope.querySelector(sel.box));
    if (post) set('post');
    if (box) set('box');
  }
  // The widget attaches its shadow root from its script: watched from its first node.
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) { const root = attach.call(this, init); observe(root); return root; };
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

/// An edge and the host site that embeds it: this tree's, and the baseline's.
struct Site {
    /// What it is called in the tables: `None` for this tree.
    label: Option<String>,
    edge: Edge,
    /// The conversation shown: acme's newest post.
    conversation: PostId,
    www: WwwServer,
}

struct Bench {
    sites: Vec<Site>,
    isso: Isso,
    browser: Browser,
    http: reqwest::Client,
    /// Sizes of each URL fetched again, measured once (brotli -q 11 takes a
    /// while; nothing a page fetches changes during a run but the time an
    /// edge fragment says it was rendered at).
    sizes: HashMap<String, [u64; 3]>,
    scratch: TempDir,
}

struct Args {
    rounds: usize,
    /// A built tree and its label.
    baseline: Option<(PathBuf, String)>,
}

fn parse_args() -> Result<Args, String> {
    let given: Vec<String> = std::env::args().skip(1).collect();
    let (mut rounds, mut tree, mut label) = (5, None, None);
    for pair in given.chunks(2) {
        match pair {
            [flag, value] if flag == "--rounds" => {
                rounds = value.parse().ok().filter(|&n: &usize| n > 0).ok_or_else(|| format!("--rounds {value}: not a positive number"))?
            }
            [flag, value] if flag == "--baseline" => tree = Some(PathBuf::from(value)),
            [flag, value] if flag == "--label" => label = Some(value.clone()),
            [flag, ..] if flag == "-h" || flag == "--help" => return Err(String::new()),
            other => return Err(format!("unexpected arguments {other:?}")),
        }
    }
    let baseline = match (tree, label) {
        (Some(tree), _) if !tree.join("edge/build/index.js").is_file() => return Err(format!("--baseline {}: not a built tree", tree.display())),
        (Some(tree), label) => Some((tree, label.unwrap_or_else(|| "baseline".to_owned()))),
        (None, None) => None,
        (None, Some(_)) => return Err("--label without --baseline".to_owned()),
    };
    Ok(Args { rounds, baseline })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let Args { rounds, baseline } = match parse_args() {
        Ok(args) => args,
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
    let mut sites = vec![Site::start(repo_root(), None).await];
    if let Some((tree, label)) = baseline {
        sites.push(Site::start(tree, Some(label)).await);
    }
    let isso = Isso::start(&isso_bin, &sites[0].www.origin()).await;
    for n in 0..POSTS {
        isso.comment(ISSO_PAGE, "Acme", "Acme", TEXTS[n % TEXTS.len()]).await;
    }
    let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().expect("HTTP client");
    let browser = Browser::start().await;
    let mut bench = Bench { sites, isso, browser, http, sizes: HashMap::new(), scratch: TempDir::new("first-load") };

    let subjects = Subject::all(bench.sites.len());
    let started = Instant::now();
    for &subject in &subjects {
        bench.load(subject).await;
    }
    eprintln!("[bench] warm-up round done in {:.1?}", started.elapsed());
    let mut loads: Vec<Vec<Load>> = subjects.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        for k in (0..subjects.len()).map(|i| (i + round) % subjects.len()) {
            let load = bench.load(subjects[k]).await;
            let m = &load.marks;
            eprintln!(
                "[bench] round {} {}: first post {:.0} ms, reply box {:.0} ms, {} bytes",
                round + 1,
                bench.name(subjects[k]),
                m.post,
                m.reply_box,
                load.bytes()[0]
            );
            loads[k].push(load);
        }
    }
    bench.report(rounds, &subjects, &loads);
    ExitCode::SUCCESS
}

impl Site {
    /// The edge built in `root`, seeded, and a host site embedding it.
    async fn start(root: PathBuf, label: Option<String>) -> Site {
        let store = Store { root, state: None, admin_token: random_hex(24), session_secret: random_hex(32) };
        let edge = Edge::start_on(store, &[]).await;
        let conversation = seed(&edge).await;
        let www = WwwServer::start(&repo_root().join("www"), &edge.base_url());
        Site { label, edge, conversation, www }
    }
}

/// acme and its posts, the newest with its replies, readable by all; the
/// newest's id.
async fn seed(edge: &Edge) -> PostId {
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
    newest.id.parse().expect("a post id")
}

impl Bench {
    /// `widget`, `embed (COMMIT)`, `isso`…
    fn name(&self, subject: Subject) -> String {
        let (what, site) = match subject {
            Subject::Widget(site) => ("widget", site),
            Subject::Embed(site) => ("embed", site),
            Subject::Isso => return "isso".to_owned(),
        };
        match &self.sites[site].label {
            Some(label) => format!("{what} ({label})"),
            None => what.to_owned(),
        }
    }

    /// Loads `subject` in a fresh browser context until its reply box is usable.
    async fn load(&mut self, subject: Subject) -> Load {
        let timing = TIMING.replace("SELECTORS", &subject.selectors().to_string());
        let site = match subject {
            Subject::Widget(site) | Subject::Embed(site) => &self.sites[site],
            Subject::Isso => &self.sites[0],
        };
        let embed = format!("/embed/acme/{}?lang=en", b36(site.conversation.seq));
        let (path, fragment) = match subject {
            Subject::Widget(_) => {
                let element = format!("<gazouillis-feed account=\"acme\" post=\"{}\"></gazouillis-feed>{PARSED}", site.conversation);
                site.www.add_page("/bench/widget.html", &widget_page(&timing, &element));
                ("/bench/widget.html", None)
            }
            Subject::Embed(_) => {
                // Fresh each round: the widget reads a fragment's first view only while it is recent.
                let fragment = site.edge.get(&embed).send().await.expect(200).text();
                site.www.add_page("/bench/embed.html", &widget_page(&timing, &format!("{fragment}{PARSED}")));
                ("/bench/embed.html", Some(fragment))
            }
            Subject::Isso => {
                let origin = self.isso.origin();
                let page = format!(
                    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>test</title>{timing}</head><body>\
                     <script data-isso=\"{origin}/\" src=\"{origin}/js/embed.min.js\"></script>\
                     <section id=\"isso-thread\"></section>{PARSED}</body></html>"
                );
                site.www.add_page(ISSO_PAGE, &page);
                (ISSO_PAGE, None)
            }
        };
        let url = format!("{}{path}", site.www.origin());
        let tab = self.browser.new_context().await;
        let read = self.visit(&tab, &url).await;
        tab.close().await;
        let read = read.unwrap_or_else(|why| panic!("{}: {why}", self.name(subject)));
        let mut resources = Vec::new();
        if let Some(fragment) = fragment {
            resources.push((format!("{embed}, inlined"), compressed_sizes(fragment.as_bytes(), self.scratch.path())));
        }
        for url in read.resources {
            let sizes = self.sizes_of(&url).await;
            resources.push((url, sizes));
        }
        Load { marks: read.marks, resources }
    }

    /// Opens `url` and reads the marks once the post and the reply box are there.
    async fn visit(&self, tab: &Tab, url: &str) -> Result<Read, String> {
        // The bare WebDriver navigation (it returns at the page's load event).
        tab.command(Method::POST, "/url", Some(json!({ "url": url }))).await?;
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
    fn report(&self, rounds: usize, subjects: &[Subject], loads: &[Vec<Load>]) {
        println!();
        println!("First load, {rounds} rounds in turn, each in a fresh Chromium profile; medians (min–max):");
        println!();
        println!("| subject | resources | raw bytes | gzip -9 | brotli | first post | reply can be typed |");
        println!("|---|---|---|---|---|---|---|");
        let mut notes = Vec::new();
        for (&subject, loads) in subjects.iter().zip(loads) {
            let bytes: Vec<String> = (0..3).map(|i| spread(loads.iter().map(|l| l.bytes()[i]))).collect();
            println!(
                "| {} | {} | {} | {} | {} | {} | {} |",
                self.name(subject),
                spread(loads.iter().map(|l| l.resources.len() as u64)),
                bytes[0],
                bytes[1],
                bytes[2],
                ms(loads.iter().map(|l| l.marks.post).collect()),
                ms(loads.iter().map(|l| l.marks.reply_box).collect()),
            );
            let names = |l: &Load| l.resources.iter().map(|(name, _)| name.clone()).collect::<Vec<_>>();
            if loads.windows(2).any(|w| names(&w[0]) != names(&w[1])) {
                notes.push(format!("{}: what came before the first post differs between rounds (below: the first round)", self.name(subject)));
            } else if loads.windows(2).any(|w| w[0].bytes() != w[1].bytes()) {
                // The embed's fragment holds the time it was rendered, which compresses unevenly.
                notes.push(format!("{}: the same resources each round, their bytes differing (min–max above)", self.name(subject)));
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
        let isso = self.isso.origin();
        for (&subject, loads) in subjects.iter().zip(loads) {
            for (url, sizes) in loads.first().map_or(&[][..], |l| &l.resources[..]) {
                let name = self.sites.iter().fold(url.replace(&isso, "isso "), |name, site| name.replace(&site.edge.base_url(), "edge "));
                println!("| {} | {name} | {} | {} | {} |", self.name(subject), group(sizes[0]), group(sizes[1]), group(sizes[2]));
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
