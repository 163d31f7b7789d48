//! The hostile values: texts, names, handles, bios, ids, settings, cursors
//! and limits the rules refuse, each with the code it gets.

use super::*;

/// Post and reply texts the rules refuse, with the code each gets.
pub(crate) fn bad_texts() -> Vec<(&'static str, String, &'static str)> {
    let markup: String = "<script>alert(1)</script>".repeat(6).chars().take(141).collect();
    vec![
        ("empty", String::new(), "text_empty"),
        ("whitespace only", " \n\t \u{3000} ".into(), "text_empty"),
        ("zero-width only", "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}".into(), "text_empty"),
        ("soft hyphen and zero-width spaces", " \u{AD}\u{200B} \u{200B} ".into(), "text_empty"),
        ("NUL inside", "a\u{0}b".into(), "text_invalid"),
        ("NUL alone", "\u{0}".into(), "text_invalid"),
        ("bell", "ding\u{7}".into(), "text_invalid"),
        ("ANSI escape", "\u{1b}[31mred\u{1b}[0m".into(), "text_invalid"),
        ("carriage return", "one\rtwo".into(), "text_invalid"),
        ("DEL", "a\u{7f}b".into(), "text_invalid"),
        ("C1 control", "a\u{9b}31mb".into(), "text_invalid"),
        ("right-to-left override", "invoice\u{202E}fdp.exe".into(), "text_invalid"),
        ("left-to-right override", "\u{202D}abc".into(), "text_invalid"),
        ("right-to-left embedding", "\u{202B}abc\u{202C}".into(), "text_invalid"),
        ("right-to-left isolate", "\u{2067}abc\u{2069}".into(), "text_invalid"),
        ("override among zero-width characters", "\u{200B}\u{202E}\u{200B}".into(), "text_invalid"),
        ("141 characters", "x".repeat(141), "text_too_long"),
        ("141 characters inside spaces", format!("   {}   ", "x".repeat(141)), "text_too_long"),
        ("141 flags", "🇫🇷".repeat(141), "text_too_long"),
        ("141 ZWJ families", "👨‍👩‍👧‍👦".repeat(141), "text_too_long"),
        ("141 accented letters", "e\u{301}".repeat(141), "text_too_long"),
        ("141 characters of markup", markup, "text_too_long"),
        ("a letter under 4,000 combining marks", format!("a{}", "\u{301}".repeat(4000)), "text_invalid"),
        ("a letter under nine combining marks", format!("a{}", "\u{301}\u{302}\u{303}".repeat(3)), "text_invalid"),
        ("a link of 8,016 characters", format!("https://acme.fr/{}", "a".repeat(8000)), "text_too_long"),
        ("90 characters of ten joined emoji each", ["🐦"; 10].join("\u{200D}").repeat(90), "text_too_long"),
    ]
}

/// Display names (visitor or account) the rules refuse: all invalid_name.
pub(crate) fn bad_names() -> Vec<(&'static str, String)> {
    let mut names: Vec<(&str, String)> = bad_texts().into_iter().map(|(what, text, _)| (what, text)).collect();
    names.push(("41 characters", "n".repeat(41)));
    names.push(("41 emoji", "🐦".repeat(41)));
    names.push(("two lines", "two\nlines".into()));
    names
}

/// Handles an account cannot be created with: all invalid_handle.
pub(crate) fn bad_handles() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("a space", " "),
        ("leading space", " acme2"),
        ("uppercase", "Intruder"),
        ("hyphen", "in-truder"),
        ("space inside", "in truder"),
        ("../", "../intruder"),
        ("..", ".."),
        (".", "."),
        ("slash", "in/truder"),
        ("encoded slash", "in%2Ftruder"),
        ("backslash", "in\\truder"),
        ("accented", "intrudé"),
        ("NUL", "intruder\u{0}"),
        ("newline", "intruder\n"),
        ("markup", "<script>"),
        ("right-to-left override", "\u{202E}redurtni"),
        ("zero-width space", "intruder\u{200B}"),
        ("fullwidth letters", "ｉｎｔｒｕｄｅｒ"),
    ]
    .into_iter()
    .map(|(what, handle)| (what, handle.to_owned()))
    .chain([("31 characters", "h".repeat(31)), ("1,000 characters", "h".repeat(1000))])
    .collect()
}

/// Bios the rules refuse (an empty bio is fine).
pub(crate) fn bad_bios() -> Vec<(&'static str, String, &'static str)> {
    vec![
        ("281 characters", "b".repeat(281), "text_too_long"),
        ("NUL", "a\u{0}b".into(), "text_invalid"),
        ("ANSI escape", "\u{1b}[2J".into(), "text_invalid"),
        ("right-to-left override", "we \u{202E}sell".into(), "text_invalid"),
        ("zero-width only", "\u{200B}\u{200D}\u{FEFF}".into(), "text_empty"),
    ]
}

