//! The outbox's rules, for every destination (a brand's webhooks today):
//! what becomes of a delivery once an attempt ends, and how long an attempt
//! that may never end holds it. Pure: the clock (`now`, ms since 1970) and
//! the jitter (0 to 1) are passed in, so each rule is tested here.
//!
//! - A 2xx delivers. A 3xx does not: the edge follows no redirect (the
//!   receiver could point elsewhere, at an internal host), so a redirect is
//!   a failed attempt like any other.
//! - A 404 or a 410, for a destination whose targets can go for good (a
//!   browser's push subscription, a closed inbox: [`Policy::forgets_gone`]),
//!   says the target is gone: the delivery fails at once, and the
//!   destination forgets the target.
//! - Anything else is retried after [`retry_delay`] (doubling, with
//!   jitter), or later when the receiver said when (`Retry-After`, on a
//!   429 or a 5xx), until the attempts run out: then it fails. Statuses a
//!   destination knows to be final ([`Policy::refused`]) fail at once.
//!
//! An attempt's [`Outcome`] is plain data, so whoever sends (the hub
//! itself, or a queue's consumer for a fan-out wider than one hub's alarm)
//! hands it back to the hub, which applies these rules.
//!
//! Not here: the table of deliveries (`schema`, `store::deliveries`),
//! sending (the edge's hub) and each destination's requests.

use crate::buzz::HOUR_MS;
use serde::{Deserialize, Serialize};

/// The longest wait between two attempts, however many failed (and
/// however long a receiver asks to wait).
pub const MAX_RETRY_MS: u64 = HOUR_MS;

/// How a destination's deliveries are retried.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Policy {
    /// The wait after the first failed attempt.
    pub first_retry_ms: u64,
    /// Attempts in all, the first included.
    pub max_attempts: u32,
    /// How long a receiver has to answer.
    pub timeout_ms: u64,
    /// Whether a 404 or a 410 means the target is gone for good. Webhooks
    /// keep retrying: their receiver may come back, and the brand deletes
    /// a webhook.
    pub forgets_gone: bool,
    /// Statuses that say the request itself is refused (a push service's
    /// 400, 401, 403 and 413: a malformed message, a bad VAPID JWT, a body
    /// too large): no retry can succeed, so the delivery fails at once.
    pub refused: &'static [u16],
}

/// How an attempt ended.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// The receiver's status (`None`: no answer, or not sent).
    pub status: Option<u16>,
    /// When the receiver asked to be tried again (`Retry-After`, in seconds).
    pub retry_after: Option<u64>,
    /// Why there was no answer.
    pub error: Option<String>,
}

impl Outcome {
    pub fn answered(status: u16, retry_after: Option<u64>) -> Outcome {
        Outcome { status: Some(status), retry_after, error: None }
    }

    pub fn failed(error: impl Into<String>) -> Outcome {
        Outcome { error: Some(error.into()), ..Outcome::default() }
    }
}

/// What follows an attempt.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum After {
    Delivered,
    /// Tried again at this time (ms since 1970).
    RetryAt(u64),
    /// No attempt is left.
    Failed,
    /// The target is gone for good: no attempt follows, and the destination
    /// forgets it.
    Gone,
}

impl Policy {
    /// What follows attempt `attempt` (1 for the first), ended at `now`
    /// as `outcome` says.
    pub fn after(&self, attempt: u32, now: u64, outcome: &Outcome, jitter: f64) -> After {
        match outcome.status {
            Some(200..=299) => return After::Delivered,
            Some(404 | 410) if self.forgets_gone => return After::Gone,
            Some(status) if self.refused.contains(&status) => return After::Failed,
            _ if attempt >= self.max_attempts => return After::Failed,
            _ => {}
        }
        let asked = match outcome.status {
            Some(429 | 500..=599) => outcome.retry_after.map_or(0, |seconds| seconds.saturating_mul(1000).min(MAX_RETRY_MS)),
            _ => 0,
        };
        After::RetryAt(now + retry_delay(self.first_retry_ms, attempt, jitter).max(asked))
    }

    /// When attempt `attempt`, leaving at `now`, is tried again if nothing
    /// records how it ended (the runtime restarted mid-attempt): as if it
    /// failed once its time to answer was up.
    pub fn lease(&self, attempt: u32, now: u64, jitter: f64) -> u64 {
        now + self.timeout_ms + retry_delay(self.first_retry_ms, attempt, jitter)
    }
}

