//! Every route of API v1, who may call it and the body it takes, and the
//! valid bodies the cases change one thing in.

use super::*;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Anyone,
    /// The operator's `ADMIN_TOKEN` only.
    Operator,
    /// The account's brand: the operator, or a brand token of that account.
    Brand,
    Visitor,
    /// A visitor, or the account's brand (a conversation's writers).
    Writer,
}

/// The JSON body a route takes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Takes {
    Nothing,
    Text,
    Account,
    Session,
    /// `{name}` of a brand token.
    TokenName,
    Settings,
    /// `{secret}` of an account's SSO.
    SsoSecret,
    /// `{account,sso}` of an SSO sign-in.
    SsoSignIn,
    /// `{hidden}`.
    Hidden,
    /// `{url,format}` of a webhook.
    Webhook,
}

/// What the `{id}` of a route names.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Id {
    Post,
    Reply,
    BrandToken,
    Queued,
    Webhook,
    /// An upload no post took.
    Upload,
}

pub(crate) struct Route {
    pub(crate) method: Method,
    /// With `{handle}` and `{id}` for its parameters.
    pub(crate) path: &'static str,
    pub(crate) who: Who,
    pub(crate) takes: Takes,
    pub(crate) list: bool,
}

/// Every route of API v1 (README "API v1", `edge/src/routes.rs`).
pub(crate) fn routes() -> Vec<Route> {
    use Takes::*;
    use Who::*;
    let route = |method, path, who, takes, list| Route { method, path, who, takes, list };
    vec![
        route(Method::POST, "/v1/accounts", Operator, Account, false),
        route(Method::GET, "/v1/accounts", Operator, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}", Anyone, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/posts", Anyone, Nothing, true),
        route(Method::POST, "/v1/accounts/{handle}/posts", Brand, Text, false),
        route(Method::GET, "/v1/posts/{id}", Anyone, Nothing, false),
        route(Method::DELETE, "/v1/posts/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/posts/{id}/replies", Anyone, Nothing, true),
        route(Method::POST, "/v1/posts/{id}/replies", Writer, Text, false),
        route(Method::POST, "/v1/session", Anyone, Session, false),
        route(Method::GET, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/follow", Visitor, Nothing, false),
        route(Method::GET, "/v1/timeline", Visitor, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/live", Anyone, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/tokens", Operator, TokenName, false),
        route(Method::GET, "/v1/accounts/{handle}/tokens", Operator, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/tokens/{id}", Operator, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/sso", Operator, SsoSecret, false),
        route(Method::GET, "/v1/accounts/{handle}/settings", Brand, Nothing, false),
        route(Method::PUT, "/v1/accounts/{handle}/settings", Brand, Settings, false),
        route(Method::GET, "/v1/accounts/{handle}/queue", Brand, Nothing, true),
        route(Method::POST, "/v1/accounts/{handle}/queue/{id}/approve", Brand, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/queue/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/hidden", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/inbox", Brand, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/stats", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/mentions", Brand, Nothing, true),
        route(Method::GET, "/v1/accounts/{handle}/webhooks", Brand, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/webhooks", Brand, Webhook, false),
        route(Method::DELETE, "/v1/accounts/{handle}/webhooks/{id}", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/webhooks/{id}/deliveries", Brand, Nothing, true),
        route(Method::POST, "/v1/accounts/{handle}/webhooks/{id}/test", Brand, Nothing, false),
        route(Method::GET, "/v1/accounts/{handle}/offers", Brand, Nothing, false),
        route(Method::POST, "/v1/accounts/{handle}/media", Brand, Nothing, false),
        route(Method::DELETE, "/v1/accounts/{handle}/media/{id}", Brand, Nothing, false),
        route(Method::POST, "/v1/posts/{id}/offer/claim", Visitor, Nothing, false),
        route(Method::PUT, "/v1/posts/{id}/hidden", Brand, Hidden, false),
        route(Method::DELETE, "/v1/replies/{id}", Writer, Nothing, false),
        route(Method::PUT, "/v1/replies/{id}/hidden", Brand, Hidden, false),
        route(Method::POST, "/v1/session/sso", Anyone, SsoSignIn, false),
        route(Method::GET, "/v1/me", Visitor, Nothing, false),
        route(Method::DELETE, "/v1/me", Visitor, Nothing, false),
    ]
}

impl Route {
    pub(crate) fn at(&self, handle: &str, id: &str) -> String {
        self.path.replace("{handle}", handle).replace("{id}", id)
    }

    pub(crate) fn has(&self, param: &str) -> bool {
        self.path.contains(param)
    }

    pub(crate) fn is_live(&self) -> bool {
        self.path.ends_with("/live")
    }

    pub(crate) fn id(&self) -> Option<Id> {
        if !self.has("{id}") {
            None
        } else if self.path.starts_with("/v1/replies/") {
            Some(Id::Reply)
        } else if self.has("/tokens/") {
            Some(Id::BrandToken)
        } else if self.has("/queue/") {
            Some(Id::Queued)
        } else if self.has("/webhooks/") {
            Some(Id::Webhook)
        } else if self.has("/media/") {
            Some(Id::Upload)
        } else {
            Some(Id::Post)
        }
    }

    /// A visitor's write, which the account's `origins` setting restricts.
    pub(crate) fn is_visitor_write(&self) -> bool {
        matches!(
            (self.method.as_str(), self.path),
            ("POST", "/v1/posts/{id}/replies" | "/v1/posts/{id}/offer/claim")
                | ("DELETE", "/v1/replies/{id}")
                | ("PUT" | "DELETE", "/v1/accounts/{handle}/follow")
        )
    }
}

/// The fields of a route's body, with valid values, as JSON text.
fn valid_fields(takes: Takes) -> Vec<(&'static str, String)> {
    let fields: &[(&'static str, &str)] = match takes {
        Takes::Nothing => &[],
        Takes::Text => &[("text", "\"a perfectly fine text\"")],
        Takes::Session => &[("name", "\"Mallory\"")],
        Takes::Account => &[("handle", "\"intruder\""), ("name", "\"Intruder\""), ("bio", "\"\"")],
        Takes::TokenName => &[("name", "\"Intruder's token\"")],
        // Not acme's settings (one more word): taken, they would show in the snapshot.
        Takes::Settings => &[
            ("moderation", "\"open\""),
            ("blocked_words", "[\"arnaque\",\"intruder\"]"),
            ("links", "\"queue\""),
            ("sso_required", "false"),
            ("origins", "[\"https://shop.example\"]"),
        ],
        Takes::SsoSecret => &[("secret", "\"an-intruder-sets-this-secret\"")],
        Takes::SsoSignIn => return vec![("account", "\"acme\"".into()), ("sso", format!("\"{}\"", *CUSTOMER_SSO))],
        Takes::Hidden => &[("hidden", "true")],
        Takes::Webhook => &[("url", "\"https://hooks.example/intruder\""), ("format", "\"json\""), ("language", "\"fr\"")],
    };
    fields.iter().map(|(name, value)| (*name, (*value).to_owned())).collect()
}

/// The field a route's text rules apply to.
pub(crate) fn main_field(takes: Takes) -> &'static str {
    match takes {
        Takes::Text => "text",
        Takes::Settings => "blocked_words",
        Takes::SsoSecret => "secret",
        Takes::SsoSignIn => "sso",
        Takes::Hidden => "hidden",
        Takes::Webhook => "url",
        Takes::Nothing | Takes::Session | Takes::Account | Takes::TokenName => "name",
    }
}

/// The main field as case names call it: a blocked word is one of a list.
pub(crate) fn main_label(takes: Takes) -> &'static str {
    match takes {
        Takes::Settings => "blocked_words[0]",
        takes => main_field(takes),
    }
}

/// The route's valid body with `field` set to the raw JSON bytes `raw`.
pub(crate) fn body_with(takes: Takes, field: &str, raw: &[u8]) -> Vec<u8> {
    let mut out = b"{".to_vec();
    for (i, (name, valid)) in valid_fields(takes).iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(format!("\"{name}\":").as_bytes());
        out.extend_from_slice(if *name == field { raw } else { valid.as_bytes() });
    }
    out.push(b'}');
    out
}

pub(crate) fn body_with_str(takes: Takes, field: &str, value: &str) -> Vec<u8> {
    body_with(takes, field, serde_json::to_string(value).unwrap().as_bytes())
}

/// The route's valid body with the main field holding the raw JSON bytes
/// `raw` (for settings, as their only blocked word).
pub(crate) fn with_main(takes: Takes, raw: &[u8]) -> Vec<u8> {
    match takes {
        Takes::Settings => body_with(takes, main_field(takes), &[b"[", raw, b"]"].concat()),
        _ => body_with(takes, main_field(takes), raw),
    }
}

pub(crate) fn with_main_str(takes: Takes, value: &str) -> Vec<u8> {
    with_main(takes, serde_json::to_string(value).unwrap().as_bytes())
}

pub(crate) fn valid_body(takes: Takes) -> Vec<u8> {
    body_with(takes, "", b"")
}
