//! The brand's statistics (`GET /v1/accounts/{handle}/stats?days=`): counted
//! by the hub as writes happen, per day: follows, posts, visitors' replies,
//! the share answered and how long they waited, the most replied-to posts;
//! and (`GET .../activity`) visitors' replies per hour with buzz episodes.

use gazouillis_protocol::buzz::{Activity, HOUR_MS};
use gazouillis_protocol::stats::Stats;
use gazouillis_protocol::Reply;
use gazouillis_tests::{Edge, Suite};
use serde_json::json;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats() {
    // A lower minimum than the default 10, to check the var is read.
    let mut suite = Suite::new("stats", Edge::start_with(&[("BUZZ_MIN_REPLIES", "6")]).await);
    suite.step("today's counts, answers and top posts, over 7, 30 and 90 days", counts).await;
    suite.step("replies per hour; a burst is one buzz episode naming its posts", buzz).await;
    suite.step("brand only; other periods refused", refusals).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn activity_of(e: &Edge, handle: &str) -> Activity {
    e.admin(e.get(&format!("/v1/accounts/{handle}/activity"))).send().await.expect_json(200)
}

fn this_hour() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64) / HOUR_MS
}

async fn buzz(e: Arc<Edge>) {
    // numbers: 3 visitors' replies this hour (the brand's are not counted), under the minimum of 6.
    let calm = activity_of(&e, "numbers").await;
    assert_eq!(calm.hours.len(), 168, "a week of hours");
    assert_eq!(calm.hours.last().map(|h| h.replies), Some(3));
    assert!(calm.buzz.is_empty(), "{:?}", calm.buzz);
    e.create_account("viral", "Viral", "").await;
    let (hot, other) = (e.create_post("viral", "Our new ad").await, e.create_post("viral", "Opening hours").await);
    let visitors = [e.new_session("Dee").await, e.new_session("Eli").await, e.new_session("Fay").await];
    // A burst of 7 in one hour (written again if an hour starts meanwhile).
    loop {
        let hour = this_hour();
        for visitor in &visitors {
            e.reply(&visitor.token, &hot.id, "Seen the ad?").await;
            e.reply(&visitor.token, &hot.id, "Everyone talks about it").await;
        }
        e.reply(&visitors[0].token, &other.id, "Open on Sunday?").await;
        if this_hour() == hour {
            break;
        }
    }
    let loud = activity_of(&e, "viral").await;
    let last = loud.hours.last().expect("hours");
    assert_eq!(last.replies, 7);
    assert_eq!(loud.buzz.len(), 1, "{:?}", loud.buzz);
    assert_eq!((loud.buzz[0].from.as_str(), loud.buzz[0].to.as_str()), (last.hour.as_str(), last.hour.as_str()));
    assert_eq!(loud.buzz[0].posts, [hot.id.clone(), other.id.clone()], "most replies first");
    e.get("/v1/accounts/viral/activity").send().await.expect_error(401, "unauthorized");
}

async fn stats_of(e: &Edge, days: u32) -> Stats {
    e.admin(e.get(&format!("/v1/accounts/numbers/stats?days={days}"))).send().await.expect_json(200)
}

async fn counts(e: Arc<Edge>) {
    e.create_account("numbers", "Numbers", "").await;
    let (quiet, busy) = (e.create_post("numbers", "A quiet post").await, e.create_post("numbers", "A busy post").await);
    let visitors = [e.new_session("Ana").await, e.new_session("Bob").await, e.new_session("Cléo").await];
    for visitor in &visitors {
        e.follow(&visitor.token, "numbers").await;
    }
    e.unfollow(&visitors[2].token, "numbers").await;
    e.reply(&visitors[0].token, &busy.id, "First question").await;
    e.reply(&visitors[1].token, &busy.id, "Second question").await;
    e.reply(&visitors[2].token, &quiet.id, "Unanswered").await;
    // The brand answers the busy post's two questions, then again: counted once each.
    for text in ["Answer to both", "And more"] {
        let _: Reply = e.admin(e.post(&format!("/v1/posts/{}/replies", busy.id))).json(&json!({"text": text})).send().await.expect_json(201);
    }

    for days in [7, 30, 90] {
        let stats = stats_of(&e, days).await;
        assert_eq!(stats.days.len(), days as usize);
        let today = stats.days.last().expect("today");
        // Cléo followed and unfollowed the same day: net nothing (one net change per visitor and day).
        assert_eq!((today.follows, today.unfollows, today.followers), (2, 0, 2), "follows on {}", today.day);
        assert_eq!((today.posts, today.replies, today.answered), (2, 3, 2), "posts, visitors' replies, answered");
        let before: Vec<_> = stats.days[..stats.days.len() - 1].iter().map(|d| (d.followers, d.posts, d.replies)).collect();
        assert!(before.iter().all(|d| *d == (0, 0, 0)), "days before the account: {before:?}");
        assert_eq!((stats.first_answer.answered, stats.first_answer.replies), (2, 3));
        let (median, p90) = (stats.first_answer.median_ms.expect("a median"), stats.first_answer.p90_ms.expect("a p90"));
        assert!(median <= p90 && p90 < 60_000, "waits {median} ms, {p90} ms");
        let top: Vec<(&str, u64)> = stats.top_posts.iter().map(|t| (t.post.id.as_str(), t.replies)).collect();
        assert_eq!(top, [(busy.id.as_str(), 2), (quiet.id.as_str(), 1)], "visitors' replies per post");
    }
}

async fn refusals(e: Arc<Edge>) {
    e.admin(e.get("/v1/accounts/numbers/stats?days=5")).send().await.expect_error(400, "invalid_days");
    e.admin(e.get("/v1/accounts/numbers/stats?days=")).send().await.expect_error(400, "invalid_days");
    let visitor = e.new_session("Nosy").await;
    e.get("/v1/accounts/numbers/stats").bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    e.get("/v1/accounts/numbers/stats").send().await.expect_error(401, "unauthorized");
    e.admin(e.get("/v1/accounts/nobody/stats")).send().await.expect_error(404, "account_not_found");
    let default: Stats = e.admin(e.get("/v1/accounts/numbers/stats")).send().await.expect_json(200);
    assert_eq!(default.days.len(), 7, "7 days by default");
}
