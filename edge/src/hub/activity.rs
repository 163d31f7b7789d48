//! The brand's activity: visitors' replies per hour over the last week
//! (counted as they are published, in `hourly`), and its buzz episodes (see
//! `gazouillis_protocol::buzz`), each with the posts where they happen; and
//! the buzz alert, sent to the webhooks once per episode, when it starts.

use super::db::Db;
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::{account, activity};
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

/// The posts with the most visitors' replies from hour `from` to hour `to`, as ids.
fn busiest_posts(db: &Db, handle: &str, from: u64, to: u64) -> worker::Result<Vec<String>> {
    let posts = activity::busiest_posts(db, from, to, EPISODE_POSTS)?;
    Ok(posts.into_iter().map(|seq| PostId { handle: handle.to_owned(), seq }.to_string()).collect())
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
        let mut counts = vec![0; 2 * WEEK_HOURS];
        for row in activity::hours_since(&self.db, first)? {
            if let Some(count) = counts.get_mut((row.hour - first) as usize) {
                *count = row.replies;
            }
        }
        let start = |index: usize| rfc3339_from_millis((first + (WEEK_HOURS + index) as u64) * HOUR_MS);
        let hours = counts[WEEK_HOURS..].iter().enumerate().map(|(i, &replies)| Hour { hour: start(i), replies }).collect();
        let rule = self.buzz_rule();
        let mut buzz = Vec::new();
        for [from, to] in rule.episodes(&counts) {
            let hour = |index: usize| first + (WEEK_HOURS + index) as u64;
            let posts = busiest_posts(&self.db, &handle, hour(from), hour(to))?;
            buzz.push(Episode { from: start(from), to: start(to), posts });
        }
        Ok(Activity { hours, buzz, factor: rule.factor, min_replies: rule.min_replies })
    }

    /// After a visitor's reply is counted: when the current hour has just
    /// started buzzing, and the hour before was not part of the episode,
    /// sends the buzz alert (so once per episode).
    pub(super) fn check_buzz(&self) -> ApiResult<()> {
        let hour = Date::now().as_millis() / HOUR_MS;
        let replies = activity::in_hour(&self.db, hour)?;
        let rule = self.buzz_rule();
        if replies < rule.min_replies {
            return Ok(());
        }
        let week = activity::in_hours(&self.db, hour.saturating_sub(WEEK_HOURS as u64), hour)?;
        if !rule.buzzing(replies, week) || activity::buzzed(&self.db, hour)? {
            return Ok(());
        }
        activity::add_buzz(&self.db, hour)?;
        if activity::buzzed(&self.db, hour.saturating_sub(1))? {
            return Ok(());
        }
        let posts = busiest_posts(&self.db, &account::handle(&self.db)?, hour, hour)?;
        self.emit(Emitted::Alert(Alert::Buzz { buzz: Buzz { hour: rfc3339_from_millis(hour * HOUR_MS), replies, posts } }))
    }
}
