//! The edge's signatures and digests, through the runtime's WebCrypto
//! (`crypto.subtle`) rather than crates compiled into the Worker: visitor
//! session tokens and SSO tokens (HMAC-SHA-256, the latter JWTs), the ids derived from them,
//! brand tokens' digests (SHA-256) and webhook signatures. WebCrypto is
//! async, so these are too.
//!
//! Not here: the formats (`gazouillis_protocol::token`, `webhook`), which
//! the protocol tests natively against a pure-Rust HMAC.

use gazouillis_protocol::token::{self, Claims, SsoClaims};
use gazouillis_protocol::ErrorCode;
use gazouillis_protocol::webhook;
use worker::js_sys::{self, Array, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::JsCast;
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::{CryptoKey, SubtleCrypto, WorkerGlobalScope};

pub(crate) fn subtle() -> worker::Result<SubtleCrypto> {
    let scope: WorkerGlobalScope = js_sys::global().unchecked_into();
    Ok(scope.crypto()?.subtle())
}

/// `secret` as an HMAC-SHA-256 key for `usage` (`sign` or `verify`).
async fn hmac_key(secret: &[u8], usage: &str) -> worker::Result<CryptoKey> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"HMAC".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    let usages = Array::of1(&usage.into());
    let key = subtle()?.import_key_with_object("raw", &Uint8Array::from(secret), &algorithm, false, &usages)?;
    Ok(JsFuture::from(key).await?.unchecked_into())
}

/// HMAC-SHA-256 of `data` under `secret`.
pub(crate) async fn hmac(secret: &[u8], data: &[u8]) -> worker::Result<Vec<u8>> {
    let key = hmac_key(secret, "sign").await?;
    let mac = JsFuture::from(subtle()?.sign_with_str_and_u8_array("HMAC", &key, data)?).await?;
    Ok(Uint8Array::new(&mac).to_vec())
}

/// Whether `mac` is the HMAC-SHA-256 of `data` under `secret` (WebCrypto
/// compares in constant time).
async fn hmac_matches(secret: &[u8], data: &[u8], mac: &[u8]) -> worker::Result<bool> {
    let key = hmac_key(secret, "verify").await?;
    let valid = JsFuture::from(subtle()?.verify_with_str_and_u8_array_and_u8_array("HMAC", &key, mac, data)?).await?;
    Ok(valid.as_bool() == Some(true))
}

/// A token of `claims` signed with `secret`.
pub async fn sign(claims: &Claims, secret: &[u8]) -> worker::Result<String> {
    let payload = token::payload(claims);
    Ok(token::join(&payload, &hmac(secret, payload.as_bytes()).await?))
}

/// The claims of `token` if it is signed with `secret` and not expired at
/// `now` (seconds).
pub async fn verify(token: &str, secret: &[u8], now: u64) -> Option<Claims> {
    let (payload, mac) = token::split(token)?;
    hmac_matches(secret, payload.as_bytes(), &mac).await.ok()?.then(|| token::claims(payload, now))?
}

/// The claims of SSO token `token` (a JWT) signed with `secret`, for account
/// `audience` at `now` (seconds); a forged one is `unauthorized`, the other
/// refusals are [`token::sso_parts`]'s and [`token::sso_claims`]'s.
pub async fn verify_sso(token: &str, secret: &[u8], audience: &str, now: u64) -> Result<SsoClaims, ErrorCode> {
    let (signed, payload, signature) = token::sso_parts(token)?;
    if !hmac_matches(secret, signed.as_bytes(), &signature).await.unwrap_or(false) {
        return Err(ErrorCode::Unauthorized);
    }
    token::sso_claims(payload, audience, now)
}

/// A stable id derived from `input` under `secret` ([`token::derived_id`]).
pub async fn derive_id(secret: &[u8], input: &str) -> worker::Result<String> {
    Ok(token::derived_id(&hmac(secret, input.as_bytes()).await?))
}

/// The SHA-256 of a brand token's secret, in hex: what the hub stores
/// instead of the secret.
pub async fn digest(secret: &str) -> worker::Result<String> {
    let digest = JsFuture::from(subtle()?.digest_with_str_and_u8_array("SHA-256", secret.as_bytes())?).await?;
    Ok(token::hex(&Uint8Array::new(&digest).to_vec()))
}

/// The webhook signature header of `body` sent at `timestamp` (Unix seconds).
pub async fn webhook_signature(secret: &str, timestamp: u64, body: &str) -> worker::Result<String> {
    let mac = hmac(secret.as_bytes(), webhook::signed_content(timestamp, body).as_bytes()).await?;
    Ok(webhook::signature_header(timestamp, &mac))
}
