//! Headless Firefox ESR (`FIREFOX`, default `/usr/bin/firefox-esr`) driven
//! over WebDriver BiDi, which it speaks natively on `--remote-debugging-port`,
//! for what Chromium cannot do offline: receive Web Push. Its push service is
//! a local [`Autopush`](crate::autopush::Autopush) (`dom.push.serverURL`), and
//! notifications are allowed without asking.
//!
//! Only what the push test needs: open a URL, run a script in the page
//! (awaiting its promise), click an element as a user would.

use crate::process::ProcessGroup;
use crate::{TempDir, free_ports};
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The prefs that make Firefox use a local push service and show
/// notifications headless (each was needed here: see `../shared/toolchain.md`).
fn push_prefs(push_server: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("dom.push.serverURL", json!(push_server)),
        ("dom.push.testing.allowInsecureServerURL", json!(true)),
        ("dom.push.testing.ignorePermission", json!(true)),
        ("dom.push.connection.enabled", json!(true)),
        ("permissions.default.desktop-notification", json!(1)),
        ("dom.serviceWorkers.testing.enabled", json!(true)),
        // Without it, Firefox believes it is offline and never connects.
        ("network.manage-offline-status", json!(false)),
        // Without it, a headless `showNotification` fails.
        ("alerts.useSystemBackend", json!(false)),
        ("browser.shell.checkDefaultBrowser", json!(false)),
        ("datareporting.policy.dataSubmissionEnabled", json!(false)),
    ]
}

pub struct Firefox {
    _process: ProcessGroup,
    socket: tokio::sync::Mutex<WebSocketStream<MaybeTlsStream<TcpStream>>>,
    context: String,
    next_id: std::sync::atomic::AtomicU64,
    _dir: TempDir,
}

impl Firefox {
    /// A fresh profile whose push service is `push_server` (a `ws://` URL).
    pub async fn start(push_server: &str) -> Firefox {
        let binary = std::env::var("FIREFOX").unwrap_or_else(|_| "/usr/bin/firefox-esr".into());
        let dir = TempDir::new("firefox");
        let profile = dir.path().join("profile");
        std::fs::create_dir_all(&profile).expect("create a Firefox profile");
        let prefs: String = push_prefs(push_server).iter().map(|(name, value)| format!("user_pref(\"{name}\", {value});\n")).collect();
        std::fs::write(profile.join("user.js"), prefs).expect("write user.js");
        let port = free_ports(1)[0];
        let mut cmd = Command::new(&binary);
        cmd.args(["--headless", "--no-remote", "--remote-debugging-port", &port.to_string(), "--profile"])
            .arg(&profile)
            .env("MOZ_HEADLESS", "1");
        let log = dir.path().join("firefox.log");
        let mut process = ProcessGroup::spawn("firefox", cmd, &log).unwrap_or_else(|e| panic!("spawn {binary}: {e}"));
        let started = Instant::now();
        let socket = loop {
            if let Some(status) = process.exited() {
                panic!("Firefox exited ({status}):\n{}", process.log_tail(4000));
            }
            if let Ok((socket, _)) = tokio_tungstenite::connect_async(format!("ws://127.0.0.1:{port}/session")).await {
                break socket;
            }
            if started.elapsed() > Duration::from_secs(60) {
                panic!("Firefox's WebDriver BiDi not ready within 60 s:\n{}", process.log_tail(4000));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        eprintln!("[harness] Firefox ready after {:.2?}", started.elapsed());
        let mut firefox = Firefox {
            _process: process,
            socket: tokio::sync::Mutex::new(socket),
            context: String::new(),
            next_id: 1.into(),
            _dir: dir,
        };
        firefox.command("session.new", json!({"capabilities": {}})).await.expect("a BiDi session");
        let tree = firefox.command("browsingContext.getTree", json!({})).await.expect("Firefox's tabs");
        firefox.context = tree["contexts"][0]["context"].as_str().expect("a tab").to_owned();
        firefox
    }

    /// Sends one command and waits for its answer (events in between are skipped).
    async fn command(&self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut socket = self.socket.lock().await;
        let sent = json!({"id": id, "method": method, "params": params}).to_string();
        socket.send(Message::text(sent)).await.map_err(|e| format!("{method}: {e}"))?;
        loop {
            let message = tokio::time::timeout(Duration::from_secs(60), socket.next())
                .await
                .map_err(|_| format!("{method}: no answer within 60 s"))?;
            let Some(Ok(Message::Text(text))) = message else {
                return Err(format!("{method}: the BiDi connection ended ({message:?})"));
            };
            let answer: Value = serde_json::from_str(&text).unwrap_or_default();
            if answer["id"].as_u64() != Some(id) {
                continue;
            }
            return match answer["type"].as_str() {
                Some("success") => Ok(answer["result"].clone()),
                _ => Err(format!("{method}: {} {}", answer["error"], answer["message"])),
            };
        }
    }

    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.command("browsingContext.navigate", json!({"context": self.context, "url": url, "wait": "complete"})).await.map(drop)
    }

    /// The value of `expression` (awaited if a promise), as BiDi serializes it.
    pub async fn eval(&self, expression: &str) -> Result<Value, String> {
        let params = json!({
            "expression": expression,
            "target": {"context": self.context},
            "awaitPromise": true,
            "userActivation": true,
        });
        let result = self.command("script.evaluate", params).await?;
        match result["type"].as_str() {
            Some("success") => Ok(result["result"].clone()),
            _ => Err(format!("{expression}: {}", result["exceptionDetails"]["text"])),
        }
    }

    /// [`Firefox::eval`] of an expression whose value is a string.
    pub async fn string(&self, expression: &str) -> Result<String, String> {
        let value = self.eval(expression).await?;
        value["value"].as_str().map(str::to_owned).ok_or_else(|| format!("{expression}: not a string: {value}"))
    }

    /// Clicks the element `expression` gives, with the pointer, as a user would.
    pub async fn click(&self, expression: &str) -> Result<(), String> {
        let element = self.eval(&format!("(e => (e.scrollIntoView({{block: 'center'}}), e))({expression})")).await?;
        let Some(shared) = element["sharedId"].as_str() else { return Err(format!("{expression}: not an element: {element}")) };
        let origin = json!({"type": "element", "element": {"sharedId": shared}});
        let actions = json!({
            "context": self.context,
            "actions": [{"type": "pointer", "id": "mouse", "actions": [
                {"type": "pointerMove", "x": 0, "y": 0, "origin": origin},
                {"type": "pointerDown", "button": 0},
                {"type": "pointerUp", "button": 0},
            ]}],
        });
        self.command("input.performActions", actions).await.map(drop)
    }

    /// Types `text` into the focused element.
    pub async fn type_text(&self, text: &str) -> Result<(), String> {
        let keys: Vec<Value> = text
            .chars()
            .flat_map(|c| [json!({"type": "keyDown", "value": c.to_string()}), json!({"type": "keyUp", "value": c.to_string()})])
            .collect();
        let actions = json!({"context": self.context, "actions": [{"type": "key", "id": "keyboard", "actions": keys}]});
        self.command("input.performActions", actions).await.map(drop)
    }
}
