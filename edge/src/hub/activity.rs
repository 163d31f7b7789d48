//! The brand's activity: visitors' replies per hour over the last week
//! (counted as they are published, in `hourly`), and its buzz episodes (see
//! `gazouillis_protocol::buzz`), each with the posts where they happen; and
//! the buzz alert, sent to the webhooks once per episode, when it starts.

use super::db::{int, Db};
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::account;
use gazouillis_protocol::buzz::{Activity, Episode, Hour, Rule, HOUR_MS, WEEK_HOURS};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::webhook::{Alert, Buzz};
use gazouillis_protocol::PostId;
use serde::{Deserialize, Serialize};
use worker::Date;

/// The account's activity.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ActivityCommand {
    /// Visitors' replies per hour over the last week, and its buzz
    /// episodes: [`Activity`].
    Get,
}

impl Apply for ActivityCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            ActivityCommand::Get => hub.activity().into(),
        }
    }
}

/// Most posts named per episode.
const EPISODE_POSTS: u64 = 5;

#[derive(Deserialize)]
struct Counted {
    key: u64,
    replies: u64,
}

impl Db {
    /// The posts with the most visitors' replies from hour `from` to hour `to`, as ids.
    fn busiest_posts(&self, handle: &str, from: u64, to: u64) -> worker::Result<Vec<String>> {
        let statement = "SELECT post AS key, sum(replies) AS replies FROM hourly WHERE hour BETWEEN ? AND ?
            GROUP BY post ORDER BY 2 DESC, 1 DESC LIMIT ?";
        let posts = self.rows::<Counted>(statement, vec![int(from), int(to), int(EPISODE_POSTS)])?;
        Ok(posts.into_iter().map(|post| PostId { handle: handle.to_owned(), seq: post.key }.to_string()).collect())
    }
}

impl AccountHub {
    /// The buzz rule: the vars `BUZZ_FACTOR` and `BUZZ_MIN_REPLIES`, or their defaults.
    fn buzz_rule(&self) -> Rule {
        let var = |name| crate::config::var::<u64>(&self.env, name);
        let default = Rule::default();
        Rule { factor: var("BUZZ_FACTOR").unwrap_or(default.factor), min_replies: var("BUZZ_MIN_REPLIES").unwrap_or(default.min_replies) }
    }

    fn activity(&self) -> ApiResult<Activity> {
        let handle = self.db.account()?.handle;
        // Two weeks: the one shown, and the one before its first hour.
        let first = (Date::now().as_millis() / HOUR_MS + 1).saturating_sub(2 * WEEK_HOURS as u64);
        let statement = "SELECT hour AS key, sum(replies) AS replies FROM hourly WHERE hour >= ? GROUP BY hour";
        let mut counts = vec![0; 2 * WEEK_HOURS];
        for row in self.db.rows::<Counted>(statement, vec![int(first)])? {
            if let Some(count) = counts.get_mut((row.key - first) as usize) {
                *count = row.replies;
            }
        }
        let start = |index: usize| rfc3339_from_millis((first + (WEEK_HOURS + index) as u64) * HOUR_MS);
        let hours = counts[WEEK_HOURS..].iter().enumerate().map(|(i, &replies)| Hour { hour: start(i), replies }).collect();
        let rule = self.buzz_rule();
        let mut buzz = Vec::new();
        for [from, to] in rule.episodes(&counts) {
            let hour = |index: usize| first + (WEEK_HOURS + index) as u64;
            let posts = self.db.busiest_posts(&handle, hour(from), hour(to))?;
            buzz.push(Episode { from: start(from), to: start(to), posts });
        }
        Ok(Activity { hours, buzz, factor: rule.factor, min_replies: rule.min_replies })
    }

    /// After a visitor's reply is counted: when the current hour has just
    /// started buzzing, and the hour before was not part of the episode,
    /// sends the buzz alert (so once per episode).
    pub(super) fn check_buzz(&self) -> ApiResult<()> {
        let hour = Date::now().as_millis() / HOUR_MS;
        let replies = self.db.number("SELECT sum(replies) AS n FROM hourly WHERE hour = ?", vec![int(hour)])?.unwrap_or(0);
        let rule = self.buzz_rule();
        if replies < rule.min_replies {
            return Ok(());
        }
        let statement = "SELECT sum(replies) AS n FROM hourly WHERE hour >= ? AND hour < ?";
        let week = self.db.number(statement, vec![int(hour.saturating_sub(WEEK_HOURS as u64)), int(hour)])?.unwrap_or(0);
        let seen = |hour: u64| self.db.number("SELECT count(*) AS n FROM buzz_hours WHERE hour = ?", vec![int(hour)]);
        if !rule.buzzing(replies, week) || seen(hour)?.unwrap_or(0) > 0 {
            return Ok(());
        }
        self.db.run("INSERT INTO buzz_hours (hour) VALUES (?)", vec![int(hour)])?;
        if seen(hour.saturating_sub(1))?.unwrap_or(0) > 0 {
            return Ok(());
        }
        let posts = self.db.busiest_posts(&account::handle(&self.db)?, hour, hour)?;
        self.emit(Emitted::Alert(Alert::Buzz { buzz: Buzz { hour: rfc3339_from_millis(hour * HOUR_MS), replies, posts } }))
    }
}
