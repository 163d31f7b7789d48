//! HTTP Message Signatures (RFC 9421), as Mastodon 4.5 and Fedify send them
//! first: a request's `Signature-Input` and `Signature` read
//! ([`Signatures::parse`]), and the signature base each covers
//! ([`signature_base`]).
//!
//! The components a fediverse sender covers are supported: the derived
//! `@method`, `@target-uri`, `@authority`, `@scheme`, `@request-target`,
//! `@path` and `@query`, and header fields. A signature covering anything
//! else (a component with parameters, `@query-param`, a response's
//! `@status`) cannot be checked here: [`Unusable::Unsupported`].
//!
//! Not here: the keys and the verification itself (WebCrypto in the Worker,
//! RustCrypto in the tests), nor which `created` to trust (the inbox's rules).

use crate::Unusable;
use sfv::{BareItem, Dictionary, FieldType, InnerList, ListEntry, Parser};

/// One signature of a request, by its label.
#[derive(Clone, Debug, PartialEq)]
pub struct Signed {
    pub label: String,
    /// The covered components' names, in order (`@method`, `content-digest`, …).
    pub components: Vec<String>,
    pub key_id: Option<String>,
    pub alg: Option<String>,
    /// Seconds since 1970.
    pub created: Option<i64>,
    pub expires: Option<i64>,
    pub signature: Vec<u8>,
    /// The `@signature-params` value: the covered list and its parameters,
    /// serialized.
    params: String,
}

/// The request a signature base is built from.
pub struct Request<'a> {
    pub method: &'a str,
    /// `https` or `http`.
    pub scheme: &'a str,
    /// `host[:port]`, as the request was sent to.
    pub authority: &'a str,
    pub path: &'a str,
    /// Without its `?`; `None`: no query.
    pub query: Option<&'a str>,
}

/// Every signature a request carries.
pub struct Signatures;

impl Signatures {
    /// The signatures of `Signature-Input` (`input`) with their values in
    /// `Signature` (`signature`), in `input`'s order.
    pub fn parse(input: &str, signature: &str) -> Result<Vec<Signed>, Unusable> {
        let inputs: Dictionary = Parser::new(input).parse().map_err(|_| Unusable::Malformed)?;
        let values: Dictionary = Parser::new(signature).parse().map_err(|_| Unusable::Malformed)?;
        inputs
            .into_iter()
            .map(|(label, entry)| {
                let ListEntry::InnerList(covered) = entry else { return Err(Unusable::Malformed) };
                let signature = match values.get(label.as_str()) {
                    Some(ListEntry::Item(item)) => item.bare_item.as_byte_sequence().ok_or(Unusable::Malformed)?.to_vec(),
                    _ => return Err(Unusable::Missing("signature")),
                };
                signed(label.as_str(), covered, signature)
            })
            .collect()
    }
}

