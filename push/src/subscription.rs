//! What a browser's `PushSubscription.toJSON()` sends when a visitor turns
//! notifications on, checked before it is stored: an endpoint on a push
//! service's host, keys of the right sizes. Also base64url, as Web Push
//! writes keys.
//!
//! Not here: storing subscriptions, or forgetting them when a push service
//! answers 404/410 (the edge does); the HTTP answer to a refusal (always 422
//! `invalid_subscription`).

#[cfg(test)]
mod tests;

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig, URL_SAFE_NO_PAD};
use gazouillis_protocol::address::deliverable;
use gazouillis_protocol::i18n::Lang;
use serde::Deserialize;
use url::{Host, Url};

/// The longest endpoint accepted, in bytes (real ones are under 500).
pub const MAX_ENDPOINT_BYTES: usize = 2000;

/// The body a browser posts: `PushSubscription.toJSON()`, plus the widget's
/// choices.
#[derive(Debug, Clone, Deserialize)]
pub struct SubscriptionJson {
    pub endpoint: String,
    pub keys: Keys,
    /// Whether to be told of the brand's answers to the visitor's replies.
    #[serde(default)]
    pub answers: Option<bool>,
    /// The language of the notifications, a BCP 47 tag.
    #[serde(default)]
    pub lang: Option<String>,
    /// Firefox sends `"expirationTime": null`; read and ignored.
    #[serde(default, rename = "expirationTime")]
    pub expiration_time: Option<serde_json::Value>,
}

/// The subscription's keys, base64url.
#[derive(Debug, Clone, Deserialize)]
pub struct Keys {
    pub p256dh: String,
    pub auth: String,
}

/// A subscription that passed every check: endpoint as a Url, p256dh 65
/// bytes, auth 16 bytes, answers (default true), lang (`fr` or `en`, default
/// `en`; `fr-CA` is fr).
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    pub endpoint: Url,
    pub p256dh: Vec<u8>,
    pub auth: Vec<u8>,
    pub answers: bool,
    pub lang: Lang,
}

/// Why a subscription was refused (for logs and tests; the HTTP answer is
/// always 422 `invalid_subscription`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a URL, or not one the edge may send to (private address, http://...).
    Endpoint,
    /// Over [`MAX_ENDPOINT_BYTES`].
    TooLong,
    /// A host that is not one of the push services.
    NotAPushService,
    /// Not 65 bytes of an uncompressed P-256 point.
    P256dh,
    /// Not 16 bytes.
    Auth,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    /// This host exactly.
    Host(String),
    /// Any subdomain of this one (from `*.`), not the domain itself.
    Below(String),
}

/// The hosts an endpoint may be on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Services {
    patterns: Vec<Pattern>,
}

/// The push services of Chrome and Edge-on-Android (FCM), Firefox, Safari and
/// Edge on Windows (WNS).
pub const DEFAULT_SERVICES: &str = "fcm.googleapis.com updates.push.services.mozilla.com web.push.apple.com *.notify.windows.com";

fn normalized(host: &str) -> String {
    host.trim_end_matches('.').to_ascii_lowercase()
}

impl Services {
    /// From the PUSH_SERVICES var (comma or whitespace separated hosts, a
    /// leading `*.` matches any subdomain), or the browsers' default list
    /// ([`DEFAULT_SERVICES`]) when None/empty.
    pub fn from_var(var: Option<&str>) -> Services {
        let parse = |text: &str| -> Vec<Pattern> {
            text.split(|c: char| c == ',' || c.is_whitespace())
                .filter(|entry| !entry.is_empty())
                .map(|entry| match entry.strip_prefix("*.") {
                    Some(domain) => Pattern::Below(normalized(domain)),
                    None => Pattern::Host(normalized(entry)),
                })
                .filter(|pattern| !matches!(pattern, Pattern::Host(h) | Pattern::Below(h) if h.is_empty()))
                .collect()
        };
        let patterns = parse(var.unwrap_or(""));
        Services { patterns: if patterns.is_empty() { parse(DEFAULT_SERVICES) } else { patterns } }
    }

    /// Whether an endpoint on `host` goes to one of these services.
    pub fn allows(&self, host: &str) -> bool {
        let host = normalized(host);
        self.patterns.iter().any(|pattern| match pattern {
            Pattern::Host(exact) => host == *exact,
            Pattern::Below(domain) => {
                host.len() > domain.len() + 1
                    && host.ends_with(domain.as_str())
                    && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            }
        })
    }
}

/// Checks it: the endpoint parses, is at most 2,000 bytes, is deliverable
/// (https to a public host, or with `allow_loopback` also http://127.0.0.1),
/// and its host is one of `services` (a loopback endpoint when allowed skips
/// the list); p256dh decodes (base64url, padded or not) to 65 bytes starting
/// 0x04; auth decodes to 16 bytes. Under `native`, p256dh must also be a
/// point on the curve; the Worker checks that through WebCrypto.
pub fn check(json: SubscriptionJson, services: &Services, allow_loopback: bool) -> Result<Subscription, Refusal> {
    if json.endpoint.len() > MAX_ENDPOINT_BYTES {
        return Err(Refusal::TooLong);
    }
    let endpoint = Url::parse(&json.endpoint).map_err(|_| Refusal::Endpoint)?;
    if endpoint.as_str().len() > MAX_ENDPOINT_BYTES {
        return Err(Refusal::TooLong); // parsing may percent-encode it longer
    }
    if !deliverable(&endpoint, allow_loopback) {
        return Err(Refusal::Endpoint);
    }
    // deliverable() lets http through only to 127.0.0.1, and only when allowed.
    let loopback = allow_loopback && endpoint.scheme() == "http";
    let on_a_service = match endpoint.host() {
        Some(Host::Domain(name)) => services.allows(name),
        _ => false,
    };
    if !loopback && !on_a_service {
        return Err(Refusal::NotAPushService);
    }

    let p256dh = unb64(&json.keys.p256dh).filter(|key| key.len() == 65 && key[0] == 4).ok_or(Refusal::P256dh)?;
    #[cfg(feature = "native")]
    p256::PublicKey::from_sec1_bytes(&p256dh).map_err(|_| Refusal::P256dh)?;
    let auth = unb64(&json.keys.auth).filter(|auth| auth.len() == 16).ok_or(Refusal::Auth)?;

    Ok(Subscription {
        endpoint,
        p256dh,
        auth,
        answers: json.answers.unwrap_or(true),
        lang: Lang::from_tag(json.lang.as_deref().unwrap_or("en")),
    })
}

/// base64url without padding, the form stored and sent.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

const URL_SAFE_ANY_PADDING: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// base64url, padded or not; `None` for anything else (standard base64's
/// `+` and `/` included).
pub fn unb64(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_ANY_PADDING.decode(text).ok()
}
