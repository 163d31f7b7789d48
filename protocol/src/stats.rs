//! The brand's statistics (`GET /v1/accounts/{handle}/stats?days=`): what the
//! periods are, what a day is, and how the times to a first answer are
//! summed up. The hub counts events as they happen (follows, posts, replies,
//! answers), per day; a deleted or hidden item stays counted on its day.

use crate::Post;
use serde::{Deserialize, Serialize};

/// The periods a brand may ask for, in days.
pub const PERIODS: [u32; 3] = [7, 30, 90];

const DAY_MS: u64 = 86_400_000;

/// The UTC day of a time in milliseconds, `2026-12-01`.
pub fn day_of(millis: u64) -> String {
    crate::time::rfc3339_from_millis(millis)[..10].to_owned()
}

/// The `days` days ending with the day of `now`, oldest first.
pub fn period(now: u64, days: u32) -> Vec<String> {
    (0..u64::from(days)).rev().map(|back| day_of(now.saturating_sub(back * DAY_MS))).collect()
}

/// The value at rank `q` (0 to 1, nearest rank) of sorted `values`.
pub fn percentile(sorted: &[u64], q: f64) -> Option<u64> {
    let rank = (q * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

/// One day of an account's activity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Day {
    /// `2026-12-01` (UTC).
    pub day: String,
    /// Followers at the end of the day.
    pub followers: u64,
    pub follows: u64,
    pub unfollows: u64,
    pub posts: u64,
    /// Visitors' replies published that day.
    pub replies: u64,
    /// Of those, how many the brand has answered since.
    pub answered: u64,
}

/// How soon the brand answered visitors' replies of the period: its first
/// reply after each in its thread.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FirstAnswer {
    pub median_ms: Option<u64>,
    pub p90_ms: Option<u64>,
    /// Replies of the period answered, and all of them.
    pub answered: u64,
    pub replies: u64,
}

/// A post of the period's most answered-to, with its replies that period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TopPost {
    pub post: Post,
    pub replies: u64,
}

/// `GET /v1/accounts/{handle}/stats?days=`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stats {
    pub days: Vec<Day>,
    pub first_answer: FirstAnswer,
    /// At most 5, most replies first.
    pub top_posts: Vec<TopPost>,
    /// Followers whose browsers are notified of new posts (Web Push, with a
    /// subscription): whom a new post notifies now.
    #[serde(default)]
    pub notified: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_ends_today_oldest_first() {
        let now = crate::time::millis_from_rfc3339("2026-12-01T10:00:00.000Z").unwrap();
        assert_eq!(period(now, 3), ["2026-11-29", "2026-11-30", "2026-12-01"]);
        assert_eq!(period(now, 7).len(), 7);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let waits = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        assert_eq!(percentile(&waits, 0.5), Some(50));
        assert_eq!(percentile(&waits, 0.9), Some(90));
        assert_eq!(percentile(&[7], 0.9), Some(7));
        assert_eq!(percentile(&[], 0.5), None);
    }
}
