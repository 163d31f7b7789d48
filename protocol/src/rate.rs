//! Abuse limits: "at most N writes in a window" per visitor or per client
//! address, as a sliding window over the times of the last writes. Pure: the
//! edge keeps the times in a Durable Object's storage and asks [`admit`], under
//! the keys [`address_limits`] gives a client address.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv6Addr};
use std::str::FromStr;

/// How many times an address's limit one IPv6 /48 (one site's network) may
/// use in all, across its /64s.
pub const NETWORK_FACTOR: u32 = 4;

/// At most `max` events in any `window_ms` milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    pub max: u32,
    pub window_ms: u64,
}

/// `"5/60"`: 5 per 60 seconds (how the wrangler vars spell a limit).
impl FromStr for RateLimit {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (max, seconds) = s.trim().split_once('/').ok_or(())?;
        let max: u32 = max.trim().parse().map_err(|_| ())?;
        let seconds: u64 = seconds.trim().parse().map_err(|_| ())?;
        if max == 0 || seconds == 0 || seconds > 86_400 {
            return Err(());
        }
        Ok(RateLimit { max, window_ms: seconds * 1000 })
    }
}

/// Records an event at `now` (milliseconds) in `recent` (the times of the
/// events still in the window, oldest first) if the limit allows it; else
/// leaves `recent` as it was and says in how many seconds to try again.
pub fn admit(recent: &mut Vec<u64>, now: u64, limit: RateLimit) -> Result<(), u64> {
    recent.retain(|&t| t + limit.window_ms > now && t <= now);
    if recent.len() >= limit.max as usize {
        let oldest = recent.first().copied().unwrap_or(now);
        let wait_ms = (oldest + limit.window_ms).saturating_sub(now);
        return Err(wait_ms.div_ceil(1000).max(1));
    }
    recent.push(now);
    Ok(())
}

/// The keys (under `kind`, e.g. `session`) that an event from client address
/// `ip` counts under, each with its limit: [`address_keys`].
pub fn address_limits(kind: &str, ip: &str, limit: RateLimit) -> Vec<(String, RateLimit)> {
    let scaled = |factor: u32| RateLimit { max: limit.max.saturating_mul(factor), ..limit };
    address_keys(kind, ip).into_iter().map(|(key, factor)| (key, scaled(factor))).collect()
}

/// The keys (under `kind`) that client address `ip` counts under, each with
/// how many times an address's limit it gets. One IPv6 host gets a whole /64
/// and can use any address in it, so an IPv6 address counts as its /64, once;
/// and as its /48, [`NETWORK_FACTOR`] times, so that a site cannot mint /64s
/// either. An IPv4 address (or IPv4-mapped) counts as itself; what is not an
/// address counts under one shared key.
pub fn address_keys(kind: &str, ip: &str) -> Vec<(String, u32)> {
    match ip.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) {
        Ok(IpAddr::V6(v6)) => vec![(format!("{kind}/{}", prefix(v6, 64)), 1), (format!("{kind}/{}", prefix(v6, 48)), NETWORK_FACTOR)],
        Ok(IpAddr::V4(v4)) => vec![(format!("{kind}/{v4}"), 1)],
        Err(_) => vec![(format!("{kind}/unknown"), 1)],
    }
}

/// `ip`'s network of `bits` bits (a multiple of 16), written as `2001:db8::/48`.
fn prefix(ip: Ipv6Addr, bits: usize) -> String {
    let mut segments = ip.segments();
    segments[bits / 16..].fill(0);
    format!("{}/{bits}", Ipv6Addr::from(segments))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vars() {
        assert_eq!("5/60".parse(), Ok(RateLimit { max: 5, window_ms: 60_000 }));
        assert_eq!(" 20 / 3600 ".parse(), Ok(RateLimit { max: 20, window_ms: 3_600_000 }));
        for bad in ["", "5", "0/60", "5/0", "-1/60", "5/60s", "a/b", "5/100000"] {
            assert!(bad.parse::<RateLimit>().is_err(), "{bad}");
        }
    }

    #[test]
    fn sliding_window() {
        let limit = RateLimit { max: 2, window_ms: 60_000 };
        let mut recent = Vec::new();
        assert_eq!(admit(&mut recent, 1_000, limit), Ok(()));
        assert_eq!(admit(&mut recent, 2_000, limit), Ok(()));
        // The third within the minute waits for the first to leave the window.
        assert_eq!(admit(&mut recent, 30_000, limit), Err(31));
        assert_eq!(recent, [1_000, 2_000], "a refused event is not counted");
        assert_eq!(admit(&mut recent, 61_000, limit), Ok(()));
        assert_eq!(recent, [2_000, 61_000]);
        // A clock going back does not lock anyone out for long.
        assert_eq!(admit(&mut recent, 500, limit), Ok(()));
    }

    fn keys(ip: &str) -> Vec<String> {
        let limit = RateLimit { max: 20, window_ms: 60_000 };
        address_limits("session", ip, limit).into_iter().map(|(key, _)| key).collect()
    }

    #[test]
    fn ipv6_counts_by_64_and_48() {
        let limit = RateLimit { max: 20, window_ms: 60_000 };
        let limits = address_limits("session", "2001:db8:1:2:aaaa::1", limit);
        let network = RateLimit { max: 80, window_ms: 60_000 };
        assert_eq!(limits, [("session/2001:db8:1:2::/64".to_owned(), limit), ("session/2001:db8:1::/48".to_owned(), network)]);
        // Any address of the /64, however written, is the same client.
        assert_eq!(keys("2001:DB8:1:2:ffff:ffff:ffff:ffff"), keys("2001:db8:1:2::"));
        assert_eq!(keys("2001:0db8:0001:0002::9")[0], "session/2001:db8:1:2::/64");
        // Another /64 of the same /48: another client, the same network.
        let other = keys("2001:db8:1:3::1");
        assert_eq!(other[0], "session/2001:db8:1:3::/64");
        assert_eq!(other[1], "session/2001:db8:1::/48");
    }

    #[test]
    fn ipv4_counts_by_address() {
        assert_eq!(keys("10.1.0.1"), ["session/10.1.0.1"]);
        assert_eq!(keys(" 10.1.0.1 "), ["session/10.1.0.1"]);
        assert_eq!(keys("::ffff:10.1.0.1"), ["session/10.1.0.1"], "IPv4-mapped is IPv4");
        assert_ne!(keys("10.1.0.1"), keys("10.1.0.2"));
    }

    #[test]
    fn what_is_not_an_address_shares_one_key() {
        for bad in ["", "unknown", "10.1.0.256", "2001:db8::1::2", "fe80::1%eth0", "a/b"] {
            assert_eq!(keys(bad), ["session/unknown"], "{bad:?}");
        }
    }
}
