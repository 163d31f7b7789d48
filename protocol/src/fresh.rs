//! Read your writes: how a writer sees what it just wrote, though the public
//! views in Workers KV trail the account's hub (by the hub's flush, and by
//! up to 60 s of KV propagation in other locations).
//!
//! Each account has a version, a number that only grows: its hub adds one for
//! every write that changes what readers see. Every write answer names the
//! version after it ([`VERSION_HEADER`]); every view in KV is stored with the
//! version it was built at ([`Versioned`]). A read that asks for at least a
//! version ([`MIN_VERSION_PARAM`]) gets a view that recent: from KV when the
//! stored one is, from the hub otherwise.

use serde::{Deserialize, Serialize};

/// Response header of every write answer (the account's version after it)
/// and of every read answer (the version of the view it was cut from).
pub const VERSION_HEADER: &str = "gazouillis-version";

/// Query parameter of a read that must reflect at least this version:
/// `?min_version=42`. A query parameter, not a header, so that a browser's
/// read stays a simple request (no CORS preflight).
pub const MIN_VERSION_PARAM: &str = "min_version";

/// How long the widget keeps asking for the version of its visitor's last
/// write, in milliseconds: by then KV has spread the views everywhere (its
/// propagation takes up to 60 s), so asking would only cost hub requests.
pub const KEEP_VERSION_MS: u64 = 120_000;

/// A view as stored in KV: the document and the account version it was built
/// at. Views stored before versions existed read as version 0.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Versioned<T> {
    #[serde(default)]
    pub version: u64,
    #[serde(flatten)]
    pub view: T,
}

impl<T> Versioned<T> {
    /// Another view of the same version.
    pub fn map<U>(self, change: impl FnOnce(T) -> U) -> Versioned<U> {
        Versioned { version: self.version, view: change(self.view) }
    }
}

/// `min_version`'s value: a whole number, or `None` for anything else.
pub fn parse_min_version(value: &str) -> Option<u64> {
    match value.as_bytes() {
        [b'0'] => Some(0),
        [b'1'..=b'9', rest @ ..] if rest.iter().all(u8::is_ascii_digit) => value.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page::PageView;
    use crate::Account;

    #[test]
    fn views_without_a_version_read_as_version_zero() {
        let old = r#"{"handle":"acme","name":"Acme","bio":"","followers":2,"posts":1}"#;
        let read: Versioned<Account> = serde_json::from_str(old).unwrap();
        assert_eq!(read.version, 0);
        assert_eq!(read.view.followers, 2);
    }

    #[test]
    fn a_versioned_page_keeps_its_fields_at_the_top() {
        let page = Versioned { version: 7, view: PageView::<u64> { items: vec![3, 2], next: Some(2) } };
        let json = serde_json::to_string(&page).unwrap();
        assert_eq!(json, r#"{"version":7,"items":[3,2],"next":2}"#);
        assert_eq!(serde_json::from_str::<Versioned<PageView<u64>>>(&json).unwrap(), page);
    }

    #[test]
    fn min_version_is_a_canonical_whole_number() {
        assert_eq!(parse_min_version("0"), Some(0));
        assert_eq!(parse_min_version("42"), Some(42));
        for bad in ["", "-1", "+1", "01", "1.5", "abc", "99999999999999999999999"] {
            assert_eq!(parse_min_version(bad), None, "{bad}");
        }
    }
}
