//! The JSON API of the real Worker under `wrangler dev`: every route, its
//! errors, pagination, follows, the timeline, ETags and CORS. One wrangler for
//! the whole file; each step uses its own accounts and visitors, so the steps
//! run concurrently without interfering.

use gazouillis_protocol::ids::is_visitor_id;
use gazouillis_protocol::{Account, AccountInfo, FollowState, Post, PostPage, Reply, ReplyPage, Session};
use gazouillis_tests::{Edge, Method, SETTLE, Suite, b36, ensure, ensure_eq, eventually};
use serde_json::json;
use std::collections::HashSet;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api() {
    let mut suite = Suite::new("api", Edge::start().await);
    // The steps use separate accounts and visitors: they run side by side.
    suite.spawn("static assets and widget bundle are served", static_assets);
    suite.spawn("accounts: create, read, conflicts, invalid handle and name", accounts);
    suite.spawn("posts: ids, fields, trimming, reads, counts", posts);
    suite.spawn("text rules for posts and replies", text_rules);
    suite.spawn("delete a post: gone everywhere, ids not reused", delete);
    suite.spawn("malformed and unknown post ids", post_ids);
    suite.spawn("feed pagination across stored pages", feed_pagination);
    suite.spawn("replies and their pagination", replies);
    suite.spawn("visitor sessions", sessions);
    suite.spawn("follow: idempotent, counted once", follow);
    suite.spawn("timeline across followed accounts", timeline);
    suite.spawn("ETag and If-None-Match", etag);
    suite.spawn("CORS for cross-origin embedding", cors);
    suite.spawn("malformed JSON bodies", malformed_json);
    suite.spawn("401 and 403", auth);
    suite.spawn("404 and 405", not_found_and_method);
    suite.spawn("413 on bodies over 8 KiB", body_too_large);
    suite.join().await;
    suite.finish(|edge| edge.dump_log()).await;
}

/// `2026-11-25T17:46:52.123Z`: RFC 3339, UTC, milliseconds, fixed width.
fn assert_timestamp(ts: &str) {
    let shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    let ok = ts.len() == shape.len()
        && ts.chars().zip(shape.chars()).all(|(c, s)| if s == 'd' { c.is_ascii_digit() } else { c == s });
    assert!(ok, "created_at {ts:?} is not like 2026-11-25T17:46:52.123Z");
    assert!(ts >= "2020-01-01", "created_at {ts:?} is in the past");
}

fn ids(posts: &[Post]) -> Vec<String> {
    posts.iter().map(|p| p.id.clone()).collect()
}

async fn static_assets(e: Arc<Edge>) {
    let js = e.get("/widget/gazouillis.js").send().await;
    js.expect(200);
    let ct = js.header("content-type").unwrap_or_default();
    assert!(ct.contains("javascript"), "/widget/gazouillis.js content-type is {ct:?}");
    assert!(!js.body.is_empty(), "/widget/gazouillis.js is empty");
    let home = e.get("/").send().await;
    home.expect(200);
    assert!(home.text().contains("<gazouillis-feed"), "/ (www/index.html) has no <gazouillis-feed>: {}", home.text());
    // Workers assets may redirect `/product.html` to `/product`: follow it.
    let mut product = e.get("/product.html").send().await;
    if (300..400).contains(&product.status) {
        let location = product.header("location").unwrap_or_else(|| panic!("{} without location", product.status));
        assert!(location.starts_with('/'), "/product.html redirects off-site: {location}");
        product = e.get(&location).send().await;
    }
    product.expect(200);
    assert!(
        product.text().contains("post=\"acme-0\""),
        "www/product.html has no conversation of acme-0: {}",
        product.text()
    );
}

async fn accounts(e: Arc<Edge>) {
    let created = e.create_account("acct_one", "Acme Corp", "We make things.").await;
    let expected = Account {
        handle: "acct_one".into(),
        name: "Acme Corp".into(),
        bio: "We make things.".into(),
        followers: 0,
        posts: 0,
    };
    assert_eq!(created, expected, "POST /v1/accounts answer");
    eventually(SETTLE, || async {
        let got = e.account("acct_one").await?;
        ensure_eq!(got, expected, "GET /v1/accounts/acct_one");
        // The edge's MAX_CHARS (140 by default), for the widget's counter.
        let info: AccountInfo = e.get("/v1/accounts/acct_one").send().await.check_json(200)?;
        ensure_eq!(info, AccountInfo { account: expected.clone(), max_chars: 140, turnstile: None, push: false }, "max_chars");
        Ok(())
    })
    .await;

    // A handle is taken even with another name, and stays as it was.
    let again = e.admin(e.post("/v1/accounts")).json(&json!({"handle": "acct_one", "name": "Other", "bio": ""}));
    again.send().await.expect_error(409, "handle_taken");
    assert_eq!(e.account("acct_one").await.unwrap().name, "Acme Corp");

    // bio is optional; the longest handle and name are accepted.
    let no_bio: Account = e
        .admin(e.post("/v1/accounts"))
        .json(&json!({"handle": "nobio", "name": "No Bio"}))
        .send()
        .await
        .expect_json(201);
    assert_eq!(no_bio.bio, "");
    let long_handle = "h".repeat(30);
    let long_name = "N".repeat(40);
    let long = e.create_account(&long_handle, &long_name, "").await;
    assert_eq!((long.handle.as_str(), long.name.as_str()), (long_handle.as_str(), long_name.as_str()));
    e.create_account("a_1_z", "Digits and underscore", "").await;

    for bad in ["", "Acme", "ac-me", "ac me", "é", "../x", "a/b", &"h".repeat(31)] {
        e.admin(e.post("/v1/accounts"))
            .json(&json!({"handle": bad, "name": "Name", "bio": ""}))
            .send()
            .await
            .expect_error(422, "invalid_handle");
    }
    for (i, bad) in ["", "   ", "\n", &"n".repeat(41), "two\nlines", "a\u{202E}b", "nul\u{0}"].iter().enumerate() {
        e.admin(e.post("/v1/accounts"))
            .json(&json!({"handle": format!("badname{i}"), "name": bad, "bio": ""}))
            .send()
            .await
            .expect_error(422, "invalid_name");
    }

    e.get("/v1/accounts/nobody_here").send().await.expect_error(404, "account_not_found");
    e.get("/v1/accounts/Not_A_Handle").send().await.expect_error(404, "account_not_found");
    // Refused creations left nothing behind.
    e.get("/v1/accounts/badname0").send().await.expect_error(404, "account_not_found");
}

