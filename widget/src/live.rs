//! The live push: one WebSocket per account and API on the page, shared by
//! every widget of that account, which subscribe to its [`Event`]s.
//!
//! It reconnects by itself with exponential backoff and jitter. While it is
//! not connected, `connected` is false and the widgets poll the REST API as
//! they did before push, so a page where WebSockets cannot connect still
//! updates, quietly. Each (re)connection starts with a hello, on which the
//! widgets catch up through the REST API on what they may have missed.

use crate::json;
use gazouillis_protocol::limits::{LIVE_PING_SECONDS, LIVE_RETRY_MAX_MS};
use gazouillis_protocol::live::{Event, PING, PONG};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{MessageEvent, WebSocket};

/// First wait before reconnecting, in milliseconds; it doubles on each failure.
const RETRY_FIRST_MS: f64 = 500.0;

/// The live push of one account: a handle to it, cheap to copy.
#[derive(Clone, Copy)]
pub struct Live {
    index: usize,
    /// Whether events are arriving; while false, widgets poll.
    pub connected: RwSignal<bool>,
}

type Listener = Rc<dyn Fn(&Event)>;

/// What a live push holds that cannot leave this thread.
struct Channel {
    api: String,
    handle: String,
    live: Live,
    listeners: Vec<(u64, Listener)>,
    socket: Option<Socket>,
    /// Failed connections in a row, for the backoff.
    failures: u32,
    /// A ping sent and not answered yet.
    awaiting_pong: bool,
}

/// An open socket and the callbacks it holds (dropped with it).
struct Socket {
    socket: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut()>,
}

impl Socket {
    /// Closes the socket and stops hearing from it. Its callbacks stay alive
    /// until it is replaced: this may run inside one of them.
    fn detach(&self) {
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        self.detach();
    }
}

thread_local! {
    static CHANNELS: RefCell<Vec<Channel>> = const { RefCell::new(Vec::new()) };
    static NEXT_LISTENER: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn with_channel<T>(index: usize, f: impl FnOnce(&mut Channel) -> T) -> T {
    CHANNELS.with_borrow_mut(|channels| f(&mut channels[index]))
}

impl Live {
    /// The live push of `handle` on the API at `api`: the page's existing
    /// one, or a new one that starts connecting.
    pub fn of(api: &str, handle: &str) -> Live {
        let existing = CHANNELS.with_borrow(|channels| {
            channels.iter().find(|c| c.api == api && c.handle == handle).map(|c| c.live)
        });
        if let Some(live) = existing {
            return live;
        }
        let live = CHANNELS.with_borrow_mut(|channels| {
            let live = Live { index: channels.len(), connected: RwSignal::new(false) };
            channels.push(Channel {
                api: api.to_owned(),
                handle: handle.to_owned(),
                live,
                listeners: Vec::new(),
                socket: None,
                failures: 0,
                awaiting_pong: false,
            });
            live
        });
        live.connect();
        live.keep_alive();
        live
    }

    /// Calls `listener` with every event until the calling component is cleaned up.
    pub fn subscribe(self, listener: impl Fn(&Event) + 'static) {
        let id = NEXT_LISTENER.with(|next| next.replace(next.get() + 1));
        with_channel(self.index, |c| c.listeners.push((id, Rc::new(listener))));
        on_cleanup(move || with_channel(self.index, |c| c.listeners.retain(|(known, _)| *known != id)));
    }

    fn url(self) -> String {
        with_channel(self.index, |c| {
            // The API's origin with `http` (`https`) made `ws` (`wss`). A prefix
            // test rather than `replacen`, whose substring search is large in the wasm.
            let origin = match c.api.strip_prefix("http") {
                Some(rest) => format!("ws{rest}"),
                None => c.api.clone(),
            };
            format!("{origin}/v1/accounts/{}/live", js_sys::encode_uri_component(&c.handle))
        })
    }

    fn connect(self) {
        // A page or browser that refuses WebSockets throws here: widgets go on polling.
        let Ok(socket) = WebSocket::new(&self.url()) else {
            return self.retry_later();
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |message: MessageEvent| {
            if let Some(text) = message.data().as_string() {
                self.receive(&text);
            }
        });
        let on_close = Closure::<dyn FnMut()>::new(move || self.lost());
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        let replaced = with_channel(self.index, |c| {
            c.awaiting_pong = false;
            c.socket.replace(Socket { socket, _on_message: on_message, _on_close: on_close })
        });
        // The socket this one replaces, and its callbacks, go now, outside the borrow.
        drop(replaced);
    }

    fn receive(self, text: &str) {
        if text == PONG {
            return with_channel(self.index, |c| c.awaiting_pong = false);
        }
        let Some(event) = json::parse::<Event>(text) else { return };
        if matches!(event, Event::Hello { .. }) {
            with_channel(self.index, |c| c.failures = 0);
            self.connected.set(true);
        }
        // Listeners are called outside the borrow: they may subscribe others.
        let listeners: Vec<Listener> = with_channel(self.index, |c| c.listeners.iter().map(|(_, l)| l.clone()).collect());
        for listener in listeners {
            listener(&event);
        }
    }

    /// The connection closed or went silent: poll meanwhile, and reconnect.
    fn lost(self) {
        with_channel(self.index, |c| c.socket.as_ref().map(Socket::detach));
        self.connected.set(false);
        self.retry_later();
    }

    /// Reconnects after `RETRY_FIRST_MS * 2^failures` (at most
    /// `LIVE_RETRY_MAX_MS`), times a random factor from 0.5 to 1.5 so that
    /// widgets cut at once do not all come back at once.
    fn retry_later(self) {
        let failures = with_channel(self.index, |c| {
            c.failures += 1;
            c.failures
        });
        let backoff = (RETRY_FIRST_MS * 2f64.powi(failures.min(16) as i32 - 1)).min(f64::from(LIVE_RETRY_MAX_MS));
        let delay = backoff * (0.5 + js_sys::Math::random());
        set_timeout(move || self.connect(), std::time::Duration::from_millis(delay as u64));
    }

    /// Pings every `LIVE_PING_SECONDS`; a ping still unanswered at the next
    /// one means the connection died without closing.
    fn keep_alive(self) {
        let every = std::time::Duration::from_secs(LIVE_PING_SECONDS.into());
        let tick = move || {
            let silent = with_channel(self.index, |c| {
                let Some(open) = c.socket.as_ref().filter(|s| s.socket.ready_state() == WebSocket::OPEN) else {
                    return false;
                };
                let silent = c.awaiting_pong;
                c.awaiting_pong = open.socket.send_with_str(PING).is_ok();
                silent
            });
            if silent {
                self.lost();
            }
        };
        // The channel lives as long as the page, and so does its timer.
        let _ = set_interval_with_handle(tick, every);
    }
}
