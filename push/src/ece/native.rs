//! RFC 8291's primitives computed in pure Rust (p256, hmac, aes-gcm), and the
//! receiving side a browser runs, for native tests and the tests' local push
//! service.
//!
//! Not for the Worker (it never enables feature `native`; its primitives go
//! through WebCrypto), and not a general RFC 8188 decoder: one record only,
//! as Web Push sends.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use hmac::{Hmac, Mac};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand_core::OsRng;
use sha2::Sha256;

use super::{HEADER_LEN, Primitives, keys};

/// [`Primitives`] in RustCrypto: a fresh sender key per message, or a fixed
/// one for test vectors.
#[derive(Clone)]
pub struct NativePrimitives {
    sender: Option<[u8; 32]>,
}

impl NativePrimitives {
    /// A new random sender key for every message, as RFC 8291 asks.
    pub fn random() -> NativePrimitives {
        NativePrimitives { sender: None }
    }

    /// Always the same sender key: only for deterministic test vectors (RFC
    /// 8291 Appendix A), never for real messages.
    pub fn with_sender_key(private: [u8; 32]) -> NativePrimitives {
        NativePrimitives { sender: Some(private) }
    }
}

fn uncompressed(public: &PublicKey) -> Vec<u8> {
    public.to_encoded_point(false).as_bytes().to_vec()
}

fn shared_secret(private: &SecretKey, public: &PublicKey) -> Vec<u8> {
    let shared = p256::ecdh::diffie_hellman(private.to_nonzero_scalar(), public.as_affine());
    shared.raw_secret_bytes().to_vec()
}

fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

impl Primitives for NativePrimitives {
    type Error = String;

    async fn agree(&self, ua_public: &[u8]) -> Result<(Vec<u8>, Vec<u8>), String> {
        let ua = PublicKey::from_sec1_bytes(ua_public).map_err(|_| "ua_public is not a P-256 point".to_string())?;
        let sender = match self.sender {
            Some(bytes) => SecretKey::from_bytes(&bytes.into()).map_err(|_| "sender key is not a P-256 scalar".to_string())?,
            None => SecretKey::random(&mut OsRng),
        };
        Ok((shared_secret(&sender, &ua), uncompressed(&sender.public_key())))
    }

    async fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, String> {
        Ok(hmac_sha256(key, data))
    }

    async fn aes128gcm(&self, key: &[u8], nonce: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, String> {
        if nonce.len() != 12 {
            return Err("AES-GCM nonce is not 12 bytes".into());
        }
        let cipher = Aes128Gcm::new_from_slice(key).map_err(|_| "AES-128 key is not 16 bytes".to_string())?;
        cipher.encrypt(Nonce::from_slice(nonce), plaintext).map_err(|_| "AES-GCM failed".to_string())
    }
}

/// Runs a future that never waits, as [`NativePrimitives`]' are: the key
/// schedule is written once, async, for WebCrypto's sake.
fn ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(output) => output,
        Poll::Pending => unreachable!("native primitives never wait"),
    }
}

/// What the browser does with a push message's body: reads the RFC 8188
/// header, agrees on the secret with the sender's key it carries, derives the
/// keys, decrypts the one record and strips its padding and delimiter.
pub fn decrypt(ua_private: &[u8; 32], auth: &[u8], body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("body shorter than its header".into());
    }
    let (salt, rest) = body.split_at(16);
    let rs = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    let idlen = rest[4] as usize;
    let rest = &rest[5..];
    if rs < 18 {
        return Err(format!("record size {rs} under RFC 8188's minimum of 18"));
    }
    if idlen != HEADER_LEN - 21 || rest.len() < idlen {
        return Err(format!("key id of {idlen} bytes, not a 65-byte P-256 public key"));
    }
    let (as_public, record) = rest.split_at(idlen);
    if record.len() < 17 {
        return Err("record shorter than a tag and a delimiter".into());
    }
    if record.len() > rs {
        return Err("more than one record".into());
    }

    let ua = SecretKey::from_bytes(&(*ua_private).into()).map_err(|_| "ua_private is not a P-256 scalar".to_string())?;
    let sender = PublicKey::from_sec1_bytes(as_public).map_err(|_| "key id is not a P-256 point".to_string())?;
    let secret = shared_secret(&ua, &sender);
    let ua_public = uncompressed(&ua.public_key());
    let (cek, nonce) = ready(keys(&NativePrimitives::random(), &secret, &ua_public, as_public, auth, salt))?;

    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| "bad key length".to_string())?;
    let mut padded = cipher
        .decrypt(Nonce::from_slice(&nonce), record)
        .map_err(|_| "record does not decrypt (wrong keys or tampered)".to_string())?;
    // Padding is zeros after the delimiter; the last record's delimiter is 2.
    let end = padded.iter().rposition(|&byte| byte != 0).ok_or("record has no delimiter")?;
    if padded[end] != 2 {
        return Err(format!("delimiter {} where the last record's is 2", padded[end]));
    }
    padded.truncate(end);
    Ok(padded)
}