async fn posts(e: Arc<Edge>) {
    e.create_account("poster", "Poster", "").await;
    let first = e.create_post("poster", "  Hello, world!  \n").await;
    assert_eq!(first.id, "poster-0", "the first post of an account is {{handle}}-0");
    assert_eq!(first.account, "poster");
    assert_eq!(first.text, "Hello, world!", "post text is stored trimmed");
    assert_eq!(first.replies, 0);
    assert_timestamp(&first.created_at);

    let mut created = vec![first];
    for n in 1..=10u64 {
        let post = e.create_post("poster", &format!("post number {n}")).await;
        assert_eq!(post.id, format!("poster-{}", b36(n)), "ids count in base 36");
        assert_timestamp(&post.created_at);
        assert!(post.created_at >= created.last().unwrap().created_at, "created_at goes back in time");
        created.push(post);
    }
    assert_eq!(created[10].id, "poster-a");

    for post in [&created[0], &created[10]] {
        eventually(SETTLE, || async {
            let got = e.post_of(&post.id).await?;
            ensure_eq!(got, *post, "GET /v1/posts/{}", post.id);
            Ok(())
        })
        .await;
    }
    let newest_first: Vec<Post> = created.iter().rev().cloned().collect();
    eventually(SETTLE, || async {
        let account = e.account("poster").await?;
        ensure_eq!(account.posts, 11, "account posts count");
        let feed = e.feed_all("poster", Some(50)).await?;
        ensure_eq!(feed, newest_first, "the feed, newest first");
        Ok(())
    })
    .await;

    e.admin(e.post("/v1/accounts/nobody_here/posts"))
        .json(&json!({"text": "hi"}))
        .send()
        .await
        .expect_error(404, "account_not_found");
    e.get("/v1/accounts/nobody_here/posts").send().await.expect_error(404, "account_not_found");
}

async fn text_rules(e: Arc<Edge>) {
    e.create_account("texter", "Texter", "").await;
    let post_text = |text: String| {
        let e = e.clone();
        async move { e.admin(e.post("/v1/accounts/texter/posts")).json(&json!({"text": text})).send().await }
    };

    let at_limit = "x".repeat(140);
    assert_eq!(post_text(at_limit.clone()).await.expect_json::<Post>(201).text, at_limit);
    post_text("x".repeat(141)).await.expect_error(422, "text_too_long");
    // Graphemes: one ZWJ family is one character, and so is a letter with its accent.
    let families = "👨‍👩‍👧‍👦".repeat(140);
    assert_eq!(post_text(families.clone()).await.expect_json::<Post>(201).text, families);
    post_text("👨‍👩‍👧‍👦".repeat(141)).await.expect_error(422, "text_too_long");
    let accents = "e\u{301}".repeat(140);
    assert_eq!(post_text(accents.clone()).await.expect_json::<Post>(201).text, accents);
    // Trimmed before counting.
    let padded = format!("{}x{}", " ".repeat(200), "\n".repeat(50));
    assert_eq!(post_text(padded).await.expect_json::<Post>(201).text, "x");
    let lines = "line one\nline two";
    assert_eq!(post_text(lines.into()).await.expect_json::<Post>(201).text, lines);

    for blank in ["", "   ", " \n\t ", "\u{200B}\u{FEFF}\u{200D}"] {
        post_text(blank.into()).await.expect_error(422, "text_empty");
    }
    for invalid in ["a\u{0}b", "bell\u{7}", "abc\u{202E}gpj.exe", "\u{2066}isolate", "esc\u{1b}[31m"] {
        post_text(invalid.into()).await.expect_error(422, "text_invalid");
    }

    let script = "<script>alert(1)</script><b>bold</b> & \"quotes\"";
    let stored: Post = post_text(script.into()).await.expect_json(201);
    assert_eq!(stored.text, script);
    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&stored.id).await?.text, script, "markup is stored verbatim");
        Ok(())
    })
    .await;

    // The same rules for replies.
    let visitor = e.new_session("Text Visitor").await;
    let reply_text = |text: String| {
        let e = e.clone();
        let (token, post) = (visitor.token.clone(), stored.id.clone());
        async move { e.post(&format!("/v1/posts/{post}/replies")).bearer(&token).json(&json!({"text": text})).send().await }
    };
    assert_eq!(reply_text(at_limit.clone()).await.expect_json::<Reply>(201).text, at_limit);
    assert_eq!(reply_text(format!("  {families}\n")).await.expect_json::<Reply>(201).text, families);
    reply_text("y".repeat(141)).await.expect_error(422, "text_too_long");
    reply_text(" \n ".into()).await.expect_error(422, "text_empty");
    reply_text("rtl\u{202D}override".into()).await.expect_error(422, "text_invalid");
    let img = "<img src=x onerror=\"window.__pwned=1\">";
    assert_eq!(reply_text(img.into()).await.expect_json::<Reply>(201).text, img);
}

