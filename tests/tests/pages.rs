//! The edge's server-rendered HTML against the real Worker and Chromium: a
//! post's page (`/@{handle}/{number}`), the embeddable fragments
//! (`/embed/{handle}`, `/embed/{handle}/{number}`) and oEmbed. They pass the
//! Nu HTML Checker; they show their posts and replies with JavaScript off;
//! the page's head and JSON-LD say what the post is; hostile text stays
//! inert; the widget takes a fragment over with no flash and nothing twice,
//! then stays live; and its links (hashtags, mentions, a post's time) are
//! the fragment's. A widget with no server-rendered view gets the fragment
//! from the edge (the loader does), shows it, and only then fetches the wasm.

use gazouillis_protocol::Post;
use gazouillis_protocol::site::query_component;
use gazouillis_tests::html::{html_problems, in_document};
use gazouillis_tests::www::{WwwServer, widget_page};
use gazouillis_tests::{Browser, Edge, SETTLE, Suite, ensure, ensure_eq, eventually, repo_root};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;

/// How long the widget may take to load and take over, on a loaded machine.
const WIDGET: Duration = Duration::from_secs(40);
const RICH: &str = "Le vélo #Été2026 chez @Acme : https://acme.example/velo";
/// [`RICH`] as shown: its link short.
const RICH_SHOWN: &str = "Le vélo #Été2026 chez @Acme : acme.example/velo";
const HOSTILE: &str = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script> \"q\" & ]]> </template> שלום";

struct Ctx {
    edge: Edge,
    www: WwwServer,
    browser: Browser,
    /// acme's posts: welcome, rich (two replies), hostile (one).
    posts: [Post; 3],
}

impl Ctx {
    fn page_of(&self, post: &Post) -> String {
        format!("{}/@acme/{}", self.edge.base_url(), post.id.trim_start_matches("acme-"))
    }

