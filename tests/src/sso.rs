//! What a customer's site does to sign a customer in: an SSO token, a JSON
//! Web Token signed with HS256 by a JWT library that is not ours
//! (`jsonwebtoken`), as README shows a site doing in Node, Python and PHP.

use jsonwebtoken::{encode, EncodingKey, Header};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The claims of a token for `account`'s customer `sub`, named `name`:
/// issued now, good for ten minutes, with an id no other token has.
pub fn claims(account: &str, sub: &str, name: &str) -> Value {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("after 1970");
    let jti = format!("{}-{}", now.as_nanos(), NEXT.fetch_add(1, Ordering::Relaxed));
    let now = now.as_secs();
    json!({"sub": sub, "name": name, "iat": now, "exp": now + 600, "aud": account, "jti": jti})
}

/// `claims` signed with `secret`: `{"alg":"HS256","typ":"JWT"}`.
pub fn sign(claims: &Value, secret: &str) -> String {
    encode(&Header::default(), claims, &EncodingKey::from_secret(secret.as_bytes())).expect("HS256 signs any claims")
}

/// A good token of [`claims`] signed with `secret`.
pub fn token(secret: &str, account: &str, sub: &str, name: &str) -> String {
    sign(&claims(account, sub, name), secret)
}
