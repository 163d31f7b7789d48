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
use gazouillis_protocol::store::{follows, offers, push, stats};
use gazouillis_protocol::{FollowState, Following};
use serde::{Deserialize, Serialize};

/// A visitor's following of the account; each answers [`Following`].
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum FollowCommand {
    /// Follows (`follow: true`) or unfollows; `ip` is the client's address,
    /// for the abuse limits; `notify`: whether the visitor's browsers are
    /// told of new posts (left out: as it was).
    Set { visitor: String, follow: bool, ip: String, notify: Option<bool> },
    Get { visitor: String },
}

impl Apply for FollowCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            FollowCommand::Set { visitor, follow, ip, notify } => hub.follow_from(&visitor, follow, &ip, notify).await.into(),
            FollowCommand::Get { visitor } => hub.get_follow(&visitor).into(),
        }
    }
}

impl AccountHub {
    /// A visitor's follow or unfollow, within the abuse limits (per visitor
    /// and per client address: each costs a hub write, a push to every open
    /// widget and KV writes), and whether they are notified of new posts.
    async fn follow_from(&self, visitor: &str, follow: bool, ip: &str, notify: Option<bool>) -> ApiResult<Following> {
        self.admit_visitor(&FOLLOWS, visitor, ip).await?;
        let state = self.follow(visitor, follow).await?;
        let was = push::notified(&self.db, visitor)?;
        match notify {
            Some(notify) if follow && notify != was => {
                push::set_notify(&self.db, visitor, notify)?;
                self.changed(&[View::Following(visitor.to_owned())]).await?;
                Ok(Following { state, notify })
            }
            _ => Ok(Following { state, notify: was }),
        }
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

    fn get_follow(&self, visitor: &str) -> ApiResult<Following> {
        let followers = self.db.account()?.followers;
        let state = FollowState { following: follows::follows(&self.db, visitor)?, followers };
        Ok(Following { state, notify: push::notified(&self.db, visitor)? })
    }
}