async fn delete(e: Arc<Edge>) {
    e.create_account("deleter", "Deleter", "").await;
    for n in 0..3 {
        assert_eq!(e.create_post("deleter", &format!("to keep or not {n}")).await.id, format!("deleter-{n}"));
    }
    eventually(SETTLE, || async {
        ensure_eq!(e.account("deleter").await?.posts, 3, "posts count");
        e.post_of("deleter-1").await?;
        Ok(())
    })
    .await;

    let visitor = e.new_session("Not Admin").await;
    // deleter-1 goes with a reply; deleter-3, later, with none.
    e.reply(&visitor.token, "deleter-1", "a reply that goes with its post").await;
    e.delete("/v1/posts/deleter-1").send().await.expect_error(401, "unauthorized");
    e.delete("/v1/posts/deleter-1").bearer(&visitor.token).send().await.expect_error(403, "forbidden");
    let gone = e.admin(e.delete("/v1/posts/deleter-1")).send().await;
    gone.expect(204);
    assert!(gone.body.is_empty(), "204 with a body: {}", gone.text());

    eventually(SETTLE, || async {
        e.get("/v1/posts/deleter-1").send().await.check_error(404, "post_not_found")?;
        ensure_eq!(ids(&e.feed_all("deleter", None).await?), ["deleter-2", "deleter-0"], "feed after delete");
        ensure_eq!(e.account("deleter").await?.posts, 2, "posts count after delete");
        Ok(())
    })
    .await;
    e.admin(e.delete("/v1/posts/deleter-1")).send().await.expect_error(404, "post_not_found");
    e.admin(e.delete("/v1/posts/deleter-zz")).send().await.expect_error(404, "post_not_found");
    e.admin(e.delete("/v1/posts/nope")).send().await.expect_error(400, "invalid_id");
    // A deleted post takes no replies and lists none.
    e.post("/v1/posts/deleter-1/replies")
        .bearer(&visitor.token)
        .json(&json!({"text": "too late"}))
        .send()
        .await
        .expect_error(404, "post_not_found");
    eventually(SETTLE, || async {
        e.get("/v1/posts/deleter-1/replies").send().await.check_error(404, "post_not_found")
    })
    .await;

    // Numbers are never reused, even the newest one's.
    assert_eq!(e.create_post("deleter", "after the delete").await.id, "deleter-3");
    eventually(SETTLE, || async { e.post_of("deleter-3").await.map(drop) }).await;
    e.delete_post("deleter-3").await;
    assert_eq!(e.create_post("deleter", "after deleting the newest").await.id, "deleter-4");
    eventually(SETTLE, || async {
        ensure_eq!(ids(&e.feed_all("deleter", None).await?), ["deleter-4", "deleter-2", "deleter-0"], "feed");
        ensure_eq!(e.account("deleter").await?.posts, 3, "posts count");
        e.get("/v1/posts/deleter-3").send().await.check_error(404, "post_not_found")?;
        Ok(())
    })
    .await;
    // A post deleted without replies lists none either.
    eventually(SETTLE, || async {
        e.get("/v1/posts/deleter-3/replies").send().await.check_error(404, "post_not_found")
    })
    .await;
}

async fn post_ids(e: Arc<Edge>) {
    e.create_account("idacct", "Ids", "").await;
    e.create_post("idacct", "the only post").await;
    let visitor = e.new_session("Id Visitor").await;
    for bad in ["nope", "idacct-01", "Idacct-0", "idacct-", "-0", "idacct-0-", "idacct-1Z", "idacct-zzzzzzzzzzzzzz"] {
        e.get(&format!("/v1/posts/{bad}")).send().await.expect_error(400, "invalid_id");
        e.get(&format!("/v1/posts/{bad}/replies")).send().await.expect_error(400, "invalid_id");
        e.post(&format!("/v1/posts/{bad}/replies"))
            .bearer(&visitor.token)
            .json(&json!({"text": "hi"}))
            .send()
            .await
            .expect_error(400, "invalid_id");
    }
    for unknown in ["idacct-1", "idacct-zz", "ghost-0"] {
        e.get(&format!("/v1/posts/{unknown}")).send().await.expect_error(404, "post_not_found");
        e.get(&format!("/v1/posts/{unknown}/replies")).send().await.expect_error(404, "post_not_found");
        e.post(&format!("/v1/posts/{unknown}/replies"))
            .bearer(&visitor.token)
            .json(&json!({"text": "hi"}))
            .send()
            .await
            .expect_error(404, "post_not_found");
    }
}

