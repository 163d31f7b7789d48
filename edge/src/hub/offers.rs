//! Offers for followers (see `gazouillis_protocol::offer`): stored with
//! their post, claimed by followers (each once, counted exactly: the hub
//! applies claims one at a time), and listed for the brand with their codes,
//! claims, and the follows and unfollows while they ran.

use super::db::{int, Db};
use super::views::View;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::store::follows;
use gazouillis_protocol::keys;
use gazouillis_protocol::offer::{refusal, CheckedOffer, ClaimOf, Claimed, Offer, OfferStats, Offers};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::{ErrorCode, PostId};
use serde::{Deserialize, Serialize};
use worker::Date;

/// Offers: a follower's claim, and the brand's list.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OfferCommand {
    /// A follower's claim of post `post`'s offer: [`Claim`].
    Claim { post: u64, visitor: String },
    /// The account's offers: [`Offers`].
    List,
}

impl Apply for OfferCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            OfferCommand::Claim { post, visitor } => hub.claim_offer(post, &visitor).await.into(),
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

/// An `offers` row.
#[derive(Deserialize)]
struct OfferRow {
    code: String,
    ends_ms: u64,
    max_claims: Option<u64>,
    claimed: u64,
}

/// An `offers` row with its post, for the brand's list.
#[derive(Deserialize)]
struct ListedRow {
    post: u64,
    text: String,
    created_at: String,
    code: String,
    ends_ms: u64,
    max_claims: Option<u64>,
    claimed: u64,
    follows: u64,
    unfollows: u64,
}

#[derive(Deserialize)]
struct ClaimRow {
    claimed_at: String,
}

/// A `claims` row with its offer's code.
#[derive(Deserialize)]
struct VisitorClaim {
    post: u64,
    code: String,
    claimed_at: String,
}

impl Db {
    pub(super) fn add_offer(&self, post: u64, offer: &CheckedOffer) -> worker::Result<()> {
        let statement = "INSERT INTO offers (post, code, ends_ms, max_claims) VALUES (?, ?, ?, ?)";
        let limit = offer.limit.map_or(worker::SqlStorageValue::Null, int);
        self.run(statement, vec![int(post), offer.code.clone().into(), int(offer.ends_ms), limit])
    }

    /// A visitor's claims in account `handle`, by post.
    pub(super) fn claims_of(&self, visitor: &str, handle: &str) -> worker::Result<Vec<ClaimOf>> {
        let statement = "SELECT c.post, o.code, c.claimed_at FROM claims c JOIN offers o ON o.post = c.post WHERE c.visitor = ? ORDER BY c.post";
        let rows: Vec<VisitorClaim> = self.rows(statement, vec![visitor.into()])?;
        let post = |seq| PostId { handle: handle.to_owned(), seq }.to_string();
        Ok(rows.into_iter().map(|row| ClaimOf { post: post(row.post), code: row.code, claimed_at: row.claimed_at }).collect())
    }

    /// Whether a visitor holds claims (the view of their index, `View::Claimed`).
    pub(super) fn holds_claims(&self, visitor: &str) -> worker::Result<bool> {
        Ok(self.number("SELECT count(*) AS n FROM claims WHERE visitor = ?", vec![visitor.into()])?.unwrap_or(0) > 0)
    }

    /// The visitors holding claims of post `post`'s offer.
    pub(super) fn claimants(&self, post: u64) -> worker::Result<Vec<String>> {
        #[derive(Deserialize)]
        struct Claimant {
            visitor: String,
        }
        let rows: Vec<Claimant> = self.rows("SELECT visitor FROM claims WHERE post = ?", vec![int(post)])?;
        Ok(rows.into_iter().map(|row| row.visitor).collect())
    }

    /// Counts a follow (`true`) or an unfollow at `now` in every offer running then.
    pub(super) fn count_follow_in_offers(&self, follow: bool, now: u64) -> worker::Result<()> {
        let column = if follow { "follows" } else { "unfollows" };
        self.run(&format!("UPDATE offers SET {column} = {column} + 1 WHERE ends_ms > ?"), vec![int(now)])
    }
}

impl AccountHub {
    /// A follower's claim of post `post`'s offer: its code (the same again
    /// for one who claimed before, counted once), or why not.
    async fn claim_offer(&self, post: u64, visitor: &str) -> ApiResult<Claim> {
        self.db.post(post)?;
        let offer: OfferRow = self
            .db
            .row("SELECT code, ends_ms, max_claims, claimed FROM offers WHERE post = ?", vec![int(post)])?
            .ok_or(ErrorCode::OfferNotFound)?;
        let before: Option<ClaimRow> = self.db.row("SELECT claimed_at FROM claims WHERE post = ? AND visitor = ?", vec![int(post), visitor.into()])?;
        if let Some(before) = before {
            return Ok(Claim { claimed: Claimed { code: offer.code, claimed_at: before.claimed_at }, first: false });
        }
        let now = Date::now().as_millis();
        if let Some(refused) = refusal(follows::follows(&self.db, visitor)?, now, offer.ends_ms, offer.claimed, offer.max_claims) {
            return Err(refused.into());
        }
        let claimed_at = rfc3339_from_millis(now);
        self.db.run("INSERT INTO claims (post, visitor, claimed_at) VALUES (?, ?, ?)", vec![int(post), visitor.into(), claimed_at.clone().into()])?;
        self.db.run("UPDATE offers SET claimed = claimed + 1 WHERE post = ?", vec![int(post)])?;
        // The post's claim count, where it is shown, and the visitor's index of their claims.
        let views = [View::FeedHead, View::FeedPage(keys::page_of(post)), View::Post(post), View::Claimed(visitor.to_owned())];
        self.changed(&views).await?;
        Ok(Claim { claimed: Claimed { code: offer.code, claimed_at }, first: true })
    }

    /// Deletes a visitor's claims, answering how many. The offers' counts
    /// stay: the codes they gave out stay given.
    pub(super) async fn erase_claims(&self, visitor: &str) -> ApiResult<u64> {
        let claims = self.db.number("SELECT count(*) AS n FROM claims WHERE visitor = ?", vec![visitor.into()])?.unwrap_or(0);
        self.db.run("DELETE FROM claims WHERE visitor = ?", vec![visitor.into()])?;
        self.changed(&[View::Claimed(visitor.to_owned())]).await?;
        Ok(claims)
    }

    /// The brand's offers, newest first.
    fn list_offers(&self) -> ApiResult<Offers> {
        let handle = self.db.account()?.handle;
        let statement = "SELECT o.post, p.text, p.created_at, o.code, o.ends_ms, o.max_claims, o.claimed, o.follows, o.unfollows
            FROM offers o JOIN posts p ON p.seq = o.post ORDER BY o.post DESC";
        let rows: Vec<ListedRow> = self.db.rows(statement, vec![])?;
        let offers = rows
            .into_iter()
            .map(|row| OfferStats {
                post: PostId { handle: handle.clone(), seq: row.post }.to_string(),
                text: row.text,
                code: row.code,
                created_at: row.created_at,
                offer: Offer::new(row.ends_ms, row.max_claims, row.claimed),
                follows: row.follows,
                unfollows: row.unfollows,
            })
            .collect();
        Ok(Offers { offers })
    }
}
