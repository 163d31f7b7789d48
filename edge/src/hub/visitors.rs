//! One visitor's data in this account, read from the tables themselves (not
//! from KV's lagging indexes): for their download (`GET /v1/me`) and their
//! erasure (`DELETE /v1/me`), one request per account.
//!
//! Not here: which accounts to ask (the edge's `ledger` and KV's indexes).

use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::offer::ClaimOf;
use gazouillis_protocol::store::{deliveries, follows, offers, push, queue, replies};
use gazouillis_protocol::{Erased, ErrorCode, Queued, Reply};
use serde::{Deserialize, Serialize};

/// What the account holds of one visitor.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum VisitorCommand {
    /// Their download: [`VisitorData`].
    Data { visitor: String },
    /// Their erasure, answering how much was deleted: [`Erased`].
    Erase { visitor: String },
}

impl Apply for VisitorCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            VisitorCommand::Data { visitor } => hub.visitor_data(&visitor).into(),
            VisitorCommand::Erase { visitor } => hub.erase_visitor(&visitor).await.into(),
        }
    }
}

/// What an account holds of one visitor.
#[derive(Serialize, Deserialize)]
pub struct VisitorData {
    /// Their replies, shown or hidden, in the order of the posts.
    pub replies: Vec<Reply>,
    pub following: bool,
    pub claims: Vec<ClaimOf>,
    /// Their replies waiting for the brand's approval.
    pub pending: Vec<Queued>,
}

impl AccountHub {
    fn visitor_data(&self, visitor: &str) -> ApiResult<VisitorData> {
        let handle = self.db.account()?.handle;
        let written = replies::by_author(&self.db, visitor)?.into_iter().map(|row| row.reply(&handle)).collect();
        let pending = queue::by_author(&self.db, visitor)?.into_iter().map(|row| row.queued(&handle)).collect();
        let claims = offers::claims_of(&self.db, visitor, &handle)?;
        Ok(VisitorData { replies: written, following: follows::follows(&self.db, visitor)?, claims, pending })
    }

    /// Deletes the visitor's replies (queued ones too), their follow and
    /// their claims, as each would be deleted alone (counts, views, the live
    /// push), and answers how many of each; gives up the webhook deliveries
    /// carrying their replies and empties those logged; deletes their
    /// window of the abuse limits (the address's stays, with no id in it)
    /// and the copies of their push subscriptions, with their deliveries
    /// (counted by their ledger, which holds them).
    async fn erase_visitor(&self, visitor: &str) -> ApiResult<Erased> {
        self.db.account()?;
        let mut replies = 0;
        for row in replies::by_author(&self.db, visitor)? {
            match self.delete_reply(row.post, row.seq, Some(visitor.to_owned())).await {
                Ok(_) => replies += 1,
                // Gone with its post meanwhile.
                Err(err) if matches!(err.code, ErrorCode::PostNotFound | ErrorCode::ReplyNotFound) => {}
                Err(err) => return Err(err),
            }
        }
        let pending = queue::by_author(&self.db, visitor)?.len() as u64;
        queue::remove_by_author(&self.db, visitor)?;
        let follows = u64::from(follows::follows(&self.db, visitor)?);
        if follows > 0 {
            self.follow(visitor, false).await?;
        }
        follows::forget_days(&self.db, visitor)?;
        let claims = self.erase_claims(visitor).await?;
        deliveries::erase_author(&self.db, visitor)?;
        self.forget_windows(visitor).await?;
        push::forget_visitor(&self.db, visitor)?;
        Ok(Erased { replies, follows, claims, pending, push: 0 })
    }
}