async fn feed_pagination(e: Arc<Edge>) {
    const N: u64 = 60;
    e.create_account("pager", "Pager", "").await;
    let mut created = Vec::new();
    for n in 0..N {
        let post = e.create_post("pager", &format!("paged post {n}")).await;
        assert_eq!(post.id, format!("pager-{}", b36(n)));
        created.push(post);
    }
    let newest_first: Vec<Post> = created.iter().rev().cloned().collect();
    eventually(SETTLE, || async {
        ensure_eq!(e.account("pager").await?.posts, N, "posts count");
        let page: PostPage = e.get("/v1/accounts/pager/posts").send().await.check_json(200)?;
        ensure_eq!(page.posts.first().map(|p| p.id.as_str()), Some("pager-1n"), "newest post on the first page");
        Ok(())
    })
    .await;

    // Walks with limit 7 cross the stored page boundary (PAGE_SIZE 50): every
    // post exactly once, newest first, each page at most 7.
    for limit in [Some(7), None, Some(1), Some(50)] {
        let walked = e.feed_all("pager", limit).await.unwrap_or_else(|err| panic!("limit {limit:?}: {err}"));
        let unique: HashSet<&str> = walked.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(unique.len(), walked.len(), "limit {limit:?}: a post came twice: {:?}", ids(&walked));
        assert_eq!(ids(&walked), ids(&newest_first), "limit {limit:?}: walked feed");
        assert_eq!(walked, newest_first, "limit {limit:?}: posts as created");
    }
    let first: PostPage = e.get("/v1/accounts/pager/posts").send().await.expect_json(200);
    assert!(!first.posts.is_empty() && first.posts.len() <= 20, "default limit is 20: got {}", first.posts.len());
    assert!(first.next.is_some(), "a first page of 60 posts has a next cursor");

    for bad in ["0", "51", "-1", "abc", "1.5", "", "99999999999999999999999"] {
        e.get(&format!("/v1/accounts/pager/posts?limit={bad}")).send().await.expect_error(400, "invalid_limit");
    }
    for bad in ["zzzzzzzzzzzzzzzz", "-1", "00", "%00", "1.5", "A"] {
        e.get(&format!("/v1/accounts/pager/posts?cursor={bad}")).send().await.expect_error(400, "invalid_cursor");
    }
}

async fn replies(e: Arc<Edge>) {
    const N: u64 = 60;
    e.create_account("talker", "Talker", "").await;
    let post = e.create_post("talker", "Talk to me").await;
    let (ana, bob) = (e.new_session("Ana").await, e.new_session("Bob").await);

    let first = e.reply(&ana.token, &post.id, "  first!  ").await;
    assert_eq!(first.id, format!("{}-0", post.id), "the first reply of a post is {{post}}-0");
    assert_eq!(first.post, post.id);
    assert_eq!(first.author, ana.visitor, "reply author is the session's visitor");
    assert_eq!(first.text, "first!");
    assert_timestamp(&first.created_at);
    let mut created = vec![first];
    for n in 1..N {
        let who = if n % 2 == 0 { &ana } else { &bob };
        let reply = e.reply(&who.token, &post.id, &format!("reply {n}")).await;
        assert_eq!(reply.id, format!("{}-{}", post.id, b36(n)));
        assert_eq!(reply.author, who.visitor);
        created.push(reply);
    }

    eventually(SETTLE, || async {
        ensure_eq!(e.post_of(&post.id).await?.replies, N, "post replies count");
        let all = e.replies_all(&post.id, Some(50)).await?;
        ensure_eq!(all.len(), created.len(), "replies listed");
        Ok(())
    })
    .await;
    for limit in [Some(7), None, Some(1), Some(50)] {
        let walked = e.replies_all(&post.id, limit).await.unwrap_or_else(|err| panic!("limit {limit:?}: {err}"));
        assert_eq!(walked, created, "limit {limit:?}: every reply once, oldest first");
    }
    let page: ReplyPage = e.get(&format!("/v1/posts/{}/replies", post.id)).send().await.expect_json(200);
    assert!(!page.replies.is_empty() && page.replies.len() <= 20, "default limit is 20: got {}", page.replies.len());
    assert_eq!(page.replies[0], created[0]);

    eventually(SETTLE, || async {
        let feed = e.feed_all("talker", None).await?;
        ensure_eq!(feed.first().map(|p| p.replies), Some(N), "replies count in the feed");
        ensure_eq!(e.account("talker").await?.posts, 1, "replies are not posts");
        Ok(())
    })
    .await;

    let path = format!("/v1/posts/{}/replies", post.id);
    for bad in ["0", "51", "x"] {
        e.get(&format!("{path}?limit={bad}")).send().await.expect_error(400, "invalid_limit");
    }
    for bad in ["-5", "zzzzzzzzzzzzzzzz", "01"] {
        e.get(&format!("{path}?cursor={bad}")).send().await.expect_error(400, "invalid_cursor");
    }
    // An empty post lists no replies.
    let quiet = e.create_post("talker", "Nobody answers").await;
    eventually(SETTLE, || async {
        let page: ReplyPage = e.get(&format!("/v1/posts/{}/replies", quiet.id)).send().await.check_json(200)?;
        ensure_eq!(page, ReplyPage { replies: vec![], next: None }, "replies of a new post");
        Ok(())
    })
    .await;
}

