//! Where the edge may send a request it did not choose (a brand's webhook
//! today; a follower's push service or fediverse inbox next): `https://` to
//! a public host. Not to a private, loopback, link-local, shared or reserved
//! address, nor to a name that means this machine or a local network
//! (`localhost`, `*.local`, a name without a dot), which would let whoever
//! writes the URL reach what sits beside the edge (a cloud's metadata
//! service at `169.254.169.254`, an admin port on loopback).
//!
//! Addresses are read as `fetch()` reads them (the WHATWG URL parser:
//! `https://0x7f.1/` is `127.0.0.1`). A public name that resolves to a
//! private address cannot be seen here: the Worker has no DNS lookup.
//!
//! It is not a URL parser and sends nothing.

use std::net::{Ipv4Addr, Ipv6Addr};
use url::{Host, Url};

/// Whether the edge may send to `url`: `https://` to a public host; with
/// `allow_loopback` (the tests' `WEBHOOK_ALLOW_LOOPBACK`), also
/// `http://127.0.0.1`, where their receivers listen.
pub fn deliverable(url: &Url, allow_loopback: bool) -> bool {
    match (url.scheme(), url.host()) {
        ("http", Some(Host::Ipv4(ip))) => allow_loopback && ip == Ipv4Addr::LOCALHOST,
        ("https", Some(Host::Domain(name))) => public_name(name),
        ("https", Some(Host::Ipv4(ip))) => public_v4(ip),
        ("https", Some(Host::Ipv6(ip))) => public_v6(ip),
        _ => false,
    }
}

/// A name on the public DNS: with a dot, and not a name reserved for this
/// machine or a local network.
fn public_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    const LOCAL: [&str; 5] = ["localhost", "local", "internal", "home.arpa", "localdomain"];
    name.contains('.') && !LOCAL.iter().any(|local| name == *local || name.ends_with(&format!(".{local}")))
}

fn public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    let shared = a == 100 && (64..128).contains(&b); // 100.64.0.0/10, carrier-grade NAT
    let benchmarking = a == 198 && (b == 18 || b == 19); // 198.18.0.0/15
    let reserved = a >= 240 || a == 0; // 240.0.0.0/4, 0.0.0.0/8
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || shared
        || benchmarking
        || reserved)
}

fn public_v6(ip: Ipv6Addr) -> bool {
    // An IPv4 address written as IPv6 (`::ffff:10.0.0.1`, `::10.0.0.1`, or
    // NAT64's `64:ff9b::/96`) is that IPv4 address.
    let segments = ip.segments();
    let embedded = (segments[..6] == [0, 0, 0, 0, 0, 0xffff] || segments[..6] == [0; 6] || segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0])
        .then(|| Ipv4Addr::from(((u32::from(segments[6])) << 16) | u32::from(segments[7])));
    if let Some(v4) = embedded {
        return public_v4(v4);
    }
    let unique_local = segments[0] & 0xfe00 == 0xfc00; // fc00::/7
    let link_local = segments[0] & 0xffc0 == 0xfe80; // fe80::/10
    let documentation = segments[0] == 0x2001 && segments[1] == 0x0db8; // 2001:db8::/32
    !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast() || unique_local || link_local || documentation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed(url: &str, loopback: bool) -> bool {
        Url::parse(url).is_ok_and(|url| deliverable(&url, loopback))
    }

    #[test]
    fn public_https_hosts_are_deliverable() {
        for url in [
            "https://hooks.slack.com/services/T0/B0/x",
            "https://example.com:8443/hook?a=1",
            "https://93.184.215.14/hook",
            "https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/hook",
            "https://xn--vlo-bma.fr/hook",
            "https://example.com./hook",
        ] {
            assert!(allowed(url, false), "{url}");
        }
    }

    #[test]
    fn private_loopback_link_local_and_local_names_are_not() {
        for url in [
            "https://10.0.0.1/x",
            "https://172.16.5.4/x",
            "https://192.168.1.1/x",
            "https://127.0.0.1/x",
            "https://127.8.9.10/x",
            "https://169.254.169.254/latest/meta-data/",
            "https://100.64.0.1/x",
            "https://0.0.0.0/x",
            "https://255.255.255.255/x",
            "https://224.0.0.1/x",
            "https://240.0.0.1/x",
            "https://198.18.0.1/x",
            "https://192.0.2.1/x",
            // Other spellings of loopback, as fetch() reads them.
            "https://0x7f.1/x",
            "https://2130706433/x",
            "https://0177.0.0.1/x",
            "https://[::1]/x",
            "https://[::]/x",
            "https://[::ffff:10.0.0.1]/x",
            "https://[::ffff:169.254.169.254]/x",
            "https://[64:ff9b::7f00:1]/x",
            "https://[fd00::1]/x",
            "https://[fe80::1]/x",
            "https://[ff02::1]/x",
            "https://[2001:db8::1]/x",
            "https://localhost/x",
            "https://LOCALHOST./x",
            "https://api.localhost/x",
            "https://printer.local/x",
            "https://metadata.google.internal/x",
            "https://nas.home.arpa/x",
            "https://intranet/x",
        ] {
            assert!(!allowed(url, false), "{url}");
            assert!(!allowed(url, true), "{url}, even where loopback http is allowed");
        }
    }

    #[test]
    fn only_https_but_loopback_http_for_tests() {
        for url in ["http://example.com/hook", "ftp://example.com/x", "https://", "javascript:alert(1)", "data:text/plain,hi"] {
            assert!(!allowed(url, true), "{url}");
        }
        assert!(allowed("http://127.0.0.1:9/x", true));
        assert!(!allowed("http://127.0.0.1:9/x", false));
        assert!(!allowed("http://localhost:9/x", true), "loopback by address only");
    }
}
