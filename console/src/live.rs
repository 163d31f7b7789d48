//! The account's live push, while an account is run: every event bumps
//! `Console::changes` (pages read their lists again), and a visitor's reply
//! out of sight adds to the unread count. It reconnects with backoff, and a
//! reconnection's hello is a change like any other: what was missed is read.
//! The push is public, so it says nothing of what only the brand sees (a
//! reply held for approval, a mention of it): each keep-alive ping, every
//! 25 seconds, also counts as a change, so those show within that.

use crate::console::{Console, Page};
use futures::channel::oneshot;
use futures::{FutureExt, SinkExt, StreamExt, select};
use gazouillis_protocol::limits::{LIVE_PING_SECONDS, LIVE_RETRY_MAX_MS};
use gazouillis_protocol::live::{Event, PING};
use gloo_net::websocket::Message;
use gloo_net::websocket::futures::WebSocket;
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// First wait before reconnecting; it doubles on each failure in a row.
const RETRY_FIRST_MS: u32 = 500;

/// Keeps one connection to the live push of the account being run.
pub fn follow(console: Console) {
    Effect::new(move || {
        let signed_in = console.auth.with(Option::is_some);
        if let (true, Some(handle)) = (signed_in, console.handle.get()) {
            let (stop, stopped) = oneshot::channel::<()>();
            spawn_local(run(console, handle, stopped));
            // Dropping `stop` ends the connection: on sign-out or another account.
            on_cleanup(move || drop(stop));
        }
    });
}

async fn run(console: Console, handle: String, mut stopped: oneshot::Receiver<()>) {
    let url = live_url(&handle);
    let mut failures = 0;
    loop {
        if let Ok(socket) = WebSocket::open(&url) {
            let (mut write, mut read) = socket.split();
            loop {
                let mut ping = TimeoutFuture::new(LIVE_PING_SECONDS * 1000).fuse();
                select! {
                    _ = stopped => return,
                    message = read.next().fuse() => match message {
                        Some(Ok(Message::Text(text))) => {
                            failures = 0;
                            heard(console, &text);
                        }
                        Some(Ok(Message::Bytes(_))) => {}
                        Some(Err(_)) | None => break,
                    },
                    _ = ping => {
                        if write.send(Message::Text(PING.into())).await.is_err() {
                            break;
                        }
                        console.changes.update(|n| *n += 1);
                    }
                }
            }
        }
        failures += 1;
        let wait = (RETRY_FIRST_MS << failures.min(8)).min(LIVE_RETRY_MAX_MS);
        select! {
            _ = stopped => return,
            _ = TimeoutFuture::new(wait).fuse() => {}
        }
    }
}

/// One message of the push (a pong is not an event, and is ignored).
fn heard(console: Console, text: &str) {
    let Ok(event) = serde_json::from_str::<Event>(text) else { return };
    if let Event::Reply { reply, .. } = &event
        && !reply.author.is_brand()
        && (console.page.get_untracked() != Page::Inbox || document().hidden())
    {
        console.unread.update(|n| *n += 1);
    }
    console.changes.update(|n| *n += 1);
}

/// `ws://host/v1/accounts/{handle}/live` on the console's own origin.
fn live_url(handle: &str) -> String {
    let location = window().location();
    let scheme = if location.protocol().as_deref() == Ok("https:") { "wss" } else { "ws" };
    let host = location.host().unwrap_or_default();
    format!("{scheme}://{host}/v1/accounts/{}/live", crate::api::segment(handle))
}