async fn sessions(e: Arc<Edge>) {
    let created = e.post("/v1/session").json(&json!({"name": "Marie"})).send().await;
    let marie: Session = created.expect_json(201);
    assert!(is_visitor_id(&marie.visitor.id), "visitor id {:?} is not 16 hex digits", marie.visitor.id);
    assert_eq!(marie.visitor.name, "Marie");
    assert!(!marie.token.is_empty());
    let other = e.new_session("Marie").await;
    assert_ne!(other.visitor.id, marie.visitor.id, "two sessions, two visitors");
    assert_ne!(other.token, marie.token);

    assert_eq!(e.new_session("  Zoé  ").await.visitor.name, "Zoé", "names are trimmed");
    let forty = "n".repeat(40);
    assert_eq!(e.new_session(&forty).await.visitor.name, forty);
    let emoji = "👨‍👩‍👧".repeat(40);
    assert_eq!(e.new_session(&emoji).await.visitor.name, emoji, "40 graphemes is a valid name");
    for bad in ["", "   ", &"n".repeat(41), "two\nlines", "\u{202E}evil", "\u{200B}"] {
        e.post("/v1/session").json(&json!({"name": bad})).send().await.expect_error(422, "invalid_name");
    }

    // The token works on visitor routes.
    let timeline: PostPage = e.get("/v1/timeline").bearer(&marie.token).send().await.expect_json(200);
    assert_eq!(timeline, PostPage { posts: vec![], next: None }, "a new visitor's timeline is empty");
}

async fn follow(e: Arc<Edge>) {
    e.create_account("followed", "Followed", "").await;
    let (a, b) = (e.new_session("A").await, e.new_session("B").await);
    let state = |following, followers| FollowState { following, followers };

    // GET follow is a read view: the new account shows there a little later.
    eventually(SETTLE, || async {
        ensure_eq!(e.follow_state(&a.token, "followed").await?, state(false, 0), "before following");
        Ok(())
    })
    .await;
    assert_eq!(e.follow(&a.token, "followed").await, state(true, 1));
    assert_eq!(e.follow(&a.token, "followed").await, state(true, 1), "following twice counts once");
    eventually(SETTLE, || async {
        ensure_eq!(e.follow_state(&a.token, "followed").await?, state(true, 1), "A's follow state");
        ensure_eq!(e.follow_state(&b.token, "followed").await?, state(false, 1), "B's follow state");
        ensure_eq!(e.account("followed").await?.followers, 1, "followers");
        Ok(())
    })
    .await;

    assert_eq!(e.follow(&b.token, "followed").await, state(true, 2));
    assert_eq!(e.unfollow(&a.token, "followed").await, state(false, 1));
    assert_eq!(e.unfollow(&a.token, "followed").await, state(false, 1), "unfollowing twice counts once");
    eventually(SETTLE, || async {
        ensure_eq!(e.follow_state(&a.token, "followed").await?, state(false, 1), "A's follow state");
        ensure_eq!(e.follow_state(&b.token, "followed").await?, state(true, 1), "B's follow state");
        ensure_eq!(e.account("followed").await?.followers, 1, "followers");
        Ok(())
    })
    .await;
    // Unfollowing what one never followed changes nothing.
    let c = e.new_session("C").await;
    assert_eq!(e.unfollow(&c.token, "followed").await, state(false, 1));

    for method in [Method::GET, Method::PUT, Method::DELETE] {
        e.req(method.clone(), "/v1/accounts/nobody_here/follow")
            .bearer(&a.token)
            .send()
            .await
            .expect_error(404, "account_not_found");
    }
}

