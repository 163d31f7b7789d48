//! The edge's configuration: the wrangler vars (`[vars]` in wrangler.toml,
//! `edge/.dev.vars` locally) that tune it, read in one place. Each falls back
//! to its default when missing or unreadable. Secrets (the admin token, the
//! session secret, Turnstile's) are read where they are used.

use gazouillis_protocol::limits::{DEFAULT_MAX_CHARS, MAX_QUEUED};
use worker::Env;

/// The var `name` read as a `T`; `None` when it is missing or unreadable.
pub fn var<T: std::str::FromStr>(env: &Env, name: &str) -> Option<T> {
    env.var(name).ok()?.to_string().parse().ok()
}

/// Most characters in a post or a reply: the `MAX_CHARS` var, or the default.
pub fn max_chars(env: &Env) -> usize {
    var(env, "MAX_CHARS").unwrap_or(DEFAULT_MAX_CHARS)
}

/// Most replies an account's moderation queue holds: the `MAX_QUEUED` var, or the default.
pub fn max_queued(env: &Env) -> u64 {
    var(env, "MAX_QUEUED").unwrap_or(MAX_QUEUED)
}

/// Whether a destination's receivers may be on `http://127.0.0.1` (its
/// `{prefix}_ALLOW_LOOPBACK` var, `1`: `WEBHOOK_`, `PUSH_`): the tests'
/// receivers and push service listen there.
pub fn loopback_allowed(env: &Env, prefix: &str) -> bool {
    var::<String>(env, &format!("{prefix}_ALLOW_LOOPBACK")).as_deref() == Some("1")
}

/// The edge's public origin (the `PUBLIC_ORIGIN` var, `https://social.acme.example`):
/// what notifications link to, as a queue or an alarm has no request to
/// read it from. Missing: the request's own origin, where there is one.
pub fn public_origin(env: &Env) -> Option<String> {
    var::<String>(env, "PUBLIC_ORIGIN").map(|origin| origin.trim_end_matches('/').to_owned()).filter(|origin| !origin.is_empty())
}

/// The hosts a push subscription's endpoint may be on (the `PUSH_SERVICES`
/// var), or the browsers' push services.
pub fn push_services(env: &Env) -> gazouillis_push::subscription::Services {
    gazouillis_push::subscription::Services::from_var(var::<String>(env, "PUSH_SERVICES").as_deref())
}

/// The contact push services see in each VAPID JWT (the `VAPID_SUBJECT`
/// var, `mailto:` or `https:`); the public origin when it is not set.
pub fn vapid_subject(env: &Env) -> String {
    var::<String>(env, "VAPID_SUBJECT").or_else(|| public_origin(env)).unwrap_or_default()
}
