//! Feeds read as a feed reader reads them: Python's `feedparser` (installed
//! by `cargo xtask setup --browser` in `target/python`), through
//! `tests/python/feed_summary.py`, which also checks a JSON Feed against
//! its schema.

use crate::repo_root;
use serde::Deserialize;
use std::io::Write;
use std::process::{Command, Stdio};

/// What `feedparser` read of a feed.
#[derive(Debug, Deserialize)]
pub struct ReadFeed {
    /// The parser's complaint about the document, if any.
    pub bozo: Option<String>,
    /// `atom10`, `rss20`, `json11`…
    pub version: String,
    pub title: Option<String>,
    pub link: Option<String>,
    pub entries: Vec<ReadEntry>,
}

#[derive(Debug, Deserialize)]
pub struct ReadEntry {
    pub id: Option<String>,
    pub link: Option<String>,
    pub title: Option<String>,
    /// The entry's HTML, as the parser (which sanitizes it) gives it.
    pub content: Option<String>,
    /// Seconds since the epoch, UTC.
    pub published: Option<i64>,
}

/// Reads `body` as a feed of `kind` (`json` also checks the JSON Feed 1.1
/// schema); `Err` with the parser's or the schema's words when it refuses.
pub fn read_feed(kind: &str, body: &[u8]) -> Result<ReadFeed, String> {
    let root = repo_root();
    let mut child = Command::new(root.join("target/python/bin/python"))
        .arg(root.join("tests/python/feed_summary.py"))
        .arg(kind)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("python (run `cargo xtask setup --browser`): {err}"))?;
    child.stdin.take().expect("stdin").write_all(body).map_err(|err| err.to_string())?;
    let out = child.wait_with_output().map_err(|err| err.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    serde_json::from_slice(&out.stdout).map_err(|err| format!("{err}: {}", String::from_utf8_lossy(&out.stdout)))
}
