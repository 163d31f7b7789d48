//! ActivityPub's formats, pure: what the edge needs to be followed from the
//! fediverse, written once and tested natively.
//!
//! - [`cavage`]: HTTP Signatures as draft-cavage-http-signatures-12 writes
//!   them (the `Signature` header), parsed and written, and the string a
//!   signature covers; tested against the draft's own vectors.
//! - [`rfc9421`]: HTTP Message Signatures (RFC 9421): `Signature-Input`
//!   and `Signature` read, and each signature's base; tested against the
//!   RFC's own examples.
//! - [`digest`]: a body's `Digest` and `Content-Digest`, made and checked.
//! - [`webfinger`]: an account's JRD, and the `acct:` resource asked for.
//! - [`fresh`]: how old or early a signature may be.
//!
//! Not here: keys and signing (WebCrypto in the Worker, the `rsa` crate in
//! native tests), fetching remote actors, storing followers, delivering
//! (all in `edge/`).

pub mod cavage;
pub mod digest;
pub mod rfc9421;
pub mod webfinger;

/// How old a signature may be (its `Date`, or RFC 9421's `created`), in
/// seconds: servers retry a delivery for hours with the same signature.
pub const MAX_AGE_SECS: u64 = 12 * 3_600;
/// How far ahead of this clock a signature may be, in seconds.
pub const MAX_AHEAD_SECS: u64 = 3_600;

/// Whether a signature made at `signed` (seconds since 1970) is fresh at
/// `now`: at most [`MAX_AGE_SECS`] old and [`MAX_AHEAD_SECS`] ahead.
pub fn fresh(signed: u64, now: u64) -> bool {
    signed.saturating_add(MAX_AGE_SECS) >= now && signed <= now.saturating_add(MAX_AHEAD_SECS)
}

/// Why a request's signature cannot be checked.
#[derive(Clone, Debug, PartialEq)]
pub enum Unusable {
    /// Not the header's syntax, or a field twice.
    Malformed,
    /// Without this field (`keyId`, `signature`).
    Missing(&'static str),
    /// The signature is not base64.
    NotBase64,
    /// A covered header the request does not carry.
    Uncovered(String),
    /// A covered component this crate cannot recreate.
    Unsupported(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_is_fresh_from_12_hours_old_to_1_hour_ahead() {
        let now = 1_796_000_000;
        assert!(fresh(now, now) && fresh(now - MAX_AGE_SECS, now) && fresh(now + MAX_AHEAD_SECS, now));
        assert!(!fresh(now - MAX_AGE_SECS - 1, now), "stale");
        assert!(!fresh(now + MAX_AHEAD_SECS + 1, now), "from the future");
        assert!(!fresh(0, now) && !fresh(u64::MAX, now));
    }
}
