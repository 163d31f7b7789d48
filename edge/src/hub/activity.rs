//! The brand's activity: visitors' replies per hour over the last week
//! (counted as they are published, in `hourly`), and its buzz episodes (see
//! `gazouillis_protocol::buzz`), each with the posts where they happen.

use super::db::int;
use super::AccountHub;
use crate::error::ApiResult;
use crate::http::json;
use gazouillis_protocol::buzz::{Activity, Episode, Hour, Rule, HOUR_MS, WEEK_HOURS};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::PostId;
use serde::Deserialize;
use worker::Date;

/// Most posts named per episode.
const EPISODE_POSTS: u64 = 5;

#[derive(Deserialize)]
struct Counted {
    key: u64,
    replies: u64,
}

impl AccountHub {
    /// The buzz rule: the vars `BUZZ_FACTOR` and `BUZZ_MIN_REPLIES`, or their defaults.
    fn buzz_rule(&self) -> Rule {
        let var = |name: &str| self.env.var(name).ok().and_then(|v| v.to_string().parse::<u64>().ok());
        let default = Rule::default();
        Rule { factor: var("BUZZ_FACTOR").unwrap_or(default.factor), min_replies: var("BUZZ_MIN_REPLIES").unwrap_or(default.min_replies) }
    }

    pub(super) fn activity(&self) -> ApiResult {
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
            let statement = "SELECT post AS key, sum(replies) AS replies FROM hourly WHERE hour BETWEEN ? AND ?
                GROUP BY post ORDER BY 2 DESC, 1 DESC LIMIT ?";
            let hour = |index: usize| int(first + (WEEK_HOURS + index) as u64);
            let posts = self.db.rows::<Counted>(statement, vec![hour(from), hour(to), int(EPISODE_POSTS)])?;
            let posts = posts.into_iter().map(|post| PostId { handle: handle.clone(), seq: post.key }.to_string()).collect();
            buzz.push(Episode { from: start(from), to: start(to), posts });
        }
        json(200, &Activity { hours, buzz, factor: rule.factor, min_replies: rule.min_replies })
    }
}
