//! HTTP Signatures as draft-cavage-http-signatures-12 writes them: the
//! `Signature` header every fediverse server sends and accepts (Mastodon
//! signs with it, Fedify falls back to it), `rsa-sha256` over
//! `(request-target) host date digest`.
//!
//! Here: the header parsed ([`Signature::parse`]) and written
//! ([`Signature::header`]), and the string a signature covers
//! ([`signing_string`]). Not here: the RSA itself (WebCrypto in the Worker,
//! the `rsa` crate in the tests), nor which dates and keys to trust (the
//! inbox's rules).

use crate::Unusable;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// A `Signature` header's fields.
#[derive(Clone, Debug, PartialEq)]
pub struct Signature {
    pub key_id: String,
    /// `rsa-sha256` or `hs2019` (both RSASSA-PKCS1-v1_5 with SHA-256 for an
    /// RSA key), when the sender says.
    pub algorithm: Option<String>,
    /// The covered headers, lowercase, in order (`date` alone when the
    /// header names none, as the draft says).
    pub headers: Vec<String>,
    pub signature: Vec<u8>,
}

impl Signature {
    /// Reads a `Signature` header's value (`keyId="…",headers="…",signature="…"`).
    pub fn parse(value: &str) -> Result<Signature, Unusable> {
        let mut fields: Vec<(String, String)> = Vec::new();
        let mut rest = value.trim();
        while !rest.is_empty() {
            let (name, after) = rest.split_once('=').ok_or(Unusable::Malformed)?;
            let name = name.trim().to_ascii_lowercase();
            let after = after.trim_start();
            let (field, tail) = match after.strip_prefix('"') {
                Some(quoted) => {
                    let end = quoted.find('"').ok_or(Unusable::Malformed)?;
                    (&quoted[..end], &quoted[end + 1..])
                }
                // Numbers (`created`, `expires`) come unquoted.
                None => after.split_at(after.find(',').unwrap_or(after.len())),
            };
            if name.is_empty() || fields.iter().any(|(known, _)| *known == name) {
                return Err(Unusable::Malformed);
            }
            fields.push((name, field.to_owned()));
            rest = tail.trim_start();
            rest = match rest.strip_prefix(',') {
                Some(next) => next.trim_start(),
                None if rest.is_empty() => rest,
                None => return Err(Unusable::Malformed),
            };
        }
        let field = |name: &str| fields.iter().find(|(known, _)| known == name).map(|(_, value)| value.clone());
        let key_id = field("keyid").ok_or(Unusable::Missing("keyId"))?;
        let signature = STANDARD.decode(field("signature").ok_or(Unusable::Missing("signature"))?).map_err(|_| Unusable::NotBase64)?;
        let headers = match field("headers") {
            Some(names) => names.split_ascii_whitespace().map(str::to_ascii_lowercase).collect(),
            None => vec!["date".to_owned()],
        };
        Ok(Signature { key_id, algorithm: field("algorithm"), headers, signature })
    }

    /// The header's value, as the edge sends it (`rsa-sha256`).
    pub fn header(&self) -> String {
        format!(
            r#"keyId="{}",algorithm="{}",headers="{}",signature="{}""#,
            self.key_id,
            self.algorithm.as_deref().unwrap_or("rsa-sha256"),
            self.headers.join(" "),
            STANDARD.encode(&self.signature)
        )
    }
}

