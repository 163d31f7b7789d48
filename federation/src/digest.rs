//! A body's digest as a signed request carries it: `Digest` (RFC 3230, with
//! draft-cavage signatures: `SHA-256=…`) or `Content-Digest` (RFC 9530, with
//! RFC 9421 signatures: `sha-256=:…:`). A receiver checks whichever came.
//! Each takes the body's SHA-256, made by the caller (WebCrypto in the
//! Worker: no hash crate there).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// `Digest`'s value for a body of this SHA-256.
pub fn header(sha256: &[u8]) -> String {
    format!("SHA-256={}", STANDARD.encode(sha256))
}

/// `Content-Digest`'s value for a body of this SHA-256.
pub fn content_digest(sha256: &[u8]) -> String {
    format!("sha-256=:{}:", STANDARD.encode(sha256))
}

/// Whether `value`, a `Digest` or a `Content-Digest`, names this SHA-256
/// (other algorithms it lists are ignored; without a SHA-256, it does not).
pub fn matches(value: &str, sha256: &[u8]) -> bool {
    let expected = STANDARD.encode(sha256);
    value.split(',').filter_map(|member| member.trim().split_once('=')).any(|(algorithm, digest)| {
        algorithm.trim().eq_ignore_ascii_case("sha-256") && digest.trim().trim_start_matches(':').trim_end_matches(':') == expected
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn both_forms_of_the_same_sha256() {
        // RFC 9530, section 2: the digest of `{"hello": "world"}` followed by a newline.
        let body = Sha256::digest(b"{\"hello\": \"world\"}\n");
        assert_eq!(content_digest(&body), "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:");
        assert_eq!(header(&body), "SHA-256=RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=");
        assert!(matches(&header(&body), &body) && matches(&content_digest(&body), &body));
        assert!(matches("sha-512=:abc:, sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", &body), "one of several");
        assert!(!matches(&header(&body), &Sha256::digest(b"{\"hello\": \"world!\"}\n")), "another body");
        assert!(!matches("sha-512=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", &body), "only SHA-256 counts");
        assert!(!matches("", &body));
    }
}
