//! A store written before each visitor's claims of offers had an index
//! (`tests/fixtures/claims-v9`, schema 9) opens with the current edge:
//! `/v1/me` gives each visitor's claims back, also in an account they no
//! longer follow (its hub writes the index when it starts: migration 10; the
//! cron's sweep starts it), and erases them, the offers keeping their counts.

use gazouillis_protocol::offer::{ClaimOf, Offers};
use gazouillis_protocol::{Erased, MyData};
use gazouillis_tests::fixture::{self, Fixture};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure_eq, eventually};
use std::sync::Arc;

struct Migrated {
    edge: Edge,
    fixture: Fixture,
}

impl Migrated {
    /// `visitor`'s claims as they were answered when made, by post.
    fn claims_of(&self, visitor: &str) -> Vec<ClaimOf> {
        let answered = self.fixture.reads.iter().filter_map(|(key, answer)| {
            let post = key.strip_prefix(visitor)?.strip_prefix(' ')?;
            let field = |name: &str| answer.body[name].as_str().map(str::to_owned);
            Some(ClaimOf { post: post.to_owned(), code: field("code")?, claimed_at: field("claimed_at")? })
        });
        answered.collect()
    }

    async fn export(&self, visitor: &str) -> Result<MyData, String> {
        self.edge.get("/v1/me").bearer(&self.fixture.tokens[visitor]).send().await.check_json(200)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_claims() {
    let (edge, fixture) = fixture::open("claims-v9", &[]).await;
    let mut suite = Suite::new("migration_claims", Migrated { edge, fixture });
    suite.step("a visitor gets back a claim in an account they left, once the cron woke its hub", left).await;
    suite.step("and their claims in the accounts they follow", followed).await;
    suite.step("both erase them; the offers keep their counts", erased).await;
    suite.finish(|m| m.edge.dump_log()).await;
}

async fn followed(m: Arc<Migrated>) {
    let ana = m.claims_of("ana");
    assert_eq!(ana.len(), 2, "the fixture holds Ana's two claims");
    let mut data = m.export("ana").await.unwrap();
    data.claims.sort_by(|x, y| x.post.cmp(&y.post));
    assert_eq!(data.claims, ana);
}

/// Bob follows no one: only the index, which acme's hub writes when it
/// starts, finds his claim there. Nothing asked that hub yet: the cron's
/// sweep wakes it.
async fn left(m: Arc<Migrated>) {
    let bob = m.claims_of("bob");
    assert_eq!(bob.len(), 1, "the fixture holds Bob's claim");
    assert_eq!(m.export("bob").await.unwrap().claims, vec![], "Bob's claim, before acme's hub has started");
    m.edge.run_cron().await;
    eventually(SETTLE, || async {
        let data = m.export("bob").await?;
        ensure_eq!(data.following, Vec::<String>::new(), "Bob follows no one");
        ensure_eq!(data.claims, bob.clone(), "Bob's claim");
        Ok(())
    })
    .await;
}

async fn erased(m: Arc<Migrated>) {
    for (visitor, claims, follows) in [("ana", 2, 2), ("bob", 1, 0)] {
        let erased: Erased = m.edge.delete("/v1/me").bearer(&m.fixture.tokens[visitor]).send().await.expect_json(200);
        assert_eq!(erased, Erased { replies: 0, follows, claims, pending: 0, push: 0 }, "{visitor}");
    }
    eventually(SETTLE, || async {
        for visitor in ["ana", "bob"] {
            ensure_eq!(m.export(visitor).await?.claims, vec![], "{visitor}'s claims are gone");
        }
        Ok(())
    })
    .await;
    let offers: Offers = m.edge.admin(m.edge.get("/v1/accounts/acme/offers")).send().await.expect_json(200);
    assert_eq!(offers.offers.iter().map(|offer| offer.offer.claimed).collect::<Vec<_>>(), [2], "acme's offer, claimed by both");
}
