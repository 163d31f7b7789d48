//! The brand's statistics for a period of 7, 30 or 90 days, from the
//! counters kept as writes happen (`gazouillis_protocol::store::stats`).

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::stats::{percentile, period, Day, FirstAnswer, Stats, TopPost};
use gazouillis_protocol::store::{push, stats};
use serde::{Deserialize, Serialize};
use worker::Date;

/// The brand's statistics.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum StatsCommand {
    /// Over the last `days` days: [`Stats`].
    Get { days: u32 },
}

impl Apply for StatsCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            StatsCommand::Get { days } => hub.stats(days).into(),
        }
    }
}

/// Most posts listed as the period's most replied to.
const TOP_POSTS: usize = 5;

impl AccountHub {
    fn stats(&self, days: u32) -> ApiResult<Stats> {
        let account = self.db.account()?;
        let period = period(Date::now().as_millis(), days);
        let since = period.first().cloned().unwrap_or_default();
        let rows = stats::days_since(&self.db, &since)?;
        let mut days: Vec<Day> = period
            .into_iter()
            .map(|day| match rows.iter().find(|row| row.day == day) {
                Some(row) => Day {
                    day,
                    followers: 0,
                    follows: row.follows,
                    unfollows: row.unfollows,
                    posts: row.posts,
                    replies: row.replies,
                    answered: row.answered,
                },
                None => Day { day, ..Day::default() },
            })
            .collect();
        // Followers at the end of each day, back from today's exact count.
        let mut followers = account.followers;
        for day in days.iter_mut().rev() {
            day.followers = followers;
            followers = (followers + day.unfollows).saturating_sub(day.follows);
        }
        let waits = stats::waits_since(&self.db, &since)?;
        let first_answer = FirstAnswer {
            median_ms: percentile(&waits, 0.5),
            p90_ms: percentile(&waits, 0.9),
            answered: days.iter().map(|d| d.answered).sum(),
            replies: days.iter().map(|d| d.replies).sum(),
        };
        let notified = push::notified_followers(&self.db)?;
        Ok(Stats { top_posts: self.top_posts(&since)?, days, first_answer, notified })
    }

    /// The shown posts with the most visitors' replies since `since`.
    fn top_posts(&self, since: &str) -> worker::Result<Vec<TopPost>> {
        let mut top = Vec::new();
        for counted in stats::top_posts(&self.db, since, TOP_POSTS)? {
            if let Some(post) = self.db.shown_post(counted.post)? {
                top.push(TopPost { post, replies: counted.replies });
            }
        }
        Ok(top)
    }
}
