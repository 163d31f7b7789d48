//! A real browser receives Web Push: Firefox ESR, offline, its push service
//! a local stand-in (`autopush`), driven over WebDriver BiDi. On the demo
//! site (which hosts the one-line service worker and names it in
//! `push-worker`), a visitor who follows presses the widget's bell; the
//! brand posts; Firefox decrypts the message with its own keys and the
//! service worker (`/widget/sw.js`) shows it with the post's text. Then, on
//! the product page, the visitor replies, presses "Tell me when … answers",
//! and the brand's answer shows the same way.

use gazouillis_protocol::MyData;
use gazouillis_push::subscription::b64;
use gazouillis_tests::autopush::Autopush;
use gazouillis_tests::firefox::Firefox;
use gazouillis_tests::{ensure, ensure_eq, eventually, Edge};
use serde_json::{json, Value};
use std::time::Duration;

/// Long enough for a post to reach Firefox and its worker to show it.
const SHOWN: Duration = Duration::from_secs(30);
const WIDGET: &str = "document.querySelector('gazouillis-feed')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn push_browser() {
    let push = Autopush::start().await;
    let key = b64(&[9; 32]);
    let e = Edge::start_also(&[
        ("VAPID_PRIVATE_KEY", key.as_str()),
        ("VAPID_SUBJECT", "mailto:push@acme.example"),
        ("PUBLIC_ORIGIN", "https://social.acme.example"),
        ("PUSH_ALLOW_LOOPBACK", "1"),
    ])
    .await;
    let firefox = Firefox::start(&push.server_url()).await;
    let result = tokio::time::timeout(Duration::from_secs(300), scenario(&e, &firefox, &push)).await;
    if !matches!(result, Ok(Ok(()))) {
        eprintln!("autopush heard: {:?}", push.said.lock().expect("said"));
        e.dump_log();
    }
    match result {
        Ok(Ok(())) => {}
        Ok(Err(failure)) => panic!("{failure}"),
        Err(_) => panic!("the scenario did not end within 5 minutes"),
    }
}