fn signed(label: &str, covered: InnerList, signature: Vec<u8>) -> Result<Signed, Unusable> {
    let components = covered
        .items
        .iter()
        .map(|item| match (&item.bare_item, item.params.is_empty()) {
            (BareItem::String(name), true) => Ok(name.as_str().to_owned()),
            _ => Err(Unusable::Unsupported(sfv::List::from([ListEntry::Item(item.clone())]).serialize().unwrap_or_default())),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let param = |name: &str| covered.params.get(name);
    let text = |name: &str| param(name).and_then(|value| value.as_string()).map(|value| value.as_str().to_owned());
    let number = |name: &str| param(name).and_then(|value| value.as_integer()).map(i64::from);
    Ok(Signed {
        label: label.to_owned(),
        key_id: text("keyid"),
        alg: text("alg"),
        created: number("created"),
        expires: number("expires"),
        params: sfv::List::from([ListEntry::InnerList(covered.clone())]).serialize().ok_or(Unusable::Malformed)?,
        components,
        signature,
    })
}

/// The signature base `signed` covers, for `request` whose header `name`
/// (lowercase) reads `header(name)` (several lines of one field joined
/// with `, `).
pub fn signature_base<'a>(signed: &Signed, request: &Request, header: impl Fn(&str) -> Option<&'a str>) -> Result<String, Unusable> {
    let mut lines = signed
        .components
        .iter()
        .map(|name| {
            let value = match name.as_str() {
                "@method" => request.method.to_owned(),
                "@scheme" => request.scheme.to_ascii_lowercase(),
                "@authority" => request.authority.to_ascii_lowercase(),
                "@path" => request.path.to_owned(),
                "@query" => format!("?{}", request.query.unwrap_or_default()),
                "@request-target" => match request.query {
                    Some(query) => format!("{}?{query}", request.path),
                    None => request.path.to_owned(),
                },
                "@target-uri" => {
                    let query = request.query.map(|query| format!("?{query}")).unwrap_or_default();
                    format!("{}://{}{}{query}", request.scheme.to_ascii_lowercase(), request.authority.to_ascii_lowercase(), request.path)
                }
                derived if derived.starts_with('@') => return Err(Unusable::Unsupported(derived.to_owned())),
                field => header(field).map(|value| value.trim().to_owned()).ok_or_else(|| Unusable::Uncovered(field.to_owned()))?,
            };
            Ok(format!("\"{name}\": {value}"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    lines.push(format!("\"@signature-params\": {}", signed.params));
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::{Signature, Verifier, VerifyingKey};

    /// RFC 9421, Appendix B.2: the test request,
    /// `POST /foo?param=Value&Pet=dog` to example.com.
    const REQUEST: Request = Request { method: "POST", scheme: "https", authority: "example.com", path: "/foo", query: Some("param=Value&Pet=dog") };

    fn header(name: &str) -> Option<&'static str> {
        match name {
            "host" => Some("example.com"),
            "date" => Some("Tue, 20 Apr 2021 02:07:55 GMT"),
            "content-type" => Some("application/json"),
            "content-digest" => Some("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:"),
            "content-length" => Some("18"),
            _ => None,
        }
    }

    #[test]
    fn rfc_9421_b26_ed25519_verifies_over_the_base_built_here() {
        let signatures = Signatures::parse(
            r#"sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519""#,
            "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:",
        )
        .unwrap();
        let [signed] = signatures.as_slice() else { panic!("one signature: {signatures:?}") };
        assert_eq!((signed.label.as_str(), signed.key_id.as_deref(), signed.created, signed.alg.as_deref()), ("sig-b26", Some("test-key-ed25519"), Some(1_618_884_473), None));
        let base = signature_base(signed, &REQUEST, header).unwrap();
        assert_eq!(
            base,
            "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\
             \"content-type\": application/json\n\"content-length\": 18\n\
             \"@signature-params\": (\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
        );
        // RFC 9421, Appendix B.1.4: test-key-ed25519's public key.
        let public = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs").unwrap();
        let key = VerifyingKey::from_bytes(&public.try_into().unwrap()).unwrap();
        let signature = Signature::from_slice(&signed.signature).unwrap();
        assert!(key.verify(base.as_bytes(), &signature).is_ok());
        assert!(key.verify(base.replace("/foo", "/bar").as_bytes(), &signature).is_err(), "another path");
    }

    #[test]
    fn rfc_9421_b21_covers_nothing_but_its_parameters() {
        let input = r#"sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#;
        let signed = Signatures::parse(input, "sig-b21=:AAAA:").unwrap().remove(0);
        assert_eq!(
            signature_base(&signed, &REQUEST, header).unwrap(),
            r#""@signature-params": ();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd""#
        );
    }

    #[test]
    fn derived_components_as_section_2_2_derives_them() {
        let input = r#"sig=("@method" "@target-uri" "@authority" "@scheme" "@request-target" "@path" "@query" "content-digest");keyid="k""#;
        let signed = Signatures::parse(input, "sig=:AAAA:").unwrap().remove(0);
        let base = signature_base(&signed, &Request { authority: "Example.COM", ..REQUEST }, header).unwrap();
        let lines: Vec<&str> = base.lines().collect();
        assert_eq!(
            lines[..8],
            [
                "\"@method\": POST",
                "\"@target-uri\": https://example.com/foo?param=Value&Pet=dog",
                "\"@authority\": example.com",
                "\"@scheme\": https",
                "\"@request-target\": /foo?param=Value&Pet=dog",
                "\"@path\": /foo",
                "\"@query\": ?param=Value&Pet=dog",
                "\"content-digest\": sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
            ]
        );
        let no_query = signature_base(&signed, &Request { query: None, ..REQUEST }, header).unwrap();
        assert!(no_query.contains("\"@query\": ?\n") && no_query.contains("\"@request-target\": /foo\n"));
    }

    #[test]
    fn what_cannot_be_checked_says_why() {
        let parse = |input: &str, signature: &str| Signatures::parse(input, signature).map(|_| ());
        assert_eq!(parse(r#"sig=("@method");keyid="k""#, "other=:AAAA:"), Err(Unusable::Missing("signature")));
        assert_eq!(parse(r#"sig="@method""#, "sig=:AAAA:"), Err(Unusable::Malformed), "not an inner list");
        assert_eq!(parse(r#"sig=("@method""#, "sig=:AAAA:"), Err(Unusable::Malformed));
        assert_eq!(parse(r#"sig=("@method")"#, r#"sig="AAAA""#), Err(Unusable::Malformed), "not a byte sequence");
        assert_eq!(parse(r#"sig=("@query-param";name="Pet")"#, "sig=:AAAA:"), Err(Unusable::Unsupported(r#""@query-param";name="Pet""#.into())));
        let status = Signatures::parse(r#"sig=("@status")"#, "sig=:AAAA:").unwrap().remove(0);
        assert_eq!(signature_base(&status, &REQUEST, header), Err(Unusable::Unsupported("@status".into())));
        let absent = Signatures::parse(r#"sig=("x-absent")"#, "sig=:AAAA:").unwrap().remove(0);
        assert_eq!(signature_base(&absent, &REQUEST, header), Err(Unusable::Uncovered("x-absent".into())));
    }
}
