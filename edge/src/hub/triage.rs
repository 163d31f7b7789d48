//! The brand's triage (the API's `/inbox`): every visitor reply on the account's shown posts,
//! newest first (by `n`, the order replies were written), each with its post
//! and whether the brand answered after it in its thread.

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::triage;
use gazouillis_protocol::{Inbox, InboxFilter, InboxItem};
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

impl AccountHub {
    fn list_triage(&self, filter: InboxFilter, before: Option<u64>, limit: usize) -> ApiResult<Inbox> {
        let handle = self.db.account()?.handle;
        let (rows, next) = triage::inbox(&self.db, filter, before, limit)?;
        let next = next.map(|cursor| cursor.to_string());
        let mut items = Vec::new();
        for row in rows {
            if let Some(post) = self.db.shown_post(row.reply.post)? {
                let answered = row.answered();
                items.push(InboxItem { reply: row.reply.reply(&handle), post, answered });
            }
        }
        Ok(Inbox { items, next })
    }
}
