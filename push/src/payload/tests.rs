//! Tests of the notifications' JSON: its shape, titles in both languages, and
//! that any text keeps it valid and under the limit. Not how browsers show
//! it.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::*;

const ACCOUNT: Account = Account { handle: "cafe-lune", name: "Café Lune" };
const POST: Post = Post {
    id: "01HZX3",
    text: "New pastries today",
    url: "https://cafe-lune.example/@cafe-lune/01HZX3",
    created_at: "2025-05-01T09:00:00Z",
    offer_ends_at: None,
};
const REPLY: Reply = Reply { id: "01HZX9", text: "Thanks, see you soon!" };

fn parsed(text: &str) -> Value {
    assert!(text.len() <= MAX_PLAINTEXT, "{} bytes", text.len());
    serde_json::from_str(text).expect("valid JSON")
}

#[test]
fn a_post_s_shape() {
    assert_eq!(
        parsed(&post(Lang::En, &ACCOUNT, &POST)),
        json!({
            "web_push": 8030,
            "notification": {
                "title": "Café Lune",
                "body": "New pastries today",
                "navigate": "https://cafe-lune.example/@cafe-lune/01HZX3",
                "lang": "en",
                "tag": "post-01HZX3",
            },
            "type": "post",
            "account": {"handle": "cafe-lune", "name": "Café Lune"},
            "post": {
                "id": "01HZX3",
                "text": "New pastries today",
                "url": "https://cafe-lune.example/@cafe-lune/01HZX3",
                "created_at": "2025-05-01T09:00:00Z",
            },
        })
    );
}

#[test]
fn web_push_comes_first() {
    assert!(post(Lang::Fr, &ACCOUNT, &POST).starts_with(r#"{"web_push":8030,"notification":{"#));
}

#[test]
fn an_offer_shows_when_it_ends_only() {
    let offer = Post { offer_ends_at: Some("2025-05-08T00:00:00Z"), ..POST };
    let value = parsed(&post(Lang::Fr, &ACCOUNT, &offer));
    assert_eq!(value["post"]["offer"], json!({"ends_at": "2025-05-08T00:00:00Z"}));
    assert_eq!(value["notification"]["lang"], "fr");
}

#[test]
fn an_answer_s_shape_in_both_languages() {
    let value = parsed(&answer(Lang::En, &ACCOUNT, &POST, &REPLY));
    assert_eq!(value["type"], "answer");
    assert_eq!(
        value["notification"],
        json!({
            "title": "Café Lune answered you",
            "body": "Thanks, see you soon!",
            "navigate": POST.url,
            "lang": "en",
            "tag": "answer-01HZX9",
        })
    );
    assert_eq!(value["reply"], json!({"id": "01HZX9", "text": "Thanks, see you soon!"}));
    assert_eq!(value["post"]["text"], "New pastries today");

    let value = parsed(&answer(Lang::Fr, &ACCOUNT, &POST, &REPLY));
    assert_eq!(value["notification"]["title"], "Café Lune vous a répondu");
    assert_eq!(value["notification"]["lang"], "fr");
}

#[test]
fn two_thousand_emoji_are_cut_with_an_ellipsis() {
    let text = "🦜".repeat(2000);
    let long = Post { text: &text, ..POST };
    let value = parsed(&post(Lang::En, &ACCOUNT, &long));
    let body = value["notification"]["body"].as_str().unwrap();
    assert!(body.ends_with('…'));
    assert!(body.trim_end_matches('…').chars().all(|c| c == '🦜'));
    assert!(body.chars().count() > 200, "cut no more than needed: {}", body.chars().count());
    assert_eq!(value["post"]["text"], body);
}

#[test]
fn escaping_counts() {
    let text = "\"\\".repeat(1500) + &"\u{1}".repeat(500);
    let long = Post { text: &text, ..POST };
    let value = parsed(&answer(Lang::Fr, &ACCOUNT, &long, &Reply { text: &text, ..REPLY }));
    assert!(value["reply"]["text"].as_str().unwrap().ends_with('…'));
    assert!(value["post"]["text"].as_str().unwrap().ends_with('…'));
}

#[test]
fn graphemes_are_not_split() {
    let family = "👨‍👩‍👧‍👦"; // one grapheme of seven chars
    let text = family.repeat(500);
    let value = parsed(&post(Lang::En, &ACCOUNT, &Post { text: &text, ..POST }));
    let body = value["notification"]["body"].as_str().unwrap();
    assert_eq!(body.trim_end_matches('…').len() % family.len(), 0);
}

#[test]
fn absurd_names_and_urls_still_fit() {
    let huge = "n".repeat(5000);
    let account = Account { handle: &huge, name: &huge };
    let post_ = Post { url: &huge, id: &huge, ..POST };
    parsed(&answer(Lang::En, &account, &post_, &Reply { id: &huge, text: &huge }));
}

#[test]
fn short_texts_are_whole() {
    assert_eq!(cut("abc", 3), "abc");
    assert_eq!(cut("abc", 2), "ab…");
    assert_eq!(cut("ab c", 3), "ab…");
    assert_eq!(cut("abc", 0), "…");
    assert_eq!(cut("", 0), "");
}

proptest! {
    #[test]
    fn any_text_gives_valid_json_under_the_limit(text in ".{0,3000}", reply in ".{0,3000}", name in ".{0,40}", fr in any::<bool>()) {
        let lang = if fr { Lang::Fr } else { Lang::En };
        let account = Account { handle: "h", name: &name };
        let post_ = Post { text: &text, ..POST };
        for json in [post(lang, &account, &post_), answer(lang, &account, &post_, &Reply { text: &reply, ..REPLY })] {
            prop_assert!(json.len() <= MAX_PLAINTEXT);
            let value: Value = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&value["account"]["name"], &Value::from(name.as_str()));
        }
    }
}
