//! Offers for followers (see `gazouillis_protocol::offer`): stored with
//! their post, claimed by followers (each once, counted exactly: the hub
//! applies claims one at a time), and listed for the brand with their codes,
//! claims, and the follows and unfollows while they ran.

use super::views::View;
use super::limits::CLAIMS;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::keys;
use gazouillis_protocol::offer::{refusal, Claimed, Offers};
use gazouillis_protocol::store::{follows, offers};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::Date;

/// Offers: a follower's claim, and the brand's list.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OfferCommand {
    /// A follower's claim of post `post`'s offer: [`Claim`]; `ip` is the
    /// client's address, for the abuse limits.
    Claim { post: u64, visitor: String, ip: String },
    /// The account's offers: [`Offers`].
    List,
}

impl Apply for OfferCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            OfferCommand::Claim { post, visitor, ip } => hub.claim_offer(post, &visitor, &ip).await.into(),
            OfferCommand::List => hub.list_offers().into(),
        }
    }
}

/// A follower's claim: its code, and whether this claim took it (`first`)
/// or the follower had claimed it before.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claim {
    pub claimed: Claimed,
    pub first: bool,
}

impl AccountHub {
    /// A follower's claim of post `post`'s offer from client address `ip`:
    /// its code (the same again for one who claimed before, counted once), or
    /// why not.
    async fn claim_offer(&self, post: u64, visitor: &str, ip: &str) -> ApiResult<Claim> {
        self.db.post(post)?;
        self.admit_visitor(&CLAIMS, visitor, ip).await?;
        let offer = offers::find(&self.db, post)?.ok_or(ErrorCode::OfferNotFound)?;
        if let Some(claimed_at) = offers::claimed_at(&self.db, post, visitor)? {
            return Ok(Claim { claimed: Claimed { code: offer.code, claimed_at }, first: false });
        }
        let now = Date::now().as_millis();
        if let Some(refused) = refusal(follows::follows(&self.db, visitor)?, now, offer.ends_ms, offer.claimed, offer.max_claims) {
            return Err(refused.into());
        }
        let claimed_at = rfc3339_from_millis(now);
        offers::claim(&self.db, post, visitor, &claimed_at)?;
        // The post's claim count, where it is shown, and the visitor's index of their claims.
        let views = [View::FeedHead, View::FeedPage(keys::page_of(post)), View::Post(post), View::Claimed(visitor.to_owned())];
        self.changed(&views).await?;
        Ok(Claim { claimed: Claimed { code: offer.code, claimed_at }, first: true })
    }

    /// Deletes a visitor's claims, answering how many. The offers' counts
    /// stay: the codes they gave out stay given.
    pub(super) async fn erase_claims(&self, visitor: &str) -> ApiResult<u64> {
        let claims = offers::claims_held(&self.db, visitor)?;
        offers::remove_claims_of(&self.db, visitor)?;
        self.changed(&[View::Claimed(visitor.to_owned())]).await?;
        Ok(claims)
    }

    /// The brand's offers, newest first.
    fn list_offers(&self) -> ApiResult<Offers> {
        let handle = self.db.account()?.handle;
        Ok(Offers { offers: offers::listed(&self.db, &handle)? })
    }
}
