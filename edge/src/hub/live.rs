//! The live push: widgets hold a WebSocket to the hub (hibernation API, so
//! an idle connection costs nothing), and every write is sent to them as an
//! [`Event`] the moment it is stored, with exact counts, without waiting for
//! the KV views.

use super::AccountHub;
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use worker::{Response, WebSocketPair};

impl AccountHub {
    /// Accepts a live connection (hibernatable) and greets it with the
    /// account's exact counts, newest post, and the version its feed must
    /// have to show that post.
    pub(super) fn accept_live(&self) -> ApiResult {
        let account = self.db.account()?.account();
        let event = Event::Hello { account, newest_post: self.db.newest_post()?, version: self.db.feed_version()? };
        let pair = WebSocketPair::new()?;
        self.state.accept_web_socket(&pair.server);
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
