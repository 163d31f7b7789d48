//! Visitor session tokens: `base64url(claims JSON) "." base64url(HMAC-SHA256)`,
//! signed with the edge's `SESSION_SECRET`. Stateless: checking one costs no
//! storage read.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

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

fn mac(secret: &[u8], payload: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(payload.as_bytes());
    mac
}

/// The SHA-256 of a brand token's secret, in hex: what the edge stores
/// instead of the secret.
pub fn digest(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A stable 16-hex-digit id derived from `input` under `secret`: the same
/// customer of the same account gets the same visitor id on every sign-in,
/// and nobody can guess it without the secret.
pub fn derive_id(secret: &[u8], input: &str) -> String {
    mac(secret, input).finalize().into_bytes().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Compares without stopping at the first difference, so timing reveals nothing.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Signs claims into a token.
pub fn sign(claims: &Claims, secret: &[u8]) -> String {
    let payload = B64.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signature = B64.encode(mac(secret, &payload).finalize().into_bytes());
    format!("{payload}.{signature}")
}

/// The claims of a token signed with `secret` and not expired at `now` (seconds),
/// or `None`. The signature is compared in constant time.
pub fn verify(token: &str, secret: &[u8], now: u64) -> Option<Claims> {
    let (payload, signature) = token.split_once('.')?;
    let signature = B64.decode(signature).ok()?;
    mac(secret, payload).verify_slice(&signature).ok()?;
    let claims: Claims = serde_json::from_slice(&B64.decode(payload).ok()?).ok()?;
    (claims.exp > now).then_some(claims)
}

#[cfg(test)]
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
}
