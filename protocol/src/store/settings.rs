//! The account's moderation settings: `settings`, one JSON document.
//!
//! Not here: what they decide (`moderation`).

use super::Sql;
use crate::moderation::Settings;
use serde::Deserialize;

/// The account's settings (the defaults until some are stored, or if they are unreadable).
pub fn get<S: Sql>(db: &S) -> Result<Settings, S::Error> {
    #[derive(Deserialize)]
    struct Stored {
        json: String,
    }
    let stored: Option<Stored> = db.row("SELECT json FROM settings", vec![])?;
    Ok(stored.and_then(|stored| serde_json::from_str(&stored.json).ok()).unwrap_or_default())
}

/// Replaces the account's settings with `json` (a [`Settings`]).
pub fn put<S: Sql>(db: &S, json: &str) -> Result<(), S::Error> {
    db.run("INSERT OR REPLACE INTO settings (id, json) VALUES (0, ?)", vec![json.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    #[test]
    fn settings_are_the_defaults_until_put_then_replaced() {
        let db = store();
        assert_eq!(get(&db).unwrap(), Settings::default());
        let strict = Settings { sso_required: true, blocked_words: vec!["spam".into()], ..Settings::default() };
        put(&db, &serde_json::to_string(&Settings::default()).unwrap()).unwrap();
        put(&db, &serde_json::to_string(&strict).unwrap()).unwrap();
        assert_eq!(get(&db).unwrap(), strict);
        put(&db, "not json").unwrap();
        assert_eq!(get(&db).unwrap(), Settings::default());
    }
}
