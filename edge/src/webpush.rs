//! Web Push's cryptography through the runtime's WebCrypto, native in
//! workerd: a message's encryption (`gazouillis_push::ece`'s primitives:
//! ECDH with a new sender key per message, HMAC for HKDF, AES-128-GCM), the
//! VAPID key (`VAPID_PRIVATE_KEY`, its public half derived by the runtime)
//! and its JWTs, each signed once per push service and reused until it
//! nears its expiry; and the check that a browser's key is a P-256 point.
//!
//! Not here: the formats (`gazouillis_push`, tested natively against the
//! RFCs' examples), nor sending (the hub's `push` and `outbox`).

use crate::auth::secret;
use crate::crypto::{hmac, subtle};
use gazouillis_push::{ece, vapid};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use worker::js_sys::{Array, Object, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys::CryptoKey;
use worker::Env;

/// `{name, namedCurve: "P-256"}`, for ECDH or ECDSA.
fn p256(name: &str) -> worker::Result<Object> {
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &name.into())?;
    Reflect::set(&algorithm, &"namedCurve".into(), &"P-256".into())?;
    Ok(algorithm)
}

fn usages(of: &[&str]) -> Array {
    of.iter().map(|usage| JsValue::from_str(usage)).collect()
}

fn bytes(buffer: JsValue) -> Vec<u8> {
    Uint8Array::new(&buffer).to_vec()
}

/// `raw`, a browser's public key, as an ECDH key: refused unless it is a
/// point of P-256.
async fn ecdh_public(raw: &[u8]) -> worker::Result<CryptoKey> {
    let key = subtle()?.import_key_with_object("raw", &Uint8Array::from(raw), &p256("ECDH")?, true, &usages(&[]))?;
    Ok(JsFuture::from(key).await?.unchecked_into())
}

/// Whether `raw` is a P-256 public key (65 bytes, uncompressed, on the curve).
pub async fn is_p256_point(raw: &[u8]) -> bool {
    ecdh_public(raw).await.is_ok()
}

/// The Worker's primitives for [`ece::encrypt`].
pub struct WebCrypto;

impl ece::Primitives for WebCrypto {
    type Error = worker::Error;

    async fn agree(&self, ua_public: &[u8]) -> worker::Result<(Vec<u8>, Vec<u8>)> {
        let subtle = subtle()?;
        let pair = JsFuture::from(subtle.generate_key_with_object(&p256("ECDH")?, true, &usages(&["deriveBits"]))?).await?;
        let private: CryptoKey = Reflect::get(&pair, &"privateKey".into())?.unchecked_into();
        let public: CryptoKey = Reflect::get(&pair, &"publicKey".into())?.unchecked_into();
        let sender = bytes(JsFuture::from(subtle.export_key("raw", &public)?).await?);
        let agreement = p256("ECDH")?;
        Reflect::set(&agreement, &"public".into(), &ecdh_public(ua_public).await?.into())?;
        let secret = bytes(JsFuture::from(subtle.derive_bits_with_object(&agreement, &private, 256)?).await?);
        Ok((secret, sender))
    }

    async fn hmac_sha256(&self, key: &[u8], data: &[u8]) -> worker::Result<Vec<u8>> {
        hmac(key, data).await
    }

    async fn aes128gcm(&self, key: &[u8], nonce: &[u8], plaintext: &[u8]) -> worker::Result<Vec<u8>> {
        let subtle = subtle()?;
        let algorithm = Object::new();
        Reflect::set(&algorithm, &"name".into(), &"AES-GCM".into())?;
        let key = JsFuture::from(subtle.import_key_with_object("raw", &Uint8Array::from(key), &algorithm, false, &usages(&["encrypt"]))?).await?;
        Reflect::set(&algorithm, &"iv".into(), &Uint8Array::from(nonce))?;
        Ok(bytes(JsFuture::from(subtle.encrypt_with_object_and_u8_array(&algorithm, &key.unchecked_into(), plaintext)?).await?))
    }
}

