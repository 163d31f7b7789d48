//! Headless Chromium through chromedriver, and helpers that read and drive
//! the widget inside the shadow root of `<gazouillis-feed>`.

use crate::process::ProcessGroup;
use crate::{TempDir, free_ports};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// WebDriver key codes for [`Tab::keys`].
pub const TAB: char = '\u{E004}';
pub const ENTER: char = '\u{E007}';
pub const ESCAPE: char = '\u{E00C}';

/// The longest [`Tab::goto`] waits for a page's widgets to be ready.
const WIDGET_READY: Duration = Duration::from_secs(30);

/// The W3C key of an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// One chromedriver; each [`Browser::new_context`] is a Chromium with its own
/// fresh profile (its own localStorage: its own visitor).
pub struct Browser {
    url: String,
    http: reqwest::Client,
    driver: Mutex<Option<ProcessGroup>>,
    dir: TempDir,
    profiles: Mutex<u32>,
}

impl Browser {
    /// Starts chromedriver (`CHROMEDRIVER`, default `/usr/bin/chromedriver`) on a free port.
    pub async fn start() -> Browser {
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let dir = TempDir::new("browser");
        let port = free_ports(1)[0];
        let mut cmd = Command::new(&driver);
        cmd.arg(format!("--port={port}"));
        let log = dir.path().join("chromedriver.log");
        let mut process =
            ProcessGroup::spawn("chromedriver", cmd, &log).unwrap_or_else(|e| panic!("spawn {driver}: {e}"));
        let url = format!("http://127.0.0.1:{port}");
        let http =
            reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(120)).build().expect("HTTP client");
        let started = Instant::now();
        loop {
            if let Some(status) = process.exited() {
                panic!("chromedriver exited ({status}):\n{}", process.log_tail(4000));
            }
            let ready = match http.get(format!("{url}/status")).timeout(Duration::from_secs(2)).send().await {
                Ok(r) => r.json::<Value>().await.ok().and_then(|v| v["value"]["ready"].as_bool()).unwrap_or(false),
                Err(_) => false,
            };
            if ready {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                panic!("chromedriver not ready within 30 s:\n{}", process.log_tail(4000));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("[harness] chromedriver ready after {:.2?}", started.elapsed());
        Browser { url, http, driver: Mutex::new(Some(process)), dir, profiles: Mutex::new(0) }
    }

    /// A new Chromium session with a fresh profile directory.
    pub async fn new_context(&self) -> Tab {
        self.context_with(json!({})).await
    }

    /// A new session in which pages run no script (as a reader with
    /// JavaScript off, or a crawler that does not run it); the test's own
    /// scripts still run, through DevTools.
    pub async fn new_context_without_scripts(&self) -> Tab {
        self.context_with(json!({"profile.managed_default_content_settings.javascript": 2})).await
    }

    async fn context_with(&self, prefs: Value) -> Tab {
        let profile = {
            let mut n = self.profiles.lock().expect("profiles");
            *n += 1;
            self.dir.path().join(format!("profile-{n}"))
        };
        std::fs::create_dir_all(&profile).expect("create a profile dir");
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let capabilities = json!({
            "capabilities": { "alwaysMatch": {
                "browserName": "chrome",
                // The browser's console, which [`Tab::console`] reads.
                "goog:loggingPrefs": { "browser": "ALL" },
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-dev-shm-usage",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--no-first-run",
                        "--window-size=1024,900",
                        format!("--user-data-dir={}", profile.display()),
                    ],
                    "prefs": prefs,
                },
            }},
        });
        let created = self
            .http
            .post(format!("{}/session", self.url))
            .json(&capabilities)
            .send()
            .await
            .unwrap_or_else(|e| panic!("new Chromium session through chromedriver: {e}"));
        let status = created.status();
        let body: Value = created.json().await.unwrap_or_default();
        let Some(id) = body["value"]["sessionId"].as_str() else {
            panic!("chromedriver refused a new session ({status}): {body}\n{}", self.log_tail(4000));
        };
        Tab { http: self.http.clone(), session: format!("{}/session/{id}", self.url), host: Some(0) }
    }

    /// The end of chromedriver's output.
    pub fn log_tail(&self, max: usize) -> String {
        crate::process::log_tail(&self.dir.path().join("chromedriver.log"), max)
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ends chromedriver and, with its process group, every Chromium it started.
        if let Some(mut driver) = self.driver.lock().ok().and_then(|mut d| d.take()) {
            driver.stop();
        }
    }
}

