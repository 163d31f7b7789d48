//! Buzz: an hour with far more visitors' replies than usual. The hub counts
//! replies per hour (per post); an hour is buzzing when it holds at least
//! `min_replies` and more than `factor` times the mean of the 168 hours (one
//! week) before it. Consecutive buzzing hours make one episode.

use serde::{Deserialize, Serialize};

pub const HOUR_MS: u64 = 3_600_000;
/// The hours of the trailing mean, and of the activity shown.
pub const WEEK_HOURS: usize = 168;
/// Defaults of the vars `BUZZ_FACTOR` and `BUZZ_MIN_REPLIES`.
pub const BUZZ_FACTOR: u64 = 3;
pub const BUZZ_MIN_REPLIES: u64 = 10;

/// When an hour is buzzing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub factor: u64,
    pub min_replies: u64,
}

impl Default for Rule {
    fn default() -> Self {
        Rule { factor: BUZZ_FACTOR, min_replies: BUZZ_MIN_REPLIES }
    }
}

impl Rule {
    /// Whether an hour of `replies` is buzzing after a week of `week` replies:
    /// `replies > factor × week / 168`, in whole numbers.
    pub fn buzzing(self, replies: u64, week: u64) -> bool {
        replies >= self.min_replies && replies.saturating_mul(WEEK_HOURS as u64) > self.factor.saturating_mul(week)
    }

    /// The episodes among the last `counts.len() - 168` hours of `counts`
    /// (replies per hour, oldest first, the first 168 only as the trailing
    /// week of the first hour shown): `[from, to]` indexes of the hours shown.
    pub fn episodes(self, counts: &[u64]) -> Vec<[usize; 2]> {
        let shown = counts.len().saturating_sub(WEEK_HOURS);
        let mut episodes: Vec<[usize; 2]> = Vec::new();
        for hour in 0..shown {
            let at = hour + WEEK_HOURS;
            let week: u64 = counts[hour..at].iter().sum();
            if !self.buzzing(counts[at], week) {
                continue;
            }
            match episodes.last_mut() {
                Some(last) if last[1] + 1 == hour => last[1] = hour,
                _ => episodes.push([hour, hour]),
            }
        }
        episodes
    }
}

/// Replies in one hour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Hour {
    /// Its start, RFC 3339 (`2026-12-01T10:00:00.000Z`).
    pub hour: String,
    pub replies: u64,
}

/// A run of buzzing hours, and the posts where the replies came.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub from: String,
    /// The start of its last hour.
    pub to: String,
    /// Post ids, most replies first.
    pub posts: Vec<String>,
}

/// `GET /v1/accounts/{handle}/activity`: visitors' replies per hour over the
/// last week, oldest first, and its buzz episodes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub hours: Vec<Hour>,
    pub buzz: Vec<Episode>,
    /// The rule the episodes were found with.
    pub factor: u64,
    pub min_replies: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_hour_buzzes_over_factor_times_the_weekly_mean_and_the_minimum() {
        let rule = Rule { factor: 3, min_replies: 10 };
        // A week of 1 reply an hour: the mean is 1.
        assert!(!rule.buzzing(3, 168));
        assert!(rule.buzzing(10, 168), "10 > 3 × 1, and at least 10");
        assert!(!rule.buzzing(9, 168), "under the minimum");
        // A quiet week: any hour at the minimum buzzes.
        assert!(rule.buzzing(10, 0));
        assert!(!rule.buzzing(0, 0));
        // A busy week (30 an hour): 60 is not 3 times more.
        assert!(!rule.buzzing(60, 30 * 168));
        assert!(rule.buzzing(91, 30 * 168));
    }

    #[test]
    fn consecutive_buzzing_hours_are_one_episode() {
        let rule = Rule::default();
        let mut counts = vec![1; WEEK_HOURS];
        counts.extend([1, 2, 40, 50, 1, 1, 30, 1]);
        assert_eq!(rule.episodes(&counts), [[2, 3], [6, 6]]);
        assert_eq!(rule.episodes(&[5; 10]), Vec::<[usize; 2]>::new(), "no hour shown without a week before");
        let mut burst = vec![0; WEEK_HOURS + 5];
        burst[WEEK_HOURS + 4] = 12;
        assert_eq!(rule.episodes(&burst), [[4, 4]]);
    }
}
