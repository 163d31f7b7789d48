//! A local push service for the API tests: a [`Receiver`] (one per
//! subscription, on its own port: its own origin, as push services are)
//! whose endpoint a visitor subscribes with, holding what a browser holds (a
//! P-256 key pair and an auth secret). [`PushInbox::open`] checks a message
//! as a push service and a browser would: the VAPID JWT (ES256, signed by
//! the key in `k`, for this origin, not expired, at most 24 h ahead), the
//! `aes128gcm` encoding, then decrypts it with the subscription's keys.
//!
//! The checks use `gazouillis-push`'s native implementation, itself tested
//! against RFC 8291's worked example. (The browser test, in Firefox, is the
//! proof with a push implementation that is not ours.)

use crate::random_hex;
use crate::receiver::{Answer, Receiver, Received};
use gazouillis_push::{ece, subscription::b64, vapid};
use serde_json::{json, Value};
use std::time::{SystemTime, UNIX_EPOCH};

/// One browser's subscription, and the push service it is on.
pub struct PushInbox {
    pub receiver: Receiver,
    path: String,
    private: [u8; 32],
    pub public: [u8; 65],
    pub auth: [u8; 16],
}

/// A message as the browser reads it.
#[derive(Debug)]
pub struct Message {
    /// The decrypted payload.
    pub payload: Value,
    pub vapid: vapid::Claims,
    /// The VAPID public key (`k`), base64url.
    pub key: String,
    pub ttl: u64,
    pub urgency: Option<String>,
    pub topic: Option<String>,
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let hex = random_hex(N);
    std::array::from_fn(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("hex"))
}

impl PushInbox {
    /// A subscription on a push service answering as `script` says.
    pub fn start(script: &[Answer]) -> PushInbox {
        let private = random_bytes::<32>();
        PushInbox {
            receiver: Receiver::start(script),
            path: format!("/wpush/v2/{}", random_hex(16)),
            public: vapid::public_key(&private),
            private,
            auth: random_bytes::<16>(),
        }
    }

    pub fn endpoint(&self) -> String {
        self.receiver.url(&self.path)
    }

    /// What `subscription.toJSON()` gives, as Firefox sends it.
    pub fn subscription(&self) -> Value {
        json!({ "endpoint": self.endpoint(), "expirationTime": null, "keys": { "p256dh": b64(&self.public), "auth": b64(&self.auth) } })
    }

    /// The requests the push service got.
    pub fn received(&self) -> Vec<Received> {
        self.receiver.received_at(&self.path)
    }

    /// Every message, opened (panics on one that a push service or a
    /// browser would refuse).
    pub fn messages(&self) -> Vec<Message> {
        self.received().iter().map(|received| self.open(received).unwrap_or_else(|err| panic!("{err}"))).collect()
    }

    /// Checks and decrypts `received`.
    pub fn open(&self, received: &Received) -> Result<Message, String> {
        let header = |name: &str| received.header(name).map(str::to_owned);
        if header("content-encoding").as_deref() != Some("aes128gcm") {
            return Err(format!("content-encoding: {:?}", header("content-encoding")));
        }
        let authorization = header("authorization").ok_or("no authorization")?;
        let claims = vapid::verify(&authorization)?;
        let origin = self.receiver.url("");
        if claims.aud != origin {
            return Err(format!("the JWT's aud is {}, not {origin}", claims.aud));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
        if claims.exp <= now || claims.exp > now + 24 * 3600 {
            return Err(format!("the JWT's exp {} is not in the next 24 h (now {now})", claims.exp));
        }
        let key = authorization.split("k=").nth(1).ok_or("no k=")?.trim().to_owned();
        let ttl = header("ttl").ok_or("no TTL")?.parse().map_err(|_| "TTL is not a number")?;
        let plaintext = ece::decrypt(&self.private, &self.auth, &received.raw)?;
        if plaintext.len() >= 2700 {
            return Err(format!("a payload of {} bytes", plaintext.len()));
        }
        let payload = serde_json::from_slice(&plaintext).map_err(|err| format!("the payload is not JSON: {err}"))?;
        Ok(Message { payload, vapid: claims, key, ttl, urgency: header("urgency"), topic: header("topic") })
    }
}
