//! The live push: what an account's hub sends to every open widget of that
//! account over `GET /v1/accounts/{handle}/live` (a WebSocket, one JSON text
//! message per event).
//!
//! Each event carries the whole object it is about, so that a widget shows it
//! without reading it back, and counts come from the hub, the one writer of
//! the account, so they are exact when they arrive.

use crate::{Account, Post, Reply};
use serde::{Deserialize, Serialize};

/// One message from the hub, `{"type":"post","post":{...}}` and the like.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// First message of every connection: the account with its exact counts
    /// and the id of its newest post (`None`: no post yet). A widget that was
    /// disconnected catches up through the REST API until it has that post,
    /// asking for at least `version`, the account's version at the last
    /// change to its feed (see [`fresh`](crate::fresh)): KV's feed serves it
    /// once it has caught up, the hub until then.
    Hello {
        account: Account,
        newest_post: Option<String>,
        #[serde(default)]
        version: u64,
    },
    /// A new post.
    Post { post: Post },
    /// A post and its replies were deleted.
    PostDeleted { id: String },
    /// A new reply, with its post's reply count after it.
    Reply { reply: Reply, replies: u64 },
    /// A reply was deleted, with its post's reply count after it.
    ReplyDeleted { id: String, post: String, replies: u64 },
    /// The account's follower count changed.
    Followers { followers: u64 },
}

/// A text message a client may send to keep the connection alive; the edge
/// answers [`PONG`] without waking the hub.
pub const PING: &str = "ping";
pub const PONG: &str = "pong";

/// The close code and reason of a live connection refused because its
/// client address already holds its share of the account's
/// (`limits::LIVE_PER_ADDRESS`); the widget polls meanwhile and retries later.
pub const CLOSE_TOO_MANY: u16 = 4429;
pub const TOO_MANY_REASON: &str = "too_many_connections";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_tagged_json() {
        let event = Event::Followers { followers: 100 };
        assert_eq!(serde_json::to_string(&event).unwrap(), r#"{"type":"followers","followers":100}"#);
        let deleted = r#"{"type":"post_deleted","id":"acme-1"}"#;
        assert_eq!(serde_json::from_str::<Event>(deleted).unwrap(), Event::PostDeleted { id: "acme-1".into() });
    }
}
