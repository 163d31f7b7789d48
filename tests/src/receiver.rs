//! A local webhook receiver: the edge's alerts are POSTed to it (the edge
//! runs with `WEBHOOK_ALLOW_LOOPBACK=1`). Each request is answered as its
//! script says, in order (a status, a redirect, or no answer at all), then as the
//! script's last answer; every request is kept, with when it came, for the
//! tests to look at.

use crate::www::{read_request, respond, respond_with, Server};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How the receiver answers one request.
#[derive(Clone, Debug)]
pub enum Answer {
    Status(u16),
    /// A redirect of this status to this URL (`Location`).
    Redirect(u16, String),
    /// Holds the connection open without a word (for a minute).
    Silence,
    /// A status with a `Retry-After` header of this value.
    RetryAfter(u16, String),
}

/// A request the receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub at: Instant,
    pub path: String,
    /// Names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body as sent (a push message's is binary).
    pub raw: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

pub struct Receiver {
    server: Server,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Receiver {
    /// Answers with `script`, one answer per request, its last answer for ever after.
    pub fn start(script: &[Answer]) -> Receiver {
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(script.iter().cloned().collect::<VecDeque<_>>()));
        let kept = received.clone();
        let server = Server::start(move |mut stream| {
            let Some(request) = read_request(&mut stream) else { return };
            let answer = {
                let mut script = script.lock().expect("script");
                if script.len() > 1 { script.pop_front() } else { script.front().cloned() }
            };
            kept.lock().expect("received").push(Received {
                at: Instant::now(),
                path: request.path,
                headers: request.headers,
                body: String::from_utf8_lossy(&request.body).into_owned(),
                raw: request.body,
            });
            match answer.unwrap_or(Answer::Status(200)) {
                Answer::Status(status) => respond(stream, &format!("{status} Scripted"), "text/plain", b"ok"),
                Answer::Redirect(status, to) => respond_with(stream, &format!("{status} Moved"), "text/plain", &format!("location: {to}\r\n"), b"moved"),
                Answer::Silence => std::thread::sleep(Duration::from_secs(60)),
                Answer::RetryAfter(status, after) => respond_with(stream, &format!("{status} Later"), "text/plain", &format!("retry-after: {after}\r\n"), b"later"),
            }
        });
        Receiver { server, received }
    }

    /// The URL of `path` on this receiver.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.server.port())
    }

    /// How many requests came so far.
    pub fn count(&self) -> usize {
        self.received.lock().expect("received").len()
    }

    /// Every request so far, in the order they came.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received").clone()
    }

    /// The requests so far to `path`.
    pub fn received_at(&self, path: &str) -> Vec<Received> {
        self.received().into_iter().filter(|r| r.path == path).collect()
    }
}
