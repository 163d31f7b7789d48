//! Handles, post and reply ids, and list cursors.
//!
//! A post id names its account and its sequence number in that account
//! (`acme-1z`), a reply id its post and its sequence number in that post
//! (`acme-1z-3`): the edge finds where an item lives without a lookup, and the
//! order of items follows their numbers. Numbers are lowercase base 36 with no
//! leading zero, so every id has exactly one spelling.

use crate::limits::MAX_HANDLE_LEN;
use std::fmt;
use std::str::FromStr;

/// Is this a valid account handle? 1 to 30 of `a-z`, `0-9`, `_`.
pub fn is_handle(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_HANDLE_LEN
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Is this a valid visitor id? 16 lowercase hexadecimal digits.
pub fn is_visitor_id(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The number of a queued reply: decimal, written one way only (no sign, no
/// leading zero), so that one reply has one address.
pub fn queue_number(s: &str) -> Option<u64> {
    let canonical = !s.is_empty() && (s == "0" || !s.starts_with('0')) && s.bytes().all(|b| b.is_ascii_digit());
    if canonical { s.parse().ok() } else { None }
}

fn to_base36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

fn from_base36(s: &str) -> Option<u64> {
    let canonical = !s.is_empty()
        && s.len() <= 13
        && (s == "0" || !s.starts_with('0'))
        && s.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_lowercase());
    if !canonical {
        return None;
    }
    u64::from_str_radix(s, 36).ok()
}

/// The id of a post: its account's handle and its number in that account.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PostId {
    pub handle: String,
    pub seq: u64,
}

impl fmt::Display for PostId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.handle, to_base36(self.seq))
    }
}

impl FromStr for PostId {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (handle, seq) = s.split_once('-').ok_or(())?;
        if !is_handle(handle) {
            return Err(());
        }
        Ok(PostId { handle: handle.to_owned(), seq: from_base36(seq).ok_or(())? })
    }
}

/// The id of a reply: its post and its number in that post.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ReplyId {
    pub post: PostId,
    pub seq: u64,
}

impl fmt::Display for ReplyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.post, to_base36(self.seq))
    }
}

impl FromStr for ReplyId {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let (post, seq) = s.rsplit_once('-').ok_or(())?;
        Ok(ReplyId { post: post.parse()?, seq: from_base36(seq).ok_or(())? })
    }
}

/// Where a list call goes on from: a sequence number (or, for the timeline, a
/// time in milliseconds), opaque to clients.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor(pub u64);

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&to_base36(self.0))
    }
}

impl FromStr for Cursor {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        from_base36(s).map(Cursor).ok_or(())
    }
}

/// A brand token: issued by the operator for one account, it lets a
/// community manager post and moderate that account only. Spelled
/// `{handle}.{id}.{secret}`: the handle says which account it is for, the id
/// names it for revocation, the secret (32 hex digits) proves it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrandToken {
    pub handle: String,
    pub id: String,
    pub secret: String,
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Is this a brand token id? 8 lowercase hexadecimal digits.
pub fn is_token_id(s: &str) -> bool {
    is_hex(s, 8)
}

impl fmt::Display for BrandToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.handle, self.id, self.secret)
    }
}

impl FromStr for BrandToken {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let mut parts = s.split('.');
        let (Some(handle), Some(id), Some(secret), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(());
        };
        if !is_handle(handle) || !is_token_id(id) || !is_hex(secret, 32) {
            return Err(());
        }
        Ok(BrandToken { handle: handle.to_owned(), id: id.to_owned(), secret: secret.to_owned() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_numbers_have_one_spelling() {
        assert_eq!(queue_number("0"), Some(0));
        assert_eq!(queue_number("42"), Some(42));
        assert_eq!(queue_number("18446744073709551615"), Some(u64::MAX));
        for bad in ["", "07", "+7", "-1", " 7", "7 ", "1e3", "0x1", "18446744073709551616", "٣"] {
            assert_eq!(queue_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn brand_tokens() {
        let token = BrandToken { handle: "acme".into(), id: "0a1b2c3d".into(), secret: "f".repeat(32) };
        assert_eq!(token.to_string().parse::<BrandToken>(), Ok(token.clone()));
        for bad in ["", "acme", "acme.0a1b2c3d", "acme.0a1b2c3d.ff", "ACME.0a1b2c3d.ffffffffffffffffffffffffffffffff",
            "acme.0a1b2c3g.ffffffffffffffffffffffffffffffff", "acme.0a1b2c3d.ffffffffffffffffffffffffffffffff.x"] {
            assert!(bad.parse::<BrandToken>().is_err(), "{bad}");
        }
    }

    #[test]
    fn handles() {
        for ok in ["acme", "a", "acme_42", &"a".repeat(30)] {
            assert!(is_handle(ok), "{ok}");
        }
        for bad in ["", "Acme", "ac-me", "../x", "a%2Fb", "a/b", "é", " acme", &"a".repeat(31)] {
            assert!(!is_handle(bad), "{bad}");
        }
    }

    #[test]
    fn ids_round_trip() {
        for seq in [0, 1, 35, 36, 1_000_000, u64::MAX] {
            let post = PostId { handle: "acme".into(), seq };
            assert_eq!(post.to_string().parse::<PostId>(), Ok(post.clone()));
            let reply = ReplyId { post, seq: seq / 3 };
            assert_eq!(reply.to_string().parse::<ReplyId>(), Ok(reply));
            assert_eq!(Cursor(seq).to_string().parse::<Cursor>(), Ok(Cursor(seq)));
        }
        assert_eq!(PostId { handle: "acme".into(), seq: 71 }.to_string(), "acme-1z");
    }

    #[test]
    fn hostile_ids_are_refused() {
        for bad in [
            "", "-", "acme", "acme-", "-1", "acme-01", "acme-1Z", "acme-1-2", "ACME-1",
            "../acme-1", "acme-1/2", "acme-zzzzzzzzzzzzzz", "acme-3w5e11264sgsg", "acme- 1",
        ] {
            assert!(bad.parse::<PostId>().is_err(), "{bad}");
        }
        assert!("acme-1-2".parse::<ReplyId>().is_ok());
        for bad in ["acme-1", "acme-1-", "acme-1-2-3", "acme-1-02"] {
            assert!(bad.parse::<ReplyId>().is_err(), "{bad}");
        }
        for bad in ["", "00", "-1", "1.5", "%00", "zzzzzzzzzzzzzz"] {
            assert!(bad.parse::<Cursor>().is_err(), "{bad}");
        }
    }

    #[test]
    fn visitor_ids() {
        assert!(is_visitor_id("0123456789abcdef"));
        assert!(!is_visitor_id("0123456789ABCDEF"));
        assert!(!is_visitor_id("0123456789abcde"));
    }
}
