//! The brand's statistics, counted as writes happen (`daily`, `post_daily`,
//! `answer_times`, and `hourly` for buzz) rather than recomputed by
//! scanning, and read for a period of 7, 30 or 90 days.

use super::db::{int, Db};
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::buzz::HOUR_MS;
use gazouillis_protocol::stats::{day_of, percentile, period, Day, FirstAnswer, Stats, TopPost};
use gazouillis_protocol::time::millis_from_rfc3339;
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

impl Db {
    /// Adds one to `column` (a counter of `daily`) for the day of `at` (ms).
    fn count(&self, column: &str, at: u64) -> worker::Result<()> {
        let statement = format!("INSERT INTO daily (day, {column}) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET {column} = {column} + 1");
        self.run(&statement, vec![day_of(at).into()])
    }

    /// Counts a follow (`true`) or an unfollow now.
    pub(super) fn count_follow(&self, follow: bool) -> worker::Result<()> {
        self.count(if follow { "follows" } else { "unfollows" }, Date::now().as_millis())
    }

    pub(super) fn count_post(&self) -> worker::Result<()> {
        self.count("posts", Date::now().as_millis())
    }

    /// Counts a visitor's reply to post `post`, published now.
    pub(super) fn count_reply(&self, post: u64) -> worker::Result<()> {
        let now = Date::now().as_millis();
        self.count("replies", now)?;
        let statement = "INSERT INTO post_daily (post, day, replies) VALUES (?, ?, 1) ON CONFLICT (day, post) DO UPDATE SET replies = replies + 1";
        self.run(statement, vec![int(post), day_of(now).into()])?;
        let statement = "INSERT INTO hourly (hour, post, replies) VALUES (?, ?, 1) ON CONFLICT (hour, post) DO UPDATE SET replies = replies + 1";
        self.run(statement, vec![int(now / HOUR_MS), int(post)])
    }

    /// The brand replied (reply `seq`) in post `post`'s thread now: the
    /// visitors' replies before it that no brand reply followed yet are
    /// answered, each counted on its own day with how long it waited.
    pub(super) fn count_answers(&self, post: u64, seq: u64) -> worker::Result<()> {
        #[derive(Deserialize)]
        struct Waiting {
            seq: u64,
            created_at: String,
        }
        let waiting: Vec<Waiting> = self.rows(
            "SELECT r.seq, r.created_at FROM replies r WHERE r.post = ? AND r.seq < ? AND coalesce(r.author_badge, '') != 'brand'
             AND NOT EXISTS (SELECT 1 FROM replies b WHERE b.post = r.post AND b.seq > r.seq AND b.seq < ? AND b.author_badge = 'brand')
             AND NOT EXISTS (SELECT 1 FROM answer_times a WHERE a.post = r.post AND a.seq = r.seq)",
            vec![int(post), int(seq), int(seq)],
        )?;
        let now = Date::now().as_millis();
        for reply in waiting {
            let at = millis_from_rfc3339(&reply.created_at).unwrap_or(now);
            let statement = "INSERT INTO answer_times (post, seq, day, waited_ms) VALUES (?, ?, ?, ?)";
            self.run(statement, vec![int(post), int(reply.seq), day_of(at).into(), int(now.saturating_sub(at))])?;
            self.count("answered", at)?;
        }
        Ok(())
    }
}

/// A `daily` row.
#[derive(Deserialize)]
struct DailyRow {
    day: String,
    follows: u64,
    unfollows: u64,
    posts: u64,
    replies: u64,
    answered: u64,
}

impl AccountHub {
    fn stats(&self, days: u32) -> ApiResult<Stats> {
        let account = self.db.account()?;
        let period = period(Date::now().as_millis(), days);
        let since = period.first().cloned().unwrap_or_default();
        let rows: Vec<DailyRow> = self.db.rows("SELECT * FROM daily WHERE day >= ?", vec![since.clone().into()])?;
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
        #[derive(Deserialize)]
        struct Waited {
            waited_ms: u64,
        }
        let waits: Vec<Waited> = self.db.rows("SELECT waited_ms FROM answer_times WHERE day >= ? ORDER BY waited_ms", vec![since.clone().into()])?;
        let waits: Vec<u64> = waits.into_iter().map(|w| w.waited_ms).collect();
        let first_answer = FirstAnswer {
            median_ms: percentile(&waits, 0.5),
            p90_ms: percentile(&waits, 0.9),
            answered: days.iter().map(|d| d.answered).sum(),
            replies: days.iter().map(|d| d.replies).sum(),
        };
        Ok(Stats { top_posts: self.top_posts(&since)?, days, first_answer })
    }

    /// The shown posts with the most visitors' replies since `since`.
    fn top_posts(&self, since: &str) -> worker::Result<Vec<TopPost>> {
        #[derive(Deserialize)]
        struct Counted {
            post: u64,
            replies: u64,
        }
        let counted: Vec<Counted> = self.db.rows(
            &format!(
                "SELECT d.post AS post, sum(d.replies) AS replies FROM post_daily d JOIN posts p ON p.seq = d.post AND p.hidden = 0
                 WHERE d.day >= ? GROUP BY d.post ORDER BY 2 DESC, 1 DESC LIMIT {TOP_POSTS}"
            ),
            vec![since.into()],
        )?;
        let mut top = Vec::new();
        for counted in counted {
            if let Some(post) = self.db.shown_post(counted.post)? {
                top.push(TopPost { post, replies: counted.replies });
            }
        }
        Ok(top)
    }
}
