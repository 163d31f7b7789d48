//! Listening: the terms the brand watches, and the mentions: items that
//! matched some when they were written, checked by the search index itself
//! (a watched term matches exactly what a search for it finds), each sent
//! to the account's webhooks.

use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::{account, watches};
use gazouillis_protocol::webhook::Alert;
use gazouillis_protocol::{Mentions, Watches};
use serde::{Deserialize, Serialize};

/// The brand's listening: watched terms, and the mentions of them.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WatchCommand {
    /// The watched terms: [`Watches`].
    Get,
    /// Replaces the watched terms (already checked): [`Watches`].
    Put { terms: Vec<String> },
    /// Up to `limit` mentions numbered below `before`, newest first: [`Mentions`].
    Mentions { before: Option<u64>, limit: usize },
}

impl Apply for WatchCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            WatchCommand::Get => hub.get_watches().into(),
            WatchCommand::Put { terms } => hub.put_watches(terms).into(),
            WatchCommand::Mentions { before, limit } => hub.list_mentions(before, limit).into(),
        }
    }
}

impl AccountHub {
    /// Records a mention of the item just written (kind `post`, `reply` or
    /// `queued`, its post and number) if it matches watched terms, and sends
    /// it to the webhooks when `alert` (not for a queued reply approved:
    /// it alerted when it was queued).
    pub(super) fn note_mentions(&self, kind: &str, post: u64, seq: u64, alert: bool) -> ApiResult<()> {
        let terms = watches::note(&self.db, kind, post, seq)?;
        if terms.is_empty() || !alert {
            return Ok(());
        }
        let handle = account::handle(&self.db)?;
        if let Some(mention) = watches::mention(&self.db, &handle, kind, post, seq, terms)? {
            self.emit(Emitted::Alert(Alert::Mention { mention }))?;
        }
        Ok(())
    }

    fn get_watches(&self) -> ApiResult<Watches> {
        self.db.account()?;
        Ok(Watches { terms: watches::watched(&self.db)? })
    }

    /// Replaces the watched terms (checked by the edge: `search::watch_terms`).
    fn put_watches(&self, terms: Vec<String>) -> ApiResult<Watches> {
        self.db.account()?;
        watches::put(&self.db, &terms)?;
        Ok(Watches { terms })
    }

    /// Up to `limit` mentions numbered below `before`, newest first, each
    /// with the ranges its terms matched.
    fn list_mentions(&self, before: Option<u64>, limit: usize) -> ApiResult<Mentions> {
        let handle = self.db.account()?.handle;
        let (rows, next) = watches::mentions(&self.db, before, limit)?;
        let mut mentions = Vec::with_capacity(rows.len());
        for row in rows {
            let terms = serde_json::from_str(&row.terms).unwrap_or_default();
            mentions.extend(watches::mention(&self.db, &handle, &row.kind, row.post, row.seq, terms)?);
        }
        Ok(Mentions { mentions, next: next.map(|cursor| cursor.to_string()) })
    }
}
