//! Following the account: doing it twice counts once, and each change is
//! counted (per day, per running offer: at most one net change per visitor
//! and day, so that toggling counts nothing), pushed and shown. The rows are
//! `gazouillis_protocol::store::follows`'.

use super::views::View;
use super::emit::Emitted;
use super::limits::FOLLOWS;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::store::{follows, offers, stats};
use gazouillis_protocol::FollowState;
use serde::{Deserialize, Serialize};

/// A visitor's following of the account; each answers [`FollowState`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum FollowCommand {
    /// Follows (`follow: true`) or unfollows; `ip` is the client's address,
    /// for the abuse limits.
    Set { visitor: String, follow: bool, ip: String },
    Get { visitor: String },
}

impl Apply for FollowCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            FollowCommand::Set { visitor, follow, ip } => hub.follow_from(&visitor, follow, &ip).await.into(),
            FollowCommand::Get { visitor } => hub.get_follow(&visitor).into(),
        }
    }
}

/// Follows and unfollows, limited per visitor and per client address: each
/// costs a hub write, a push to every open widget and KV writes.

impl AccountHub {
    /// A visitor's follow or unfollow, within the abuse limits.
    async fn follow_from(&self, visitor: &str, follow: bool, ip: &str) -> ApiResult<FollowState> {
        self.admit_visitor(&FOLLOWS, visitor, ip).await?;
        self.follow(visitor, follow).await
    }

    /// Follows (`true`) or unfollows: doing it twice counts once.
    pub(super) async fn follow(&self, visitor: &str, follow: bool) -> ApiResult<FollowState> {
        let account = self.db.account()?;
        if follows::follows(&self.db, visitor)? == follow {
            return Ok(FollowState { following: follow, followers: account.followers });
        }
        follows::set(&self.db, visitor, follow)?;
        let now = worker::Date::now().as_millis();
        let counted = follows::count_today(&self.db, visitor, follow, now)?;
        stats::count_follow(&self.db, counted, now)?;
        offers::count_follow(&self.db, counted, now)?;
        let followers = self.db.account()?.followers;
        self.emit(Emitted::Public(Event::Followers { followers }))?;
        self.changed(&[View::Account, View::Following(visitor.to_owned())]).await?;
        Ok(FollowState { following: follow, followers })
    }

    fn get_follow(&self, visitor: &str) -> ApiResult<FollowState> {
        let followers = self.db.account()?.followers;
        Ok(FollowState { following: follows::follows(&self.db, visitor)?, followers })
    }
}
