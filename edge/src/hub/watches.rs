//! Listening: the terms the brand watches, and the mentions: items that
//! matched some when they were written, checked by the search index itself
//! (a watched term matches exactly what a search for it finds), each sent
//! to the account's webhooks.

use super::db::{below, int, one_more, Db};
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::account;
use gazouillis_protocol::schema::MATCHES_ENTRY;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::page::one_past;
use gazouillis_protocol::webhook::Alert;
use gazouillis_protocol::{Mention, Mentions, SearchHit, Watches};
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

#[derive(Deserialize)]
struct Term {
    term: String,
}

/// A `mentions` row.
#[derive(Deserialize)]
struct MentionRow {
    n: u64,
    kind: String,
    post: u64,
    seq: u64,
    terms: String,
}

impl Db {
    fn watched(&self) -> worker::Result<Vec<String>> {
        Ok(self.rows::<Term>("SELECT term FROM watches ORDER BY rowid", vec![])?.into_iter().map(|t| t.term).collect())
    }

    /// Records a mention of the item just written (kind, post, number) if it
    /// matches watched terms, and answers those terms.
    fn note_mentions(&self, kind: &str, post: u64, seq: u64) -> worker::Result<Vec<String>> {
        let mut matched = Vec::new();
        for term in self.watched()? {
            let Ok(query) = Query::parse(&term) else { continue };
            let values = vec![query.to_fts().into(), kind.into(), int(post), int(seq)];
            if self.number(MATCHES_ENTRY, values)?.unwrap_or(0) > 0 {
                matched.push(term);
            }
        }
        if !matched.is_empty() {
            let terms = serde_json::to_string(&matched).unwrap_or_else(|_| "[]".into());
            let statement = "INSERT OR REPLACE INTO mentions (kind, post, seq, terms) VALUES (?, ?, ?, ?)";
            self.run(statement, vec![kind.into(), int(post), int(seq), terms.into()])?;
        }
        Ok(matched)
    }

    /// The mention of an item, as listed; `None` once the item is gone.
    fn mention(&self, handle: &str, kind: &str, post: u64, seq: u64, terms: Vec<String>) -> worker::Result<Option<Mention>> {
        let Some((found, hidden)) = self.found(handle, kind, post, seq)? else { return Ok(None) };
        // All its terms as one query: their ranges merged.
        let all = Query { terms: terms.iter().filter_map(|term| Query::parse(term).ok()).flat_map(|query| query.terms).collect() };
        let matches = all.matches(found.text());
        Ok(Some(Mention { hit: SearchHit { found, matches, hidden }, terms }))
    }
}

impl AccountHub {
    /// Records a mention of the item just written (kind `post`, `reply` or
    /// `queued`, its post and number) if it matches watched terms, and sends
    /// it to the webhooks when `alert` (not for a queued reply approved:
    /// it alerted when it was queued).
    pub(super) fn note_mentions(&self, kind: &str, post: u64, seq: u64, alert: bool) -> ApiResult<()> {
        let terms = self.db.note_mentions(kind, post, seq)?;
        if terms.is_empty() || !alert {
            return Ok(());
        }
        let handle = account::handle(&self.db)?;
        if let Some(mention) = self.db.mention(&handle, kind, post, seq, terms)? {
            self.emit(Emitted::Alert(Alert::Mention { mention }))?;
        }
        Ok(())
    }

    fn get_watches(&self) -> ApiResult<Watches> {
        self.db.account()?;
        Ok(Watches { terms: self.db.watched()? })
    }

    /// Replaces the watched terms (checked by the edge: `search::watch_terms`).
    fn put_watches(&self, terms: Vec<String>) -> ApiResult<Watches> {
        self.db.account()?;
        self.db.run("DELETE FROM watches", vec![])?;
        for term in &terms {
            self.db.run("INSERT OR IGNORE INTO watches (term) VALUES (?)", vec![term.clone().into()])?;
        }
        Ok(Watches { terms })
    }

    /// Up to `limit` mentions numbered below `before`, newest first, each
    /// with the ranges its terms matched.
    fn list_mentions(&self, before: Option<u64>, limit: usize) -> ApiResult<Mentions> {
        let handle = self.db.account()?.handle;
        let statement = "SELECT n, kind, post, seq, terms FROM mentions WHERE n < ? ORDER BY n DESC LIMIT ?";
        let rows: Vec<MentionRow> = self.db.rows(statement, vec![below(before), one_more(limit)])?;
        let (rows, next) = one_past(rows, limit, |row| row.n);
        let mut mentions = Vec::with_capacity(rows.len());
        for row in rows {
            let terms = serde_json::from_str(&row.terms).unwrap_or_default();
            mentions.extend(self.db.mention(&handle, &row.kind, row.post, row.seq, terms)?);
        }
        Ok(Mentions { mentions, next: next.map(|cursor| cursor.to_string()) })
    }
}
