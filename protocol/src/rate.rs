//! Abuse limits: "at most N writes in a window" per visitor or per client
//! address, as a sliding window over the times of the last writes. Pure: the
//! edge keeps the times in a Durable Object's storage and asks [`admit`].

use serde::{Deserialize, Serialize};
use std::str::FromStr;

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
}