async fn timeline(e: Arc<Edge>) {
    for handle in ["tl_x", "tl_y", "tl_z"] {
        e.create_account(handle, handle, "").await;
    }
    let mut followed = Vec::new();
    let mut z_posts = Vec::new();
    for (n, handle) in ["tl_x", "tl_y", "tl_z", "tl_x", "tl_y", "tl_z", "tl_x"].iter().enumerate() {
        let post = e.create_post(handle, &format!("timeline post {n} by {handle}")).await;
        if *handle == "tl_z" { z_posts.push(post) } else { followed.push(post) }
    }
    let visitor = e.new_session("Reader").await;
    e.follow(&visitor.token, "tl_x").await;
    e.follow(&visitor.token, "tl_y").await;

    let check_newest_first = |posts: &[Post], expected: &[Post]| -> Result<(), String> {
        let got: HashSet<&str> = posts.iter().map(|p| p.id.as_str()).collect();
        let want: HashSet<&str> = expected.iter().map(|p| p.id.as_str()).collect();
        ensure!(got.len() == posts.len(), "a post came twice: {:?}", ids(posts));
        ensure_eq!(got, want, "timeline posts");
        ensure!(
            posts.windows(2).all(|w| w[0].created_at >= w[1].created_at),
            "timeline is not newest first: {:?}",
            posts.iter().map(|p| (&p.id, &p.created_at)).collect::<Vec<_>>()
        );
        Ok(())
    };
    eventually(SETTLE, || async {
        let all = e.timeline_all(&visitor.token, Some(50)).await?;
        check_newest_first(&all, &followed)?;
        ensure!(!all.iter().any(|p| p.account == "tl_z"), "posts of an account not followed");
        Ok(())
    })
    .await;
    let sorted = e.timeline_all(&visitor.token, Some(50)).await.unwrap();
    for limit in [Some(1), Some(2), None] {
        let walked = e.timeline_all(&visitor.token, limit).await.unwrap_or_else(|err| panic!("limit {limit:?}: {err}"));
        assert_eq!(ids(&walked), ids(&sorted), "limit {limit:?}: walked timeline");
    }
    let page: PostPage = e.get("/v1/timeline?limit=2").bearer(&visitor.token).send().await.expect_json(200);
    assert_eq!(page.posts.len(), 2);
    assert!(page.next.is_some(), "5 posts with limit 2 have a next page");

    // New posts arrive; an unfollowed account's posts leave.
    let newest = e.create_post("tl_y", "a new one").await;
    followed.push(newest.clone());
    eventually(SETTLE, || async {
        let all = e.timeline_all(&visitor.token, None).await?;
        ensure_eq!(all.first().map(|p| p.id.clone()), Some(newest.id.clone()), "newest post first");
        check_newest_first(&all, &followed)
    })
    .await;
    e.unfollow(&visitor.token, "tl_y").await;
    let only_x: Vec<Post> = followed.iter().filter(|p| p.account == "tl_x").cloned().collect();
    eventually(SETTLE, || async {
        let all = e.timeline_all(&visitor.token, None).await?;
        check_newest_first(&all, &only_x)
    })
    .await;

    for bad in ["0", "51", "many"] {
        e.get(&format!("/v1/timeline?limit={bad}"))
            .bearer(&visitor.token)
            .send()
            .await
            .expect_error(400, "invalid_limit");
    }
    e.get("/v1/timeline?cursor=-1").bearer(&visitor.token).send().await.expect_error(400, "invalid_cursor");
    assert_eq!(z_posts.len(), 2);
}

async fn etag(e: Arc<Edge>) {
    e.create_account("etagger", "ETagger", "").await;
    e.create_post("etagger", "one").await;
    e.create_post("etagger", "two").await;
    let path = "/v1/accounts/etagger/posts";
    let first = eventually(SETTLE, || async {
        let resp = e.get(path).send().await;
        let page: PostPage = resp.check_json(200)?;
        ensure_eq!(page.posts.len(), 2, "posts in the feed");
        Ok(resp)
    })
    .await;
    let tag = first.header("etag").unwrap_or_else(|| panic!("GET {path} has no ETag: {:?}", first.headers));

    let same = e.get(path).header("if-none-match", &tag).send().await;
    same.expect(304);
    assert!(same.body.is_empty(), "304 with a body: {}", same.text());
    e.get(path).header("if-none-match", "\"not-the-tag\"").send().await.expect(200);

    e.create_post("etagger", "three").await;
    let changed = eventually(SETTLE, || async {
        let resp = e.get(path).header("if-none-match", &tag).send().await;
        let page: PostPage = resp.check_json(200)?;
        ensure_eq!(page.posts.len(), 3, "posts after a new one");
        Ok(resp)
    })
    .await;
    let new_tag = changed.header("etag").expect("ETag on the changed feed");
    assert_ne!(new_tag, tag, "the ETag changes with the content");
    e.get(path).header("if-none-match", &new_tag).send().await.expect(304);
}

