//! A local stand-in for Mozilla's push service, which Firefox reaches over a
//! WebSocket (its `dom.push.serverURL` pref) in the autopush protocol:
//! `hello`, `register` (answered with an endpoint on this stand-in's HTTP
//! side), `unregister`, `ack`, and `notification`, which carries each message
//! POSTed to an endpoint, as it came (`aes128gcm`), for Firefox to decrypt
//! with its own keys. Messages POSTed while Firefox is away wait for it.
//!
//! It answers every POST with 201 and keeps it (a [`Received`]) for the test
//! to look at; it checks nothing itself: decrypting is Firefox's part.

use crate::random_hex;
use crate::receiver::Received;
use crate::www::{read_request, respond, Server};
use futures_util::{SinkExt, StreamExt};
use gazouillis_push::subscription::b64;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{Request, Response};
use tokio_tungstenite::tungstenite::Message;

/// A message for the browser: its channel and its body.
type Pushed = (String, Vec<u8>);

pub struct Autopush {
    http: Server,
    websocket_port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    /// What Firefox said, in order (`messageType`s), for a failing test to show.
    pub said: Arc<Mutex<Vec<String>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Autopush {
    /// Listens on two free loopback ports: the WebSocket and the endpoints.
    pub async fn start() -> Autopush {
        let (to_browser, waiting) = mpsc::unbounded_channel::<Pushed>();
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let http = Server::start(move |mut stream| {
            let Some(request) = read_request(&mut stream) else { return };
            let channel = request.path.rsplit('/').next().unwrap_or_default().to_owned();
            let _ = to_browser.send((channel, request.body.clone()));
            kept.lock().expect("received").push(Received {
                at: Instant::now(),
                path: request.path,
                headers: request.headers,
                body: String::new(),
                raw: request.body,
            });
            respond(stream, "201 Created", "text/plain", b"");
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the push WebSocket");
        let websocket_port = listener.local_addr().expect("its port").port();
        let said = Arc::new(Mutex::new(Vec::new()));
        let endpoints = format!("http://127.0.0.1:{}/wpush", http.port());
        let waiting = Arc::new(tokio::sync::Mutex::new(waiting));
        let heard = said.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (waiting, heard, endpoints) = (waiting.clone(), heard.clone(), endpoints.clone());
                tokio::spawn(async move {
                    if let Err(e) = serve(stream, &waiting, &heard, &endpoints).await {
                        heard.lock().expect("said").push(format!("(connection ended: {e})"));
                    }
                });
            }
        });
        Autopush { http, websocket_port, received, said, task }
    }

    /// The value of Firefox's `dom.push.serverURL`.
    pub fn server_url(&self) -> String {
        format!("ws://127.0.0.1:{}/", self.websocket_port)
    }

    /// Every message POSTed to an endpoint so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("received").clone()
    }

    pub fn endpoints_origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.http.port())
    }
}

impl Drop for Autopush {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One browser's connection: its requests answered, and the messages for it
/// sent as they come (one connection at a time takes them).
#[allow(clippy::result_large_err)] // The handshake callback's type is tungstenite's.
async fn serve(
    stream: tokio::net::TcpStream,
    waiting: &tokio::sync::Mutex<mpsc::UnboundedReceiver<Pushed>>,
    said: &Mutex<Vec<String>>,
    endpoints: &str,
) -> Result<(), String> {
    // Firefox asks for the `push-notification` subprotocol.
    let agree = |request: &Request, mut response: Response| {
        if let Some(asked) = request.headers().get("sec-websocket-protocol") {
            response.headers_mut().insert("sec-websocket-protocol", asked.clone());
        }
        Ok(response)
    };
    let mut socket = tokio_tungstenite::accept_hdr_async(stream, agree).await.map_err(|e| e.to_string())?;
    let mut waiting = waiting.lock().await;
    loop {
        tokio::select! {
            pushed = waiting.recv() => {
                let Some((channel, body)) = pushed else { return Ok(()) };
                let message = json!({
                    "messageType": "notification",
                    "channelID": channel,
                    "version": random_hex(16),
                    "data": b64(&body),
                    "headers": {"encoding": "aes128gcm"},
                });
                socket.send(Message::text(message.to_string())).await.map_err(|e| e.to_string())?;
            }
            heard = socket.next() => {
                let text = match heard {
                    Some(Ok(Message::Text(text))) => text.to_string(),
                    Some(Ok(Message::Close(_))) | None => return Ok(()),
                    Some(Ok(_)) => continue,
                    Some(Err(e)) => return Err(e.to_string()),
                };
                let request: Value = serde_json::from_str(&text).unwrap_or_default();
                let kind = request["messageType"].as_str().unwrap_or("ping").to_owned();
                said.lock().expect("said").push(kind.clone());
                let answer = match kind.as_str() {
                    "hello" => json!({
                        "messageType": "hello",
                        "status": 200,
                        "uaid": request["uaid"].as_str().filter(|id| !id.is_empty()).map_or_else(|| random_hex(16), str::to_owned),
                        "use_webpush": true,
                    }),
                    "register" => {
                        let channel = request["channelID"].as_str().unwrap_or_default();
                        json!({
                            "messageType": "register",
                            "status": 200,
                            "channelID": channel,
                            "pushEndpoint": format!("{endpoints}/{channel}"),
                        })
                    }
                    "unregister" => json!({"messageType": "unregister", "status": 200, "channelID": request["channelID"]}),
                    "ack" | "nack" => continue,
                    // `{}`: a ping, answered in kind.
                    _ => json!({}),
                };
                socket.send(Message::text(answer.to_string())).await.map_err(|e| e.to_string())?;
            }
        }
    }
}
