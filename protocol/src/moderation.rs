//! Moderation rules of an account: whether visitors' replies publish at once
//! or wait for the brand, which replies always wait (blocked words, links),
//! and which sites may write through its widget. Pure, so tested natively;
//! the account's hub applies it.

use crate::limits::{MAX_BLOCKED_WORDS, MAX_BLOCKED_WORD_CHARS, MAX_ORIGINS};
use crate::origin;
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
    /// Sites (`https://shop.example`) whose pages may write (reply, follow)
    /// through the widget; empty: any site. Reads stay open to all.
    #[serde(default)]
    pub origins: Vec<String>,
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

/// The field of [`Settings`] that is not valid, for a form to point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingsField {
    BlockedWords,
    Origins,
}

impl Settings {
    /// The settings as stored: blocked words trimmed, lowercased, deduplicated,
    /// origins as browsers send them, deduplicated; or the field that is not
    /// valid when a list is too long, a word empty or too long, or an origin not one.
    pub fn normalized(mut self) -> Result<Settings, SettingsField> {
        let mut words: Vec<String> = Vec::new();
        for word in &self.blocked_words {
            let word = word.trim().to_lowercase();
            if word.is_empty() || word.chars().count() > MAX_BLOCKED_WORD_CHARS {
                return Err(SettingsField::BlockedWords);
            }
            if !words.contains(&word) {
                words.push(word);
            }
        }
        if words.len() > MAX_BLOCKED_WORDS {
            return Err(SettingsField::BlockedWords);
        }
        self.blocked_words = words;
        let mut origins: Vec<String> = Vec::new();
        for text in &self.origins {
            let origin = origin::normalize(text).ok_or(SettingsField::Origins)?;
            if !origins.contains(&origin) {
                origins.push(origin);
            }
        }
        if origins.len() > MAX_ORIGINS {
            return Err(SettingsField::Origins);
        }
        self.origins = origins;
        Ok(self)
    }

    /// Whether a page of `origin` (as the browser sent it) may write here.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.origins.is_empty() || self.origins.iter().any(|allowed| allowed == origin)
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
        assert_eq!(Settings { blocked_words: vec![" ".into()], ..Settings::default() }.normalized(), Err(SettingsField::BlockedWords));
        let long = "x".repeat(MAX_BLOCKED_WORD_CHARS + 1);
        assert_eq!(Settings { blocked_words: vec![long], ..Settings::default() }.normalized(), Err(SettingsField::BlockedWords));
        let many = (0..=MAX_BLOCKED_WORDS).map(|n| format!("w{n}")).collect();
        assert_eq!(Settings { blocked_words: many, ..Settings::default() }.normalized(), Err(SettingsField::BlockedWords));
        let json = r#"{"moderation":"premoderated","blocked_words":["a"],"links":"queue"}"#;
        assert!(serde_json::from_str::<Settings>(json).is_ok());
        assert!(serde_json::from_str::<Settings>(r#"{"moderation":"strict"}"#).is_err());
    }

    #[test]
    fn origins_allowed_to_write() {
        assert!(Settings::default().allows_origin("https://anywhere.example"));
        let listed = |origins: &[&str]| {
            Settings { origins: origins.iter().map(|o| o.to_string()).collect(), ..Settings::default() }.normalized()
        };
        let shop = listed(&["https://Shop.example/", "https://shop.example", "http://127.0.0.1:8787"]).unwrap();
        assert_eq!(shop.origins, ["https://shop.example", "http://127.0.0.1:8787"]);
        assert!(shop.allows_origin("https://shop.example"));
        assert!(shop.allows_origin("http://127.0.0.1:8787"));
        assert!(!shop.allows_origin("https://evil.example"));
        assert!(!shop.allows_origin("null"));
        assert_eq!(listed(&["shop.example"]), Err(SettingsField::Origins));
        let many: Vec<String> = (0..=MAX_ORIGINS).map(|n| format!("https://s{n}.example")).collect();
        assert_eq!(listed(&many.iter().map(String::as_str).collect::<Vec<_>>()), Err(SettingsField::Origins));
    }
}
