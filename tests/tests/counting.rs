//! The widget counts characters with the browser's `Intl.Segmenter`, the
//! edge with `unicode-segmentation` (`char_count`, the authority): in
//! Chromium, both count alike on 2,000+ strings: emoji with ZWJ sequences,
//! flags, skin tones and variation selectors; combining marks; Hangul,
//! Devanagari and Thai; CRLF; and random mixes of them all.

use gazouillis_protocol::char_count;
use gazouillis_tests::{Browser, Suite};
use serde_json::{Value, json};
use std::sync::Arc;

/// Pieces of text whose characters are easy to count wrong.
const PIECES: &[&str] = &[
    // ZWJ sequences, flags, skin tones, variation selectors, keycaps, tags.
    "👨‍👩‍👧‍👦", "👩🏽‍💻", "🧑🏿‍🤝‍🧑🏻", "🏳️‍🌈", "🏴‍☠️", "❤️‍🔥", "🇫🇷", "🇯🇵🇺🇸", "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👍🏼", "✌️", "☺︎", "1️⃣", "#️⃣", "🫱🏻‍🫲🏿",
    // Combining marks, precomposed and not; Zalgo.
    "é", "e\u{301}", "n\u{303}", "a\u{308}\u{304}", "Z\u{35C}\u{361}a\u{336}l\u{337}g\u{334}o", "ǘ", "q\u{323}\u{307}",
    // Hangul: syllables, and conjoining jamo (L V T).
    "한국어", "\u{1100}\u{1161}\u{11A8}", "\u{1112}\u{1161}\u{11AB}\u{1100}\u{1173}\u{11AF}",
    // Devanagari, with conjuncts (virama), and other Indic scripts.
    "नमस्ते", "क्षत्रिय", "हिन्दी", "স্ত্রী", "ஸ்ரீ",
    // Thai, with its vowels and tone marks above and below.
    "ภาษาไทย", "กำ", "น้ำ", "ผู้ใหญ่",
    // Line ends, spaces, punctuation, other scripts.
    "\r\n", "\n", "\r", " ", "\t", "a\r\nb", "Ça va ?", "日本語", "עברית", "العربية", "Ελληνικά", "ﷺ", "\u{200D}", "\u{FE0F}", "x",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counting() {
    let mut suite = Suite::new("counting", Browser::start().await);
    suite.step("Intl.Segmenter and unicode-segmentation count 2,000+ strings alike", alike).await;
    suite.finish(|_| {}).await;
}

/// Every piece alone, then random mixes of 1 to 8 pieces.
fn corpus() -> Vec<String> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut texts: Vec<String> = PIECES.iter().map(|piece| (*piece).to_owned()).collect();
    while texts.len() < 2_100 {
        let pieces = 1 + next(8);
        texts.push((0..pieces).map(|_| PIECES[next(PIECES.len())]).collect());
    }
    texts
}

async fn alike(browser: Arc<Browser>) {
    let tab = browser.new_context().await;
    let texts = corpus();
    // As the widget counts (widget/src/count.rs): one Intl.Segmenter, graphemes by default.
    let counted = tab
        .js(
            "const segmenter = new Intl.Segmenter();
             return arguments[0].map(text => Array.from(segmenter.segment(text)).length);",
            vec![json!(texts)],
        )
        .await
        .unwrap();
    let browser_counts: Vec<usize> = serde_json::from_value(counted).unwrap();
    let differ: Vec<Value> = texts
        .iter()
        .zip(&browser_counts)
        .filter(|(text, counted)| char_count(text) != **counted)
        .map(|(text, counted)| json!({"text": text, "escaped": text.escape_unicode().to_string(), "edge": char_count(text), "browser": counted}))
        .collect();
    assert_eq!(browser_counts.len(), texts.len());
    assert!(differ.is_empty(), "{} of {} strings counted differently: {:#}", differ.len(), texts.len(), json!(differ.iter().take(10).collect::<Vec<_>>()));
    tab.close().await;
}
