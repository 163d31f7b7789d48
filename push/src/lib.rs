//! Web Push's formats and arithmetic, pure: what the edge needs to notify a
//! follower's browser, written once and tested natively.
//!
//! - [`ece`]: a push message's body, encrypted as RFC 8291 says over RFC
//!   8188's `aes128gcm`, one record. The primitives (ECDH, HMAC, AES-GCM) sit
//!   behind a trait: the Worker runs them through WebCrypto, native tests
//!   through RustCrypto (feature `native`).
//! - [`vapid`]: RFC 8292's ES256 JWT and `Authorization` header, the PKCS#8
//!   document WebCrypto imports the private key from.
//! - [`subscription`]: what a browser's `PushSubscription.toJSON()` sends,
//!   checked before it is stored (a push service's host, keys of the right
//!   sizes).
//! - [`payload`]: the notification's JSON (Declarative Web Push, plus the data
//!   service workers read), always small enough for every push service.
//!
//! Not here: sending (the HTTP request to the push service, its answers and
//! retries), storing subscriptions, and the Worker's WebCrypto calls, all in
//! `edge/`. The `native` feature's crypto is for tests and their local push
//! service only; the Worker never enables it.

pub mod ece;
pub mod payload;
pub mod subscription;
pub mod vapid;

pub use subscription::{b64, unb64};
