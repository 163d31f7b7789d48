//! RFC 8292's VAPID: the ES256 JWT a push message is sent with, its
//! `Authorization` header, when to make a new one, and the key's formats.
//!
//! Pure: signing happens in the Worker through WebCrypto (it imports
//! [`pkcs8_of`]'s document and signs [`signing_input`]); under feature
//! `native`, [`public_key`], [`sign`] and [`verify`] do the same in Rust for
//! tests and their local push service. Not here: keeping the key (a Worker
//! secret) or the JWT cache itself.

#[cfg(feature = "native")]
mod native;
#[cfg(test)]
mod tests;

#[cfg(feature = "native")]
pub use native::{Claims, public_key, sign, verify};

use serde::Serialize;

use crate::{b64, unb64};

/// How long a JWT is valid: 12 hours (push services refuse more than 24).
pub const LIFETIME_SECS: u64 = 12 * 3600;
/// A JWT is reused until it has less than an hour left.
pub const RENEW_BEFORE_SECS: u64 = 3600;

/// The JOSE header of every VAPID JWT.
const HEADER: &str = r#"{"typ":"JWT","alg":"ES256"}"#;

#[derive(Serialize)]
struct ClaimsOut<'a> {
    aud: &'a str,
    exp: u64,
    sub: &'a str,
}

/// The JWT's signed part, `base64url(header).base64url(claims)`, header
/// `{"typ":"JWT","alg":"ES256"}`, claims `{"aud": audience, "exp": exp_secs,
/// "sub": subject}`.
pub fn signing_input(audience: &str, exp_secs: u64, subject: &str) -> String {
    let claims = ClaimsOut { aud: audience, exp: exp_secs, sub: subject };
    let claims = serde_json::to_vec(&claims).expect("three plain fields serialize");
    format!("{}.{}", b64(HEADER.as_bytes()), b64(&claims))
}

/// The JWT: the signing input and the raw 64-byte r||s signature (what
/// WebCrypto's ECDSA gives), base64url.
pub fn token(signing_input: &str, signature: &[u8]) -> String {
    format!("{signing_input}.{}", b64(signature))
}

/// The `Authorization` header value: `vapid t=<jwt>, k=<public key base64url>`.
pub fn authorization(jwt: &str, public_key: &[u8]) -> String {
    format!("vapid t={jwt}, k={}", b64(public_key))
}

/// The audience of an endpoint: its origin (`https://fcm.googleapis.com`,
/// with a port when not the default).
pub fn audience(endpoint: &url::Url) -> String {
    endpoint.origin().ascii_serialization()
}

/// Whether a JWT made to expire at `exp_secs` is still good to send at
/// `now_secs`: it has an hour or more left.
pub fn still_good(exp_secs: u64, now_secs: u64) -> bool {
    exp_secs.saturating_sub(now_secs) >= RENEW_BEFORE_SECS
}

/// Reads a VAPID private key as `web-push generate-vapid-keys` prints it
/// (base64url, padded or not, of the 32-byte scalar). `None` for anything
/// else, including all zeros (the curve's order is checked by whoever imports
/// it: WebCrypto, or p256 under `native`).
pub fn private_key(text: &str) -> Option<[u8; 32]> {
    let d: [u8; 32] = unb64(text.trim())?.try_into().ok()?;
    (d != [0; 32]).then_some(d)
}

/// The DER of a PKCS#8 `PrivateKeyInfo` for an id-ecPublicKey on prime256v1,
/// up to the 32-byte scalar of its RFC 5915 `ECPrivateKey`:
///
/// ```text
/// 30 41                      PrivateKeyInfo, 65 bytes
///   02 01 00                 version 0
///   30 13                    AlgorithmIdentifier
///     06 07 2a8648ce3d0201   id-ecPublicKey
///     06 08 2a8648ce3d030107 prime256v1
///   04 27                    privateKey, 39 bytes
///     30 25                  ECPrivateKey, 37 bytes
///       02 01 01             version 1
///       04 20 ...            d, 32 bytes
/// ```
const PKCS8_PREFIX: [u8; 35] = [
    0x30, 0x41, 0x02, 0x01, 0x00, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
    0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x04, 0x27, 0x30, 0x25, 0x02, 0x01, 0x01, 0x04, 0x20,
];

/// A PKCS#8 DER document holding the P-256 private scalar `d` (and no public
/// key: the runtime derives it), for WebCrypto's `importKey("pkcs8", ...)`.
pub fn pkcs8_of(d: &[u8; 32]) -> Vec<u8> {
    let mut der = Vec::with_capacity(PKCS8_PREFIX.len() + d.len());
    der.extend_from_slice(&PKCS8_PREFIX);
    der.extend_from_slice(d);
    der
}
