//! Webhooks: where a brand's alerts go (a mention of a watched term, a buzz,
//! a test), in one of two formats, and how delivery is retried.
//!
//! - `slack`: Slack's incoming-webhook body, `{"text": …}`, in the language
//!   chosen for the webhook (Mattermost, Rocket.Chat and Discord's `/slack`
//!   endpoints read it too: what visitors wrote reaches them with its
//!   mentions and links broken, [`slack_body`]).
//! - `json`: the [`Event`] itself, signed: the header [`SIGNATURE_HEADER`] is
//!   `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, as Stripe
//!   signs; [`EVENT_ID_HEADER`] repeats the event's id, the same on every
//!   retry, for the receiver to drop duplicates.
//!
//! Deliveries wait in the hub's outbox (see `schema`); a failed attempt is
//! retried as [`outbox`](crate::outbox) says, up to a maximum number of
//! attempts.
//!
//! Not here: sending (the edge's hub) and storage (the schema).

use crate::outbox::Policy;
use crate::Mention;
use serde::{Deserialize, Serialize};

/// Most webhooks per account.
pub const MAX_WEBHOOKS: usize = 5;
/// Longest webhook URL, in bytes.
pub const MAX_URL_BYTES: usize = 2_000;
/// How webhooks' deliveries are retried, by default (the vars
/// `WEBHOOK_FIRST_RETRY_MS`, `WEBHOOK_MAX_ATTEMPTS` and `WEBHOOK_TIMEOUT_MS`
/// change it): the first retry after 10 s, doubling up to an hour
/// ([`MAX_RETRY_MS`](crate::outbox::MAX_RETRY_MS)); 12 attempts in all (the
/// last about 3 h 25 min after the first); 10 s for a receiver to answer. A
/// 404 or a 410 is retried too: the receiver may come back, and the brand
/// deletes a webhook.
pub const POLICY: Policy = Policy { first_retry_ms: 10_000, max_attempts: 12, timeout_ms: 10_000, forgets_gone: false, refused: &[] };
/// Attempts kept in a webhook's delivery log: the newest finished
/// deliveries (pending ones are always kept).
pub const LOG_DELIVERIES: u64 = 100;

pub const SIGNATURE_HEADER: &str = "gazouillis-signature";
pub const EVENT_ID_HEADER: &str = "gazouillis-event-id";
pub const EVENT_TYPE_HEADER: &str = "gazouillis-event";

/// The body a webhook receives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Slack,
    Json,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Slack => "slack",
            Format::Json => "json",
        }
    }
}

/// The language of a Slack message.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    En,
    Fr,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Fr => "fr",
        }
    }
}

/// `POST /v1/accounts/{handle}/webhooks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    pub url: String,
    pub format: Format,
    #[serde(default)]
    pub language: Language,
}

impl NewWebhook {
    /// Whether the URL may receive alerts: at most [`MAX_URL_BYTES`], and
    /// [`deliverable`](crate::address::deliverable) (`https://` to a public
    /// host; `http://127.0.0.1` too when `loopback`, the
    /// `WEBHOOK_ALLOW_LOOPBACK` var, for tests).
    pub fn url_allowed(&self, loopback: bool) -> bool {
        self.url.len() <= MAX_URL_BYTES && url::Url::parse(&self.url).is_ok_and(|url| crate::address::deliverable(&url, loopback))
    }
}

/// Whether `id` can be a webhook's: 12 lowercase hex digits.
pub fn is_webhook_id(id: &str) -> bool {
    id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A webhook of the account, as listed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: String,
    pub url: String,
    pub format: Format,
    pub language: Language,
    pub created_at: String,
}

/// `POST /v1/accounts/{handle}/webhooks`: the webhook, and for the `json`
/// format its signing secret, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: Webhook,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

/// `GET /v1/accounts/{handle}/webhooks`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Webhooks {
    pub webhooks: Vec<Webhook>,
}

/// One event, as the `json` format sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The same on every attempt, and for every webhook it goes to.
    pub id: String,
    pub account: String,
    pub created_at: String,
    #[serde(flatten)]
    pub alert: Alert,
}

/// What an event says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Alert {
    /// A new item matched watched terms.
    Mention { mention: Mention },
    /// An hour of replies far above the week's mean: one event per episode.
    Buzz { buzz: Buzz },
    /// Sent on request, to check a webhook.
    Test,
}