async fn cors(e: Arc<Edge>) {
    let origin = "http://shop.example";
    let lower = |v: Option<String>| v.unwrap_or_default().to_ascii_lowercase();
    let allows_origin = |v: Option<String>| matches!(v.as_deref(), Some("*") | Some("http://shop.example"));

    for (method, path, headers) in [
        ("POST", "/v1/posts/acme-0/replies", "authorization, content-type"),
        ("PUT", "/v1/accounts/acme/follow", "authorization"),
        ("DELETE", "/v1/accounts/acme/follow", "authorization"),
        ("GET", "/v1/accounts/acme/posts", "if-none-match"),
        ("POST", "/v1/session", "content-type"),
    ] {
        let pre = e
            .req(Method::OPTIONS, path)
            .header("origin", origin)
            .header("access-control-request-method", method)
            .header("access-control-request-headers", headers)
            .send()
            .await;
        assert!((200..300).contains(&pre.status), "preflight {method} {path}: {}", pre.status);
        assert!(
            allows_origin(pre.header("access-control-allow-origin")),
            "preflight {method} {path}: {:?}",
            pre.headers
        );
        let methods = lower(pre.header("access-control-allow-methods"));
        assert!(methods.contains(&method.to_ascii_lowercase()), "preflight allows methods {methods:?}, not {method}");
        let allowed = lower(pre.header("access-control-allow-headers"));
        for h in headers.split(", ") {
            assert!(allowed.contains(h), "preflight {method} {path} allows headers {allowed:?}, not {h}");
        }
    }

    e.create_account("corsy", "Corsy", "").await;
    let feed = eventually(SETTLE, || async {
        let resp = e.get("/v1/accounts/corsy/posts").header("origin", origin).send().await;
        resp.check(200)?;
        Ok(resp)
    })
    .await;
    assert!(allows_origin(feed.header("access-control-allow-origin")), "feed CORS: {:?}", feed.headers);
    let exposed = lower(feed.header("access-control-expose-headers"));
    assert!(exposed.contains("etag") || exposed == "*", "the widget cannot read the ETag cross-origin: {exposed:?}");
    let missing = e.get("/v1/accounts/nobody_here").header("origin", origin).send().await;
    missing.expect_error(404, "account_not_found");
    assert!(
        allows_origin(missing.header("access-control-allow-origin")),
        "errors need CORS too: {:?}",
        missing.headers
    );

    // The widget's module script and wasm load cross-origin (module scripts are CORS requests).
    let widget_dir = gazouillis_tests::repo_root().join("edge/public/widget");
    let files: Vec<String> = std::fs::read_dir(&widget_dir)
        .unwrap_or_else(|err| panic!("{}: {err}", widget_dir.display()))
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".js") || name.ends_with(".wasm"))
        .collect();
    assert!(files.iter().any(|f| f.ends_with(".wasm")), "no .wasm in {}: {files:?}", widget_dir.display());
    for file in files {
        let resp = e.get(&format!("/widget/{file}")).header("origin", origin).send().await;
        resp.expect(200);
        assert!(
            allows_origin(resp.header("access-control-allow-origin")),
            "/widget/{file} cannot be loaded cross-origin: no access-control-allow-origin in {:?}",
            resp.headers
        );
        if file.ends_with(".wasm") {
            let ct = resp.header("content-type").unwrap_or_default();
            assert!(ct.starts_with("application/wasm"), "/widget/{file} content-type {ct:?}");
        }
    }
}

async fn malformed_json(e: Arc<Edge>) {
    e.create_account("jsonacct", "Json", "").await;
    let post = e.create_post("jsonacct", "json target").await;
    let visitor = e.new_session("Json Visitor").await;
    let admin = e.admin_token().to_owned();
    let routes: [(&str, String, Option<&str>, &[&str]); 4] = [
        (
            "accounts",
            "/v1/accounts".into(),
            Some(&admin),
            &[
                r#"{"handle":"x1","name":"X","bio":"","admin":true}"#,
                r#"{"handle":"x2"}"#,
                r#"{"name":"X"}"#,
                r#"{"handle":1,"name":"X"}"#,
                r#"{"handle":"x3","name":["X"]}"#,
                r#"{"handle":"x4","name":"X","bio":null}"#,
            ],
        ),
        (
            "posts",
            "/v1/accounts/jsonacct/posts".into(),
            Some(&admin),
            &[r#"{}"#, r#"{"text":1}"#, r#"{"text":null}"#, r#"{"text":"hi","extra":1}"#, r#"{"Text":"hi"}"#],
        ),
        (
            "replies",
            format!("/v1/posts/{}/replies", post.id),
            Some(&visitor.token),
            &[r#"{}"#, r#"{"text":true}"#, r#"{"text":"hi","author":"admin"}"#],
        ),
        ("session", "/v1/session".into(), None, &[r#"{}"#, r#"{"name":1}"#, r#"{"name":"x","id":"0123456789abcdef"}"#]),
    ];
    for (what, path, token, specific) in routes {
        let generic = ["", "{", "not json", "null", "[]", "\"text\"", "{\"text\":\"unterminated}"];
        for body in generic.iter().chain(specific.iter()) {
            let mut req = e.post(&path).raw(body.as_bytes().to_vec());
            if let Some(token) = token {
                req = req.bearer(token);
            }
            let resp = req.send().await;
            if let Err(err) = resp.check_error(400, "malformed_json") {
                panic!("{what} with body {body:?}: {err}");
            }
        }
    }
    // Nothing was created by refused bodies.
    e.get("/v1/accounts/x1").send().await.expect_error(404, "account_not_found");
    eventually(SETTLE, || async {
        ensure_eq!(e.account("jsonacct").await?.posts, 1, "posts count");
        ensure_eq!(e.post_of(&post.id).await?.replies, 0, "replies count");
        Ok(())
    })
    .await;
}

async fn auth(e: Arc<Edge>) {
    e.create_account("authacct", "Auth", "").await;
    let post = e.create_post("authacct", "auth target").await;
    let visitor = e.new_session("Auth Visitor").await;
    let admin = e.admin_token().to_owned();

    // Altered in its first character: the signed claims no longer match.
    let tampered = format!("{}{}", if visitor.token.starts_with('e') { 'f' } else { 'e' }, &visitor.token[1..]);
    let mut wrong_admin = admin.clone();
    wrong_admin.pop();
    wrong_admin.push('x');
    let bad_headers = [
        None,
        Some("Bearer".to_owned()),
        Some("Bearer ".to_owned()),
        Some("Bearer nope".to_owned()),
        Some(format!("Basic {admin}")),
        Some(format!("bearer{admin}")),
        Some(format!("Bearer {wrong_admin}")),
        Some(format!("Bearer {tampered}")),
        Some(format!("Bearer {}", "a".repeat(3000))),
    ];
    let text = json!({"text": "hello"});
    let admin_routes: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::POST, "/v1/accounts".into(), Some(json!({"handle": "sneaky", "name": "Sneaky"}))),
        (Method::POST, "/v1/accounts/authacct/posts".into(), Some(text.clone())),
        (Method::DELETE, format!("/v1/posts/{}", post.id), None),
    ];
    // Visitors and the brand both reply (see trust.rs); only visitors follow.
    let reply_route = (Method::POST, format!("/v1/posts/{}/replies", post.id), Some(text.clone()));
    let visitor_routes: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, "/v1/accounts/authacct/follow".into(), None),
        (Method::PUT, "/v1/accounts/authacct/follow".into(), None),
        (Method::DELETE, "/v1/accounts/authacct/follow".into(), None),
        (Method::GET, "/v1/timeline".into(), None),
    ];
    for (method, path, body) in admin_routes.iter().chain(&visitor_routes).chain([&reply_route]) {
        for header in &bad_headers {
            let mut req = e.req(method.clone(), path);
            if let Some(header) = header {
                req = req.header("authorization", header);
            }
            if let Some(body) = body {
                req = req.json(body);
            }
            if let Err(err) = req.send().await.check_error(401, "unauthorized") {
                panic!("Authorization {header:?}: {err}");
            }
        }
    }
    // The wrong kind of valid token is forbidden.
    for (method, path, body) in &admin_routes {
        let mut req = e.req(method.clone(), path).bearer(&visitor.token);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect_error(403, "forbidden");
    }
    for (method, path, body) in &visitor_routes {
        let mut req = e.req(method.clone(), path).bearer(&admin);
        if let Some(body) = body {
            req = req.json(body);
        }
        req.send().await.expect_error(403, "forbidden");
    }
    // None of it had an effect.
    e.get("/v1/accounts/sneaky").send().await.expect_error(404, "account_not_found");
    eventually(SETTLE, || async {
        let account = e.account("authacct").await?;
        ensure_eq!((account.posts, account.followers), (1, 0), "(posts, followers)");
        ensure_eq!(e.post_of(&post.id).await?.replies, 0, "replies");
        Ok(())
    })
    .await;
}

