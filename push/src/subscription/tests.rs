//! Tests of subscription checks, hostile ones included (property tests):
//! nothing panics, and only a push service's endpoint with well-formed keys
//! passes. Not storage or the edge's HTTP answers.

use proptest::prelude::*;

use super::*;

const P256DH: &str = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";
const FCM: &str = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH";

fn json(endpoint: &str, p256dh: &str, auth: &str) -> SubscriptionJson {
    SubscriptionJson {
        endpoint: endpoint.into(),
        keys: Keys { p256dh: p256dh.into(), auth: auth.into() },
        answers: None,
        lang: None,
        expiration_time: None,
    }
}

fn checked(endpoint: &str) -> Result<Subscription, Refusal> {
    check(json(endpoint, P256DH, AUTH), &Services::from_var(None), false)
}

#[test]
fn a_browser_s_subscription_passes_with_defaults() {
    let body = format!(r#"{{"endpoint":"{FCM}","expirationTime":null,"keys":{{"p256dh":"{P256DH}","auth":"{AUTH}"}}}}"#);
    let sub = check(serde_json::from_str(&body).unwrap(), &Services::from_var(None), false).unwrap();
    assert_eq!(sub.endpoint.as_str(), FCM);
    assert_eq!((sub.p256dh.len(), sub.auth.len()), (65, 16));
    assert!(sub.answers);
    assert_eq!(sub.lang, Lang::En);
}

#[test]
fn answers_and_lang_are_read() {
    for (lang, expected) in [("fr", Lang::Fr), ("fr-CA", Lang::Fr), ("FR", Lang::Fr), ("en-GB", Lang::En), ("de", Lang::En), ("", Lang::En)] {
        let mut body = json(FCM, P256DH, AUTH);
        body.answers = Some(false);
        body.lang = Some(lang.into());
        let sub = check(body, &Services::from_var(None), false).unwrap();
        assert!(!sub.answers);
        assert_eq!(sub.lang, expected, "{lang}");
    }
}

#[test]
fn every_default_service_is_allowed() {
    for endpoint in [
        FCM,
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://x.notify.windows.com/w",
        "https://FCM.googleapis.com./fcm/send/x",
    ] {
        assert!(checked(endpoint).is_ok(), "{endpoint}");
    }
}

#[test]
fn other_hosts_are_not_push_services() {
    for endpoint in [
        "https://evil.example/",
        "https://notify.windows.com.evil.example/",
        "https://notify.windows.com/w", // the wildcard is for subdomains only
        "https://evilnotify.windows.com/w",
        "https://fcm.googleapis.com.evil.example/fcm",
        "https://8.8.8.8/push",
    ] {
        assert_eq!(checked(endpoint).unwrap_err(), Refusal::NotAPushService, "{endpoint}");
    }
}

#[test]
fn undeliverable_endpoints_are_refused() {
    for endpoint in [
        "http://fcm.googleapis.com/fcm/send/x",
        "https://127.0.0.1/push",
        "https://10.0.0.1/push",
        "https://192.168.1.1/push",
        "https://169.254.169.254/latest",
        "https://[::1]/push",
        "https://[fe80::1]/push",
        "https://localhost/push",
        "http://127.0.0.1:9000/push", // loopback not allowed here
        "ftp://fcm.googleapis.com/x",
        "not a url",
        "",
    ] {
        assert_eq!(checked(endpoint).unwrap_err(), Refusal::Endpoint, "{endpoint}");
    }
}

#[test]
fn a_loopback_endpoint_when_allowed_skips_the_services() {
    let sub = check(json("http://127.0.0.1:9000/push/1", P256DH, AUTH), &Services::from_var(None), true).unwrap();
    assert_eq!(sub.endpoint.port(), Some(9000));
    let refused = check(json("https://evil.example/", P256DH, AUTH), &Services::from_var(None), true);
    assert_eq!(refused.unwrap_err(), Refusal::NotAPushService);
}

#[test]
fn over_2000_bytes_is_too_long() {
    let long = format!("{FCM}{}", "a".repeat(MAX_ENDPOINT_BYTES - FCM.len()));
    assert!(checked(&long).is_ok());
    assert_eq!(checked(&format!("{long}a")).unwrap_err(), Refusal::TooLong);
    // Percent-encoding makes a 1,000-byte path of `é` 3,000 bytes.
    assert_eq!(checked(&format!("{FCM}{}", "é".repeat(500))).unwrap_err(), Refusal::TooLong);
}

#[test]
fn keys_padded_or_not() {
    let sub = check(json(FCM, &format!("{P256DH}="), &format!("{AUTH}==")), &Services::from_var(None), false).unwrap();
    assert_eq!(b64(&sub.p256dh), P256DH);
    assert_eq!(b64(&sub.auth), AUTH);
    assert_eq!(unb64("-_8"), Some(vec![0xFB, 0xFF]));
    assert_eq!(unb64("-_8="), Some(vec![0xFB, 0xFF]));
    assert_eq!(unb64("+/8="), None, "standard base64 is not base64url");
}

#[test]
fn bad_keys_are_refused() {
    let services = Services::from_var(None);
    let compressed = b64(&[&[2u8][..], &[1; 32]].concat());
    let not_uncompressed = b64(&[&[5u8][..], &unb64(P256DH).unwrap()[1..]].concat());
    for p256dh in ["", "AAAA", &compressed, &not_uncompressed, &P256DH[1..], "!!!"] {
        assert_eq!(check(json(FCM, p256dh, AUTH), &services, false).unwrap_err(), Refusal::P256dh, "{p256dh}");
    }
    for auth in ["", "BTBZMqHH6r4Tts7J_aSI", &b64(&[1; 17]), "BTBZMqHH6r4Tts7J_aSIg!"] {
        assert_eq!(check(json(FCM, P256DH, auth), &services, false).unwrap_err(), Refusal::Auth, "{auth}");
    }
}

#[cfg(feature = "native")]
#[test]
fn a_p256dh_off_the_curve_is_refused() {
    let off = b64(&[&[4u8][..], &[1; 64]].concat());
    assert_eq!(check(json(FCM, &off, AUTH), &Services::from_var(None), false).unwrap_err(), Refusal::P256dh);
}

#[test]
fn the_services_var() {
    let services = Services::from_var(Some("push.example, *.push.test\n\tother.example,,"));
    assert!(services.allows("push.example"));
    assert!(services.allows("PUSH.example."));
    assert!(services.allows("a.push.test"));
    assert!(services.allows("a.b.push.test"));
    assert!(!services.allows("push.test"));
    assert!(services.allows("other.example"));
    assert!(!services.allows("fcm.googleapis.com"));
    for empty in [None, Some(""), Some(" , "), Some("*.")] {
        assert_eq!(Services::from_var(empty), Services::from_var(Some(DEFAULT_SERVICES)), "{empty:?}");
    }
}

proptest! {
    #[test]
    fn arbitrary_subscriptions_never_panic_and_are_refused(endpoint in ".{0,300}", p256dh in ".{0,100}", auth in ".{0,30}") {
        let result = check(json(&endpoint, &p256dh, &auth), &Services::from_var(None), true);
        prop_assert!(result.is_err());
    }

    #[test]
    fn arbitrary_endpoints_with_good_keys_pass_only_on_a_service(endpoint in "(https?://)?[a-z0-9.:\\[\\]-]{0,40}(/[ -~]{0,40})?") {
        if let Ok(sub) = check(json(&endpoint, P256DH, AUTH), &Services::from_var(None), false) {
            prop_assert_eq!(sub.endpoint.scheme(), "https");
            prop_assert!(Services::from_var(None).allows(sub.endpoint.host_str().unwrap()));
        }
    }

    #[test]
    fn arbitrary_keys_pass_only_when_well_formed(p256dh in proptest::collection::vec(any::<u8>(), 0..80), auth in proptest::collection::vec(any::<u8>(), 0..24), pad in any::<bool>()) {
        let encode = |bytes: &[u8]| if pad { base64::engine::general_purpose::URL_SAFE.encode(bytes) } else { b64(bytes) };
        let result = check(json(FCM, &encode(&p256dh), &encode(&auth)), &Services::from_var(None), false);
        let shaped = p256dh.len() == 65 && p256dh[0] == 4 && auth.len() == 16;
        if let Ok(sub) = result {
            prop_assert!(shaped);
            prop_assert_eq!(sub.p256dh, p256dh);
            prop_assert_eq!(sub.auth, auth);
        } else if !cfg!(feature = "native") {
            prop_assert!(!shaped);
        }
    }

    #[test]
    fn base64url_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..100)) {
        prop_assert_eq!(unb64(&b64(&bytes)), Some(bytes.clone()));
        prop_assert_eq!(unb64(&base64::engine::general_purpose::URL_SAFE.encode(&bytes)), Some(bytes));
    }
}
