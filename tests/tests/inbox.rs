//! The brand's inbox (`GET /v1/accounts/{handle}/inbox`): every visitor reply
//! on the account's posts, newest first, with its post, filtered by whether
//! the brand answered it; and the operator's list of accounts, past the
//! 1,000 keys of one KV list.

use gazouillis_protocol::{AccountList, Inbox, Reply};
use gazouillis_tests::{Edge, SETTLE, Suite, ensure_eq, eventually};
use serde_json::{Value, json};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inbox() {
    let mut suite = Suite::new("inbox", Edge::start().await);
    suite.step("visitor replies, newest first, by filter; answering moves them", filters).await;
    suite.step("pages by cursor; hidden replies and replies to hidden posts are left out", paging_and_hidden).await;
    suite.step("brand only; a bad filter is a 400", refusals).await;
    suite.step("the operator lists the accounts", account_list).await;
    suite.step("the list holds every account past the 1,000 of one KV list", long_account_list).await;
    suite.finish(|edge| edge.dump_log()).await;
}

async fn inbox_of(e: &Edge, query: &str) -> Inbox {
    e.admin(e.get(&format!("/v1/accounts/desk/inbox{query}"))).send().await.expect_json(200)
}

fn ids(inbox: &Inbox) -> Vec<&str> {
    inbox.items.iter().map(|item| item.reply.id.as_str()).collect()
}

async fn brand_reply(e: &Edge, post: &str, text: &str) -> Reply {
    e.admin(e.post(&format!("/v1/posts/{post}/replies"))).json(&json!({"text": text})).send().await.expect_json(201)
}

async fn filters(e: Arc<Edge>) {
    e.create_account("desk", "Help Desk", "").await;
    let (p0, p1) = (e.create_post("desk", "Questions?").await, e.create_post("desk", "New opening hours").await);
    let (ana, bob) = (e.new_session("Ana").await, e.new_session("Bob").await);
    let r1 = e.reply(&ana.token, &p0.id, "Do you ship to Belgium?").await;
    let r2 = e.reply(&bob.token, &p0.id, "And to Spain?").await;
    let r3 = e.reply(&ana.token, &p1.id, "Open on Sunday?").await;
    assert_eq!(ids(&inbox_of(&e, "").await), [&r3.id, &r2.id, &r1.id], "to answer, by default");

    // The brand answers in p0's thread: both replies before it are answered.
    let answer = brand_reply(&e, &p0.id, "Yes to both.").await;
    let to_answer = inbox_of(&e, "?filter=to_answer").await;
    assert_eq!(ids(&to_answer), [&r3.id]);
    assert_eq!(to_answer.items[0].post.id, p1.id, "each reply comes with its post");
    assert_eq!(to_answer.items[0].post.text, p1.text);
    let answered = inbox_of(&e, "?filter=answered").await;
    assert_eq!(ids(&answered), [&r2.id, &r1.id]);
    assert!(answered.items.iter().all(|item| item.answered));
    let all = inbox_of(&e, "?filter=all").await;
    assert_eq!(ids(&all), [&r3.id, &r2.id, &r1.id], "the brand's own reply is not in its inbox: {}", answer.id);
    assert_eq!(all.items.iter().map(|item| item.answered).collect::<Vec<_>>(), [false, true, true]);

    // A new question after the answer waits again.
    let r4 = e.reply(&bob.token, &p0.id, "And to Italy?").await;
    assert_eq!(ids(&inbox_of(&e, "").await), [&r4.id, &r3.id]);
}

