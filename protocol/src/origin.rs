//! Web origins (`https://shop.example:8443`): the sites an account allows to
//! write through its widget. Browsers send the page's origin with every
//! cross-site write; it is compared as text, so it is normalized here once.

/// `text` as an origin the way browsers send it (lowercase scheme and host,
/// no default port, no path), or `None` when it is not an http(s) origin.
/// A trailing `/` is forgiven: people paste addresses.
pub fn normalize(text: &str) -> Option<String> {
    let text = text.trim().trim_end_matches('/').to_ascii_lowercase();
    let (scheme, authority) = text.split_once("://")?;
    let default_port = match scheme {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let (host, port) = match authority.rsplit_once(':') {
        // A colon inside an IPv6 host, not before a port.
        Some((host, _)) if !host.ends_with(']') && host.contains(':') => (authority, None),
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    };
    let host_ok = if let Some(ip6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        !ip6.is_empty() && ip6.chars().all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    if !host_ok {
        return None;
    }
    match port {
        None => Some(format!("{scheme}://{host}")),
        Some(port) if port == default_port => Some(format!("{scheme}://{host}")),
        Some(port) if !port.is_empty() && port.len() <= 5 && port.parse::<u16>().is_ok_and(|p| p > 0) => {
            Some(format!("{scheme}://{host}:{port}"))
        }
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::normalize;

    #[test]
    fn origins_as_browsers_send_them() {
        assert_eq!(normalize("https://Shop.Example/").as_deref(), Some("https://shop.example"));
        assert_eq!(normalize("https://shop.example:443").as_deref(), Some("https://shop.example"));
        assert_eq!(normalize("http://127.0.0.1:8787").as_deref(), Some("http://127.0.0.1:8787"));
        assert_eq!(normalize("http://[::1]:8080").as_deref(), Some("http://[::1]:8080"));
        assert_eq!(normalize("http://localhost").as_deref(), Some("http://localhost"));
    }

    #[test]
    fn what_is_not_an_origin() {
        for bad in [
            "", "shop.example", "ftp://shop.example", "https://", "https://shop.example/path",
            "https://shop.example?x=1", "https://user@shop.example", "https://shop..example",
            "https://shop.example:0", "https://shop.example:99999", "https://shop.example:", "https://sh op.example",
            "javascript://alert(1)", "null", "https://[]",
        ] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
    }
}
