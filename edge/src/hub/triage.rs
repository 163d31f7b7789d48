//! The brand's triage (the API's `/inbox`): every visitor reply on the account's shown posts,
//! newest first (by `n`, the order replies were written), each with its post
//! and whether the brand answered after it in its thread.

use super::db::{below, one_more, Db};
use super::replies::{ReplyRow, REPLY_COLUMNS};
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::page::one_past;
use gazouillis_protocol::{Cursor, Inbox, InboxFilter, InboxItem};
use serde::{Deserialize, Serialize};

/// The brand's replies to answer (the API's `/inbox`).
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum TriageCommand {
    /// Up to `limit` visitor replies numbered below `before`, newest
    /// first: [`Inbox`].
    List { filter: InboxFilter, before: Option<u64>, limit: usize },
}

impl Apply for TriageCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            TriageCommand::List { filter, before, limit } => hub.list_triage(filter, before, limit).into(),
        }
    }
}

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
    /// and the cursor after them if more follow.
    fn inbox(&self, filter: InboxFilter, before: Option<u64>, limit: usize) -> worker::Result<(Vec<InboxRow>, Option<Cursor>)> {
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
        let rows: Vec<InboxRow> = self.rows(&statement, vec![below(before), one_more(limit)])?;
        Ok(one_past(rows, limit, |row| row.n))
    }
}

impl AccountHub {
    fn list_triage(&self, filter: InboxFilter, before: Option<u64>, limit: usize) -> ApiResult<Inbox> {
        let handle = self.db.account()?.handle;
        let (rows, next) = self.db.inbox(filter, before, limit)?;
        let next = next.map(|cursor| cursor.to_string());
        let mut items = Vec::new();
        for row in rows {
            if let Some(post) = self.db.shown_post(row.reply.post)? {
                items.push(InboxItem { reply: row.reply.reply(&handle), post, answered: row.answered != 0 });
            }
        }
        Ok(Inbox { items, next })
    }
}
