//! The hub's one account: its creation, and the check that it exists. Its
//! row is `gazouillis_protocol::store::account`'s.

use super::views::View;
use super::db::Db;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::account::{self, AccountRow};
use gazouillis_protocol::{Account, ErrorCode};
use serde::{Deserialize, Serialize};

/// The account's commands.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum AccountCommand {
    /// Creates the account: [`Account`].
    Create { handle: String, name: String, bio: String },
    /// Answers `()` once the checks every command goes through passed: the
    /// brand token, the page's site (see `send_as`, `send_from`).
    Check,
    /// [`AccountCommand::Check`], and `account_not_found` if the account does
    /// not exist: before work done outside the hub (an upload to R2).
    CheckExists,
}

impl Apply for AccountCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            AccountCommand::Create { handle, name, bio } => hub.create_account(&handle, name, bio).await.into(),
            AccountCommand::Check => Answered::from(Ok(())),
            AccountCommand::CheckExists => hub.db.account().map(|_| ()).into(),
        }
    }
}

impl Db {
    /// The account, or 404 `account_not_found`: what most commands check first.
    pub(super) fn account(&self) -> ApiResult<AccountRow> {
        account::find(self)?.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }
}

impl AccountHub {
    async fn create_account(&self, handle: &str, name: String, bio: String) -> ApiResult<Account> {
        if account::find(&self.db)?.is_some() {
            return Err(ErrorCode::HandleTaken.into());
        }
        account::create(&self.db, handle, &name, &bio)?;
        self.changed(&[View::Account, View::FeedHead]).await?;
        Ok(self.db.account()?.account())
    }
}
