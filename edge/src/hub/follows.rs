//! The account's followers: one row each, and the exact count on the account.

use super::views::View;
use super::db::Db;
use super::emit::Emitted;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::FollowState;
use serde::{Deserialize, Serialize};

/// A visitor's following of the account; each answers [`FollowState`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum FollowCommand {
    /// Follows (`follow: true`) or unfollows.
    Set { visitor: String, follow: bool },
    Get { visitor: String },
}

impl Apply for FollowCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            FollowCommand::Set { visitor, follow } => hub.follow(&visitor, follow).await.into(),
            FollowCommand::Get { visitor } => hub.get_follow(&visitor).into(),
        }
    }
}

/// Reads of the tables, for the hub's commands and for the views.
impl Db {
    pub(super) fn follows(&self, visitor: &str) -> worker::Result<bool> {
        Ok(self.number("SELECT count(*) AS n FROM follows WHERE visitor = ?", vec![visitor.into()])? == Some(1))
    }
}

impl AccountHub {
    /// Follows (`true`) or unfollows: doing it twice counts once.
    pub(super) async fn follow(&self, visitor: &str, follow: bool) -> ApiResult<FollowState> {
        let account = self.db.account()?;
        if self.db.follows(visitor)? == follow {
            return Ok(FollowState { following: follow, followers: account.followers });
        }
        if follow {
            self.db.run("INSERT INTO follows (visitor) VALUES (?)", vec![visitor.into()])?;
            self.db.run("UPDATE account SET followers = followers + 1", vec![])?;
        } else {
            self.db.run("DELETE FROM follows WHERE visitor = ?", vec![visitor.into()])?;
            self.db.run("UPDATE account SET followers = max(followers - 1, 0)", vec![])?;
        }
        self.db.count_follow(follow)?;
        self.db.count_follow_in_offers(follow, worker::Date::now().as_millis())?;
        let followers = self.db.account()?.followers;
        self.emit(Emitted::Public(Event::Followers { followers }))?;
        self.changed(&[View::Account, View::Following(visitor.to_owned())]).await?;
        Ok(FollowState { following: follow, followers })
    }

    fn get_follow(&self, visitor: &str) -> ApiResult<FollowState> {
        let followers = self.db.account()?.followers;
        Ok(FollowState { following: self.db.follows(visitor)?, followers })
    }
}