/// A post as the widget shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PostView {
    pub id: Option<String>,
    pub text: Option<String>,
    pub reply_count: Option<String>,
}

/// A reply as the widget shows it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ReplyView {
    pub id: Option<String>,
    pub text: Option<String>,
    pub author: Option<String>,
}

/// Sets `root`: the shadow root of the `<gazouillis-feed>` whose index in
/// the page is the last script argument, or the document itself when that
/// argument is `null`; or returns `{error}`.
const ROOT_JS: &str = r#"
const hostIndex = arguments[arguments.length - 1];
const host = hostIndex === null ? null : document.querySelectorAll('gazouillis-feed')[hostIndex];
if (hostIndex !== null && !host) return { error: 'no <gazouillis-feed> number ' + hostIndex + ' in ' + location.href + ' (' +
  document.readyState + ', title ' + JSON.stringify(document.title) + ', text ' +
  JSON.stringify((document.body ? document.body.innerText : '').slice(0, 300)) + ')' };
const root = host ? host.shadowRoot : document;
if (!root) return { error: '<gazouillis-feed> number ' + hostIndex + ' has no open shadow root' };
"#;

/// One browser context (one visitor) showing one page. Queries look in the
/// shadow root of the page's first `<gazouillis-feed>`, of another one with
/// [`Tab::widget`], or in the page itself with [`Tab::page`].
#[derive(Clone)]
pub struct Tab {
    http: reqwest::Client,
    /// `http://127.0.0.1:<port>/session/<id>`.
    session: String,
    /// Which `<gazouillis-feed>` of the page the queries look in; `None`: the page itself.
    host: Option<usize>,
}

impl Tab {
    /// The same tab, with widget queries in the `index`-th `<gazouillis-feed>` of the page.
    pub fn widget(&self, index: usize) -> Tab {
        Tab { host: Some(index), ..self.clone() }
    }

    /// The same tab, with queries in the page's own document (the console).
    pub fn page(&self) -> Tab {
        Tab { host: None, ..self.clone() }
    }

    /// How many `<gazouillis-feed>` elements the page holds.
    pub async fn widget_count(&self) -> Result<usize, String> {
        let n = self.js("return document.querySelectorAll('gazouillis-feed').length;", vec![]).await?;
        n.as_u64().map(|n| n as usize).ok_or_else(|| format!("widget count {n}"))
    }

    /// One WebDriver command; returns its `value`, or the WebDriver error.
    pub async fn command(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let mut req = self.http.request(method.clone(), format!("{}{path}", self.session));
        if let Some(body) = body {
            req = req.json(&body);
        }
        let answer = req.send().await.map_err(|e| format!("WebDriver {method} {path}: {e}"))?;
        let status = answer.status();
        let body: Value = answer.json().await.map_err(|e| format!("WebDriver {method} {path}: {e}"))?;
        if !status.is_success() {
            let error = &body["value"];
            return Err(format!(
                "WebDriver {method} {path} answered {status}: {} {}",
                error["error"].as_str().unwrap_or_default(),
                error["message"].as_str().unwrap_or_default()
            ));
        }
        Ok(body["value"].clone())
    }

    /// Opens `url`, then waits for its widgets to be ready (see [`Tab::until_widgets_ready`]).
    pub async fn goto(&self, url: &str) {
        self.command(Method::POST, "/url", Some(json!({ "url": url })))
            .await
            .unwrap_or_else(|e| panic!("open {url}: {e}"));
        self.until_widgets_ready().await;
    }

