//! A notification's JSON, the plaintext a push message carries: Declarative
//! Web Push (`web_push: 8030`, which Safari shows without a service worker)
//! plus the data other browsers' service workers read. Always small enough
//! for every push service: long texts are cut between graphemes, with an
//! ellipsis, never the JSON.
//!
//! Not here: encryption ([`crate::ece`]), choosing whom to notify, or what a
//! service worker does with it. An offer shows only when it ends, never its
//! code: [`Post`] has no field for one.

#[cfg(test)]
mod tests;

use std::borrow::Cow;

use gazouillis_protocol::i18n::Lang;
use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

/// The most bytes a notification's JSON takes: Mozilla's limit through its
/// Android bridge, the lowest of the push services'.
pub const MAX_PLAINTEXT: usize = 2700;

/// Declarative Web Push's magic number.
const WEB_PUSH: u16 = 8030;

/// The account that posted or answered.
#[derive(Debug, Clone, Copy)]
pub struct Account<'a> {
    pub handle: &'a str,
    pub name: &'a str,
}

/// A post, as the notification tells of it.
#[derive(Debug, Clone, Copy)]
pub struct Post<'a> {
    pub id: &'a str,
    pub text: &'a str,
    /// Absolute: the post's page, where a click on the notification goes.
    pub url: &'a str,
    pub created_at: &'a str,
    /// When the post carries an offer for followers: when it ends.
    pub offer_ends_at: Option<&'a str>,
}

/// The brand's answer to a visitor's reply.
#[derive(Debug, Clone, Copy)]
pub struct Reply<'a> {
    pub id: &'a str,
    pub text: &'a str,
}

#[derive(Serialize)]
struct Message<'a> {
    web_push: u16,
    notification: Notification<'a>,
    #[serde(rename = "type")]
    kind: &'static str,
    account: AccountOut<'a>,
    post: PostOut<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reply: Option<ReplyOut<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    title: String,
    body: Cow<'a, str>,
    navigate: Cow<'a, str>,
    lang: &'static str,
    tag: String,
}

#[derive(Serialize)]
struct AccountOut<'a> {
    handle: Cow<'a, str>,
    name: Cow<'a, str>,
}

#[derive(Serialize)]
struct PostOut<'a> {
    id: Cow<'a, str>,
    text: Cow<'a, str>,
    url: Cow<'a, str>,
    created_at: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offer: Option<Offer<'a>>,
}

#[derive(Serialize)]
struct Offer<'a> {
    ends_at: Cow<'a, str>,
}

#[derive(Serialize)]
struct ReplyOut<'a> {
    id: Cow<'a, str>,
    text: Cow<'a, str>,
}

/// No cut.
const WHOLE: usize = usize::MAX;

/// `text`'s first `graphemes` graphemes and an ellipsis, or `text` whole when
/// it has no more.
fn cut(text: &str, graphemes: usize) -> Cow<'_, str> {
    if graphemes == WHOLE {
        return Cow::Borrowed(text);
    }
    match text.grapheme_indices(true).nth(graphemes) {
        None => Cow::Borrowed(text),
        Some((at, _)) => Cow::Owned(format!("{}…", text[..at].trim_end())),
    }
}

/// The JSON with the texts (bodies, post and reply texts) cut to `texts`
/// graphemes and every other string to `rest` (only when the texts alone
/// cannot make it fit: a name or URL far over the protocol's limits).
fn render(lang: Lang, account: &Account, post: &Post, reply: Option<&Reply>, texts: usize, rest: usize) -> String {
    let name = cut(account.name, rest);
    let post_id = cut(post.id, rest);
    let url = cut(post.url, rest);
    let (title, body, tag) = match reply {
        None => (name.to_string(), cut(post.text, texts), format!("post-{post_id}")),
        Some(reply) => {
            let title = match lang {
                Lang::En => format!("{name} answered you"),
                Lang::Fr => format!("{name} vous a répondu"),
            };
            (title, cut(reply.text, texts), format!("answer-{}", cut(reply.id, rest)))
        }
    };
    let message = Message {
        web_push: WEB_PUSH,
        notification: Notification { title, body, navigate: url.clone(), lang: lang.tag(), tag },
        kind: if reply.is_some() { "answer" } else { "post" },
        account: AccountOut { handle: cut(account.handle, rest), name },
        post: PostOut {
            id: post_id,
            text: cut(post.text, texts),
            url,
            created_at: cut(post.created_at, rest),
            offer: post.offer_ends_at.map(|ends_at| Offer { ends_at: cut(ends_at, rest) }),
        },
        reply: reply.map(|reply| ReplyOut { id: cut(reply.id, rest), text: cut(reply.text, texts) }),
    };
    serde_json::to_string(&message).expect("strings and numbers serialize")
}

/// The largest `n` in `0..=most` whose rendering fits (binary search; the
/// length grows with `n`, give or take an ellipsis), or `None` when even 0
/// does not fit.
fn largest_fitting(most: usize, render: impl Fn(usize) -> String) -> Option<String> {
    let fitting = |n| Some(render(n)).filter(|json| json.len() <= MAX_PLAINTEXT);
    let mut best = fitting(0)?;
    let (mut low, mut high) = (0, most); // low fits; above high is not tried
    while low < high {
        let middle = low + (high - low).div_ceil(2);
        match fitting(middle) {
            Some(json) => (best, low) = (json, middle),
            None => high = middle - 1,
        }
    }
    Some(best)
}

fn fit(lang: Lang, account: &Account, post: &Post, reply: Option<&Reply>) -> String {
    let whole = render(lang, account, post, reply, WHOLE, WHOLE);
    if whole.len() <= MAX_PLAINTEXT {
        return whole;
    }
    let texts = post.text.len().max(reply.map_or(0, |reply| reply.text.len()));
    if let Some(json) = largest_fitting(texts, |n| render(lang, account, post, reply, n, WHOLE)) {
        return json;
    }
    let rest = [account.handle, account.name, post.id, post.url, post.created_at, post.offer_ends_at.unwrap_or("")]
        .into_iter()
        .chain(reply.map(|reply| reply.id))
        .map(str::len)
        .max()
        .unwrap_or(0);
    largest_fitting(rest, |n| render(lang, account, post, reply, 0, n))
        .expect("with every string an ellipsis, the JSON is a few hundred bytes")
}

/// A new post: title = the account's name, body = the post's text, navigate
/// = post.url, tag = `post-{id}`, lang.
pub fn post(lang: Lang, account: &Account, post: &Post) -> String {
    fit(lang, account, post, None)
}

/// The brand's answer `reply` in the thread of `post` where the visitor
/// replied: title "{name} answered you" / "{name} vous a répondu", body = the
/// answer's text, navigate = post.url, tag = `answer-{reply id}`.
pub fn answer(lang: Lang, account: &Account, post: &Post, reply: &Reply) -> String {
    fit(lang, account, post, Some(reply))
}
