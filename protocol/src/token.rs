//! Visitor session tokens: `base64url(claims JSON) "." base64url(HMAC-SHA256)`,
//! signed with the edge's `SESSION_SECRET` (SSO tokens are the same, signed
//! with an account's secret). Stateless: checking one costs no storage read.
//!
//! Here: the format, and what is derived from a MAC. The edge computes the
//! MACs through the runtime's WebCrypto (its `crypto`); with the
//! `native-crypto` feature, [`sign`] and [`verify`] compute them in pure
//! Rust, for tools and tests (and prove the format here).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::{Deserialize, Serialize};

/// What a token says about its holder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// Visitor id.
    pub sub: String,
    /// Display name.
    pub name: String,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// The account whose single sign-on vouched for this visitor (a customer
    /// signed in on the company's site); `None` for an anonymous visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_of: Option<String>,
}

/// What a token of `claims` signs: the claims, in base64url JSON.
pub fn payload(claims: &Claims) -> String {
    B64.encode(serde_json::to_vec(claims).unwrap_or_default())
}

/// The token of `payload` and its MAC.
pub fn join(payload: &str, mac: &[u8]) -> String {
    format!("{payload}.{}", B64.encode(mac))
}

/// A token's payload and the MAC it carries, if it has a token's shape.
pub fn split(token: &str) -> Option<(&str, Vec<u8>)> {
    let (payload, mac) = token.split_once('.')?;
    Some((payload, B64.decode(mac).ok()?))
}

/// The claims of `payload`, once its MAC is checked, if they have not
/// expired at `now` (seconds).
pub fn claims(payload: &str, now: u64) -> Option<Claims> {
    let claims: Claims = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
    (claims.exp > now).then_some(claims)
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable 16-hex-digit id from `mac`, the HMAC of an input under a secret:
/// the same customer of the same account gets the same visitor id on every
/// sign-in, and nobody can guess it without the secret.
pub fn derived_id(mac: &[u8]) -> String {
    hex(&mac[..mac.len().min(8)])
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(feature = "native-crypto")]
pub use native::{derive_id, digest, hmac, sign, verify};

/// The same signatures in pure Rust, for native tools and tests.
#[cfg(feature = "native-crypto")]
mod native {
    use super::{claims, derived_id, hex, join, payload, split, Claims};
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    /// HMAC-SHA-256 of `data` under `secret`.
    pub fn hmac(secret: &[u8], data: &[u8]) -> Vec<u8> {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
        mac.update(data);
        mac.finalize().into_bytes().to_vec()
    }

    /// The SHA-256 of a brand token's secret, in hex.
    pub fn digest(secret: &str) -> String {
        hex(&Sha256::digest(secret.as_bytes()))
    }

    pub fn derive_id(secret: &[u8], input: &str) -> String {
        derived_id(&hmac(secret, input.as_bytes()))
    }

    /// Signs claims into a token.
    pub fn sign(claims: &Claims, secret: &[u8]) -> String {
        let payload = payload(claims);
        join(&payload, &hmac(secret, payload.as_bytes()))
    }

    /// The claims of a token signed with `secret` and not expired at `now`
    /// (seconds), or `None`.
    pub fn verify(token: &str, secret: &[u8], now: u64) -> Option<Claims> {
        let (payload, mac) = split(token)?;
        let mut check = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
        check.update(payload.as_bytes());
        check.verify_slice(&mac).ok()?;
        claims(payload, now)
    }
}

#[cfg(all(test, feature = "native-crypto"))]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims { sub: "0123456789abcdef".into(), name: "Marie".into(), exp: 2_000, customer_of: None }
    }

    #[test]
    fn round_trip() {
        let token = sign(&claims(), b"secret");
        assert_eq!(verify(&token, b"secret", 1_000), Some(claims()));
    }

    #[test]
    fn refuses_forged_expired_and_altered() {
        let token = sign(&claims(), b"secret");
        assert_eq!(verify(&token, b"other", 1_000), None);
        assert_eq!(verify(&token, b"secret", 2_000), None);
        let mut forged = claims();
        forged.name = "Admin".into();
        let (_, signature) = token.split_once('.').unwrap();
        let altered = format!("{}.{signature}", B64.encode(serde_json::to_vec(&forged).unwrap()));
        assert_eq!(verify(&altered, b"secret", 1_000), None);
        for junk in ["", ".", "a.b", "a", "..", "%%%.%%%", &format!("{token}x")] {
            assert_eq!(verify(junk, b"secret", 1_000), None, "{junk}");
        }
    }

    #[test]
    fn digests_and_derived_ids_are_hex_of_sha256_and_hmac() {
        // python3: hashlib.sha256(b"secret").hexdigest()
        assert_eq!(digest("secret"), "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
        // python3: hmac.new(b"key", b"sso/acme/42", hashlib.sha256).hexdigest()[:16]
        assert_eq!(derive_id(b"key", "sso/acme/42"), "9dc383074b6c0ff4");
    }
}