impl Alert {
    pub fn kind(&self) -> &'static str {
        match self {
            Alert::Mention { .. } => "mention",
            Alert::Buzz { .. } => "buzz",
            Alert::Test => "test",
        }
    }
}

/// A buzz, when it starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Buzz {
    /// The start of the hour that buzzes (RFC 3339).
    pub hour: String,
    /// Visitors' replies in that hour so far.
    pub replies: u64,
    /// Post ids, most replies first.
    pub posts: Vec<String>,
}

/// Slack's incoming-webhook body for `event`.
pub fn slack_body(event: &Event, language: Language) -> String {
    let account = escape(&event.account);
    let fr = language == Language::Fr;
    let text = match &event.alert {
        Alert::Mention { mention } => {
            let terms: Vec<String> = mention.terms.iter().map(|term| format!("“{}”", escape(term))).collect();
            let said = escape(mention.hit.found.text()).replace('\n', "\n>");
            if fr {
                format!("*@{account}* : nouvelle mention de {}\n>{said}", terms.join(", "))
            } else {
                format!("*@{account}*: new mention of {}\n>{said}", terms.join(", "))
            }
        }
        Alert::Buzz { buzz } => {
            let posts = buzz.posts.iter().map(|post| escape(post)).collect::<Vec<_>>().join(", ");
            if fr {
                format!("*@{account}* : buzz ! {} réponses depuis {} (posts : {posts})", buzz.replies, buzz.hour)
            } else {
                format!("*@{account}*: buzz! {} replies since {} (posts: {posts})", buzz.replies, buzz.hour)
            }
        }
        Alert::Test if fr => format!("*@{account}* : test de webhook Gazouillis. Il fonctionne."),
        Alert::Test => format!("*@{account}*: Gazouillis webhook test. It works."),
    };
    serde_json::json!({ "text": text }).to_string()
}

/// Slack's escaping of `&`, `<` and `>` (the characters of its markup),
/// and a zero-width space after each `@` and `]`: Mattermost, Rocket.Chat
/// and Discord read the same text as Markdown, where a visitor's
/// `@everyone` (or `@here`, `@channel`, `@all`, `@someone`) would notify
/// the channel, and `[text](url)` would hide where a link goes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('@', "@\u{200B}").replace(']', "]\u{200B}")
}

/// What a [`SIGNATURE_HEADER`] signs: `body` sent at `timestamp` (Unix seconds).
pub fn signed_content(timestamp: u64, body: &str) -> String {
    format!("{timestamp}.{body}")
}

/// The [`SIGNATURE_HEADER`] of the content sent at `timestamp`, whose
/// HMAC-SHA-256 under the webhook's secret is `mac`.
#[cfg(feature = "token")]
pub fn signature_header(timestamp: u64, mac: &[u8]) -> String {
    format!("t={timestamp},v1={}", crate::token::hex(mac))
}

/// The [`SIGNATURE_HEADER`] of `body` sent at `timestamp`, in pure Rust (the
/// edge signs through WebCrypto): for tools and tests.
#[cfg(feature = "native-crypto")]
pub fn signature(secret: &str, timestamp: u64, body: &str) -> String {
    let mac = crate::token::hmac(secret.as_bytes(), signed_content(timestamp, body).as_bytes());
    signature_header(timestamp, &mac)
}

/// How a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer came.
    Delivered,
    /// Given up after the maximum number of attempts.
    Failed,
}

/// One try at sending a delivery.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub at: String,
    /// The receiver's HTTP status; `None` when none came.
    pub status: Option<u16>,
    /// Why no status came (a timeout, a refused connection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// One event sent to one webhook, with its attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: String,
    /// The event's id and type.
    pub event: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub state: DeliveryState,
    pub created_at: String,
    pub attempts: Vec<Attempt>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<String>,
}

