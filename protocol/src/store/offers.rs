//! Offers for followers: `offers`, one per post that has one, with its code,
//! its exact claim count and the follows and unfollows while it runs; and
//! `claims`, one row per visitor and offer (both go with their post: a
//! trigger of `schema`).
//!
//! Not here: whether a claim is admitted (`offer::refusal`), nor an offer's
//! public columns as its post shows them (`posts`).

use super::follows::Counted;
use super::{int, Sql};
use crate::offer::{CheckedOffer, ClaimOf, Offer, OfferStats};
use crate::PostId;
use serde::Deserialize;

/// An `offers` row, as a claim checks it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct OfferRow {
    pub code: String,
    pub ends_ms: u64,
    pub max_claims: Option<u64>,
    pub claimed: u64,
}

/// Stores post `post`'s offer, not claimed yet.
pub fn add<S: Sql>(db: &S, post: u64, offer: &CheckedOffer) -> Result<(), S::Error> {
    let statement = "INSERT INTO offers (post, code, ends_ms, max_claims) VALUES (?, ?, ?, ?)";
    db.run(statement, vec![int(post), offer.code.as_str().into(), int(offer.ends_ms), offer.limit.map(int).into()])
}

/// Post `post`'s offer, if it has one.
pub fn find<S: Sql>(db: &S, post: u64) -> Result<Option<OfferRow>, S::Error> {
    db.row("SELECT code, ends_ms, max_claims, claimed FROM offers WHERE post = ?", vec![int(post)])
}

/// When `visitor` claimed post `post`'s offer, if they did.
pub fn claimed_at<S: Sql>(db: &S, post: u64, visitor: &str) -> Result<Option<String>, S::Error> {
    #[derive(Deserialize)]
    struct Claim {
        claimed_at: String,
    }
    let claim: Option<Claim> = db.row("SELECT claimed_at FROM claims WHERE post = ? AND visitor = ?", vec![int(post), visitor.into()])?;
    Ok(claim.map(|claim| claim.claimed_at))
}

/// `visitor` claims post `post`'s offer at `claimed_at`, counted on the offer.
pub fn claim<S: Sql>(db: &S, post: u64, visitor: &str, claimed_at: &str) -> Result<(), S::Error> {
    db.run("INSERT INTO claims (post, visitor, claimed_at) VALUES (?, ?, ?)", vec![int(post), visitor.into(), claimed_at.into()])?;
    db.run("UPDATE offers SET claimed = claimed + 1 WHERE post = ?", vec![int(post)])
}

/// A visitor's claims in account `handle`, by post.
pub fn claims_of<S: Sql>(db: &S, visitor: &str, handle: &str) -> Result<Vec<ClaimOf>, S::Error> {
    #[derive(Deserialize)]
    struct VisitorClaim {
        post: u64,
        code: String,
        claimed_at: String,
    }
    let statement = "SELECT c.post, o.code, c.claimed_at FROM claims c JOIN offers o ON o.post = c.post WHERE c.visitor = ? ORDER BY c.post";
    let rows: Vec<VisitorClaim> = db.rows(statement, vec![visitor.into()])?;
    let post = |seq| PostId { handle: handle.to_owned(), seq }.to_string();
    Ok(rows.into_iter().map(|row| ClaimOf { post: post(row.post), code: row.code, claimed_at: row.claimed_at }).collect())
}

/// How many claims a visitor holds.
pub fn claims_held<S: Sql>(db: &S, visitor: &str) -> Result<u64, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM claims WHERE visitor = ?", vec![visitor.into()])?.unwrap_or(0))
}

/// The visitors holding claims of post `post`'s offer.
pub fn claimants<S: Sql>(db: &S, post: u64) -> Result<Vec<String>, S::Error> {
    #[derive(Deserialize)]
    struct Claimant {
        visitor: String,
    }
    let rows: Vec<Claimant> = db.rows("SELECT visitor FROM claims WHERE post = ?", vec![int(post)])?;
    Ok(rows.into_iter().map(|row| row.visitor).collect())
}

/// Deletes a visitor's claims. The offers' counts stay: the codes they gave
/// out stay given.
pub fn remove_claims_of<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM claims WHERE visitor = ?", vec![visitor.into()])
}

/// Counts a follow or an unfollow at `now` in every offer running then, or takes one back.
pub fn count_follow<S: Sql>(db: &S, counted: Counted, now: u64) -> Result<(), S::Error> {
    let by = if let Counted::Add(_) = counted { "+ 1" } else { "- 1" };
    let column = counted.column();
    db.run(&format!("UPDATE offers SET {column} = max({column} {by}, 0) WHERE ends_ms > ?"), vec![int(now)])
}

