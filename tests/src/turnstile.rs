//! A local stand-in for Cloudflare Turnstile's siteverify, which the edge
//! calls when `TURNSTILE_SECRET` is set (the `TURNSTILE_VERIFY_URL` var points
//! it here): a challenge token passes when it is [`PASS`] and the secret is
//! the one given. Every call is kept for the tests to look at.

use crate::www::{read_request, respond, Server};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The one token the stand-in takes for a solved challenge.
pub const PASS: &str = "solved-challenge";

pub struct TurnstileStandIn {
    server: Server,
    calls: Arc<Mutex<Vec<Value>>>,
}

impl TurnstileStandIn {
    pub fn start(secret: &str) -> TurnstileStandIn {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let (kept, secret) = (calls.clone(), secret.to_owned());
        let server = Server::start(move |mut stream| {
            let Some(request) = read_request(&mut stream) else { return };
            let call: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
            let success = request.method == "POST" && call["secret"] == secret.as_str() && call["response"] == PASS;
            kept.lock().expect("calls").push(call);
            respond(stream, "200 OK", "application/json", json!({ "success": success }).to_string().as_bytes());
        });
        TurnstileStandIn { server, calls }
    }

    /// The siteverify URL to give the edge.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}/siteverify", self.server.port())
    }

    /// The JSON bodies of the calls so far.
    pub fn calls(&self) -> Vec<Value> {
        self.calls.lock().expect("calls").clone()
    }
}
