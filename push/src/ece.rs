//! A push message's body: RFC 8291's Web Push encryption over RFC 8188's
//! `aes128gcm` content coding, in a single record.
//!
//! The key schedule (HKDF, written here once over HMAC-SHA-256) and the
//! framing are pure; the three primitives they need are behind
//! [`Primitives`], since the Worker runs them through WebCrypto (async) and
//! native code through RustCrypto ([`NativePrimitives`], feature `native`).
//!
//! Not here: choosing the salt (the caller gives 16 random bytes), the
//! payload's JSON ([`crate::payload`]), sending the body. Decryption exists
//! only under `native`, for the tests' local push service: a sender never
//! decrypts.

#[cfg(feature = "native")]
mod native;
#[cfg(test)]
mod tests;

#[cfg(feature = "native")]
pub use native::{NativePrimitives, decrypt};

/// The record size announced in the header: RFC 8291 section 4 asks for 4096
/// or more, and push services accept bodies up to 4096 bytes.
pub const RECORD_SIZE: u32 = 4096;

/// The header's length: salt (16), record size (4), key id length (1), and
/// the sender's uncompressed public key (65).
pub const HEADER_LEN: usize = 16 + 4 + 1 + 65;

/// What encryption adds to a plaintext: the header, the padding delimiter and
/// AES-GCM's tag.
pub const OVERHEAD: usize = HEADER_LEN + 1 + 16;

/// The largest plaintext that fits one record of [`RECORD_SIZE`] (4079 bytes).
/// [`crate::payload`] keeps far below it.
pub const MAX_RECORD_PLAINTEXT: usize = RECORD_SIZE as usize - 1 - 16;

/// The cryptographic primitives RFC 8291 needs, however they are computed.
#[allow(async_fn_in_trait)]
pub trait Primitives {
    type Error;
    /// A NEW sender key pair (RFC 8291 asks one per message): the ECDH shared
    /// secret (32 bytes) agreed with `ua_public` (65-byte uncompressed P-256
    /// point), and the sender's public key (65 bytes, uncompressed).
    async fn agree(&self, ua_public: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Self::Error>;
    /// HMAC-SHA-256 of `data` under `key`.
    async fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> Result<Vec<u8>, Self::Error>;
    /// AES-128-GCM of `plaintext` under `key` (16 bytes) and `nonce` (12
    /// bytes): the ciphertext with its 16-byte tag appended.
    async fn aes128gcm(&self, key: &[u8], nonce: &[u8], plaintext: &[u8]) -> Result<Vec<u8>, Self::Error>;
}

const WEBPUSH_INFO: &[u8] = b"WebPush: info\0";
const CEK_INFO: &[u8] = b"Content-Encoding: aes128gcm\0";
const NONCE_INFO: &[u8] = b"Content-Encoding: nonce\0";

/// RFC 5869's HKDF with SHA-256, for outputs of at most 32 bytes: extract,
/// then one expand block, truncated to `len`.
pub(crate) async fn hkdf<P: Primitives>(
    primitives: &P,
    salt: &[u8],
    ikm: &[u8],
    info: &[u8],
    len: usize,
) -> Result<Vec<u8>, P::Error> {
    debug_assert!(len <= 32, "one expand block gives 32 bytes");
    let prk = primitives.hmac_sha256(salt, ikm).await?;
    let mut block = Vec::with_capacity(info.len() + 1);
    block.extend_from_slice(info);
    block.push(1);
    let mut okm = primitives.hmac_sha256(&prk, &block).await?;
    okm.truncate(len);
    Ok(okm)
}

/// The content encryption key (16 bytes) and nonce (12 bytes) of a message,
/// from the ECDH secret, both public keys, the subscription's auth secret and
/// the message's salt (RFC 8291 section 3.4, RFC 8188 section 2.2).
pub(crate) async fn keys<P: Primitives>(
    primitives: &P,
    ecdh_secret: &[u8],
    ua_public: &[u8],
    as_public: &[u8],
    auth: &[u8],
    salt: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), P::Error> {
    let mut info = Vec::with_capacity(WEBPUSH_INFO.len() + ua_public.len() + as_public.len());
    info.extend_from_slice(WEBPUSH_INFO);
    info.extend_from_slice(ua_public);
    info.extend_from_slice(as_public);
    let ikm = hkdf(primitives, auth, ecdh_secret, &info, 32).await?;
    let cek = hkdf(primitives, salt, &ikm, CEK_INFO, 16).await?;
    let nonce = hkdf(primitives, salt, &ikm, NONCE_INFO, 12).await?;
    Ok((cek, nonce))
}

/// The body of a push message: header (salt, rs = 4096, idlen 65, keyid =
/// sender public key) then one record (plaintext, the 0x02 delimiter,
/// ciphertext+tag).
///
/// A plaintext over [`MAX_RECORD_PLAINTEXT`] gets a record size that fits it
/// (still one record, still valid RFC 8188), but push services refuse bodies
/// over 4096 bytes: keep payloads under [`crate::payload::MAX_PLAINTEXT`].
pub async fn encrypt<P: Primitives>(
    primitives: &P,
    ua_public: &[u8],
    auth: &[u8],
    salt: [u8; 16],
    plaintext: &[u8],
) -> Result<Vec<u8>, P::Error> {
    let (secret, as_public) = primitives.agree(ua_public).await?;
    let (cek, nonce) = keys(primitives, &secret, ua_public, &as_public, auth, &salt).await?;
    let mut record = Vec::with_capacity(plaintext.len() + 1);
    record.extend_from_slice(plaintext);
    record.push(2); // the last (and only) record's delimiter, no padding
    let sealed = primitives.aes128gcm(&cek, &nonce, &record).await?;

    let rs = RECORD_SIZE.max(u32::try_from(sealed.len()).unwrap_or(u32::MAX));
    let mut body = Vec::with_capacity(16 + 4 + 1 + as_public.len() + sealed.len());
    body.extend_from_slice(&salt);
    body.extend_from_slice(&rs.to_be_bytes());
    body.push(u8::try_from(as_public.len()).unwrap_or(u8::MAX));
    body.extend_from_slice(&as_public);
    body.extend_from_slice(&sealed);
    Ok(body)
}
