//! Visitor session tokens: `base64url(claims JSON) "." base64url(HMAC-SHA256)`,
//! signed with the edge's `SESSION_SECRET`. Stateless: checking one costs no
//! storage read. SSO tokens are JSON Web Tokens (RFC 7519, HS256) signed
//! with an account's secret, so a site makes them with any JWT library:
//! [`sso_parts`] reads one, [`sso_claims`] checks what it says.
//!
//! Here: the format, and what is derived from a MAC. The edge computes the
//! MACs through the runtime's WebCrypto (its `crypto`); with the
//! `native-crypto` feature, [`sign`] and [`verify`] compute them in pure
//! Rust, for tools and tests (and prove the format here).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use crate::limits::{MAX_SSO_JTI_BYTES, SSO_CLOCK_SKEW_SECONDS, SSO_TOKEN_MAX_SECONDS};
use crate::ErrorCode;

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
    /// The epoch of that account's SSO secret when it vouched (none, 0):
    /// a new secret ends the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sso_epoch: Option<u64>,
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

/// What a customer's site says in an SSO token about a customer signed in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SsoClaims {
    /// The site's own id for the customer.
    pub sub: String,
    /// Display name.
    pub name: String,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expiry, at most [`SSO_TOKEN_MAX_SECONDS`] after `iat`.
    pub exp: u64,
    /// The handle of the account the token is for.
    pub aud: String,
    /// The token's id: the hub takes each one once.
    pub jti: String,
}

/// A JWT's header: only HS256 is read (never `none`, nor another key's algorithm).
#[derive(Deserialize)]
struct Header {
    alg: String,
    typ: Option<String>,
}

fn decode<T: DeserializeOwned>(part: &str) -> Option<T> {
    serde_json::from_slice(&B64.decode(part).ok()?).ok()
}

/// An SSO token's signed input (`header.payload`), its payload and its
/// signature, if it is a JWT signed with HS256; else `sso_token_format`
/// (the form of before, `payload.mac`, among others).
pub fn sso_parts(token: &str) -> Result<(&str, &str, Vec<u8>), ErrorCode> {
    let format = ErrorCode::SsoTokenFormat;
    let (signed, signature) = token.rsplit_once('.').ok_or(format)?;
    let (header, payload) = signed.split_once('.').ok_or(format)?;
    let header: Header = decode(header).ok_or(format)?;
    let hs256 = header.alg == "HS256" && header.typ.as_deref().is_none_or(|typ| typ.eq_ignore_ascii_case("JWT"));
    let signature = B64.decode(signature).ok().filter(|_| hs256 && !payload.contains('.')).ok_or(format)?;
    Ok((signed, payload, signature))
}