/// The offers of account `handle`, newest first, with their posts, codes and counts.
pub fn listed<S: Sql>(db: &S, handle: &str) -> Result<Vec<OfferStats>, S::Error> {
    #[derive(Deserialize)]
    struct Listed {
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
    let statement = "SELECT o.post, p.text, p.created_at, o.code, o.ends_ms, o.max_claims, o.claimed, o.follows, o.unfollows
        FROM offers o JOIN posts p ON p.seq = o.post ORDER BY o.post DESC";
    let rows: Vec<Listed> = db.rows(statement, vec![])?;
    let offers = rows.into_iter().map(|row| OfferStats {
        post: PostId { handle: handle.to_owned(), seq: row.post }.to_string(),
        text: row.text,
        code: row.code,
        created_at: row.created_at,
        offer: Offer::new(row.ends_ms, row.max_claims, row.claimed),
        follows: row.follows,
        unfollows: row.unfollows,
    });
    Ok(offers.collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;
    use crate::store::posts;

    /// Posts 0 (an offer of at most 2 claims, ending at 1000) and 1 (an
    /// offer with no limit, ending at 5000), and post 2 without one.
    fn with_offers() -> rusqlite::Connection {
        let db = store();
        for seq in 0..3 {
            posts::add(&db, seq, &format!("post {seq}"), "then").unwrap();
        }
        add(&db, 0, &CheckedOffer { code: "TWO".into(), ends_ms: 1000, limit: Some(2) }).unwrap();
        add(&db, 1, &CheckedOffer { code: "ALL".into(), ends_ms: 5000, limit: None }).unwrap();
        db
    }

    #[test]
    fn an_offer_is_found_with_its_limit_and_claims_count_once_each() {
        let db = with_offers();
        assert_eq!(find(&db, 0).unwrap(), Some(OfferRow { code: "TWO".into(), ends_ms: 1000, max_claims: Some(2), claimed: 0 }));
        assert_eq!(find(&db, 1).unwrap().unwrap().max_claims, None);
        assert_eq!(find(&db, 2).unwrap(), None);
        claim(&db, 0, "v", "then").unwrap();
        assert!(claim(&db, 0, "v", "again").is_err(), "one claim per visitor and offer");
        claim(&db, 1, "v", "later").unwrap();
        claim(&db, 0, "w", "later").unwrap();
        assert_eq!(find(&db, 0).unwrap().unwrap().claimed, 2);
        assert_eq!((claimed_at(&db, 0, "v").unwrap(), claimed_at(&db, 1, "w").unwrap()), (Some("then".into()), None));
        assert_eq!(claimants(&db, 0).unwrap().len(), 2);
    }

    #[test]
    fn a_visitors_claims_are_listed_counted_and_removed_the_counts_staying() {
        let db = with_offers();
        claim(&db, 1, "v", "later").unwrap();
        claim(&db, 0, "v", "then").unwrap();
        claim(&db, 0, "w", "then").unwrap();
        let post = |seq| PostId { handle: "acme".into(), seq }.to_string();
        let of_v = claims_of(&db, "v", "acme").unwrap();
        assert_eq!(of_v, [ClaimOf { post: post(0), code: "TWO".into(), claimed_at: "then".into() }, ClaimOf { post: post(1), code: "ALL".into(), claimed_at: "later".into() }]);
        assert_eq!((claims_held(&db, "v").unwrap(), claims_held(&db, "x").unwrap()), (2, 0));
        remove_claims_of(&db, "v").unwrap();
        assert_eq!((claims_held(&db, "v").unwrap(), claimants(&db, 0).unwrap()), (0, vec!["w".to_owned()]));
        assert_eq!(find(&db, 0).unwrap().unwrap().claimed, 2);
    }

    #[test]
    fn follows_count_in_running_offers_and_the_list_is_newest_first() {
        let db = with_offers();
        count_follow(&db, Counted::Add(true), 999).unwrap();
        count_follow(&db, Counted::Add(false), 1000).unwrap();
        count_follow(&db, Counted::Add(false), 1000).unwrap();
        count_follow(&db, Counted::TakeBack(false), 1000).unwrap();
        claim(&db, 1, "v", "later").unwrap();
        let listed = listed(&db, "acme").unwrap();
        let counts: Vec<(&str, u64, u64, u64)> = listed.iter().map(|o| (o.code.as_str(), o.offer.claimed, o.follows, o.unfollows)).collect();
        assert_eq!(counts, [("ALL", 1, 1, 1), ("TWO", 0, 1, 0)]);
        assert_eq!((listed[0].text.as_str(), listed[0].offer.clone()), ("post 1", Offer::new(5000, None, 1)));
    }
}