/// Handles in a path (percent-encoding as sent): none is a handle.
pub(crate) fn bad_handles_in_path() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("uppercase", "Acme"),
        ("hyphen", "ac-me"),
        ("encoded ../", "..%2F..%2Fetc%2Fpasswd"),
        ("encoded slash", "acme%2Fposts"),
        ("NUL", "acme%00"),
        ("encoded space", "acme%20"),
        ("encoded newline", "acme%0A"),
        ("emoji", "%F0%9F%90%A6"),
        ("invalid UTF-8", "%FF%FE"),
        ("zero-width space", "acme%E2%80%8B"),
        ("right-to-left override", "%E2%80%AEemca"),
        ("fullwidth letter", "%EF%BD%81cme"),
        ("markup", "%3Cscript%3E"),
        ("semicolon", "acme;x"),
    ]
    .into_iter()
    .map(|(what, handle)| (what, handle.to_owned()))
    .chain([("31 characters", "a".repeat(31)), ("8,000 characters", "a".repeat(8000))])
    .collect()
}

/// Post ids (in a path) that are not ids: all invalid_id.
pub(crate) fn bad_ids() -> Vec<(&'static str, String)> {
    [
        ("with no number", "acme"),
        ("with an empty number", "acme-"),
        ("with no handle", "-0"),
        ("with a leading zero", "acme-01"),
        ("00", "acme-00"),
        ("with an uppercase handle", "Acme-0"),
        ("with an uppercase digit", "acme-1Z"),
        ("with a trailing dash", "acme-0-"),
        ("of a reply", "acme-0-0"),
        ("with two dashes", "acme--0"),
        ("with a sign", "acme-+1"),
        ("with a decimal", "acme-1.5"),
        ("of 14 digits", "acme-zzzzzzzzzzzzzz"),
        ("of 13 z, over u64", "acme-zzzzzzzzzzzzz"),
        ("a dash alone", "-"),
        ("with an emoji handle", "%F0%9F%90%A6-1"),
        ("over u64", &format!("acme-{U64_OVER_B36}")),
        ("with NUL", "acme-0%00"),
        ("NUL", "%00"),
        ("with an encoded ../", "..%2Facme-0"),
        ("with an encoded /.. after", "acme-0%2F..%2F.."),
        ("with an emoji number", "acme-%F0%9F%90%A6"),
        ("with invalid UTF-8", "acme-%FF"),
        ("with an encoded space", "acme-%200"),
        ("with an encoded newline", "acme-0%0A"),
        ("with markup", "%3Cscript%3E-0"),
        ("with a 31-character handle", &format!("{}-0", "a".repeat(31))),
        ("of 8,000 characters", &"a".repeat(8000)),
    ]
    .into_iter()
    .map(|(what, id)| (what, id.to_owned()))
    .collect()
}

/// Malformed forms of `real`, an id of lowercase hexadecimal digits of a
/// fixed length (webhooks, uploads).
pub(crate) fn bad_hex_ids(real: &str) -> Vec<(String, String)> {
    let len = real.len();
    let not_hex = format!("{}g", "0".repeat(len - 1));
    [
        ("empty".to_owned(), String::new()),
        ("with an uppercase digit".to_owned(), format!("A{}", &real[1..])),
        (format!("of {} digits", len - 1), real[1..].to_owned()),
        (format!("of {} digits", len + 1), format!("{real}0")),
        ("not hexadecimal".to_owned(), not_hex),
        ("with NUL".to_owned(), format!("{real}%00")),
        ("with an encoded ../".to_owned(), format!("..%2F{real}")),
        ("invalid UTF-8".to_owned(), "%FF".repeat(len)),
        ("emoji".to_owned(), "%F0%9F%90%A6".repeat(len / 4)),
        ("markup".to_owned(), "%3Cscript%3E".to_owned()),
        ("of 8,000 characters".to_owned(), "a".repeat(8000)),
    ]
    .into()
}