/// `GET /v1/accounts/{handle}/webhooks/{id}/deliveries`: newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Deliveries {
    pub deliveries: Vec<Delivery>,
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Author, Found, Reply, SearchHit};

    fn new(url: &str) -> NewWebhook {
        NewWebhook { url: url.into(), format: Format::Json, language: Language::En }
    }

    #[test]
    fn only_https_urls_unless_loopback_is_allowed() {
        assert!(new("https://hooks.slack.com/services/T0/B0/x").url_allowed(false));
        assert!(new("https://example.com:8443/hook?a=1").url_allowed(false));
        for refused in ["http://example.com/hook", "ftp://example.com", "https://", "hooks.slack.com/x", "", "javascript:alert(1)"] {
            assert!(!new(refused).url_allowed(false), "{refused}");
            assert!(!new(refused).url_allowed(true), "{refused}");
        }
        assert!(!new("http://127.0.0.1:9000/hook").url_allowed(false));
        assert!(new("http://127.0.0.1:9000/hook").url_allowed(true));
        assert!(!new("http://localhost:9000/hook").url_allowed(true));
        assert!(!new("http://127.0.0.1.example.com/hook").url_allowed(true));
        assert!(!new("https://169.254.169.254/latest/meta-data/").url_allowed(true), "a private host (address.rs has them all)");
        assert!(!new(&format!("https://example.com/{}", "a".repeat(MAX_URL_BYTES))).url_allowed(false));
    }

    #[test]
    fn webhook_ids_are_12_lowercase_hex_digits() {
        assert!(is_webhook_id("0a1b2c3d4e5f"));
        for refused in ["", "0a1b2c3d4e5", "0a1b2c3d4e5f0", "0A1B2C3D4E5F", "0a1b2c3d4e5g", "0a1b2c3d4e5\u{e9}"] {
            assert!(!is_webhook_id(refused), "{refused}");
        }
    }

    #[test]
    #[cfg(feature = "native-crypto")]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // python3: hmac.new(b"whsec", b"1700000000.{\"a\":1}", hashlib.sha256).hexdigest()
        assert_eq!(
            signature("whsec", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=8ad37ba156048ae0e0a5533c75cdf26fee88b07f93cb57ee4c80adb053012032"
        );
    }

    fn mention(text: &str) -> Event {
        let author = Author { id: "v1".into(), name: "Zoé".into(), badge: None };
        let reply = Reply { id: "acme:1:0".into(), post: "acme:1".into(), author, text: text.into(), created_at: "2026-12-01T10:00:00.000Z".into() };
        let hit = SearchHit { found: Found::Reply(reply), matches: vec![[0, 5]], hidden: false };
        Event {
            id: "evt1".into(),
            account: "acme".into(),
            created_at: "2026-12-01T10:00:00.000Z".into(),
            alert: Alert::Mention { mention: Mention { hit, terms: vec!["colis".into()] } },
        }
    }

    #[test]
    fn events_read_back_as_written() {
        let event = mention("colis perdu");
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(json["type"], "mention");
        assert_eq!(json["mention"]["reply"]["text"], "colis perdu");
        assert_eq!(serde_json::from_value::<Event>(json).unwrap(), event);
        let test = Event { alert: Alert::Test, ..event };
        assert_eq!(serde_json::to_value(&test).unwrap()["type"], "test");
    }

    #[test]
    fn slack_bodies_escape_markup_and_speak_the_webhooks_language() {
        let body: serde_json::Value = serde_json::from_str(&slack_body(&mention("<b>colis</b> & co\nperdu"), Language::En)).unwrap();
        assert_eq!(body["text"], "*@acme*: new mention of “colis”\n>&lt;b&gt;colis&lt;/b&gt; &amp; co\n>perdu");
        let body: serde_json::Value = serde_json::from_str(&slack_body(&mention("colis"), Language::Fr)).unwrap();
        assert_eq!(body["text"], "*@acme* : nouvelle mention de “colis”\n>colis");
    }

    #[test]
    fn slack_bodies_break_mentions_and_links_for_mattermost_rocket_chat_and_discord() {
        let text = "colis @everyone @here @channel @all [cliquez](https://evil.example) ![x](https://evil.example/p.png)\n[ref]: https://evil.example";
        let body: serde_json::Value = serde_json::from_str(&slack_body(&mention(text), Language::En)).unwrap();
        let said = body["text"].as_str().unwrap().split_once('\n').unwrap().1;
        assert_eq!(
            said,
            ">colis @\u{200B}everyone @\u{200B}here @\u{200B}channel @\u{200B}all [cliquez]\u{200B}(https://evil.example) ![x]\u{200B}(https://evil.example/p.png)\n>[ref]\u{200B}: https://evil.example"
        );
        for mention in ["@everyone", "@here", "@channel", "@all", "](", "]:"] {
            assert!(!said.contains(mention), "{mention} in {said}");
        }
    }
}