async fn paging_and_hidden(e: Arc<Edge>) {
    let all = inbox_of(&e, "?filter=all").await;
    let mut walked = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let query = match &cursor {
            Some(cursor) => format!("?filter=all&limit=1&cursor={cursor}"),
            None => "?filter=all&limit=1".to_owned(),
        };
        let page = inbox_of(&e, &query).await;
        assert!(page.items.len() <= 1);
        walked.extend(page.items.into_iter().map(|item| item.reply.id));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(walked, ids(&all), "pages by one, in order, nothing twice");

    let hidden = &all.items[0].reply.id;
    e.admin(e.put(&format!("/v1/replies/{hidden}/hidden"))).json(&json!({"hidden": true})).send().await.expect(200);
    assert!(!ids(&inbox_of(&e, "?filter=all").await).contains(&hidden.as_str()), "a hidden reply");
    let on_p1: Vec<String> = all.items.iter().filter(|item| item.post.id == "desk-1").map(|item| item.reply.id.clone()).collect();
    e.admin(e.put("/v1/posts/desk-1/hidden")).json(&json!({"hidden": true})).send().await.expect(200);
    let now = inbox_of(&e, "?filter=all").await;
    assert!(on_p1.iter().all(|id| !ids(&now).contains(&id.as_str())), "replies to a hidden post: {:?}", ids(&now));
    e.admin(e.put("/v1/posts/desk-1/hidden")).json(&json!({"hidden": false})).send().await.expect(200);
    let again = inbox_of(&e, "?filter=all").await;
    assert!(on_p1.iter().all(|id| ids(&again).contains(&id.as_str())), "shown again");
}

async fn refusals(e: Arc<Edge>) {
    let visitor = e.new_session("Curious").await;
    e.get("/v1/accounts/desk/inbox").send().await.expect_error(401, "unauthorized");
    e.get("/v1/accounts/desk/inbox").bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    e.admin(e.get("/v1/accounts/desk/inbox?filter=unread")).send().await.expect_error(400, "invalid_filter");
    e.admin(e.get("/v1/accounts/desk/inbox?cursor=%21")).send().await.expect_error(400, "invalid_cursor");
    e.admin(e.get("/v1/accounts/nobody/inbox")).send().await.expect_error(404, "account_not_found");
    let other: Value = e.admin_post("/v1/accounts", &json!({"handle": "elsewhere", "name": "Elsewhere"})).await.expect_json(201);
    assert_eq!(other["handle"], "elsewhere");
    let token: Value = e.admin_post("/v1/accounts/elsewhere/tokens", &json!({"name": "CM"})).await.expect_json(201);
    let token = token["token"].as_str().expect("brand token");
    e.get("/v1/accounts/desk/inbox").bearer(token).send().await.expect_error(403, "forbidden");
    let own: Inbox = e.get("/v1/accounts/elsewhere/inbox").bearer(token).send().await.expect_json(200);
    assert!(own.items.is_empty());
}

async fn account_list(e: Arc<Edge>) {
    // Listed from KV: the newest account's view may trail its creation by a flush.
    eventually(SETTLE, || async {
        let listed: AccountList = e.admin(e.get("/v1/accounts")).send().await.check_json(200)?;
        ensure_eq!(listed.accounts, ["desk", "elsewhere"], "accounts");
        Ok(())
    })
    .await;
    let visitor = e.new_session("Nosy").await;
    e.get("/v1/accounts").bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    e.get("/v1/accounts").send().await.expect_error(401, "unauthorized");
}

async fn long_account_list(e: Arc<Edge>) {
    let more: Vec<String> = (0..1_000).map(|n| format!("shop{n:04}")).collect();
    for batch in more.chunks(10) {
        futures_util::future::join_all(batch.iter().map(|handle| e.create_account(handle, handle, ""))).await;
    }
    let mut all: Vec<String> = more.iter().cloned().chain(["desk".into(), "elsewhere".into()]).collect();
    all.sort();
    eventually(SETTLE, || async {
        let listed: AccountList = e.admin(e.get("/v1/accounts")).send().await.check_json(200)?;
        ensure_eq!(listed.accounts.len(), all.len(), "accounts listed");
        ensure_eq!(listed.accounts, all, "accounts");
        Ok(())
    })
    .await;
}
