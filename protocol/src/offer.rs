//! Offers for followers: a code that a brand post carries and that only the
//! account's followers get, each by claiming it (once: claiming again gives
//! the same code and counts once), until its end date or its limit of claims.
//!
//! Everyone sees that a post holds an offer ([`Offer`]: when it ends, how
//! many may claim it, how many did); the code itself is only ever in the
//! answer to a follower's claim ([`Claimed`]) and in the brand's own list
//! ([`OfferStats`]): never in a feed, a post, a live event or a search.

use crate::time::{millis_from_rfc3339, rfc3339_from_millis};
use crate::ErrorCode;
use serde::{Deserialize, Serialize};

/// Most characters of a code.
pub const MAX_CODE_CHARS: usize = 40;

/// The `offer` of `POST /v1/accounts/{handle}/posts`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewOffer {
    pub code: String,
    /// RFC 3339, in the future.
    pub ends_at: String,
    /// Most followers who may claim it; none: every follower.
    #[serde(default)]
    pub limit: Option<u64>,
}

/// An offer as the hub stores it: checked, its end in milliseconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckedOffer {
    pub code: String,
    pub ends_ms: u64,
    pub limit: Option<u64>,
}

impl NewOffer {
    /// The offer to store, or 422 `invalid_offer`: a code of 1 to
    /// [`MAX_CODE_CHARS`] characters without spaces or control characters,
    /// an end after `now_ms`, a limit of at least 1.
    pub fn check(self, now_ms: u64) -> Result<CheckedOffer, ErrorCode> {
        let code = self.code.trim();
        let code_ok = !code.is_empty() && code.chars().count() <= MAX_CODE_CHARS && !code.chars().any(|c| c.is_whitespace() || c.is_control());
        let ends_ms = millis_from_rfc3339(&self.ends_at).filter(|ends| *ends > now_ms);
        match ends_ms {
            Some(ends_ms) if code_ok && self.limit != Some(0) => Ok(CheckedOffer { code: code.to_owned(), ends_ms, limit: self.limit }),
            _ => Err(ErrorCode::InvalidOffer),
        }
    }
}

/// What everyone sees of a post's offer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    pub ends_at: String,
    pub limit: Option<u64>,
    pub claimed: u64,
}

impl Offer {
    pub fn new(ends_ms: u64, limit: Option<u64>, claimed: u64) -> Offer {
        Offer { ends_at: rfc3339_from_millis(ends_ms), limit, claimed }
    }
}

/// `POST /v1/posts/{id}/offer/claim`: the code, for a follower.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claimed {
    pub code: String,
    pub claimed_at: String,
}

/// A visitor's claim, as `/v1/me` gives it back: the post, its offer's code
/// and when they claimed it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClaimOf {
    pub post: String,
    pub code: String,
    pub claimed_at: String,
}

/// Why a claim is refused, in the order checked; a follower who claimed
/// before gets the code again whatever else holds.
pub fn refusal(following: bool, now_ms: u64, ends_ms: u64, claimed: u64, limit: Option<u64>) -> Option<ErrorCode> {
    if !following {
        Some(ErrorCode::NotFollowing)
    } else if now_ms >= ends_ms {
        Some(ErrorCode::OfferEnded)
    } else if limit.is_some_and(|limit| claimed >= limit) {
        Some(ErrorCode::OfferExhausted)
    } else {
        None
    }
}

/// `GET /v1/accounts/{handle}/offers` (the brand's): each offer with its
/// code, its claims, and the follows and unfollows while it ran.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferStats {
    pub post: String,
    pub text: String,
    pub code: String,
    pub created_at: String,
    #[serde(flatten)]
    pub offer: Offer,
    pub follows: u64,
    pub unfollows: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Offers {
    pub offers: Vec<OfferStats>,
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_795_628_812_120; // 2026-11-25T17:46:52.120Z

    fn offer(code: &str, ends_at: &str, limit: Option<u64>) -> NewOffer {
        NewOffer { code: code.into(), ends_at: ends_at.into(), limit }
    }

    #[test]
    fn offers_are_checked() {
        let checked = offer(" VELO-10 ", "2026-12-01T00:00:00+01:00", Some(50)).check(NOW).unwrap();
        assert_eq!(checked, CheckedOffer { code: "VELO-10".into(), ends_ms: 1_796_079_600_000, limit: Some(50) });
        assert_eq!(Offer::new(checked.ends_ms, None, 0).ends_at, "2026-11-30T23:00:00.000Z");
        for bad in [
            offer("", "2026-12-01T00:00:00Z", None),
            offer("two words", "2026-12-01T00:00:00Z", None),
            offer("a\u{7}", "2026-12-01T00:00:00Z", None),
            offer(&"x".repeat(41), "2026-12-01T00:00:00Z", None),
            offer("OK", "2026-11-25T17:46:52.120Z", None),
            offer("OK", "tomorrow", None),
            offer("OK", "2026-12-01", None),
            offer("OK", "2026-12-01T00:00:00Z", Some(0)),
        ] {
            assert_eq!(bad.clone().check(NOW), Err(ErrorCode::InvalidOffer), "{bad:?}");
        }
    }

    #[test]
    fn claims_are_refused_in_order() {
        assert_eq!(refusal(false, 0, 10, 0, None), Some(ErrorCode::NotFollowing));
        assert_eq!(refusal(false, 20, 10, 5, Some(5)), Some(ErrorCode::NotFollowing));
        assert_eq!(refusal(true, 10, 10, 0, None), Some(ErrorCode::OfferEnded));
        assert_eq!(refusal(true, 9, 10, 5, Some(5)), Some(ErrorCode::OfferExhausted));
        assert_eq!(refusal(true, 9, 10, 4, Some(5)), None);
        assert_eq!(refusal(true, 9, 10, 1_000, None), None);
    }
}
