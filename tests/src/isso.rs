//! Isso, a self-hosted comment server, run on loopback as a point of
//! comparison for the first-load benchmark: installed from PyPI into its own
//! virtual environment by `cargo xtask bench-first-load`, started with its own development server (werkzeug,
//! as `isso run` does without gevent) on a fresh SQLite database, and filled
//! through its HTTP API as a page's visitors would.

use crate::process::ProcessGroup;
use crate::{TempDir, free_ports};
use gazouillis_protocol::site::query_component;
use serde_json::json;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// How long Isso may take to answer its first request.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// One running Isso server, on its own database; stopped on drop.
pub struct Isso {
    port: u16,
    http: reqwest::Client,
    process: ProcessGroup,
    /// Holds the config file, the database and the log.
    _dir: TempDir,
}

impl Isso {
    /// Starts `isso` (from [`install`]) on a free loopback port, accepting
    /// comments from pages of `site` (an origin: Isso's CORS allows it alone),
    /// and waits until it answers.
    pub async fn start(isso: &Path, site: &str) -> Isso {
        let dir = TempDir::new("isso");
        let port = free_ports(1)[0];
        // The guard (rate limits per address) is off: every comment comes from 127.0.0.1.
        let config = format!(
            "[general]\ndbpath = {db}\nhost = {site}\nnotify = stdout\n\n\
             [server]\nlisten = http://127.0.0.1:{port}/\npublic-endpoint = http://127.0.0.1:{port}\n\n\
             [moderation]\nenabled = false\n\n[guard]\nenabled = false\n",
            db = dir.path().join("comments.db").display(),
        );
        let config_path = dir.path().join("isso.cfg");
        std::fs::write(&config_path, config).expect("write isso.cfg");
        let mut cmd = Command::new(isso);
        cmd.arg("-c").arg(&config_path).arg("run");
        let mut process = ProcessGroup::spawn("isso", cmd, &dir.path().join("isso.log"))
            .unwrap_or_else(|e| panic!("spawn {}: {e}", isso.display()));
        let http = reqwest::Client::builder().no_proxy().timeout(Duration::from_secs(30)).build().expect("HTTP client");
        let started = Instant::now();
        let probe = format!("http://127.0.0.1:{port}/config");
        loop {
            if let Some(status) = process.exited() {
                panic!("isso exited ({status}) before answering:\n{}", process.log_tail(4000));
            }
            if http.get(&probe).send().await.is_ok_and(|r| r.status().is_success()) {
                break;
            }
            if started.elapsed() > START_TIMEOUT {
                panic!("isso did not answer {probe} within {START_TIMEOUT:?}:\n{}", process.log_tail(4000));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        eprintln!("[isso] answers on port {port} after {:.2?}", started.elapsed());
        Isso { port, http, process, _dir: dir }
    }

    /// `http://127.0.0.1:<port>`.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Posts a top-level comment on the thread of the page at `uri` (its
    /// path; `title` names the thread when it is new, so that Isso need not
    /// fetch the page), as its API's own example does; expects 201.
    pub async fn comment(&self, uri: &str, title: &str, author: &str, text: &str) {
        let answer = self
            .http
            .post(format!("{}/new?uri={}", self.origin(), query_component(uri)))
            .json(&json!({ "text": text, "author": author, "title": title }))
            .send()
            .await
            .unwrap_or_else(|e| panic!("POST /new to isso: {e}"));
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        assert_eq!(status.as_u16(), 201, "isso refused a comment: {body}\n{}", self.process.log_tail(2000));
    }
}
