//! The hub's one account: its row, with the exact counts and the next
//! numbers, and its creation.

use super::views::View;
use super::db::Db;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
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

/// The `account` row.
#[derive(Deserialize)]
pub struct AccountRow {
    pub handle: String,
    pub name: String,
    pub bio: String,
    pub followers: u64,
    pub posts: u64,
    pub next_post: u64,
    pub next_queued: u64,
}

impl AccountRow {
    pub fn account(&self) -> Account {
        Account {
            handle: self.handle.clone(),
            name: self.name.clone(),
            bio: self.bio.clone(),
            followers: self.followers,
            posts: self.posts,
        }
    }
}

/// Reads of the tables, for the hub's commands and for the views.
impl Db {
    pub(super) fn account_row(&self) -> worker::Result<Option<AccountRow>> {
        self.row("SELECT handle, name, bio, followers, posts, next_post, next_queued FROM account", vec![])
    }

    /// The account, or 404 `account_not_found`.
    pub(super) fn account(&self) -> ApiResult<AccountRow> {
        self.account_row()?.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }
}

impl AccountHub {
    async fn create_account(&self, handle: &str, name: String, bio: String) -> ApiResult<Account> {
        if self.db.account_row()?.is_some() {
            return Err(ErrorCode::HandleTaken.into());
        }
        let statement = "INSERT INTO account (id, handle, name, bio) VALUES (0, ?, ?, ?)";
        self.db.run(statement, vec![handle.into(), name.into(), bio.into()])?;
        self.changed(&[View::Account, View::FeedHead]).await?;
        Ok(self.db.account()?.account())
    }
}