async fn scenario(e: &Edge, firefox: &Firefox, push: &Autopush) -> Result<(), String> {
    e.create_account("acme", "Acme Vélos", "").await;
    let product = e.create_post("acme", "Le Randonneur est arrivé : vos questions ici.").await;
    let visitor = e.new_session("Zoé").await;

    // The visitor's session, as the widget keeps it, so that Follow acts at once.
    firefox.goto(&format!("{}/index.html", e.base_url())).await?;
    let kept = json!({"visitor": visitor.visitor, "token": visitor.token}).to_string();
    firefox.eval(&format!("localStorage.setItem({}, {})", json!(format!("gazouillis:session:{}", e.base_url())), json!(kept))).await?;
    firefox.goto(&format!("{}/index.html", e.base_url())).await?;
    let bell = format!("{WIDGET}.shadowRoot.querySelector('.gz-followers .gz-bell')");
    ready(firefox).await?;
    ensure!(!visible(firefox, &bell).await?, "no bell before the visitor follows");
    firefox.click(&format!("{WIDGET}.shadowRoot.querySelector('.gz-follow')")).await?;
    shown(firefox, &bell).await?;
    ensure_eq!(text(firefox, &bell).await?, "M’avertir des nouveaux posts", "the bell, in the page's language");

    firefox.click(&bell).await?;
    let note = format!("{WIDGET}.shadowRoot.querySelector('.gz-bell-note')");
    shown(firefox, &note).await?;
    ensure_eq!(text(firefox, &note).await?, "Vous serez averti des nouveaux posts.", "what the bell says once on");
    let mine: MyData = e.get("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    ensure_eq!(mine.push.len(), 1, "one subscription, Firefox's");
    ensure_eq!(mine.push[0].origin, push.endpoints_origin(), "on the push service Firefox was given");
    eventually(SHOWN, || async {
        let following: Value = e.get("/v1/accounts/acme/follow").bearer(&visitor.token).send().await.expect_json(200);
        ensure_eq!(following["notify"], json!(true), "following with notify");
        Ok(())
    })
    .await;

    let post = e.create_post("acme", "Soldes d’hiver : -30 % sur les sacoches jusqu’à dimanche.").await;
    let notification = notified(firefox, &post.text).await?;
    ensure_eq!(notification["title"], json!("Acme Vélos"), "a post's title is the brand");
    ensure_eq!(notification["tag"].as_str().map(|tag| !tag.is_empty()), Some(true), "tagged");

    // The answers bell, under the visitor's reply in the product page's conversation.
    ensure_eq!(product.id, "acme-0", "the post the demo product page shows");
    firefox.goto(&format!("{}/product.html", e.base_url())).await?;
    ready(firefox).await?;
    let conversation = "document.querySelector('gazouillis-feed[post]').shadowRoot";
    let input = format!("{conversation}.querySelector('.gz-reply-input')");
    shown(firefox, &input).await?;
    let question = "Existe-t-il en taille S ?";
    firefox.click(&input).await?;
    firefox.eval(&format!("({input}).focus()")).await?;
    firefox.type_text(question).await?;
    ensure_eq!(firefox.string(&format!("({input}).value")).await?, question, "the reply typed");
    firefox.click(&format!("{conversation}.querySelector('.gz-send')")).await?;
    let bell = format!("{conversation}.querySelector('.gz-reply-box .gz-bell')");
    shown(firefox, &bell).await?;
    ensure_eq!(text(firefox, &bell).await?, "M’avertir quand Acme Vélos répond", "the answers bell names the brand");
    firefox.click(&bell).await?;
    let note = format!("{conversation}.querySelector('.gz-reply-box .gz-bell-note')");
    shown(firefox, &note).await?;
    ensure_eq!(text(firefox, &note).await?, "Vous serez averti de leur réponse.", "what the answers bell says once on");

    let path = format!("/v1/posts/{}/replies", product.id);
    let answer: Value = e.admin(e.post(&path)).json(&json!({"text": "Oui, du S au XL."})).send().await.expect_json(201);
    let notification = notified(firefox, answer["text"].as_str().unwrap_or_default()).await?;
    ensure_eq!(notification["title"], json!("Acme Vélos vous a répondu"), "an answer's title, in the visitor's language");
    let mine: MyData = e.get("/v1/me").bearer(&visitor.token).send().await.expect_json(200);
    ensure_eq!(mine.push.len(), 1, "the same subscription served both bells");
    ensure!(!push.received().is_empty(), "the messages went through the push service");
    Ok(())
}

/// Waits until the page's widgets have taken over from their first views
/// (`data-ready`): a press on an element of the first view may land on one
/// about to be replaced.
async fn ready(firefox: &Firefox) -> Result<(), String> {
    let all_ready = "[...document.querySelectorAll('gazouillis-feed')].every(w => w.hasAttribute('data-ready'))";
    eventually(SHOWN, || async { ensure!(firefox.eval(all_ready).await?["value"] == json!(true), "the widgets are not ready"); Ok(()) }).await;
    Ok(())
}

/// Waits until `expression` is an element the visitor sees; else fails
/// with what the page's widgets show.
async fn shown(firefox: &Firefox, expression: &str) -> Result<(), String> {
    let start = std::time::Instant::now();
    while !visible(firefox, expression).await? {
        if start.elapsed() > SHOWN {
            let widgets = firefox.string("[...document.querySelectorAll('gazouillis-feed')].map(w => w.outerHTML + w.shadowRoot?.innerHTML).join('\\n')").await?;
            return Err(format!("{expression}: not shown within {SHOWN:?}; the widgets:\n{widgets}"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn visible(firefox: &Firefox, expression: &str) -> Result<bool, String> {
    // Not there yet (no shadow root either) is not shown.
    let value = firefox.eval(&format!("(() => {{ try {{ return !!({expression})?.checkVisibility(); }} catch {{ return false; }} }})()")).await?;
    Ok(value["value"] == json!(true))
}

async fn text(firefox: &Firefox, expression: &str) -> Result<String, String> {
    firefox.string(&format!("({expression}).textContent.trim()")).await
}

/// The notification the service worker shows with `body`, as the page's
/// registration lists it.
async fn notified(firefox: &Firefox, body: &str) -> Result<Value, String> {
    let list = "navigator.serviceWorker.getRegistration().then(r => r.getNotifications()).then(list => \
                JSON.stringify(list.map(n => ({title: n.title, body: n.body, tag: n.tag, lang: n.lang}))))";
    Ok(eventually(SHOWN, || async {
        let shown: Vec<Value> = serde_json::from_str(&firefox.string(list).await?).map_err(|e| e.to_string())?;
        shown.into_iter().find(|n| n["body"] == json!(body)).ok_or_else(|| format!("no notification shows {body:?}"))
    })
    .await)
}
