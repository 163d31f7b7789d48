//! A local stand-in for Cloudflare Turnstile: its siteverify, which the edge
//! calls when `TURNSTILE_SECRET` is set (the `TURNSTILE_VERIFY_URL` var points
//! it here), where a token passes when it is [`PASS`] and the secret is the
//! one given; and its script (`TURNSTILE_SCRIPT_URL`), whose challenge solves
//! itself with [`PASS`] and notes, in `window.standInTurnstile`, the site key
//! and whether it was shown inside the widget. Every siteverify call is kept
//! for the tests to look at.

use crate::www::{read_request, respond, Server};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// The one token the stand-in takes for a solved challenge.
pub const PASS: &str = "solved-challenge";

fn script() -> String {
    format!(
        r#"window.turnstile = {{
  render(element, options) {{
    window.standInTurnstile = {{ sitekey: options.sitekey, inWidget: element.getRootNode() instanceof ShadowRoot }};
    setTimeout(() => options.callback("{PASS}"), 100);
    return "stand-in";
  }},
}};"#
    )
}

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
            if request.path == "/api.js" {
                return respond(stream, "200 OK", "text/javascript", script().as_bytes());
            }
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

    /// The script URL to give the edge.
    pub fn script_url(&self) -> String {
        format!("http://127.0.0.1:{}/api.js", self.server.port())
    }

    /// The JSON bodies of the siteverify calls so far.
    pub fn calls(&self) -> Vec<Value> {
        self.calls.lock().expect("calls").clone()
    }
}
