//! The abuse limits on visitors' writes to the account (replies, follows,
//! claims): each counted per visitor and per client address (its IPv6 /64
//! and /48: `gazouillis_protocol::rate::address_limits`), in the hub's
//! `rate_windows`, where concurrent writes are counted exactly. A window is
//! kept under a hash of its key keyed with the session secret, so that no
//! client address or visitor id is stored in clear, and goes once expired.

use super::AccountHub;
use crate::auth::session_secret;
use crate::crypto;
use crate::error::{ApiError, ApiResult};
use crate::limiter;
use gazouillis_protocol::limits::{RATE_CLAIMS, RATE_CLAIMS_IP, RATE_FOLLOWS, RATE_FOLLOWS_IP, RATE_REPLIES, RATE_REPLIES_IP};
use gazouillis_protocol::rate::{address_limits, admit, RateLimit};
use gazouillis_protocol::store::rate_windows;
use worker::Date;

/// One kind of write's limits: per visitor (the wrangler var `var`, or
/// `visitor`) and per client address (`{var}_IP`, or `ip`).
pub struct Limits {
    /// Names its windows: `{kind}/{visitor}`, `{kind}-ip/{address}`.
    pub kind: &'static str,
    pub var: &'static str,
    pub visitor: RateLimit,
    pub ip: RateLimit,
}

pub const REPLIES: Limits = Limits { kind: "reply", var: "RATE_REPLIES", visitor: RATE_REPLIES, ip: RATE_REPLIES_IP };
pub const FOLLOWS: Limits = Limits { kind: "follow", var: "RATE_FOLLOWS", visitor: RATE_FOLLOWS, ip: RATE_FOLLOWS_IP };
pub const CLAIMS: Limits = Limits { kind: "claim", var: "RATE_CLAIMS", visitor: RATE_CLAIMS, ip: RATE_CLAIMS_IP };

impl AccountHub {
    /// Counts one write of `visitor` from client address `ip` under every
    /// limit of `limits`, or, if one refuses it, counts nothing and refuses
    /// it with 429. Expired windows go.
    pub(super) async fn admit_visitor(&self, limits: &Limits, visitor: &str, ip: &str) -> ApiResult<()> {
        let ip_limit = limiter::limit(&self.env, &format!("{}_IP", limits.var), limits.ip);
        let mut windows = address_limits(&format!("{}-ip", limits.kind), ip, ip_limit);
        windows.push((format!("{}/{visitor}", limits.kind), limiter::limit(&self.env, limits.var, limits.visitor)));
        let mut hashed = Vec::with_capacity(windows.len());
        for (key, limit) in windows {
            hashed.push((self.rate_key(&key).await?, limit));
        }
        // No await from here: the windows read are the windows saved.
        let now = Date::now().as_millis();
        rate_windows::prune(&self.db, now)?;
        let mut admitted = Vec::new();
        for (key, limit) in hashed {
            let mut hits = rate_windows::hits(&self.db, &key)?;
            admit(&mut hits, now, limit).map_err(ApiError::rate_limited)?;
            admitted.push((key, hits, now + limit.window_ms));
        }
        for (key, hits, expires_at) in admitted {
            rate_windows::save(&self.db, &key, &hits, expires_at)?;
        }
        Ok(())
    }

    /// Deletes `visitor`'s own windows (their erasure); the address windows
    /// stay, with nothing in them that names the visitor.
    pub(super) async fn forget_windows(&self, visitor: &str) -> ApiResult<()> {
        for limits in [REPLIES, FOLLOWS, CLAIMS] {
            let key = self.rate_key(&format!("{}/{visitor}", limits.kind)).await?;
            rate_windows::remove(&self.db, &key)?;
        }
        Ok(())
    }

    /// How the window of limit `key` is stored: a hash keyed with the
    /// session secret, so that no client address or visitor id is kept in
    /// clear, nor can be found by hashing guesses.
    async fn rate_key(&self, key: &str) -> ApiResult<String> {
        Ok(crypto::derive_id(session_secret(&self.env)?.as_bytes(), &format!("rate/{key}")).await?)
    }
}
