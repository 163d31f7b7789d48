//! VAPID's ES256 in pure Rust (p256): the public key of a private one,
//! signing, and checking an `Authorization` header as a push service does,
//! for native tests and the tests' local push service.
//!
//! Not for the Worker (it signs through WebCrypto and never enables feature
//! `native`), and not a general JWT library: ES256 VAPID tokens only.

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
use serde::Deserialize;

use crate::unb64;

/// What a VAPID JWT claims, as the push service reads it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Claims {
    pub aud: String,
    pub exp: u64,
    pub sub: String,
}

fn signing_key(d: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(&(*d).into()).expect("a P-256 private scalar: not zero, under the curve's order")
}

/// The uncompressed public key (65 bytes, `04 || x || y`) of the private
/// scalar `d`. Panics if `d` is zero or not under the curve's order (a test
/// helper: keys come from [`super::private_key`] of real keys).
pub fn public_key(d: &[u8; 32]) -> [u8; 65] {
    let point = signing_key(d).verifying_key().to_encoded_point(false);
    point.as_bytes().try_into().expect("an uncompressed P-256 point is 65 bytes")
}

/// The ES256 signature (SHA-256, then ECDSA; raw `r || s`) of the JWT's
/// signing input. Panics as [`public_key`] does.
pub fn sign(d: &[u8; 32], signing_input: &str) -> [u8; 64] {
    let signature: Signature = signing_key(d).sign(signing_input.as_bytes());
    signature.to_bytes().into()
}

#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Parses a `vapid t=<jwt>, k=<key>` header, checks the JWT's ES256
/// signature with `k`, and gives its claims (the caller checks aud, exp and
/// sub against what it expects).
pub fn verify(authorization: &str) -> Result<Claims, String> {
    let params = authorization
        .strip_prefix("vapid ")
        .or_else(|| authorization.strip_prefix("Vapid "))
        .ok_or("not a vapid authorization")?;
    let (mut t, mut k) = (None, None);
    for param in params.split(',') {
        match param.trim().split_once('=') {
            Some(("t", value)) => t = Some(value),
            Some(("k", value)) => k = Some(value),
            _ => return Err(format!("unexpected parameter {param:?}")),
        }
    }
    let (jwt, k) = (t.ok_or("no t=")?, k.ok_or("no k=")?);
    let key = unb64(k).ok_or("k is not base64url")?;
    let key = VerifyingKey::from_sec1_bytes(&key).map_err(|_| "k is not a P-256 public key")?;

    let mut parts = jwt.split('.');
    let (Some(header_part), Some(claims), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("a JWT has three parts".into());
    };
    let header: Header = serde_json::from_slice(&unb64(header_part).ok_or("header is not base64url")?)
        .map_err(|error| format!("header: {error}"))?;
    if header.alg != "ES256" {
        return Err(format!("alg {} where VAPID signs ES256", header.alg));
    }
    let signature = unb64(signature).ok_or("signature is not base64url")?;
    let signature = Signature::from_slice(&signature).map_err(|_| "signature is not 64 bytes of r || s")?;
    let signed = format!("{header_part}.{claims}");
    key.verify(signed.as_bytes(), &signature).map_err(|_| "signature does not verify with k")?;
    serde_json::from_slice(&unb64(claims).ok_or("claims are not base64url")?).map_err(|error| format!("claims: {error}"))
}