/// The edge's VAPID key pair.
pub struct Vapid {
    signing: CryptoKey,
    /// The 65-byte uncompressed point, as browsers subscribe with it.
    pub public_key: Vec<u8>,
}

thread_local! {
    /// The key of `VAPID_PRIVATE_KEY` (by its text), imported once per isolate.
    static KEY: RefCell<Option<(String, Rc<Vapid>)>> = const { RefCell::new(None) };
    /// Each push service's JWT (by audience), with its expiry (seconds).
    static TOKENS: RefCell<HashMap<String, (String, u64)>> = RefCell::new(HashMap::new());
}

/// Whether this edge sends Web Push: it has a readable VAPID key.
pub fn push_on(env: &Env) -> bool {
    secret(env, "VAPID_PRIVATE_KEY").is_some_and(|text| vapid::private_key(&text).is_some())
}

/// The edge's VAPID key, `None` when `VAPID_PRIVATE_KEY` is not set (push
/// is off) or unreadable (logged).
pub async fn vapid(env: &Env) -> worker::Result<Option<Rc<Vapid>>> {
    let Some(text) = secret(env, "VAPID_PRIVATE_KEY") else { return Ok(None) };
    if let Some(key) = KEY.with_borrow(|key| key.as_ref().filter(|(of, _)| *of == text).map(|(_, key)| key.clone())) {
        return Ok(Some(key));
    }
    let Some(d) = vapid::private_key(&text) else {
        worker::console_error!("VAPID_PRIVATE_KEY is not the base64url of a 32-byte P-256 key: push is off");
        return Ok(None);
    };
    let subtle = subtle()?;
    let der = Uint8Array::from(vapid::pkcs8_of(&d).as_slice());
    let signing: CryptoKey = JsFuture::from(subtle.import_key_with_object("pkcs8", &der, &p256("ECDSA")?, true, &usages(&["sign"]))?).await?.unchecked_into();
    // The runtime derives the public point from the scalar; its JWK names it.
    let jwk = JsFuture::from(subtle.export_key("jwk", &signing)?).await?;
    let coordinate = |name: &str| -> worker::Result<Vec<u8>> {
        let text = Reflect::get(&jwk, &name.into())?.as_string().unwrap_or_default();
        gazouillis_push::subscription::unb64(&text).ok_or_else(|| "the VAPID key's point is unreadable".into())
    };
    let public_key = [vec![4], coordinate("x")?, coordinate("y")?].concat();
    let key = Rc::new(Vapid { signing, public_key });
    KEY.with_borrow_mut(|kept| *kept = Some((text, key.clone())));
    Ok(Some(key))
}

impl Vapid {
    /// The `Authorization` header for a push service of `audience` (an
    /// origin): its JWT is reused until it nears its expiry.
    pub async fn authorization(&self, audience: &str, subject: &str, now_secs: u64) -> worker::Result<String> {
        let kept = TOKENS.with_borrow(|tokens| tokens.get(audience).filter(|(_, exp)| vapid::still_good(*exp, now_secs)).map(|(jwt, _)| jwt.clone()));
        let jwt = match kept {
            Some(jwt) => jwt,
            None => {
                let exp = now_secs + vapid::LIFETIME_SECS;
                let input = vapid::signing_input(audience, exp, subject);
                let algorithm = Object::new();
                Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
                Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
                // WebCrypto's ECDSA signature is r and s side by side: JWS's form.
                let signature = JsFuture::from(subtle()?.sign_with_object_and_u8_array(&algorithm, &self.signing, input.as_bytes())?).await?;
                let jwt = vapid::token(&input, &bytes(signature));
                TOKENS.with_borrow_mut(|tokens| tokens.insert(audience.to_owned(), (jwt.clone(), exp)));
                jwt
            }
        };
        Ok(vapid::authorization(&jwt, &self.public_key))
    }
}