/// The string a signature over `covered` signs, for a request of `method`
/// to `target` (its path and query) whose header `name` (lowercase) reads
/// `header(name)`: one `name: value` line each, `(request-target)` as
/// `method target` in lowercase method.
pub fn signing_string<'a>(method: &str, target: &str, covered: &[String], header: impl Fn(&str) -> Option<&'a str>) -> Result<String, Unusable> {
    let lines = covered
        .iter()
        .map(|name| match name.as_str() {
            "(request-target)" => Ok(format!("(request-target): {} {target}", method.to_ascii_lowercase())),
            _ => header(name).map(|value| format!("{name}: {}", value.trim())).ok_or_else(|| Unusable::Uncovered(name.clone())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::pkcs1v15::{Signature as RsaSignature, SigningKey, VerifyingKey};
    use rsa::pkcs8::DecodePublicKey;
    use rsa::sha2::{Digest, Sha256};
    use rsa::signature::{SignatureEncoding, Signer, Verifier};
    use rsa::{RsaPrivateKey, RsaPublicKey};

    // draft-cavage-http-signatures-12, Appendix C: the key `Test` and its request.
    const PUBLIC: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3
6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6
Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw
oYi+1hqp1fIekaxsyQIDAQAB
-----END PUBLIC KEY-----";
    const PRIVATE: &str = "-----BEGIN RSA PRIVATE KEY-----
MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF
NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F
UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB
AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA
QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK
kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg
f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u
412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc
mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7
kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA
gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW
G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI
7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==
-----END RSA PRIVATE KEY-----";
    const BODY: &str = r#"{"hello": "world"}"#;

    fn header(name: &str) -> Option<&'static str> {
        match name {
            "host" => Some("example.com"),
            "date" => Some("Sun, 05 Jan 2014 21:31:40 GMT"),
            "content-type" => Some("application/json"),
            "digest" => Some("SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="),
            "content-length" => Some("18"),
            _ => None,
        }
    }

    /// Whether `signature` (the header's value) verifies with the draft's key.
    fn verifies(signature: &Signature) -> bool {
        let string = signing_string("POST", "/foo?param=value&pet=dog", &signature.headers, header).unwrap();
        let key = VerifyingKey::<Sha256>::new(RsaPublicKey::from_public_key_pem(PUBLIC).unwrap());
        let Ok(bytes) = RsaSignature::try_from(signature.signature.as_slice()) else { return false };
        key.verify(string.as_bytes(), &bytes).is_ok()
    }

    #[test]
    fn the_drafts_default_basic_and_all_headers_tests_verify() {
        let default = Signature::parse(
            r#"keyId="Test",algorithm="rsa-sha256",signature="SjWJWbWN7i0wzBvtPl8rbASWz5xQW6mcJmn+ibttBqtifLN7Sazz6m79cNfwwb8DMJ5cou1s7uEGKKCs+FLEEaDV5lp7q25WqS+lavg7T8hc0GppauB6hbgEKTwblDHYGEtbGmtdHgVCk9SuS13F0hZ8FD0k/5OxEPXe5WozsbM=""#,
        )
        .unwrap();
        assert_eq!(default.headers, ["date"], "date alone by default");
        assert_eq!(signing_string("POST", "/foo?param=value&pet=dog", &default.headers, header).unwrap(), "date: Sun, 05 Jan 2014 21:31:40 GMT");
        assert!(verifies(&default));

        let basic = Signature::parse(
            r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date", signature="qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypxBLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3ButlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=""#,
        )
        .unwrap();
        assert_eq!(
            signing_string("POST", "/foo?param=value&pet=dog", &basic.headers, header).unwrap(),
            "(request-target): post /foo?param=value&pet=dog\nhost: example.com\ndate: Sun, 05 Jan 2014 21:31:40 GMT"
        );
        assert!(verifies(&basic));

        let all = Signature::parse(
            r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date content-type digest content-length",signature="vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb51gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=""#,
        )
        .unwrap();
        assert!(verifies(&all));
        assert_eq!(crate::digest::header(&Sha256::digest(BODY)), header("digest").unwrap(), "the draft's Digest of its body");
    }

    #[test]
    fn a_signature_made_here_is_the_drafts_and_verifies() {
        let key = SigningKey::<Sha256>::new(RsaPrivateKey::from_pkcs1_pem(PRIVATE).unwrap());
        let covered: Vec<String> = ["(request-target)", "host", "date", "digest"].map(String::from).to_vec();
        let string = signing_string("POST", "/foo?param=value&pet=dog", &covered, header).unwrap();
        let signature = Signature { key_id: "Test".into(), algorithm: None, headers: covered, signature: key.sign(string.as_bytes()).to_vec() };
        let sent = signature.header();
        assert!(sent.starts_with(r#"keyId="Test",algorithm="rsa-sha256",headers="(request-target) host date digest",signature=""#));
        let read = Signature::parse(&sent).unwrap();
        assert_eq!(read, Signature { algorithm: Some("rsa-sha256".into()), ..signature });
        assert!(verifies(&read));
        let mut tampered = read.clone();
        tampered.headers.pop();
        assert!(!verifies(&tampered), "a signature covers its headers exactly");
    }

    #[test]
    fn unusable_headers_say_why() {
        assert_eq!(Signature::parse(r#"keyId="a",signature="%%%""#), Err(Unusable::NotBase64));
        assert_eq!(Signature::parse(r#"signature="AAAA""#), Err(Unusable::Missing("keyId")));
        assert_eq!(Signature::parse(r#"keyId="a""#), Err(Unusable::Missing("signature")));
        for malformed in [r#"keyId="a"#, r#"keyId="a" signature="AAAA""#, r#"keyId="a",keyId="b",signature="AAAA""#, "keyId", r#"="a""#] {
            assert_eq!(Signature::parse(malformed), Err(Unusable::Malformed), "{malformed}");
        }
        let created = Signature::parse(r#"keyId="a",created=1402170695,headers="(created) date",signature="AAAA""#).unwrap();
        assert_eq!(created.headers, ["(created)", "date"]);
        let covered = ["date".to_owned(), "x-missing".to_owned()];
        assert_eq!(signing_string("GET", "/", &covered, header), Err(Unusable::Uncovered("x-missing".into())));
    }
}
