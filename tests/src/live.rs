//! A client of the live push (`GET /v1/accounts/{handle}/live`), as a widget
//! holds one: every event it receives is kept with the time it arrived.

use futures_util::{SinkExt, StreamExt};
use gazouillis_protocol::live::Event;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

/// One open WebSocket; its events are read in the background until it is dropped.
pub struct LiveClient {
    received: Arc<Mutex<Vec<(Instant, Event)>>>,
    reader: JoinHandle<()>,
}

impl LiveClient {
    /// Connects to `ws://…/v1/accounts/{handle}/live` and waits for the hello.
    pub async fn connect(base_url: &str, handle: &str) -> Result<LiveClient, String> {
        LiveClient::connect_from(base_url, handle, None).await
    }

    /// [`LiveClient::connect`] from client address `ip` (as `CF-Connecting-IP`).
    pub async fn connect_from(base_url: &str, handle: &str, ip: Option<&str>) -> Result<LiveClient, String> {
        let (mut write, mut read) = open(base_url, handle, ip).await?.split();
        let received = Arc::new(Mutex::new(Vec::new()));
        let sink = received.clone();
        let reader = tokio::spawn(async move {
            while let Some(Ok(message)) = read.next().await {
                match message {
                    Message::Text(text) => match serde_json::from_str::<Event>(&text) {
                        Ok(event) => sink.lock().expect("events").push((Instant::now(), event)),
                        Err(e) => panic!("the hub sent something that is not an event ({e}): {text}"),
                    },
                    Message::Close(_) => break,
                    _ => {}
                }
            }
            let _ = write.close().await;
        });
        let client = LiveClient { received, reader };
        client.wait_for(Duration::from_secs(10), |e| matches!(e, Event::Hello { .. })).await?;
        Ok(client)
    }

    /// Every event received so far, oldest first.
    pub fn events(&self) -> Vec<Event> {
        self.received.lock().expect("events").iter().map(|(_, e)| e.clone()).collect()
    }

    /// Every event received so far with its arrival time.
    pub fn timed_events(&self) -> Vec<(Instant, Event)> {
        self.received.lock().expect("events").clone()
    }

    /// The first event matching `wanted`, waiting for it at most `timeout`.
    pub async fn wait_for(&self, timeout: Duration, wanted: impl Fn(&Event) -> bool) -> Result<Event, String> {
        let start = Instant::now();
        loop {
            if let Some(event) = self.events().into_iter().find(|e| wanted(e)) {
                return Ok(event);
            }
            if self.reader.is_finished() {
                return Err(format!("the connection closed; events: {:?}", self.events()));
            }
            if start.elapsed() > timeout {
                return Err(format!("no such event within {timeout:?}; events: {:?}", self.events()));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Whether the server has closed the connection.
    pub fn is_closed(&self) -> bool {
        self.reader.is_finished()
    }
}

type Socket = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A WebSocket to the live push of `handle`, from client address `ip`.
async fn open(base_url: &str, handle: &str, ip: Option<&str>) -> Result<Socket, String> {
    let url = format!("{}/v1/accounts/{handle}/live", base_url.replacen("http", "ws", 1));
    let mut request = url.as_str().into_client_request().map_err(|e| format!("{url}: {e}"))?;
    if let Some(ip) = ip {
        request.headers_mut().insert("cf-connecting-ip", ip.parse().map_err(|e| format!("{ip}: {e}"))?);
    }
    let (socket, _) = tokio_tungstenite::connect_async(request).await.map_err(|e| format!("connect {url}: {e}"))?;
    Ok(socket)
}

/// Opens a live connection from `ip` that the hub should refuse, and answers
/// the code and reason of the close it sends first.
pub async fn refused(base_url: &str, handle: &str, ip: &str) -> Result<(u16, String), String> {
    let mut socket = open(base_url, handle, Some(ip)).await?;
    match tokio::time::timeout(Duration::from_secs(10), socket.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => Ok((frame.code.into(), frame.reason.to_string())),
        other => Err(format!("not a close: {other:?}")),
    }
}

impl Drop for LiveClient {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

/// A ping as a widget sends it: the answer comes from the runtime, not the hub.
pub async fn ping(base_url: &str, handle: &str) -> Result<String, String> {
    let url = format!("{}/v1/accounts/{handle}/live", base_url.replacen("http", "ws", 1));
    let (mut socket, _) = tokio_tungstenite::connect_async(url.as_str()).await.map_err(|e| format!("connect: {e}"))?;
    socket.send(Message::text(gazouillis_protocol::live::PING)).await.map_err(|e| format!("send: {e}"))?;
    while let Some(message) = socket.next().await {
        if let Message::Text(text) = message.map_err(|e| format!("read: {e}"))? {
            if !text.starts_with('{') {
                return Ok(text.to_string());
            }
        }
    }
    Err("closed before answering the ping".into())
}
