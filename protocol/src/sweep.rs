//! The sweep: after a deploy that adds a schema migration, the edge's cron
//! wakes every account's hub, a batch at a time, so that each one migrates
//! (and starts what a migration sets going, such as the claims index or the
//! expiry of uploads) without waiting for its account's next visitor.
//!
//! Its progress is one KV document ([`keys::SWEEP`](crate::keys::SWEEP)):
//! which schema version it brings the hubs to, and where the list of
//! accounts goes on. Once every hub has been woken at the current version,
//! a cron run costs one KV read.

use serde::{Deserialize, Serialize};

/// Most hubs woken by one cron run: well within the subrequests a Worker
/// invocation may make (50 on Cloudflare's free plan, the KV list, read and
/// write included).
pub const WAKE_BATCH: u64 = 40;

/// Where the sweep is, as KV keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sweep {
    /// The schema version (number of migrations) the sweep brings hubs to.
    pub version: usize,
    /// The KV list cursor of the accounts not woken yet; `None`: all were.
    pub next: Option<String>,
}

/// What a cron run does.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Every hub has been woken at this version.
    Done,
    /// Wake the next batch of accounts, listed from this cursor (`None`: the first).
    Wake { from: Option<String> },
}

impl Sweep {
    /// The step after `stored` (none yet: the first deploy with the sweep),
    /// with the edge's schema at `version`: a newer version starts over.
    pub fn step(stored: Option<Sweep>, version: usize) -> Step {
        match stored {
            Some(Sweep { version: swept, next: None }) if swept == version => Step::Done,
            Some(Sweep { version: swept, next: Some(from) }) if swept == version => Step::Wake { from: Some(from) },
            _ => Step::Wake { from: None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sweep_starts_with_each_new_version_and_ends_once() {
        assert_eq!(Sweep::step(None, 11), Step::Wake { from: None }, "first deploy with the sweep");
        let going = Sweep { version: 11, next: Some("cursor".into()) };
        assert_eq!(Sweep::step(Some(going.clone()), 11), Step::Wake { from: Some("cursor".into()) });
        assert_eq!(Sweep::step(Some(Sweep { version: 11, next: None }), 11), Step::Done);
        assert_eq!(Sweep::step(Some(Sweep { version: 11, next: None }), 12), Step::Wake { from: None }, "a new migration");
        assert_eq!(Sweep::step(Some(going), 12), Step::Wake { from: None }, "a new migration mid-sweep");
    }

    #[test]
    fn reads_what_it_writes() {
        let sweep = Sweep { version: 11, next: Some("cursor".into()) };
        let json = serde_json::to_string(&sweep).unwrap();
        assert_eq!(json, r#"{"version":11,"next":"cursor"}"#);
        assert_eq!(serde_json::from_str::<Sweep>(&json).unwrap(), sweep);
    }
}
