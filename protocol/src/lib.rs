//! The pure core of Gazouillis, shared by the edge Worker, the widget and
//! the console.
//!
//! It holds what they must agree on: the JSON wire types, the limits, the
//! one function that counts a post's length and the tokenizer that finds its
//! links, hashtags and mentions (`rich`), offers' rules, the pictures a post
//! may carry (`media`), ids, cursors, error codes,
//! the layout of the keys the edge keeps in Workers KV, the hub's SQL schema
//! (and the sweep that wakes every hub after a new migration), its queries
//! behind a small interface (`store`, tested on rusqlite),
//! how readers see their own writes, how a search query is read, matched and
//! highlighted (and merged across accounts), when replies make a buzz, and
//! what a webhook receives, what becomes of a delivery after an attempt
//! (`outbox`), which
//! addresses the edge may send to, the paths
//! of the public pages, and the words a reader reads (the widget's and the
//! edge's pages').
//! It has no I/O and no wasm-only dependency, so everything here is tested
//! natively in milliseconds.
//!
//! It is not a client or a server: HTTP, storage and rendering live in
//! `edge`, `pages`, `widget` and `console`.

pub mod across;
pub mod address;
pub mod buzz;
pub mod error;
pub mod fresh;
pub mod i18n;
pub mod ids;
pub mod keys;
pub mod limits;
pub mod live;
pub mod media;
pub mod moderation;
pub mod offer;
pub mod origin;
pub mod outbox;
pub mod page;
pub mod rate;
pub mod rich;
pub mod schema;
pub mod search;
pub mod site;
pub mod stats;
pub mod store;
pub mod sweep;
pub mod text;
pub mod time;
#[cfg(feature = "token")]
pub mod token;
pub mod webhook;
pub mod wire;

pub use error::ErrorCode;
pub use ids::{BrandToken, Cursor, PostId, ReplyId};
pub use text::{char_count, check_name, check_name_by, check_text, check_text_by, CharCount, TextError};
pub use wire::*;