/// Reply ids (in a path) that are not ids: all invalid_id. A bad post id
/// makes a bad reply id, and so does a bad number after a good post id.
pub(crate) fn bad_reply_ids() -> Vec<(String, String)> {
    let of_bad_posts = bad_ids().into_iter().map(|(what, id)| (format!("of a post id {what}"), format!("{id}-0")));
    let bad_numbers = [
        ("a post id alone", ""),
        ("with a leading zero", "01"),
        ("00", "00"),
        ("with an uppercase digit", "Z"),
        ("with a sign", "+1"),
        ("negative", "-0"),
        ("with a decimal", "1.5"),
        ("of 14 digits", "zzzzzzzzzzzzzz"),
        ("over u64", U64_OVER_B36),
        ("NUL", "%00"),
        ("with NUL", "0%00"),
        ("invalid UTF-8", "%FF"),
        ("an emoji", "%F0%9F%90%A6"),
        ("with an encoded space", "%200"),
        ("with an encoded newline", "0%0A"),
        ("with markup", "%3Cscript%3E"),
    ];
    let bad_numbers = bad_numbers.into_iter().map(|(what, n)| (format!("number {what}"), format!("{THREAD}-{n}")));
    of_bad_posts.chain(bad_numbers).collect()
}

/// Settings the rules refuse (`field`, what, value): all invalid_settings.
pub(crate) fn bad_settings() -> Vec<(&'static str, &'static str, Value)> {
    let words = |what, value| ("blocked_words", what, value);
    let origin = |what, origin: &str| ("origins", what, json!([origin]));
    vec![
        words("an empty word", json!(["arnaque", ""])),
        words("a word of spaces", json!(["   "])),
        words("a word of tabs and newlines", json!(["\t\n"])),
        words("a word of 51 characters", json!(["w".repeat(51)])),
        words("a word of 51 emoji", json!(["🐦".repeat(51)])),
        words("201 words", json!((0..=200).map(|n| format!("w{n}")).collect::<Vec<_>>())),
        origin("no scheme", "shop.example"),
        origin("ftp", "ftp://shop.example"),
        origin("a scheme alone", "https://"),
        origin("a path", "https://shop.example/path"),
        origin("a query", "https://shop.example?x=1"),
        origin("a fragment", "https://shop.example#top"),
        origin("a user", "https://user@shop.example"),
        origin("a backslash and a user", "https://shop.example\\@evil.example"),
        origin("an empty label", "https://shop..example"),
        origin("port 0", "https://shop.example:0"),
        origin("port 99999", "https://shop.example:99999"),
        origin("an empty port", "https://shop.example:"),
        origin("a space in the host", "https://sh op.example"),
        origin("javascript:", "javascript://alert(1)"),
        origin("null", "null"),
        origin("a star", "*"),
        origin("a wildcard host", "https://*.example"),
        origin("empty brackets", "https://[]"),
        origin("fullwidth letters", "https://ｓｈｏｐ.example"),
        origin("NUL in the host", "https://shop\0.example"),
        origin("a host of 254 characters", &format!("https://{}", "a".repeat(254))),
        origin("empty", ""),
        ("origins", "51 sites", json!((0..=50).map(|n| format!("https://s{n}.example")).collect::<Vec<_>>())),
    ]
}

/// Cursors (in a query, encoded as sent) that are not cursors: all invalid_cursor.
pub(crate) fn bad_cursors() -> Vec<(&'static str, String)> {
    [
        ("empty", ""),
        ("negative", "-1"),
        ("00", "00"),
        ("leading zero", "01"),
        ("NUL", "%00"),
        ("decimal", "1.5"),
        ("uppercase", "A"),
        ("14 digits", "zzzzzzzzzzzzzz"),
        ("13 z, over u64", "zzzzzzzzzzzzz"),
        ("over u64", U64_OVER_B36),
        ("invalid UTF-8", "%FF"),
        ("a space", "%20"),
        ("a trailing space", "1%20"),
        ("hexadecimal", "0x1"),
        ("fullwidth digit", "%EF%BC%91"),
        ("encoded ../", "..%2F1"),
        ("base64 JSON", "eyJzZXEiOjF9"),
        ("markup", "%3Cscript%3E"),
    ]
    .into_iter()
    .map(|(what, cursor)| (what, cursor.to_owned()))
    .chain([("of 8,000 characters", "z".repeat(8000))])
    .collect()
}

/// Limits that are not 1 to 50: all invalid_limit.
pub(crate) fn bad_limits() -> Vec<(&'static str, String)> {
    [
        ("0", "0"),
        ("51", "51"),
        ("negative", "-1"),
        ("a word", "abc"),
        ("decimal", "1.5"),
        ("empty", ""),
        ("over u64", "99999999999999999999999"),
        ("NUL", "%00"),
        ("exponent", "1e1"),
        ("hexadecimal", "0x10"),
        ("fullwidth digit", "%EF%BC%95"),
        ("with NUL after", "50%00"),
    ]
    .into_iter()
    .map(|(what, limit)| (what, limit.to_owned()))
    .collect()
}
