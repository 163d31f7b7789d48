//! The brand's inbox: every visitor reply on the account's shown posts,
//! newest first (by `n`, the order replies were written), each with its post
//! and whether the brand answered after it in its thread.

use super::db::{int, Db};
use super::replies::{ReplyRow, REPLY_COLUMNS};
use super::AccountHub;
use crate::error::ApiResult;
use crate::http::json;
use gazouillis_protocol::{Cursor, Inbox, InboxFilter, InboxItem};
use serde::Deserialize;

/// Whether the brand replied after reply `r` in its thread.
const ANSWERED: &str = "EXISTS (SELECT 1 FROM replies b WHERE b.post = r.post AND b.seq > r.seq AND b.author_badge = 'brand' AND b.hidden = 0)";

#[derive(Deserialize)]
struct InboxRow {
    #[serde(flatten)]
    reply: ReplyRow,
    n: u64,
    answered: u8,
}

impl Db {
    /// Up to `limit` visitor replies numbered below `before`, newest first,
    /// and whether more follow.
    fn inbox(&self, filter: InboxFilter, before: Option<u64>, limit: usize) -> worker::Result<(Vec<InboxRow>, bool)> {
        let columns = REPLY_COLUMNS.split(", ").map(|c| format!("r.{c}")).collect::<Vec<_>>().join(", ");
        let filter = match filter {
            InboxFilter::ToAnswer => format!("AND NOT {ANSWERED}"),
            InboxFilter::Answered => format!("AND {ANSWERED}"),
            InboxFilter::All => String::new(),
        };
        let statement = format!(
            "SELECT {columns}, r.n AS n, {ANSWERED} AS answered FROM replies r JOIN posts p ON p.seq = r.post AND p.hidden = 0
             WHERE r.hidden = 0 AND coalesce(r.author_badge, '') != 'brand' AND r.n < ? {filter}
             ORDER BY r.n DESC LIMIT ?"
        );
        let mut rows: Vec<InboxRow> = self.rows(&statement, vec![int(before.unwrap_or(i64::MAX as u64)), int(limit as u64 + 1)])?;
        let more = rows.len() > limit;
        rows.truncate(limit);
        Ok((rows, more))
    }
}

impl AccountHub {
    pub(super) fn list_inbox(&self, filter: InboxFilter, before: Option<u64>, limit: usize) -> ApiResult {
        let handle = self.db.account()?.handle;
        let (rows, more) = self.db.inbox(filter, before, limit)?;
        let next = rows.last().filter(|_| more).map(|last| Cursor(last.n).to_string());
        let mut items = Vec::new();
        for row in rows {
            if let Some(post) = self.db.shown_post(row.reply.post)? {
                items.push(InboxItem { reply: row.reply.reply(&handle), post, answered: row.answered != 0 });
            }
        }
        json(200, &Inbox { items, next })
    }
}
