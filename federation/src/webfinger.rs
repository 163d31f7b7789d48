//! WebFinger (RFC 7033) for an account: the `acct:` resource a server asks
//! for, and the JRD that names the account's actor, its page and where a
//! remote follow starts.

use serde::Serialize;

/// The handle asked for by `resource` (`acct:{handle}@{host}`, the `acct:`
/// optional), when `host` (`host[:port]`, any case) is ours.
pub fn handle<'a>(resource: &'a str, host: &str) -> Option<&'a str> {
    let account = resource.strip_prefix("acct:").unwrap_or(resource);
    let (handle, at) = account.rsplit_once('@')?;
    (at.eq_ignore_ascii_case(host) && !handle.is_empty()).then_some(handle.trim_start_matches('@'))
}

/// A JSON Resource Descriptor.
#[derive(Debug, PartialEq, Serialize)]
pub struct Jrd {
    pub subject: String,
    pub aliases: Vec<String>,
    pub links: Vec<Link>,
}

#[derive(Debug, PartialEq, Serialize)]
pub struct Link {
    pub rel: &'static str,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub media_type: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub href: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
}

/// The JRD of `handle`, on `host` (the handle's domain), its actor at
/// `actor`, its page at `page`, remote follows through `authorize`
/// (a template with `{uri}`).
pub fn jrd(handle: &str, host: &str, actor: &str, page: &str, authorize: &str) -> Jrd {
    Jrd {
        subject: format!("acct:{handle}@{host}"),
        aliases: vec![actor.to_owned(), page.to_owned()],
        links: vec![
            Link { rel: "self", media_type: Some("application/activity+json"), href: Some(actor.to_owned()), template: None },
            Link { rel: "http://webfinger.net/rel/profile-page", media_type: Some("text/html"), href: Some(page.to_owned()), template: None },
            Link { rel: "http://ostatus.org/schema/1.0/subscribe", media_type: None, href: None, template: Some(authorize.to_owned()) },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_handle_asked_for_on_our_host_only() {
        assert_eq!(handle("acct:acme@social.acme.example", "social.acme.example"), Some("acme"));
        assert_eq!(handle("acme@Social.Acme.Example", "social.acme.example"), Some("acme"), "acct: optional, host in any case");
        assert_eq!(handle("acct:acme@127.0.0.1:8787", "127.0.0.1:8787"), Some("acme"), "a port is part of the host");
        assert_eq!(handle("acct:acme@127.0.0.1", "127.0.0.1:8787"), None);
        assert_eq!(handle("acct:acme@elsewhere.example", "social.acme.example"), None);
        assert_eq!(handle("acct:@social.acme.example", "social.acme.example"), None);
        assert_eq!(handle("https://social.acme.example/@acme", "social.acme.example"), None);
    }

    #[test]
    fn a_jrd_names_the_actor_the_page_and_the_remote_follow() {
        let actor = "https://social.acme.example/ap/acme";
        let page = "https://social.acme.example/@acme";
        let jrd = jrd("acme", "acme.example", actor, page, "https://social.acme.example/authorize_interaction?uri={uri}");
        assert_eq!(
            serde_json::to_value(&jrd).unwrap(),
            json!({
                "subject": "acct:acme@acme.example",
                "aliases": [actor, page],
                "links": [
                    {"rel": "self", "type": "application/activity+json", "href": actor},
                    {"rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page},
                    {"rel": "http://ostatus.org/schema/1.0/subscribe", "template": "https://social.acme.example/authorize_interaction?uri={uri}"},
                ]
            })
        );
    }
}
