//! Moderation rules of an account: whether visitors' replies publish at once
//! or wait for the brand, and which replies always wait (blocked words,
//! links). Pure, so tested natively; the account's hub applies it.

use crate::limits::{MAX_BLOCKED_WORDS, MAX_BLOCKED_WORD_CHARS};
use serde::{Deserialize, Serialize};

/// `GET` / `PUT /v1/accounts/{handle}/settings`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub moderation: Moderation,
    /// Words or phrases (any case) that send a reply to the queue.
    #[serde(default)]
    pub blocked_words: Vec<String>,
    #[serde(default)]
    pub links: LinkRule,
    /// Only customers signed in through the account's SSO may reply.
    #[serde(default)]
    pub sso_required: bool,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    /// Replies publish at once (unless a rule sends them to the queue).
    #[default]
    Open,
    /// Every visitor's reply waits for the brand's approval.
    Premoderated,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkRule {
    #[default]
    Allow,
    /// A reply with a link waits for the brand's approval.
    Queue,
}

/// Why a reply waits in the queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    Premoderated,
    BlockedWord,
    Link,
}

impl Settings {
    /// The settings as stored: blocked words trimmed, lowercased, deduplicated,
    /// or `None` when there are too many or one is empty or too long.
    pub fn normalized(mut self) -> Option<Settings> {
        let mut words: Vec<String> = Vec::new();
        for word in &self.blocked_words {
            let word = word.trim().to_lowercase();
            if word.is_empty() || word.chars().count() > MAX_BLOCKED_WORD_CHARS {
                return None;
            }
            if !words.contains(&word) {
                words.push(word);
            }
        }
        if words.len() > MAX_BLOCKED_WORDS {
            return None;
        }
        self.blocked_words = words;
        Some(self)
    }

    /// Whether a visitor's reply must wait for the brand, and why.
    pub fn review(&self, text: &str) -> Option<Reason> {
        let lower = text.to_lowercase();
        if self.blocked_words.iter().any(|word| lower.contains(word.as_str())) {
            Some(Reason::BlockedWord)
        } else if self.links == LinkRule::Queue && has_link(&lower) {
            Some(Reason::Link)
        } else if self.moderation == Moderation::Premoderated {
            Some(Reason::Premoderated)
        } else {
            None
        }
    }
}

/// A web address, written as people write them.
fn has_link(lower: &str) -> bool {
    ["http://", "https://", "www."].iter().any(|mark| lower.contains(mark))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(words: &[&str]) -> Settings {
        Settings { blocked_words: words.iter().map(|w| w.to_string()).collect(), ..Settings::default() }
            .normalized()
            .unwrap()
    }

    #[test]
    fn open_by_default() {
        assert_eq!(Settings::default().review("https://example.com is great"), None);
    }

    #[test]
    fn blocked_words_in_any_case() {
        let s = settings(&["  ArNaque ", "arnaque", "free money"]);
        assert_eq!(s.blocked_words, ["arnaque", "free money"]);
        assert_eq!(s.review("C'est une ARNAQUE !"), Some(Reason::BlockedWord));
        assert_eq!(s.review("Get FREE MONEY now"), Some(Reason::BlockedWord));
        assert_eq!(s.review("Bon produit"), None);
    }

    #[test]
    fn links_and_premoderation() {
        let links = Settings { links: LinkRule::Queue, ..Settings::default() };
        assert_eq!(links.review("see WWW.example.com"), Some(Reason::Link));
        assert_eq!(links.review("no link here"), None);
        let premoderated = Settings { moderation: Moderation::Premoderated, ..Settings::default() };
        assert_eq!(premoderated.review("hello"), Some(Reason::Premoderated));
    }

    #[test]
    fn limits_on_words() {
        assert!(Settings { blocked_words: vec![" ".into()], ..Settings::default() }.normalized().is_none());
        let long = "x".repeat(MAX_BLOCKED_WORD_CHARS + 1);
        assert!(Settings { blocked_words: vec![long], ..Settings::default() }.normalized().is_none());
        let many = (0..=MAX_BLOCKED_WORDS).map(|n| format!("w{n}")).collect();
        assert!(Settings { blocked_words: many, ..Settings::default() }.normalized().is_none());
        let json = r#"{"moderation":"premoderated","blocked_words":["a"],"links":"queue"}"#;
        assert!(serde_json::from_str::<Settings>(json).is_ok());
        assert!(serde_json::from_str::<Settings>(r#"{"moderation":"strict"}"#).is_err());
    }
}
