//! The abuse limits on visitors' writes to the account (replies, follows,
//! claims): each counted per visitor and per client address (its IPv6 /64
//! and /48: `gazouillis_protocol::rate::address_limits`), in the hub's
//! `rate_windows`, where concurrent writes are counted exactly.

use super::AccountHub;
use crate::error::{ApiError, ApiResult};
use crate::limiter;
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

impl AccountHub {
    /// Counts one write of `visitor` from client address `ip` under every
    /// limit of `limits`, or, if one refuses it, counts nothing and refuses
    /// it with 429.
    pub(super) fn admit_visitor(&self, limits: &Limits, visitor: &str, ip: &str) -> ApiResult<()> {
        let ip_limit = limiter::limit(&self.env, &format!("{}_IP", limits.var), limits.ip);
        let mut windows = address_limits(&format!("{}-ip", limits.kind), ip, ip_limit);
        windows.push((format!("{}/{visitor}", limits.kind), limiter::limit(&self.env, limits.var, limits.visitor)));
        let now = Date::now().as_millis();
        let mut admitted = Vec::new();
        for (key, limit) in windows {
            let mut hits = rate_windows::hits(&self.db, &key)?;
            admit(&mut hits, now, limit).map_err(ApiError::rate_limited)?;
            admitted.push((key, hits));
        }
        for (key, hits) in admitted {
            rate_windows::save(&self.db, &key, &hits)?;
        }
        Ok(())
    }
}
