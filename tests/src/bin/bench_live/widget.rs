//! Part 4: the widget in headless Chromium, on a page of a second origin,
//! from a post's answer to the DOM showing it.

use crate::measure::{Sample, Timing};
use crate::{POST_PAUSE, account, random_unit};
use gazouillis_protocol::PostPage;
use gazouillis_protocol::limits::POLL_SECONDS;
use gazouillis_tests::www::WwwServer;
use gazouillis_tests::{Edge, Method, SETTLE, Tab, eventually};
use serde::Deserialize;
use serde_json::{Value, json};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// How long the widget may take to load, to open its WebSocket, to show a post.
const WIDGET_WAIT: Duration = Duration::from_secs(30);

/// Counts the live connections the widget opens (a subclass: the widget sees
/// a WebSocket in every way).
const COUNT_WEBSOCKETS: &str = "<script>window.__wsOpen = 0; window.WebSocket = class extends WebSocket { \
    constructor(...args) { super(...args); this.addEventListener('open', () => { window.__wsOpen += 1; }); } };</script>";
/// Refuses WebSocket, so that the widget falls back to polling.
const REFUSE_WEBSOCKETS: &str = "<script>window.WebSocket = function () { throw new Error('refused'); };</script>";

/// Watches the widget's shadow root: pushes `{t, text}` into `window.__seen`
/// (`t` = `Date.now()`) each time the text of `.gz-new-posts` changes, and
/// `{t, id}` when a post the widget did not show before appears.
const OBSERVE: &str = r#"
const host = document.querySelector('gazouillis-feed');
const root = host && host.shadowRoot;
if (!root) return false;
window.__seen = [];
const ids = () => Array.from(root.querySelectorAll('article.gz-post'), a => a.getAttribute('data-id'));
const shown = new Set(ids());
let text = null;
const check = () => {
  const t = Date.now();
  const button = root.querySelector('.gz-new-posts');
  const now = button ? button.textContent.trim() : null;
  if (now !== text) {
    text = now;
    if (now) window.__seen.push({ t, text: now });
  }
  for (const id of ids()) {
    if (id && !shown.has(id)) {
      shown.add(id);
      window.__seen.push({ t, id });
    }
  }
};
new MutationObserver(check).observe(root, { subtree: true, childList: true, characterData: true });
check();
return true;
"#;

/// What the observer ([`OBSERVE`]) recorded.
#[derive(Deserialize)]
struct Seen {
    /// `Date.now()`, ms since the epoch.
    t: f64,
    text: Option<String>,
    id: Option<String>,
}

/// Milliseconds since the epoch, as `Date.now()` in the page counts them.
fn wall_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

/// The first number in a text ("3 new posts": 3).
fn first_number(text: &str) -> Option<usize> {
    let digits: String = text.chars().skip_while(|c| !c.is_ascii_digit()).take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// When the widget first showed the `k`-th new post (1-based), whose id is
/// `id`: the button counting at least `k` new posts, or the post itself.
fn shown_at(seen: &[Seen], k: usize, id: &str) -> Option<f64> {
    seen.iter()
        .find(|s| s.id.as_deref() == Some(id) || s.text.as_deref().and_then(first_number).is_some_and(|n| n >= k))
        .map(|s| s.t)
}

/// Runs `script` in `tab` until it returns something else than `false` or
/// `null`, for at most `within`.
async fn wait_js(tab: &Tab, script: &str, within: Duration) -> Result<Value, String> {
    let started = Instant::now();
    loop {
        let value = tab.js(script, vec![]).await?;
        if !matches!(value, Value::Null | Value::Bool(false)) {
            return Ok(value);
        }
        if started.elapsed() > within {
            return Err(format!("nothing after {within:?}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Part 4: a page on the second origin with the `<gazouillis-feed>` of a fresh
/// account with one post, WebSocket counted (`live`) or refused; then `posts`
/// posts, each waited for in the DOM. `Err` when the widget shows nothing in
/// time.
pub(crate) async fn widget(
    edge: &Edge,
    www: &WwwServer,
    tab: &Tab,
    handle: &str,
    live: bool,
    posts: usize,
) -> Result<Sample, String> {
    account(edge, handle).await;
    let first = edge.create_post(handle, "Already there when the page loads").await;
    eventually(SETTLE, || async {
        let page: PostPage = edge.get(&format!("/v1/accounts/{handle}/posts")).send().await.check_json(200)?;
        gazouillis_tests::ensure!(page.posts.iter().any(|p| p.id == first.id), "{} not in the feed yet", first.id);
        Ok(())
    })
    .await;
    let path = format!("/bench/{handle}.html");
    www.add_page(
        &path,
        &format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{handle}</title></head>\
             <body><gazouillis-feed account=\"{handle}\"></gazouillis-feed>{}\
             <script type=\"module\" src=\"/widget/gazouillis.js\"></script></body></html>",
            if live { COUNT_WEBSOCKETS } else { REFUSE_WEBSOCKETS }
        ),
    );
    let url = format!("{}{path}", www.origin());
    tab.command(Method::POST, "/url", Some(json!({ "url": url }))).await?;
    let loaded = "const host = document.querySelector('gazouillis-feed');
                  return !!(host && host.shadowRoot && host.shadowRoot.querySelector('article.gz-post'));";
    wait_js(tab, loaded, WIDGET_WAIT).await.map_err(|e| format!("the widget did not show its feed: {e}"))?;
    if live {
        wait_js(tab, "return window.__wsOpen > 0;", WIDGET_WAIT)
            .await
            .map_err(|e| format!("the widget opened no WebSocket: {e}"))?;
    }
    wait_js(tab, OBSERVE, Duration::ZERO).await.map_err(|e| format!("cannot observe the widget: {e}"))?;

    let mut sample = Sample::default();
    for k in 1..=posts {
        let sent = wall_ms();
        let post = edge.create_post(handle, &format!("Widget benchmark post {k}")).await;
        let answered = wall_ms();
        let started = Instant::now();
        let shown = loop {
            let seen: Vec<Seen> = serde_json::from_value(tab.js("return window.__seen || [];", vec![]).await?)
                .map_err(|e| format!("window.__seen: {e}"))?;
            if let Some(t) = shown_at(&seen, k, &post.id) {
                break Some(t);
            }
            if started.elapsed() > WIDGET_WAIT {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        match shown {
            // Both are this machine's wall clock.
            Some(t) => sample.timings.push(Timing { from_answer: t - answered, from_sent: t - sent }),
            None if k == 1 => return Err(format!("{} not shown within {WIDGET_WAIT:?}", post.id)),
            None => sample.missed += 1,
        }
        // Polling: the next post lands at a random phase of the widget's poll.
        let poll = Duration::from_secs(POLL_SECONDS.into());
        tokio::time::sleep(if live { POST_PAUSE } else { poll.mul_f64(random_unit()) }).await;
    }
    Ok(sample)
}
