//! The live push: widgets hold a WebSocket to the hub (hibernation API, so
//! an idle connection costs nothing), and every write is sent to them as an
//! [`Event`] the moment it is stored, with exact counts, without waiting for
//! the KV views. Each client address holds at most `LIVE_PER_ADDRESS`
//! connections to an account (counted by the sockets' tags: the address's
//! keys, its IPv6 /64 and /48, as the abuse limits count them).

use super::AccountHub;
use crate::error::ApiResult;
use gazouillis_protocol::limits::LIVE_PER_ADDRESS;
use gazouillis_protocol::live::{Event, CLOSE_TOO_MANY, TOO_MANY_REASON};
use gazouillis_protocol::rate::address_keys;
use worker::{Response, WebSocketPair};

impl AccountHub {
    /// Accepts a live connection from client address `ip` (hibernatable) and
    /// greets it with the account's exact counts, newest post, and the
    /// version its feed must have to show that post; or, past the address's
    /// share, closes it at once with [`CLOSE_TOO_MANY`].
    pub(super) fn accept_live(&self, ip: &str) -> ApiResult {
        let pair = WebSocketPair::new()?;
        let keys = address_keys("live", ip);
        let cap: u32 = crate::config::var(&self.env, "LIVE_PER_ADDRESS").unwrap_or(LIVE_PER_ADDRESS);
        if keys.iter().any(|(tag, factor)| self.state.get_websockets_with_tag(tag).len() >= cap.saturating_mul(*factor) as usize) {
            pair.server.accept()?;
            pair.server.close(Some(CLOSE_TOO_MANY), Some(TOO_MANY_REASON))?;
            return Ok(Response::from_websocket(pair.client)?);
        }
        let account = self.db.account()?.account();
        let event = Event::Hello { account, newest_post: self.db.newest_post()?, version: self.db.feed_version()? };
        let tags: Vec<&str> = keys.iter().map(|(tag, _)| tag.as_str()).collect();
        self.state.accept_websocket_with_tags(&pair.server, &tags);
        pair.server.send_with_str(serde_json::to_string(&event).unwrap_or_default())?;
        Ok(Response::from_websocket(pair.client)?)
    }

    /// Pushes an event to every open widget of the account (for `emit`,
    /// which all the hub's writes go through).
    pub(super) fn push_live(&self, event: &Event) {
        let message = serde_json::to_string(event).unwrap_or_default();
        for socket in self.state.get_websockets() {
            // A socket that is closing fails to send; its close handler tidies up.
            let _ = socket.send_with_str(&message);
        }
    }
}
