//! Timestamps on the wire: RFC 3339 in UTC with milliseconds, fixed width, so
//! that comparing two of them as strings compares them in time.

/// Formats milliseconds since the Unix epoch, e.g. `2026-11-25T17:46:52.123Z`.
pub fn rfc3339_from_millis(millis: u64) -> String {
    let format = ::time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    ::time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp, if it is one.
pub fn millis_from_rfc3339(text: &str) -> Option<u64> {
    let t = ::time::OffsetDateTime::parse(text, &::time::format_description::well_known::Rfc3339).ok()?;
    u64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_width_and_ordered() {
        assert_eq!(rfc3339_from_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(rfc3339_from_millis(1_795_628_812_120), "2026-11-25T17:46:52.120Z");
        assert!(rfc3339_from_millis(999) < rfc3339_from_millis(1_000));
        assert_eq!(millis_from_rfc3339("2026-11-25T17:46:52.120Z"), Some(1_795_628_812_120));
        assert_eq!(millis_from_rfc3339("yesterday"), None);
    }
}