/// The claims of an SSO token's `payload` (its signature checked) for
/// account `audience` at `now` (seconds): issued by now (give or take
/// [`SSO_CLOCK_SKEW_SECONDS`]), not expired, expiring at most
/// [`SSO_TOKEN_MAX_SECONDS`] after it was issued (so at most that, and the
/// skew, after now), with an id; else `sso_token_claims`.
pub fn sso_claims(payload: &str, audience: &str, now: u64) -> Result<SsoClaims, ErrorCode> {
    let claims: SsoClaims = decode(payload).ok_or(ErrorCode::SsoTokenClaims)?;
    let issued = claims.iat <= now.saturating_add(SSO_CLOCK_SKEW_SECONDS) && now < claims.exp;
    let short = claims.exp <= claims.iat.saturating_add(SSO_TOKEN_MAX_SECONDS);
    let id = !claims.jti.is_empty() && claims.jti.len() <= MAX_SSO_JTI_BYTES;
    (issued && short && claims.aud == audience && id).then_some(claims).ok_or(ErrorCode::SsoTokenClaims)
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
pub use native::{derive_id, digest, hmac, sign, verify, verify_sso};

/// The same signatures in pure Rust, for native tools and tests.
#[cfg(feature = "native-crypto")]
mod native {
    use super::{claims, derived_id, hex, join, payload, split, sso_claims, sso_parts, Claims, SsoClaims};
    use crate::ErrorCode;
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

    /// The claims of SSO token `token` signed with `secret`, for account
    /// `audience` at `now` (seconds); a forged one is `unauthorized`.
    pub fn verify_sso(token: &str, secret: &[u8], audience: &str, now: u64) -> Result<SsoClaims, ErrorCode> {
        let (signed, payload, signature) = sso_parts(token)?;
        let mut check = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes any key length");
        check.update(signed.as_bytes());
        check.verify_slice(&signature).map_err(|_| ErrorCode::Unauthorized)?;
        sso_claims(payload, audience, now)
    }
}

#[cfg(all(test, feature = "native-crypto"))]
mod tests {
    use super::*;

    fn claims() -> Claims {
        Claims { sub: "0123456789abcdef".into(), name: "Marie".into(), exp: 2_000, customer_of: None, sso_epoch: None }
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

    /// An HS256 JWT of `claims` under `secret`, with header `header`.
    fn jwt(header: &str, claims: serde_json::Value, secret: &[u8]) -> String {
        let signed = format!("{}.{}", B64.encode(header), B64.encode(claims.to_string()));
        format!("{signed}.{}", B64.encode(hmac(secret, signed.as_bytes())))
    }

    const HS256: &str = r#"{"alg":"HS256","typ":"JWT"}"#;

    fn sso(iat: u64, exp: u64) -> serde_json::Value {
        serde_json::json!({"sub": "42", "name": "Marie", "iat": iat, "exp": exp, "aud": "acme", "jti": "a1"})
    }

    #[test]
    fn an_sso_jwt_of_ten_minutes_for_its_account_is_read() {
        let token = jwt(HS256, sso(1_000, 1_600), b"secret");
        let expected = SsoClaims { sub: "42".into(), name: "Marie".into(), iat: 1_000, exp: 1_600, aud: "acme".into(), jti: "a1".into() };
        assert_eq!(verify_sso(&token, b"secret", "acme", 1_000), Ok(expected));
        let no_typ = jwt(r#"{"alg":"HS256"}"#, sso(1_000, 1_600), b"secret");
        assert!(verify_sso(&no_typ, b"secret", "acme", 1_200).is_ok());
    }

    #[test]
    fn sso_tokens_of_another_form_or_algorithm_are_refused_as_such() {
        let old = sign(&claims(), b"secret");
        let none = format!("{}.{}.", B64.encode(r#"{"alg":"none","typ":"JWT"}"#), B64.encode(sso(1_000, 1_600).to_string()));
        let rs256 = jwt(r#"{"alg":"RS256","typ":"JWT"}"#, sso(1_000, 1_600), b"secret");
        let other_type = jwt(r#"{"alg":"HS256","typ":"JWE"}"#, sso(1_000, 1_600), b"secret");
        let four_parts = format!("{}.x", jwt(HS256, sso(1_000, 1_600), b"secret"));
        for token in [old.as_str(), &none, &rs256, &other_type, &four_parts, "", "a.b.c", "%%.%%.%%"] {
            assert_eq!(verify_sso(token, b"secret", "acme", 1_000), Err(ErrorCode::SsoTokenFormat), "{token}");
        }
        let forged = jwt(HS256, sso(1_000, 1_600), b"other");
        assert_eq!(verify_sso(&forged, b"secret", "acme", 1_000), Err(ErrorCode::Unauthorized));
    }

    #[test]
    fn sso_claims_must_be_short_lived_for_this_account_and_named() {
        let refused = |claims: serde_json::Value, now: u64| {
            let token = jwt(HS256, claims, b"secret");
            assert_eq!(verify_sso(&token, b"secret", "acme", now), Err(ErrorCode::SsoTokenClaims));
        };
        refused(sso(1_000, 1_601), 1_000); // more than ten minutes
        refused(sso(1_000, 32_503_680_000), 1_000); // the year 3000
        refused(sso(1_000, 1_600), 1_600); // expired
        refused(sso(1_061, 1_600), 1_000); // issued in the future, past the skew
        refused(sso(u64::MAX, u64::MAX), 1_000);
        for (claim, value) in [("aud", "other".into()), ("aud", serde_json::json!(["acme"])), ("jti", "".into()), ("jti", "x".repeat(129).into())] {
            let mut claims = sso(1_000, 1_600);
            claims[claim] = value;
            refused(claims, 1_000);
        }
        for claim in ["sub", "name", "iat", "exp", "aud", "jti"] {
            let mut claims = sso(1_000, 1_600);
            claims.as_object_mut().unwrap().remove(claim);
            refused(claims, 1_000);
        }
        let skewed = jwt(HS256, sso(1_060, 1_660), b"secret");
        assert!(verify_sso(&skewed, b"secret", "acme", 1_000).is_ok(), "a site's clock a minute ahead");
    }

    #[test]
    fn digests_and_derived_ids_are_hex_of_sha256_and_hmac() {
        // python3: hashlib.sha256(b"secret").hexdigest()
        assert_eq!(digest("secret"), "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b");
        // python3: hmac.new(b"key", b"sso/acme/42", hashlib.sha256).hexdigest()[:16]
        assert_eq!(derive_id(b"key", "sso/acme/42"), "9dc383074b6c0ff4");
    }
}