    /// Waits (up to [`WIDGET_READY`]) until every widget of the page that is
    /// not `loading="lazy"` shows its own view (`data-ready`), not only the
    /// edge's first view: following or opening a thread before would meet a
    /// disabled button or a link to the post's page. Pages without the
    /// loader's script have nothing to wait for.
    async fn until_widgets_ready(&self) {
        let pending = "return !!customElements.get('gazouillis-feed')
            && document.querySelectorAll('gazouillis-feed:not([loading=lazy]):not([data-ready])').length > 0;";
        let started = Instant::now();
        while self.js(pending, vec![]).await == Ok(json!(true)) {
            if started.elapsed() > WIDGET_READY {
                eprintln!("[harness] widgets not ready after {WIDGET_READY:?}: the test goes on");
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Makes this tab's system colour scheme `dark` or `light`, as the
    /// visitor's settings would (`prefers-color-scheme`).
    pub async fn prefer_color_scheme(&self, scheme: &str) -> Result<(), String> {
        let features = json!([{"name": "prefers-color-scheme", "value": scheme}]);
        let command = json!({"cmd": "Emulation.setEmulatedMedia", "params": {"features": features}});
        self.command(Method::POST, "/goog/cdp/execute", Some(command)).await.map(drop)
    }

    pub async fn reload(&self) {
        self.command(Method::POST, "/refresh", Some(json!({}))).await.unwrap_or_else(|e| panic!("reload: {e}"));
        self.until_widgets_ready().await;
    }

    /// Runs `body` (a function body using `arguments`) in the page.
    pub async fn js(&self, body: &str, args: Vec<Value>) -> Result<Value, String> {
        self.command(Method::POST, "/execute/sync", Some(json!({ "script": body, "args": args }))).await
    }

    /// Runs `body` after [`ROOT_JS`] (so `root` is the widget's shadow root);
    /// a returned `{error}` becomes `Err`.
    async fn in_root(&self, body: &str, mut args: Vec<Value>) -> Result<Value, String> {
        args.push(json!(self.host));
        let value = self.js(&format!("{ROOT_JS}\n{body}"), args).await?;
        if let Some(error) = value.get("error").and_then(Value::as_str) {
            return Err(error.to_owned());
        }
        Ok(value)
    }

    /// `textContent` of every element matching `sel` in the shadow root.
    pub async fn texts(&self, sel: &str) -> Result<Vec<String>, String> {
        let v = self
            .in_root(
                "return { items: Array.from(root.querySelectorAll(arguments[0])).map(e => e.textContent) };",
                vec![json!(sel)],
            )
            .await?;
        serde_json::from_value(v["items"].clone()).map_err(|e| format!("texts({sel}): {e}"))
    }

    /// `textContent` of the first element matching `sel`, trimmed.
    pub async fn text(&self, sel: &str) -> Result<String, String> {
        self.texts(sel)
            .await?
            .into_iter()
            .next()
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| format!("no {sel} in the widget"))
    }

    /// How many elements match `sel` in the shadow root.
    pub async fn count(&self, sel: &str) -> Result<usize, String> {
        Ok(self.texts(sel).await?.len())
    }

    /// The attribute `name` of the first element matching `sel` (`Ok(None)`: no such attribute).
    pub async fn attr(&self, sel: &str, name: &str) -> Result<Option<String>, String> {
        let v = self
            .in_root(
                "const e = root.querySelector(arguments[0]);
                 if (!e) return { error: 'no ' + arguments[0] + ' in the widget' };
                 return { value: e.getAttribute(arguments[1]) };",
                vec![json!(sel), json!(name)],
            )
            .await?;
        Ok(v["value"].as_str().map(str::to_owned))
    }

    /// The `value` property of the first input or textarea matching `sel`.
    pub async fn value(&self, sel: &str) -> Result<String, String> {
        let v = self
            .in_root(
                "const e = root.querySelector(arguments[0]);
                 if (!e) return { error: 'no ' + arguments[0] + ' in the widget' };
                 return { value: e.value };",
                vec![json!(sel)],
            )
            .await?;
        Ok(v["value"].as_str().unwrap_or_default().to_owned())
    }

    /// The posts the widget shows: `article.gz-post` with its `data-id`,
    /// `.gz-post-text` and `span.gz-reply-count`.
    pub async fn posts(&self) -> Result<Vec<PostView>, String> {
        let v = self
            .in_root(
                "const t = (e, s) => { const x = e.querySelector(s); return x ? x.textContent.trim() : null; };
                 return { items: Array.from(root.querySelectorAll('article.gz-post')).map(a => ({
                   id: a.getAttribute('data-id'),
                   text: t(a, '.gz-post-text'),
                   reply_count: t(a, 'span.gz-reply-count'),
                 })) };",
                vec![],
            )
            .await?;
        serde_json::from_value(v["items"].clone()).map_err(|e| format!("posts(): {e}"))
    }

    /// The replies the widget shows: `.gz-reply` with its `data-id`,
    /// `.gz-reply-text` (untrimmed) and `.gz-reply-author`.
    pub async fn replies(&self) -> Result<Vec<ReplyView>, String> {
        let v = self
            .in_root(
                "const t = (e, s) => { const x = e.querySelector(s); return x ? x.textContent : null; };
                 return { items: Array.from(root.querySelectorAll('.gz-reply')).map(r => ({
                   id: r.getAttribute('data-id'),
                   text: t(r, '.gz-reply-text'),
                   author: t(r, '.gz-reply-author'),
                 })) };",
                vec![],
            )
            .await?;
        serde_json::from_value(v["items"].clone()).map_err(|e| format!("replies(): {e}"))
    }

    /// The WebDriver element id of the first `sel` inside the shadow root
    /// (a reference a script returns is a W3C element reference, so it can be
    /// clicked and typed into like a person would).
    pub async fn element(&self, sel: &str) -> Result<String, String> {
        let v = self
            .in_root(
                "const e = root.querySelector(arguments[0]);
                 if (!e) return { error: 'no ' + arguments[0] + ' in the widget' };
                 return { element: e };",
                vec![json!(sel)],
            )
            .await?;
        v["element"][ELEMENT_KEY]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("{sel}: no element reference in {v}"))
    }

    /// A real click (WebDriver element click: scrolled into view, hit-tested) on the first `sel`.
    pub async fn click(&self, sel: &str) -> Result<(), String> {
        let id = self.element(sel).await?;
        self.command(Method::POST, &format!("/element/{id}/click"), Some(json!({}))).await.map(drop)
    }

    /// Real key presses into the first `sel` (after clearing it).
    pub async fn type_text(&self, sel: &str, text: &str) -> Result<(), String> {
        let id = self.element(sel).await?;
        self.command(Method::POST, &format!("/element/{id}/clear"), Some(json!({}))).await?;
        self.command(Method::POST, &format!("/element/{id}/value"), Some(json!({ "text": text }))).await.map(drop)
    }

    /// Chooses the file at `path` (absolute) in the file input `sel`.
    pub async fn choose_file(&self, sel: &str, path: &std::path::Path) -> Result<(), String> {
        let id = self.element(sel).await?;
        self.command(Method::POST, &format!("/element/{id}/value"), Some(json!({ "text": path.display().to_string() }))).await.map(drop)
    }

    /// Key presses to whatever has the focus, as a person types them
    /// (WebDriver key codes: [`TAB`], [`ENTER`]).
    pub async fn keys(&self, keys: &str) -> Result<(), String> {
        let actions: Vec<Value> = keys
            .chars()
            .flat_map(|key| [json!({ "type": "keyDown", "value": key.to_string() }), json!({ "type": "keyUp", "value": key.to_string() })])
            .collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.command(Method::POST, "/actions", Some(body)).await.map(drop)
    }

    /// Resizes the window to `width` × `height` CSS pixels.
    pub async fn resize(&self, width: u32, height: u32) {
        self.command(Method::POST, "/window/rect", Some(json!({ "width": width, "height": height })))
            .await
            .unwrap_or_else(|e| panic!("resize to {width}×{height}: {e}"));
    }

    /// The page's title.
    pub async fn title(&self) -> Result<String, String> {
        self.command(Method::GET, "/title", None).await.map(|v| v.as_str().unwrap_or_default().to_owned())
    }

    /// A PNG of what the window shows.
    pub async fn screenshot(&self) -> Result<Vec<u8>, String> {
        use base64::Engine;
        let png = self.command(Method::GET, "/screenshot", None).await?;
        base64::engine::general_purpose::STANDARD.decode(png.as_str().unwrap_or_default()).map_err(|e| format!("screenshot: {e}"))
    }

    /// The WCAG 2.2 A and AA violations axe-core finds in the page as it is
    /// now, one line each (`rule: selector, selector`); empty when none.
    pub async fn axe(&self) -> Result<Vec<String>, String> {
        let path = crate::repo_root().join("node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path).map_err(|e| format!("read {}: {e}", path.display()))?;
        // Injected once per document: the console's pages change without reload.
        self.js(&format!("if (!window.axe) {{ {source} }} return true;"), vec![]).await?;
        let found = self
            .js(
                "return axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] })
                   .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')));",
                vec![],
            )
            .await?;
        serde_json::from_value(found).map_err(|e| format!("axe: {e}"))
    }

    /// What the console received since the last call (the page's messages
    /// and the browser's own, such as what a Content-Security-Policy
    /// refused), one `LEVEL source: message` line each.
    pub async fn console(&self) -> Result<Vec<String>, String> {
        let entries = self.command(Method::POST, "/se/log", Some(json!({ "type": "browser" }))).await?;
        let line = |entry: &Value| format!("{} {}: {}", entry["level"].as_str().unwrap_or_default(), entry["source"].as_str().unwrap_or_default(), entry["message"].as_str().unwrap_or_default());
        Ok(entries.as_array().map(|entries| entries.iter().map(line).collect()).unwrap_or_default())
    }

    /// Ends the browser session (closing its Chromium).
    pub async fn close(&self) {
        let _ = self.http.delete(&self.session).send().await;
    }
}