/// A `Retry-After` header's wait in seconds, from `now` (ms since 1970):
/// a number of seconds, or an HTTP date (`Wed, 25 Nov 2026 10:55:00 GMT`).
pub fn retry_after_secs(value: &str, now: u64) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse() {
        return Some(seconds);
    }
    let format = time::macros::format_description!("[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT");
    let at = time::PrimitiveDateTime::parse(value, format).ok()?.assume_utc().unix_timestamp();
    Some(u64::try_from(at).ok()?.saturating_sub(now / 1000))
}

/// How long to wait after failed attempt number `attempt` (1 for the first)
/// before the next: `first_ms` doubling with each attempt up to
/// [`MAX_RETRY_MS`], then spread by `jitter` (0 to 1) over 80 % to 120 % of
/// it, so that receivers back from an outage are not hit all at once.
pub fn retry_delay(first_ms: u64, attempt: u32, jitter: f64) -> u64 {
    let doubled = first_ms.saturating_mul(1u64.checked_shl(attempt.saturating_sub(1)).unwrap_or(u64::MAX));
    let delay = doubled.min(MAX_RETRY_MS) as f64;
    (delay * (0.8 + 0.4 * jitter.clamp(0.0, 1.0))) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: Policy = Policy { first_retry_ms: 10_000, max_attempts: 12, timeout_ms: 10_000, forgets_gone: false, refused: &[] };
    const NOW: u64 = 1_795_628_812_123;

    fn status(status: Option<u16>) -> Outcome {
        Outcome { status, ..Outcome::default() }
    }

    #[test]
    fn retries_double_from_the_first_delay_up_to_an_hour_with_jitter() {
        assert_eq!(retry_delay(10_000, 1, 0.5), 10_000);
        assert_eq!(retry_delay(10_000, 2, 0.5), 20_000);
        assert_eq!(retry_delay(10_000, 3, 0.5), 40_000);
        assert_eq!(retry_delay(10_000, 9, 0.5), 2_560_000);
        assert_eq!(retry_delay(10_000, 10, 0.5), MAX_RETRY_MS);
        assert_eq!(retry_delay(10_000, 200, 0.5), MAX_RETRY_MS);
        assert_eq!(retry_delay(10_000, 1, 0.0), 8_000);
        assert_eq!(retry_delay(10_000, 1, 1.0), 12_000);
        let total: u64 = (1..POLICY.max_attempts).map(|n| retry_delay(POLICY.first_retry_ms, n, 0.5)).sum();
        assert!((3 * HOUR_MS..4 * HOUR_MS).contains(&total), "{total}");
    }

    #[test]
    fn a_2xx_delivers_whatever_the_attempt() {
        for status in [200, 201, 204, 299] {
            assert_eq!(POLICY.after(1, NOW, &Outcome::answered(status, None), 0.5), After::Delivered);
            assert_eq!(POLICY.after(12, NOW, &Outcome::answered(status, None), 0.5), After::Delivered);
        }
    }

    #[test]
    fn anything_else_is_retried_from_the_end_of_the_attempt_until_the_last() {
        for code in [None, Some(301), Some(400), Some(404), Some(410), Some(500)] {
            assert_eq!(POLICY.after(1, NOW, &status(code), 0.5), After::RetryAt(NOW + 10_000), "{code:?}");
            assert_eq!(POLICY.after(3, NOW, &status(code), 0.5), After::RetryAt(NOW + 40_000), "{code:?}");
            assert_eq!(POLICY.after(11, NOW, &status(code), 0.5), After::RetryAt(NOW + MAX_RETRY_MS), "{code:?}");
            assert_eq!(POLICY.after(12, NOW, &status(code), 0.5), After::Failed, "{code:?}: the 12th was the last");
        }
        let once = Policy { max_attempts: 1, ..POLICY };
        assert_eq!(once.after(1, NOW, &Outcome::answered(500, None), 0.5), After::Failed);
    }

    #[test]
    fn a_redirect_is_a_failed_attempt_never_a_delivery() {
        let forgets = Policy { forgets_gone: true, ..POLICY };
        for code in [300, 301, 302, 303, 304, 307, 308, 399] {
            for policy in [POLICY, forgets] {
                assert_eq!(policy.after(1, NOW, &Outcome::answered(code, None), 0.5), After::RetryAt(NOW + 10_000), "{code}");
                assert_eq!(policy.after(12, NOW, &Outcome::answered(code, None), 0.5), After::Failed, "{code}");
            }
        }
    }

    #[test]
    fn a_404_or_a_410_says_gone_only_where_targets_can_go() {
        let forgets = Policy { forgets_gone: true, ..POLICY };
        for code in [404, 410] {
            assert_eq!(forgets.after(1, NOW, &Outcome::answered(code, None), 0.5), After::Gone);
            assert_eq!(forgets.after(12, NOW, &Outcome::answered(code, None), 0.5), After::Gone);
            assert_eq!(POLICY.after(1, NOW, &Outcome::answered(code, None), 0.5), After::RetryAt(NOW + 10_000), "webhooks retry");
        }
        assert_eq!(forgets.after(1, NOW, &Outcome::answered(500, None), 0.5), After::RetryAt(NOW + 10_000));
        assert_eq!(forgets.after(1, NOW, &Outcome::failed("no answer within 10000 ms"), 0.5), After::RetryAt(NOW + 10_000));
        assert_eq!(forgets.after(1, NOW, &Outcome::answered(201, None), 0.5), After::Delivered);
    }

    #[test]
    fn retry_after_is_honoured_on_429_and_5xx_up_to_an_hour() {
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(429, Some(120)), 0.5), After::RetryAt(NOW + 120_000));
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(503, Some(30)), 0.5), After::RetryAt(NOW + 30_000));
        // Never sooner than the backoff, never past the longest wait.
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(429, Some(1)), 0.5), After::RetryAt(NOW + 10_000));
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(429, Some(86_400)), 0.5), After::RetryAt(NOW + MAX_RETRY_MS));
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(429, Some(u64::MAX)), 0.5), After::RetryAt(NOW + MAX_RETRY_MS));
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(500, Some(120)), 0.5), After::RetryAt(NOW + 120_000), "any 5xx");
        // Other statuses do not say when.
        assert_eq!(POLICY.after(1, NOW, &Outcome::answered(400, Some(120)), 0.5), After::RetryAt(NOW + 10_000));
        // The last attempt stays the last.
        assert_eq!(POLICY.after(12, NOW, &Outcome::answered(429, Some(120)), 0.5), After::Failed);
    }

    #[test]
    fn refused_statuses_end_a_delivery_at_once() {
        let push = Policy { refused: &[400, 401, 403, 413], forgets_gone: true, ..POLICY };
        for status in [400, 401, 403, 413] {
            assert_eq!(push.after(1, NOW, &Outcome::answered(status, None), 0.5), After::Failed, "{status}");
            assert!(matches!(POLICY.after(1, NOW, &Outcome::answered(status, None), 0.5), After::RetryAt(_)), "webhooks retry {status}");
        }
        assert!(matches!(push.after(1, NOW, &Outcome::answered(429, None), 0.5), After::RetryAt(_)));
    }

    #[test]
    fn retry_after_reads_seconds_or_an_http_date() {
        assert_eq!(retry_after_secs(" 120 ", NOW), Some(120));
        // NOW is 2026-11-25T17:46:52.123Z.
        assert_eq!(retry_after_secs("Wed, 25 Nov 2026 17:48:00 GMT", NOW), Some(68));
        assert_eq!(retry_after_secs("Wed, 25 Nov 2026 10:00:00 GMT", NOW), Some(0), "a date past is now");
        assert_eq!(retry_after_secs("soon", NOW), None);
        assert_eq!(retry_after_secs("-5", NOW), None);
    }

    #[test]
    fn an_outcome_crosses_in_json() {
        let outcome = Outcome { status: Some(429), retry_after: Some(30), error: None };
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
    }

    #[test]
    fn an_attempt_holds_its_delivery_until_its_time_to_answer_and_the_retry_are_up() {
        assert_eq!(POLICY.lease(1, NOW, 0.5), NOW + 10_000 + 10_000);
        assert_eq!(POLICY.lease(2, NOW, 0.0), NOW + 10_000 + 16_000);
    }
}