async fn not_found_and_method(e: Arc<Edge>) {
    e.create_account("routes", "Routes", "").await;
    let post = e.create_post("routes", "route target").await;
    let patch = Method::PATCH;
    for path in [
        "/v1/accounts".to_owned(),
        "/v1/accounts/routes".into(),
        "/v1/accounts/routes/posts".into(),
        "/v1/accounts/routes/follow".into(),
        format!("/v1/posts/{}", post.id),
        format!("/v1/posts/{}/replies", post.id),
        "/v1/session".into(),
        "/v1/timeline".into(),
    ] {
        e.req(patch.clone(), &path).send().await.expect_error(405, "method_not_allowed");
    }
    for (method, path) in [
        (Method::PUT, "/v1/accounts".to_owned()),
        (Method::DELETE, "/v1/accounts/routes".into()),
        (Method::PUT, format!("/v1/posts/{}", post.id)),
        (Method::DELETE, format!("/v1/posts/{}/replies", post.id)),
        (Method::GET, "/v1/session".into()),
        (Method::POST, "/v1/timeline".into()),
    ] {
        e.req(method, &path).send().await.expect_error(405, "method_not_allowed");
    }
    for path in ["/v1/nope", "/v1/accounts/routes/nope", &format!("/v1/posts/{}/nope", post.id), "/v1/", "/v1/posts"] {
        e.get(path).send().await.expect_error(404, "not_found");
    }
}

async fn body_too_large(e: Arc<Edge>) {
    e.create_account("bigacct", "Big", "").await;
    let post = e.create_post("bigacct", "big target").await;
    let visitor = e.new_session("Big Visitor").await;
    // A JSON body of exactly `len` bytes holding one long string field.
    let body = |field: &str, len: usize| {
        let frame = format!("{{\"{field}\":\"\"}}").len();
        format!("{{\"{field}\":\"{}\"}}", "a".repeat(len - frame))
    };
    let limit = gazouillis_protocol::limits::MAX_BODY_BYTES;
    assert_eq!(body("text", limit).len(), limit);

    let posts = "/v1/accounts/bigacct/posts";
    let replies = format!("/v1/posts/{}/replies", post.id);
    e.admin(e.post(posts)).raw(body("text", limit + 1)).send().await.expect_error(413, "body_too_large");
    e.admin(e.post(posts)).raw(body("text", 64 * 1024)).send().await.expect_error(413, "body_too_large");
    e.post(&replies)
        .bearer(&visitor.token)
        .raw(body("text", limit + 1))
        .send()
        .await
        .expect_error(413, "body_too_large");
    e.post("/v1/session").raw(body("name", 20_000)).send().await.expect_error(413, "body_too_large");
    e.admin(e.post("/v1/accounts")).raw(body("bio", 9000)).send().await.expect_error(413, "body_too_large");
    // At the limit the body is read, and the text judged.
    e.admin(e.post(posts)).raw(body("text", limit)).send().await.expect_error(422, "text_too_long");
    e.post(&replies).bearer(&visitor.token).raw(body("text", limit)).send().await.expect_error(422, "text_too_long");
}
