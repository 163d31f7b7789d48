//! Tests of VAPID's formats, and under `native` of its signatures: a token
//! signed here verifies, and a changed claim or key does not. Not the
//! Worker's WebCrypto signing.

use super::*;

#[test]
fn the_signing_input_is_header_then_claims_in_base64url() {
    let input = signing_input("https://fcm.googleapis.com", 1_700_000_000, "mailto:ops@example.com");
    let (header, claims) = input.split_once('.').unwrap();
    assert_eq!(header, "eyJ0eXAiOiJKV1QiLCJhbGciOiJFUzI1NiJ9");
    let claims: serde_json::Value = serde_json::from_slice(&unb64(claims).unwrap()).unwrap();
    assert_eq!(
        claims,
        serde_json::json!({"aud": "https://fcm.googleapis.com", "exp": 1_700_000_000u64, "sub": "mailto:ops@example.com"})
    );
    assert!(!input.contains('='), "base64url without padding");
}

#[test]
fn token_and_authorization_formats() {
    let jwt = token("aaa.bbb", &[0xFF; 64]);
    assert_eq!(jwt, format!("aaa.bbb.{}", "_".repeat(85) + "w"));
    assert_eq!(authorization("aaa.bbb.ccc", &[0xFB, 0xFF]), "vapid t=aaa.bbb.ccc, k=-_8");
}

#[test]
fn the_audience_is_the_endpoint_s_origin() {
    let url = |text: &str| url::Url::parse(text).unwrap();
    assert_eq!(audience(&url("https://fcm.googleapis.com/fcm/send/abc:def")), "https://fcm.googleapis.com");
    assert_eq!(audience(&url("https://push.example:443/x")), "https://push.example");
    assert_eq!(audience(&url("https://push.example:8443/x")), "https://push.example:8443");
    assert_eq!(audience(&url("http://127.0.0.1:9000/push/1")), "http://127.0.0.1:9000");
}

#[test]
fn a_token_is_reused_until_an_hour_is_left() {
    let made = 1_000_000;
    let exp = made + LIFETIME_SECS;
    assert!(still_good(exp, made));
    assert!(still_good(exp, exp - RENEW_BEFORE_SECS));
    assert!(!still_good(exp, exp - RENEW_BEFORE_SECS + 1));
    assert!(!still_good(exp, exp + 10));
}

#[test]
fn private_keys_as_web_push_prints_them() {
    let d = [0x11u8; 32];
    let text = crate::b64(&d);
    assert_eq!(private_key(&text), Some(d));
    assert_eq!(private_key(&format!("{text}=")), Some(d));
    assert_eq!(private_key(&format!("  {text}\n")), Some(d));
    assert_eq!(private_key(&crate::b64(&[0x11; 31])), None);
    assert_eq!(private_key(&crate::b64(&[0; 32])), None);
    assert_eq!(private_key("not base64!"), None);
    assert_eq!(private_key(""), None);
}

#[test]
fn pkcs8_is_a_fixed_prefix_then_the_scalar() {
    let der = pkcs8_of(&[0x42; 32]);
    assert_eq!(der.len(), 67);
    assert_eq!(der[1] as usize, der.len() - 2, "the outer length covers the rest");
    assert_eq!(&der[35..], &[0x42; 32]);
}

#[cfg(feature = "native")]
mod native {
    use super::*;
    use p256::pkcs8::DecodePrivateKey;

    const D: &str = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"; // RFC 8291's sender key
    const PUBLIC: &str = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8";

    fn header(aud: &str, exp: u64, sub: &str) -> String {
        let d = private_key(D).unwrap();
        let input = signing_input(aud, exp, sub);
        authorization(&token(&input, &sign(&d, &input)), &public_key(&d))
    }

    #[test]
    fn the_public_key_of_a_known_private_key() {
        assert_eq!(crate::b64(&public_key(&private_key(D).unwrap())), PUBLIC);
    }

    #[test]
    fn pkcs8_round_trips_through_p256() {
        let d = private_key(D).unwrap();
        let key = p256::SecretKey::from_pkcs8_der(&pkcs8_of(&d)).unwrap();
        assert_eq!(key.to_bytes().as_slice(), &d);
    }

    #[test]
    fn a_token_signed_here_verifies() {
        let claims = verify(&header("https://push.example", 1_700_000_000, "mailto:a@b.example")).unwrap();
        assert_eq!(
            claims,
            Claims { aud: "https://push.example".into(), exp: 1_700_000_000, sub: "mailto:a@b.example".into() }
        );
    }

    #[test]
    fn a_changed_claim_fails() {
        let good = header("https://push.example", 1_700_000_000, "mailto:a@b.example");
        let forged_claims = signing_input("https://evil.example", 1_700_000_000, "mailto:a@b.example");
        let forged_claims = forged_claims.split_once('.').unwrap().1;
        let (before, rest) = good.split_once('.').unwrap();
        let (_, after) = rest.split_once('.').unwrap();
        assert!(verify(&format!("{before}.{forged_claims}.{after}")).is_err());
    }

    #[test]
    fn a_wrong_k_fails() {
        let good = header("https://push.example", 1_700_000_000, "mailto:a@b.example");
        let other = crate::b64(&public_key(&[7; 32]));
        let wrong = good.replace(PUBLIC, &other);
        assert_ne!(wrong, good);
        assert!(verify(&wrong).is_err());
    }

    #[test]
    fn malformed_headers_fail() {
        let good = header("https://push.example", 1, "mailto:a@b.example");
        for bad in [
            "",
            "vapid",
            "Bearer abc",
            "vapid t=a.b.c",
            &good.replace("vapid t=", "vapid x="),
            &good.replace(", k=", ", k=!!"),
            &format!("{good}, z=1"),
        ] {
            assert!(verify(bad).is_err(), "{bad:?}");
        }
    }
}
