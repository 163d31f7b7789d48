//! Search in the account's posts and replies (and, for the brand, its queued
//! and hidden ones) through the FTS5 index the schema's triggers keep; see
//! `gazouillis_protocol::search` for how a query is read.

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::store::search;
use gazouillis_protocol::{ErrorCode, SearchHit, SearchResults};
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

impl AccountHub {
    /// Up to `limit` hits for query `q` indexed below `before`, newest first;
    /// `brand`: with queued and hidden replies and hidden posts, marked.
    fn search(&self, q: &str, before: Option<u64>, limit: usize, brand: bool) -> ApiResult<SearchResults> {
        let query = Query::parse(q).map_err(|_| ErrorCode::InvalidQuery)?;
        let handle = self.db.account()?.handle;
        let (keys, next) = search::find(&self.db, &query, before, limit, brand)?;
        let mut hits = Vec::with_capacity(keys.len());
        for key in keys {
            if let Some((found, hidden)) = search::found(&self.db, &handle, &key.kind, key.post, key.seq)? {
                hits.push(SearchHit { matches: query.matches(found.text()), found, hidden });
            }
        }
        Ok(SearchResults { hits, next: next.map(|cursor| cursor.to_string()) })
    }
}