    async fn html(&self, path_or_url: &str) -> String {
        let path = path_or_url.trim_start_matches(&self.edge.base_url()).to_owned();
        let answer = self.edge.get(&path).send().await;
        answer.expect(200);
        assert_eq!(answer.header("content-type").as_deref(), Some("text/html; charset=utf-8"), "{path}");
        answer.text()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages() {
    let e = Edge::start().await;
    e.create_account("acme", "Acme", "Des vélos <em>pour tous</em>").await;
    let welcome = e.create_post("acme", "Bienvenue !").await;
    let rich = e.create_post("acme", RICH).await;
    let hostile = e.create_post("acme", HOSTILE).await;
    let ana = e.new_session("Ana <b>").await;
    e.reply(&ana.token, &rich.id, "J'adore #Été2026").await;
    e.admin_post(&format!("/v1/posts/{}/replies", rich.id), &json!({"text": "Merci Ana !"})).await.expect(201);
    e.reply(&ana.token, &hostile.id, HOSTILE).await;
    eventually(SETTLE, || async {
        let posts = e.feed_all("acme", None).await?;
        ensure_eq!(posts.iter().map(|p| p.replies).collect::<Vec<_>>(), vec![1, 2, 0], "the public feed with its reply counts");
        Ok(())
    })
    .await;
    let www = WwwServer::start(&repo_root().join("www"), &e.base_url());
    let browser = Browser::start().await;
    let mut suite = Suite::new("pages", Ctx { edge: e, www, browser, posts: [welcome, rich, hostile] });
    suite.step("the post pages and the fragments pass the Nu HTML Checker", valid_html).await;
    suite.step("a post's page: title, description, canonical, Open Graph, Twitter Card, feeds, oEmbed, JSON-LD", head_and_json_ld).await;
    suite.step("with JavaScript off, the page and a fragment show their posts and replies", without_scripts).await;
    suite.step("the account's page and its search, where hashtags and mentions link", account_and_search).await;
    suite.step("oEmbed: a rich embed for a post's page; other addresses and formats refused", oembed).await;
    suite.step("hostile text stays inert in every page and fragment", hostile_text).await;
    suite.step("the widget takes the fragment over: no flash, nothing twice, then live; its links are the fragment's", takeover).await;
    suite.step("a widget with no server-rendered view shows the edge's first view before fetching the wasm", first_view_before_wasm).await;
    suite.finish(|ctx| ctx.edge.dump_log()).await;
}

async fn valid_html(ctx: Arc<Ctx>) {
    let [_, rich, hostile] = &ctx.posts;
    let documents = [
        ("rich post's page", ctx.html(&ctx.page_of(rich)).await),
        ("hostile post's page", ctx.html(&ctx.page_of(hostile)).await),
        ("feed fragment", in_document(&ctx.html("/embed/acme").await)),
        ("account's page", ctx.html("/@acme").await),
        ("search page", ctx.html("/@acme/search?q=%23%C3%89t%C3%A92026").await),
        ("hostile search page", ctx.html(&format!("/@acme/search?q={}", query_component(HOSTILE))).await),
        ("conversation fragment", in_document(&ctx.html(&format!("/embed/acme/{}", rich.id.trim_start_matches("acme-"))).await)),
    ];
    let problems = html_problems(&documents);
    assert!(problems.is_empty(), "the Nu HTML Checker:\n{}", problems.join("\n"));
    // The checker is a real check: it refuses a broken document.
    let broken = html_problems(&[("broken", "<!DOCTYPE html><html><p>no head, no title, no lang".to_owned())]);
    assert!(!broken.is_empty(), "a broken document passed the checker");
}

/// What a reader with no script (or a crawler) gets of a page: its head's
/// facts, its JSON-LD, and what its `<gazouillis-feed>` shows.
const READ_PAGE: &str = "
    const meta = name => { const m = document.querySelector(`meta[name=\"${name}\"], meta[property=\"${name}\"]`); return m && m.content; };
    const link = rel => [...document.querySelectorAll(`link[rel=\"${rel}\"]`)].map(l => ({type: l.type || null, href: l.href}));
    const root = document.querySelector('gazouillis-feed').shadowRoot;
    const ld = document.querySelector('script[type=\"application/ld+json\"]');
    return {
        title: document.title,
        lang: document.documentElement.lang,
        description: meta('description'),
        canonical: link('canonical'),
        alternate: link('alternate'),
        og: {type: meta('og:type'), title: meta('og:title'), url: meta('og:url'), description: meta('og:description')},
        twitter: meta('twitter:card'),
        ld: ld && JSON.parse(ld.textContent),
        shown: root && {
            posts: [...root.querySelectorAll('.gz-post-text')].map(p => p.textContent),
            replies: [...root.querySelectorAll('.gz-reply-text')].map(p => p.textContent),
            authors: [...root.querySelectorAll('.gz-reply-author')].map(p => p.textContent),
            height: root.querySelector('.gz').getBoundingClientRect().height,
        },
        pwned: window.pwned === 1,
    };";

async fn head_and_json_ld(ctx: Arc<Ctx>) {
    let rich = &ctx.posts[1];
    let tab = ctx.browser.new_context_without_scripts().await;
    let page = ctx.page_of(rich);
    tab.goto(&format!("{page}?lang=fr")).await;
    let read = tab.js(READ_PAGE, vec![]).await.unwrap();
    let base = ctx.edge.base_url();
    assert_eq!(read["lang"], "fr");
    assert_eq!(read["title"], json!(format!("Acme (@acme) : “{RICH}”")));
    assert_eq!(read["description"], json!(RICH));
    assert_eq!(read["canonical"], json!([{"type": null, "href": page}]));
    let feeds: Vec<&str> = read["alternate"].as_array().unwrap().iter().filter_map(|l| l["type"].as_str()).collect();
    assert_eq!(feeds, ["application/atom+xml", "application/rss+xml", "application/feed+json", "application/json+oembed"]);
    assert_eq!(read["alternate"][0]["href"], json!(format!("{base}/@acme/feed.atom")));
    assert_eq!(read["og"], json!({"type": "article", "title": read["title"], "url": page, "description": RICH}));
    assert_eq!(read["twitter"], "summary");
    let ld = &read["ld"];
    assert_eq!((&ld["@context"], &ld["@type"], &ld["url"]), (&json!("https://schema.org"), &json!("SocialMediaPosting"), &json!(page)));
    assert_eq!((&ld["articleBody"], &ld["datePublished"], &ld["commentCount"]), (&json!(RICH), &json!(rich.created_at), &json!(2)));
    assert_eq!(ld["author"], json!({"@type": "Organization", "name": "Acme", "url": format!("{base}/@acme")}));
    let comments = ld["comment"].as_array().unwrap();
    assert_eq!(comments.iter().map(|c| (c["@type"].as_str(), c["author"]["@type"].as_str(), c["text"].as_str())).collect::<Vec<_>>(), [
        (Some("Comment"), Some("Person"), Some("J'adore #Été2026")),
        (Some("Comment"), Some("Organization"), Some("Merci Ana !")),
    ]);
    // A post with pictures unfurls with the first one.
    let e = &ctx.edge;
    e.create_account("shop", "Shop", "").await;
    let bike = std::fs::read(repo_root().join("tests/fixtures/images/bike.png")).expect("fixture picture");
    let uploaded: Value = e.admin(e.post("/v1/accounts/shop/media")).raw(bike).send().await.expect_json(201);
    let body = json!({"text": "Le Randonneur", "images": [{"id": uploaded["id"], "alt": "Un vélo bleu"}]});
    let pictured: Post = e.admin_post("/v1/accounts/shop/posts", &body).await.expect_json(201);
    let picture = format!("{base}/media/shop/{}", uploaded["id"].as_str().unwrap());
    tab.goto(&format!("{base}/@shop/{}", pictured.id.trim_start_matches("shop-"))).await;
    let read = tab
        .js("const meta = name => document.querySelector(`meta[name=\"${name}\"], meta[property=\"${name}\"]`).content;
             return [meta('twitter:card'), meta('og:image'), meta('og:image:alt'), meta('og:image:width'), meta('twitter:image'),
                     JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').textContent).image];", vec![])
        .await
        .unwrap();
    assert_eq!(read, json!(["summary_large_image", picture, "Un vélo bleu", "40", picture, [picture]]));
    tab.close().await;
}

async fn without_scripts(ctx: Arc<Ctx>) {
    let rich = &ctx.posts[1];
    let tab = ctx.browser.new_context_without_scripts().await;
    tab.goto(&ctx.page_of(rich)).await;
    let read = tab.js(READ_PAGE, vec![]).await.unwrap();
    assert_eq!(read["shown"]["posts"], json!([RICH_SHOWN]), "{read}");
    assert_eq!(read["shown"]["replies"], json!(["J'adore #Été2026", "Merci Ana !"]));
    assert_eq!(read["shown"]["authors"], json!(["Ana <b>", "Acme"]));
    assert!(read["shown"]["height"].as_f64().unwrap() > 100.0, "painted: {read}");
    let forms = "const root = document.querySelector('gazouillis-feed').shadowRoot;
        return [getComputedStyle(root.querySelector('.gz-reply-box')).display, getComputedStyle(root.querySelector('.gz-follow-form')).visibility];";
    assert_eq!(tab.js(forms, vec![]).await.unwrap(), json!(["none", "hidden"]), "with JavaScript off, no reply box nor Follow to press");
    // A site includes the feed fragment in its own page, on its server.
    let fragment = ctx.html("/embed/acme?lang=fr").await;
    ctx.www.add_page("/test/included.html", &widget_page("", &fragment));
    tab.goto(&format!("{}/test/included.html", ctx.www.origin())).await;
    let read = tab.js(READ_PAGE, vec![]).await.unwrap();
    assert_eq!(read["shown"]["posts"], json!([HOSTILE, RICH_SHOWN, "Bienvenue !"]), "{read}");
    let wasm = tab.js("return performance.getEntriesByType('resource').filter(r => r.name.endsWith('.wasm')).length;", vec![]).await.unwrap();
    assert_eq!(wasm, json!(0));
    tab.close().await;
    // axe needs scripts: it reads the server's view on a page without the widget's script.
    let conversation = ctx.html(&format!("/embed/acme/{}?lang=fr", rich.id.trim_start_matches("acme-"))).await;
    let page = format!("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Vélos</title></head><body><main>{fragment}{conversation}</main></body></html>");
    ctx.www.add_page("/test/server-view.html", &page);
    let tab = ctx.browser.new_context().await;
    tab.goto(&format!("{}/test/server-view.html", ctx.www.origin())).await;
    let violations = tab.axe().await.unwrap();
    assert!(violations.is_empty(), "axe on the server's views: {violations:?}");
    tab.close().await;
}

async fn account_and_search(ctx: Arc<Ctx>) {
    let tab = ctx.browser.new_context_without_scripts().await;
    tab.goto(&format!("{}/@acme?lang=fr", ctx.edge.base_url())).await;
    let read = tab.js(READ_PAGE, vec![]).await.unwrap();
    assert_eq!(read["title"], json!("Acme (@acme)"));
    assert_eq!(read["shown"]["posts"], json!([HOSTILE, RICH_SHOWN, "Bienvenue !"]), "{read}");
    // Where the rich post's hashtag leads: the post, and Ana's reply that has it too.
    let tag = tab.js("return document.querySelector('gazouillis-feed').shadowRoot.querySelector('a.gz-tag').href;", vec![]).await.unwrap();
    tab.goto(tag.as_str().unwrap()).await;
    let results = "return {title: document.title, q: document.querySelector('input[name=q]').value,
        found: [...document.querySelectorAll('ol li')].map(li => li.querySelector('p').textContent)};";
    assert_eq!(tab.js(results, vec![]).await.unwrap(), json!({
        "title": format!("“#Été2026” · Acme"), "q": "#Été2026", "found": ["J'adore #Été2026", RICH_SHOWN],
    }));
    // The search form works without a script.
    tab.goto(&format!("{}/@acme/search", ctx.edge.base_url())).await;
    tab.page().type_text("input[name=q]", "bienvenue").await.unwrap();
    tab.js("document.querySelector('form[role=search]').submit(); return true;", vec![]).await.unwrap();
    eventually(SETTLE, || async {
        ensure_eq!(tab.js(results, vec![]).await?["found"], json!(["Bienvenue !"]), "found by the form");
        Ok(())
    })
    .await;
    tab.close().await;
    // A mention of a handle no account has leads to a page that says so (as the API's 404s, in words).
    for (path, words) in [
        ("/@ghost?lang=fr", "Ce compte n’existe pas."),
        ("/@ghost/search?q=x", "No such account."),
        ("/@acme/zz9", "No such post."),
        ("/@acme/1/more", "Nothing here."),
        ("/@Not-A-Handle", "No such account."),
    ] {
        let answer = ctx.edge.get(path).send().await;
        assert_eq!((answer.status, answer.header("content-type").as_deref()), (404, Some("text/html; charset=utf-8")), "{path}");
        assert!(answer.text().contains(&format!("<h1>{words}</h1>")), "{path}: {}", answer.text());
    }
}

async fn oembed(ctx: Arc<Ctx>) {
    let e = &ctx.edge;
    let rich = &ctx.posts[1];
    let page = ctx.page_of(rich);
    let query = |url: &str| format!("/oembed?url={}", query_component(url));
    let embed: Value = e.get(&query(&page)).send().await.expect_json(200);
    assert_eq!((&embed["version"], &embed["type"], &embed["author_name"]), (&json!("1.0"), &json!("rich"), &json!("Acme")));
    assert_eq!(embed["author_url"], json!(format!("{}/@acme", e.base_url())));
    let html = embed["html"].as_str().unwrap();
    assert!(html.starts_with(&format!("<gazouillis-feed account=\"acme\" post=\"{}\" api=\"{}\">", rich.id, e.base_url())), "{html}");
    assert!(html.ends_with(&format!("<script type=\"module\" src=\"{}/widget/gazouillis.js\"></script>", e.base_url())), "{html}");
    // The page says where its oEmbed is.
    let discovered = ctx.html(&page).await;
    assert!(discovered.contains(&format!("type=\"application/json+oembed\" href=\"{}{}\"", e.base_url(), query(&page).replace('&', "&amp;"))), "{discovered}");
    e.get(&query("https://elsewhere.example/@acme/1")).send().await.expect_error(404, "not_found");
    e.get(&query(&format!("{}/@acme/zz9", e.base_url()))).send().await.expect_error(404, "post_not_found");
    e.get(&format!("{}&format=xml", query(&page))).send().await.expect_error(501, "unsupported_format");
    e.get("/oembed").send().await.expect_error(400, "bad_request");
    // A conversation's fragment is also named by the post's whole id, as the widget's `post` attribute spells it.
    let by_id = ctx.html(&format!("/embed/acme/{}", rich.id)).await;
    assert!(by_id.contains(&format!("post=\"{}\"", rich.id)) && by_id.contains("class=\"gz-reply\""), "{by_id}");
    e.get("/embed/ghost").send().await.expect_error(404, "account_not_found");
    e.post("/embed/acme").send().await.expect_error(405, "method_not_allowed");
}

async fn hostile_text(ctx: Arc<Ctx>) {
    let hostile = &ctx.posts[2];
    let seq = hostile.id.trim_start_matches("acme-");
    for path in [format!("/@acme/{seq}"), format!("/embed/acme/{seq}"), "/embed/acme".to_owned()] {
        let html = ctx.html(&path).await;
        for markup in ["<img src=x", "<script>window", "</template> "] {
            assert!(!html.contains(markup), "{path} holds {markup:?}:\n{html}");
        }
    }
    let tab = ctx.browser.new_context().await;
    tab.goto(&ctx.page_of(hostile)).await;
    // Once the widget has taken the page over, nothing has run.
    let read = eventually(WIDGET, || async {
        let read = tab.js(READ_PAGE, vec![]).await?;
        let ready = tab.js("return document.querySelector('gazouillis-feed').hasAttribute('data-ready');", vec![]).await?;
        ensure!(ready == json!(true) && tab.count("textarea.gz-reply-input").await? == 1, "the widget's reply box");
        Ok(read)
    })
    .await;
    assert_eq!(read["shown"]["posts"], json!([HOSTILE]));
    assert_eq!(read["shown"]["replies"], json!([HOSTILE]));
    assert_eq!(read["ld"]["articleBody"], json!(HOSTILE));
    assert_eq!(read["pwned"], json!(false), "a script ran");
    // Live: the brand's answer arrives (after the live hello, which found nothing newer to read).
    ctx.edge.admin_post(&format!("/v1/posts/{}/replies", hostile.id), &json!({"text": "Rien ne s'exécute ici."})).await.expect(201);
    eventually(WIDGET, || async {
        ensure_eq!(tab.count(".gz-reply").await?, 2, "the brand's answer, pushed live");
        Ok(())
    })
    .await;
    assert_eq!(tab.js(API_CALLS, vec![]).await.unwrap(), json!([]), "the post's page fetched nothing it holds");
    tab.close().await;
}

/// Every anchor a post shows, as `class href`, per post: the same from the
/// server and from the widget.
const ANCHORS: &str = "
    const root = document.querySelector('gazouillis-feed').shadowRoot;
    return [...root.querySelectorAll('.gz-post')].map(post =>
        [...post.querySelectorAll('.gz-post-text a, a.gz-permalink')].map(a => a.className + ' ' + a.href));";

async fn takeover(ctx: Arc<Ctx>) {
    let (e, www) = (&ctx.edge, &ctx.www);
    let fragment = ctx.html("/embed/acme").await;
    // Before any module script runs, record every change of the shadow root.
    let watch = "<script>
        const host = document.querySelector('gazouillis-feed');
        window.changes = [];
        new MutationObserver(records => records.forEach(r => window.changes.push({
            target: r.target === host.shadowRoot ? 'root' : r.target.className,
            posts: host.shadowRoot.querySelectorAll('.gz-post').length,
            loading: host.shadowRoot.querySelectorAll('.gz-loading').length,
        }))).observe(host.shadowRoot, {childList: true, subtree: true});
    </script>";
    www.add_page("/test/takeover.html", &widget_page("", &format!("{fragment}{watch}")));
    let off = ctx.browser.new_context_without_scripts().await;
    off.goto(&format!("{}/test/takeover.html", www.origin())).await;
    let served = off.js(ANCHORS, vec![]).await.unwrap();
    off.close().await;

    let tab = ctx.browser.new_context().await;
    tab.goto(&format!("{}/test/takeover.html", www.origin())).await;
    let state = "const root = document.querySelector('gazouillis-feed').shadowRoot;
        return {taken: root.host.hasAttribute('data-ready'), containers: root.querySelectorAll('.gz').length,
                sheets: root.querySelectorAll('link[rel=stylesheet]').length, ids: [...root.querySelectorAll('.gz-post')].map(p => p.dataset.id),
                live: root.host.dataset.live || null, changes: window.changes};";
    let taken = eventually(WIDGET, || async {
        let state = tab.js(state, vec![]).await?;
        ensure!(state["taken"] == json!(true) && state["live"] == json!("on"), "not taken over and live yet: {state}");
        Ok(state)
    })
    .await;
    let ids: Vec<String> = ctx.posts.iter().rev().map(|p| p.id.clone()).collect();
    // The fragment's link to the style sheet stays, once.
    assert_eq!((&taken["containers"], &taken["sheets"], &taken["ids"]), (&json!(1), &json!(1), &json!(ids)), "{taken}");
    let changes = taken["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "the widget replaced the server's view: {taken}");
    assert!(changes.iter().all(|c| c["posts"].as_u64() == Some(3) && c["loading"] == json!(0)), "never empty, never loading: {changes:?}");
    assert_eq!(tab.js(ANCHORS, vec![]).await.unwrap(), served, "the widget's anchors are the fragment's");
    assert_eq!(tab.js(API_CALLS, vec![]).await.unwrap(), json!([]), "the fragment's account and posts are not fetched again");
    let base = e.base_url();
    assert_eq!(served[1], json!([
        format!("gz-tag {base}/@acme/search?q=%23%C3%89t%C3%A92026"),
        format!("gz-mention {base}/@acme"),
        "gz-link https://acme.example/velo".to_owned(),
        format!("gz-permalink {}", ctx.page_of(&ctx.posts[1])),
    ]));
    // Live afterwards: a new post is announced.
    e.create_post("acme", "Encore un").await;
    eventually(WIDGET, || async {
        ensure_eq!(tab.count("button.gz-new-posts").await?, 1, "the new post's button");
        Ok(())
    })
    .await;
    let violations = tab.axe().await.unwrap();
    assert!(violations.is_empty(), "axe after the takeover: {violations:?}");
    tab.close().await;
    // A fragment read long ago (cached by the site, or included at build time) is fetched again.
    let at = fragment.find("\"at\":").expect("the first view's time") + "\"at\":".len();
    let digits = fragment[at..].find(|c: char| !c.is_ascii_digit()).unwrap();
    let stale = format!("{}0{}", &fragment[..at], &fragment[at + digits..]);
    www.add_page("/test/stale.html", &widget_page("", &stale));
    let tab = ctx.browser.new_context().await;
    tab.goto(&format!("{}/test/stale.html", www.origin())).await;
    let calls = eventually(WIDGET, || async {
        let calls = tab.js(API_CALLS, vec![]).await?;
        ensure!(calls.as_array().is_some_and(|c| c.len() >= 2), "not fetched yet: {calls}");
        Ok(calls)
    })
    .await;
    assert_eq!(calls, json!(["/v1/accounts/acme", "/v1/accounts/acme/posts"]), "a stale first view is read again");
    tab.close().await;
}

/// Before any module script runs, notes when a post first shows in a shadow
/// root the page attaches (the loader attaches the widget's).
const FIRST_POST_WATCH: &str = "<script>
    window.firstPostAt = null;
    const attach = Element.prototype.attachShadow;
    Element.prototype.attachShadow = function (init) {
        const root = attach.call(this, init);
        new MutationObserver(() => {
            if (window.firstPostAt === null && root.querySelector('.gz-post')) window.firstPostAt = performance.now();
        }).observe(root, {childList: true, subtree: true});
        return root;
    };
</script>";

async fn first_view_before_wasm(ctx: Arc<Ctx>) {
    let welcome = &ctx.posts[0];
    let page = format!("{}/test/loader.html", ctx.www.origin());
    ctx.www.add_page("/test/loader.html", &widget_page(FIRST_POST_WATCH, "<gazouillis-feed account=\"acme\"></gazouillis-feed>"));
    let tab = ctx.browser.new_context().await;
    tab.goto(&page).await;
    let order = "const started = name => performance.getEntriesByType('resource').find(r => r.name.endsWith(name))?.startTime ?? null;
        return {first_post: window.firstPostAt, bindings: started('/gazouillis_widget.js'), wasm: started('/gazouillis_widget_bg.wasm'),
                ready: document.querySelector('gazouillis-feed').hasAttribute('data-ready')};";
    let order = tab.js(order, vec![]).await.unwrap();
    let at = |key: &str| order[key].as_f64().unwrap_or_else(|| panic!("no {key} time: {order}"));
    assert!(at("first_post") < at("bindings") && at("first_post") < at("wasm"), "the first post shows before the widget's code is fetched: {order}");
    assert_eq!(order["ready"], json!(true), "the widget took over: {order}");
    assert_eq!(tab.js(API_CALLS, vec![]).await.unwrap(), json!([]), "the edge's first view is not fetched again");
    assert_eq!(tab.texts(".gz-post-text").await.unwrap().last().map(String::as_str), Some("Bienvenue !"));
    // A visitor who replied reads their reply at once after a reload (the
    // widget would not keep a first view older than their write).
    tab.click(&format!("article.gz-post[data-id=\"{}\"] button.gz-open-replies", welcome.id)).await.unwrap();
    eventually(WIDGET, || async {
        tab.type_text("input.gz-name", "Zoé").await?;
        tab.type_text("textarea.gz-reply-input", "Première réponse").await?;
        tab.click("button.gz-send").await
    })
    .await;
    eventually(WIDGET, || async {
        ensure_eq!(tab.texts(".gz-reply-text").await?, vec!["Première réponse".to_owned()], "the reply shown");
        Ok(())
    })
    .await;
    tab.reload().await;
    let count = format!("article.gz-post[data-id=\"{}\"] .gz-reply-count", welcome.id);
    assert_eq!(tab.text(&count).await.unwrap(), "1", "the reply counted after a reload");
    tab.close().await;
}

/// The API paths the page has fetched, sorted.
const API_CALLS: &str = "return performance.getEntriesByType('resource').map(r => new URL(r.name).pathname).filter(p => p.startsWith('/v1/')).sort();";
