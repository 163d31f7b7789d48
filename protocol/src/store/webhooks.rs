//! The brand's webhooks: `webhooks`, where its alerts go, each with the
//! receiver's URL, format, language and signing secret. Removing one takes
//! its deliveries along (a trigger of `schema`).

use super::Sql;
use crate::webhook::{Format, Language, Webhook};
use serde::{Deserialize, Serialize};

/// Where a webhook's deliveries go, and how (its secret included).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Receiver {
    pub url: String,
    pub format: Format,
    pub language: Language,
    pub secret: String,
}

/// Every webhook of the account, oldest first.
pub fn all<S: Sql>(db: &S) -> Result<Vec<Webhook>, S::Error> {
    db.rows("SELECT id, url, format, language, created_at FROM webhooks ORDER BY created_at, id", vec![])
}

/// Webhook `id`, if the account has it.
pub fn find<S: Sql>(db: &S, id: &str) -> Result<Option<Webhook>, S::Error> {
    let found = db.rows("SELECT id, url, format, language, created_at FROM webhooks WHERE id = ?", vec![id.into()])?;
    Ok(found.into_iter().next())
}

/// How many webhooks the account has.
pub fn count<S: Sql>(db: &S) -> Result<u64, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM webhooks", vec![])?.unwrap_or(0))
}

/// Where webhook `id`'s deliveries go, if it is still there.
pub fn receiver<S: Sql>(db: &S, id: &str) -> Result<Option<Receiver>, S::Error> {
    Ok(db.rows("SELECT url, format, language, secret FROM webhooks WHERE id = ?", vec![id.into()])?.into_iter().next())
}

/// Adds `webhook`, which signs with `secret` (empty for a format that does not sign).
pub fn add<S: Sql>(db: &S, webhook: &Webhook, secret: &str) -> Result<(), S::Error> {
    let statement = "INSERT INTO webhooks (id, url, format, language, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)";
    let values = vec![
        webhook.id.as_str().into(),
        webhook.url.as_str().into(),
        webhook.format.as_str().into(),
        webhook.language.as_str().into(),
        secret.into(),
        webhook.created_at.as_str().into(),
    ];
    db.run(statement, values)
}

/// Removes webhook `id`, with its deliveries.
pub fn remove<S: Sql>(db: &S, id: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM webhooks WHERE id = ?", vec![id.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::deliveries::{self, NewDelivery};
    use crate::store::native::store;

    fn webhook(id: &str, format: Format, created_at: &str) -> Webhook {
        Webhook { id: id.into(), url: format!("https://hooks.example/{id}"), format, language: Language::Fr, created_at: created_at.into() }
    }

    #[test]
    fn webhooks_are_listed_oldest_first_found_and_counted() {
        let db = store();
        assert_eq!((all(&db).unwrap(), count(&db).unwrap()), (vec![], 0));
        let (slack, json) = (webhook("0000000000bb", Format::Slack, "2026-12-07T12:00:01Z"), webhook("0000000000aa", Format::Json, "2026-12-07T12:00:00Z"));
        add(&db, &slack, "").unwrap();
        add(&db, &json, "whsec_x").unwrap();
        assert_eq!(all(&db).unwrap(), [json.clone(), slack.clone()]);
        assert_eq!(count(&db).unwrap(), 2);
        assert_eq!(find(&db, "0000000000bb").unwrap(), Some(slack));
        assert_eq!(find(&db, "0000000000cc").unwrap(), None);
        let signing = Receiver { url: json.url.clone(), format: Format::Json, language: Language::Fr, secret: "whsec_x".into() };
        assert_eq!(receiver(&db, "0000000000aa").unwrap(), Some(signing));
    }

    #[test]
    fn a_removed_webhook_is_gone_with_its_deliveries() {
        let db = store();
        add(&db, &webhook("0000000000aa", Format::Json, "now"), "whsec_x").unwrap();
        let new = NewDelivery { destination: "webhook", target: "0000000000aa", event: "e", kind: "test", body: "{}", now: 0, created_at: "now" };
        deliveries::add(&db, &new, 100).unwrap();
        remove(&db, "0000000000aa").unwrap();
        assert_eq!((find(&db, "0000000000aa").unwrap(), receiver(&db, "0000000000aa").unwrap()), (None, None));
        assert_eq!(deliveries::log(&db, "webhook", "0000000000aa", None, 10).unwrap(), []);
    }
}
