//! Property tests of the protocol's decoding and validation: whatever a
//! request carries, these functions answer without panicking, and what they
//! accept round-trips exactly.

use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::rate::{RateLimit, admit};
use gazouillis_protocol::rich::{segments, text_length, Segment, URL_LENGTH};
#[cfg(feature = "native-crypto")]
use gazouillis_protocol::token::{self, Claims};
use gazouillis_protocol::{Cursor, PostId, ReplyId, TextError, char_count, check_name, check_text};
use proptest::prelude::*;

fn handle() -> impl Strategy<Value = String> {
    "[a-z0-9_]{1,30}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_checks_never_panic_and_accept_only_what_they_promise(raw in any::<String>(), max in 0usize..300) {
        match check_text(&raw, max) {
            Ok(text) => {
                prop_assert_eq!(text.as_str(), raw.trim());
                prop_assert!(text_length(&text) <= max);
                let control = |c: char| c.is_control() && c != '\n' && c != '\t';
                let bidi = |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
                prop_assert!(!text.chars().any(control));
                prop_assert!(!text.chars().any(bidi));
            }
            Err(TextError::TooLong { count, max: limit }) => {
                prop_assert_eq!(limit, max);
                prop_assert!(count > max);
            }
            Err(_) => {}
        }
        let _ = check_name(&raw);
    }

    #[test]
    fn segments_give_the_text_back_and_links_are_http_only(raw in any::<String>(), words in "([a-zé#@:/. ]|https?://|\\.fr|javascript:){0,40}") {
        for text in [raw.as_str(), words.as_str()] {
            let mut rebuilt = String::new();
            for segment in segments(text) {
                match segment {
                    Segment::Text(s) => rebuilt.push_str(s),
                    Segment::Url(url) => {
                        let lower = url.to_ascii_lowercase();
                        prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{}", url);
                        rebuilt.push_str(url);
                    }
                    Segment::Hashtag(tag) => {
                        prop_assert!(!tag.is_empty());
                        rebuilt.push('#');
                        rebuilt.push_str(tag);
                    }
                    Segment::Mention(handle) => {
                        prop_assert!(is_handle(&handle.to_ascii_lowercase()));
                        rebuilt.push('@');
                        rebuilt.push_str(handle);
                    }
                }
            }
            prop_assert_eq!(rebuilt.as_str(), text);
        }
    }

    #[test]
    fn a_link_counts_23_whatever_its_length(before in "[a-zé ]{0,30}", path in "[a-z0-9/_-]{0,300}", after in "[a-zé ]{0,30}") {
        let text = format!("{before} https://acme.fr/{path} {after}");
        prop_assert_eq!(text_length(&text), char_count(&before) + 1 + URL_LENGTH + 1 + char_count(&after));
    }

    #[test]
    fn counting_is_at_most_the_code_points(raw in any::<String>()) {
        let n = char_count(&raw);
        prop_assert!(n <= raw.chars().count());
        prop_assert_eq!(n == 0, raw.is_empty());
    }

    #[test]
    fn ids_round_trip(handle in handle(), post in any::<u64>(), reply in any::<u64>()) {
        let post = PostId { handle, seq: post };
        prop_assert_eq!(post.to_string().parse::<PostId>(), Ok(post.clone()));
        let reply = ReplyId { post, seq: reply };
        prop_assert_eq!(reply.to_string().parse::<ReplyId>(), Ok(reply.clone()));
        prop_assert_eq!(Cursor(reply.seq).to_string().parse::<Cursor>(), Ok(Cursor(reply.seq)));
    }

    #[test]
    fn parsing_any_string_is_total_and_canonical(raw in any::<String>()) {
        // Accepted ids have exactly one spelling: the one they were given in.
        if let Ok(id) = raw.parse::<PostId>() {
            prop_assert!(is_handle(&id.handle));
            prop_assert_eq!(id.to_string(), raw.clone());
        }
        if let Ok(id) = raw.parse::<ReplyId>() {
            prop_assert_eq!(id.to_string(), raw.clone());
        }
        if let Ok(cursor) = raw.parse::<Cursor>() {
            prop_assert_eq!(cursor.to_string(), raw.clone());
        }
        let _ = raw.parse::<RateLimit>();
    }

    #[test]
    fn ids_shaped_strings_parse_canonically(raw in "[a-z0-9_]{0,31}(-[0-9a-z]{0,14}){0,3}") {
        if let Ok(id) = raw.parse::<ReplyId>() {
            prop_assert_eq!(id.to_string(), raw.clone());
        }
        if let Ok(id) = raw.parse::<PostId>() {
            prop_assert_eq!(id.to_string(), raw);
        }
    }

    #[cfg(feature = "native-crypto")]
    #[test]
    fn tokens_round_trip_and_any_change_is_refused(
        sub in "[0-9a-f]{16}", name in any::<String>(), exp in 1u64..u64::MAX, at in any::<prop::sample::Index>(), by in 1u8..128,
    ) {
        let claims = Claims { sub, name, exp, customer_of: None, sso_epoch: None };
        let signed = token::sign(&claims, b"secret");
        prop_assert_eq!(token::verify(&signed, b"secret", exp - 1), Some(claims.clone()));
        prop_assert_eq!(token::verify(&signed, b"secret", exp), None, "expired");
        prop_assert_eq!(token::verify(&signed, b"other", 0), None, "another secret");
        let mut altered = signed.clone().into_bytes();
        let i = at.index(altered.len());
        altered[i] = altered[i].wrapping_add(by) % 128;
        if let Ok(altered) = String::from_utf8(altered) && altered != signed {
            prop_assert_eq!(token::verify(&altered, b"secret", 0), None, "altered at {}", i);
        }
    }

    #[cfg(feature = "native-crypto")]
    #[test]
    fn any_token_text_is_refused_without_panic(raw in any::<String>()) {
        prop_assert_eq!(token::verify(&raw, b"secret", 0), None);
    }

    #[test]
    fn a_rate_limit_is_never_exceeded(max in 1u32..6, seconds in 1u64..10, gaps in prop::collection::vec(0u64..4_000, 1..60)) {
        let limit = RateLimit { max, window_ms: seconds * 1000 };
        let (mut recent, mut admitted, mut now) = (Vec::new(), Vec::new(), 0u64);
        for gap in gaps {
            now += gap;
            if admit(&mut recent, now, limit).is_ok() {
                admitted.push(now);
            }
        }
        for (i, &t) in admitted.iter().enumerate() {
            let in_window = admitted[i..].iter().take_while(|&&u| u < t + limit.window_ms).count();
            prop_assert!(in_window <= max as usize, "{} events from {}", in_window, t);
        }
    }
}
