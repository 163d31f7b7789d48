//! Search in the account's posts and replies (and, for the brand, its queued
//! and hidden ones) through the FTS5 index the schema's triggers keep; see
//! `gazouillis_protocol::search` for how a query is read.

use super::db::{below, flag, one_more, Db};
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::{queue, replies};
use gazouillis_protocol::schema::SEARCH;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::page::one_past;
use gazouillis_protocol::{ErrorCode, Found, SearchHit, SearchResults};
use serde::{Deserialize, Serialize};

/// Searches in the account.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum SearchCommand {
    /// Up to `limit` hits for query `q` indexed below `before`, newest
    /// first: [`SearchResults`]. `brand` (sent only with the brand's
    /// authority): queued and hidden ones too.
    Find { q: String, before: Option<u64>, limit: usize, brand: bool },
}

impl Apply for SearchCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            SearchCommand::Find { q, before, limit, brand } => hub.search(&q, before, limit, brand).into(),
        }
    }
}

/// A `search_keys` row: what an index entry is.
#[derive(Deserialize)]
struct Key {
    sid: u64,
    kind: String,
    post: u64,
    seq: u64,
}

impl Db {
    /// The item of kind `kind` (`post`, `reply`, `queued`) keyed by its post
    /// and number, and whether it is hidden (itself, or its post); `None`
    /// once it is gone.
    pub(super) fn found(&self, handle: &str, kind: &str, post: u64, seq: u64) -> worker::Result<Option<(Found, bool)>> {
        Ok(match kind {
            "post" => self.any_post(post).ok().map(|row| {
                let hidden = row.hidden();
                (Found::Post(row.post(handle)), hidden)
            }),
            "reply" => match replies::find(self, post, seq)? {
                Some(row) => {
                    let hidden = row.hidden() || self.any_post(post).is_ok_and(|post| post.hidden());
                    Some((Found::Reply(row.reply(handle)), hidden))
                }
                None => None,
            },
            _ => queue::find(self, seq)?.map(|row| (Found::Queued(row.queued(handle)), false)),
        })
    }
}

impl AccountHub {
    /// Up to `limit` hits for query `q` indexed below `before`, newest first;
    /// `brand`: with queued and hidden replies and hidden posts, marked.
    fn search(&self, q: &str, before: Option<u64>, limit: usize, brand: bool) -> ApiResult<SearchResults> {
        let query = Query::parse(q).map_err(|_| ErrorCode::InvalidQuery)?;
        let handle = self.db.account()?.handle;
        let values = vec![query.to_fts().into(), below(before), one_more(limit), flag(brand)];
        let keys: Vec<Key> = self.db.rows(SEARCH, values)?;
        let (keys, next) = one_past(keys, limit, |key| key.sid);
        let mut hits = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some((found, hidden)) = self.db.found(&handle, &key.kind, key.post, key.seq)? {
                hits.push(SearchHit { matches: query.matches(found.text()), found, hidden });
            }
        }
        Ok(SearchResults { hits, next: next.map(|cursor| cursor.to_string()) })
    }
}
