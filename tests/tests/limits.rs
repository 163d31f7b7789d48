//! Abuse limits against the real Worker, with short windows so that a limit
//! is seen to trigger and then recover: sessions per client address, replies
//! per visitor and per address, each refused with 429 and `Retry-After`, and
//! nothing refused is stored. Client addresses are set with `CF-Connecting-IP`
//! (which Cloudflare sets in production, and `wrangler dev` passes through).

use gazouillis_protocol::{Reply, Session};
use gazouillis_tests::{Edge, Resp, SETTLE, Suite, ensure_eq, eventually};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits() {
    let edge = Edge::start_with(&[("RATE_REPLIES", "3/3"), ("RATE_REPLIES_IP", "5/3"), ("RATE_SESSIONS_IP", "2/3")]).await;
    let mut suite = Suite::new("limits", edge);
    suite.spawn("sessions per address: 429 with Retry-After, then recovers", sessions_per_ip);
    suite.spawn("replies per visitor: 429, the brand unlimited, then recovers", replies_per_visitor);
    suite.spawn("replies per address, across visitors", replies_per_ip);
    suite.finish(|edge| edge.dump_log()).await;
}

async fn session(e: &Edge, ip: &str) -> Resp {
    e.post("/v1/session").header("CF-Connecting-IP", ip).json(&json!({"name": "Visitor"})).send().await
}

async fn reply(e: &Edge, token: &str, ip: &str, post: &str, text: &str) -> Resp {
    e.post(&format!("/v1/posts/{post}/replies"))
        .bearer(token)
        .header("CF-Connecting-IP", ip)
        .json(&json!({"text": text}))
        .send()
        .await
}

/// Checks a 429 and waits as long as its `Retry-After` says.
async fn refused_then_wait(resp: &Resp) {
    resp.expect_error(429, "rate_limited");
    let seconds: u64 = resp.header("retry-after").and_then(|s| s.parse().ok()).expect("a Retry-After in seconds");
    assert!((1..=3).contains(&seconds), "Retry-After {seconds} for a 3 s window");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
}

async fn sessions_per_ip(e: Arc<Edge>) {
    for _ in 0..2 {
        session(&e, "10.1.0.1").await.expect(201);
    }
    let refused = session(&e, "10.1.0.1").await;
    session(&e, "10.1.0.2").await.expect(201);
    refused_then_wait(&refused).await;
    session(&e, "10.1.0.1").await.expect(201);
}

async fn replies_per_visitor(e: Arc<Edge>) {
    e.create_account("limited", "Limited", "").await;
    let post = e.create_post("limited", "Talk to us").await;
    let visitor: Session = session(&e, "10.2.0.1").await.expect_json(201);
    for n in 0..3 {
        reply(&e, &visitor.token, "10.2.0.1", &post.id, &format!("reply {n}")).await.expect(201);
    }
    // From another address too: the limit is the visitor's.
    let refused = reply(&e, &visitor.token, "10.2.0.9", &post.id, "one too many").await;
    for n in 0..5 {
        let answer: Reply = e
            .admin(e.post(&format!("/v1/posts/{}/replies", post.id)))
            .json(&json!({"text": format!("brand answer {n}")}))
            .send()
            .await
            .expect_json(201);
        assert!(answer.author.badge.is_some());
    }
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.replies, 8, "the refused reply is not counted");
        Ok(())
    })
    .await;
    refused_then_wait(&refused).await;
    reply(&e, &visitor.token, "10.2.0.1", &post.id, "after the wait").await.expect(201);
}

async fn replies_per_ip(e: Arc<Edge>) {
    e.create_account("office", "Office", "").await;
    let post = e.create_post("office", "One network, many people").await;
    let mut visitors = Vec::new();
    for n in 0..3 {
        let visitor: Session = session(&e, &format!("10.3.0.{n}")).await.expect_json(201);
        visitors.push(visitor);
    }
    // Two replies each from one shared address: the sixth is one too many.
    let mut answers = Vec::new();
    for visitor in &visitors {
        for n in 0..2 {
            answers.push(reply(&e, &visitor.token, "10.3.9.9", &post.id, &format!("{} {n}", visitor.visitor.id)).await);
        }
    }
    let statuses: Vec<u16> = answers.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429]);
    answers[5].expect_error(429, "rate_limited");
    reply(&e, &visitors[2].token, "10.3.0.2", &post.id, "from home").await.expect(201);
}
