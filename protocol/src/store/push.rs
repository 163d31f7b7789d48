//! Web Push in the hub: `push_subscriptions`, the copies of the push
//! subscriptions of the visitors who follow the account or replied here
//! (their ledger holds the truth, and hands the hub a visitor's whole list
//! at each change), and whether each follower is notified of new posts
//! (`follows.notify`). Who gets what is asked here: the notified followers
//! for a new post, the visitors who replied in a thread for the brand's
//! answer there.
//!
//! Not here: what a subscription must be (the `gazouillis-push` crate), the
//! deliveries themselves (`deliveries`).

use super::{flag, Sql};
use serde::{Deserialize, Deserializer, Serialize};

/// A visitor's push subscription as the hub keeps it: where to send, and
/// the keys to encrypt for it (base64url).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushTarget {
    pub id: String,
    pub visitor: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    /// Whether it is told when the brand answers the visitor.
    #[serde(deserialize_with = "boolean")]
    pub answers: bool,
    /// `en` or `fr`: the language of its notifications.
    pub lang: String,
}

/// A flag read back from SQLite, where it is 0 or 1.
fn boolean<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Number(i64),
    }
    Ok(match Flag::deserialize(deserializer)? {
        Flag::Bool(on) => on,
        Flag::Number(n) => n != 0,
    })
}

const COLUMNS: &str = "s.id, s.visitor, s.endpoint, s.p256dh, s.auth, s.answers, s.lang";

/// Push's name in the outbox (`deliveries.destination`).
pub const DESTINATION: &str = "push";

/// Makes `targets` the push subscriptions of `visitor` here: those no
/// longer listed go (with their deliveries), the others are added or
/// updated.
pub fn sync<S: Sql>(db: &S, visitor: &str, targets: &[PushTarget]) -> Result<(), S::Error> {
    for kept in mine(db, visitor)? {
        if !targets.iter().any(|target| target.id == kept.id) {
            forget(db, &kept.id)?;
        }
    }
    let upsert = "INSERT INTO push_subscriptions (id, visitor, endpoint, p256dh, auth, answers, lang) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
            answers = excluded.answers, lang = excluded.lang";
    for t in targets.iter().filter(|target| target.visitor == visitor) {
        let values = vec![t.id.as_str().into(), visitor.into(), t.endpoint.as_str().into(), t.p256dh.as_str().into(), t.auth.as_str().into(), flag(t.answers), t.lang.as_str().into()];
        db.run(upsert, values)?;
    }
    Ok(())
}

/// `visitor`'s subscriptions here.
pub fn mine<S: Sql>(db: &S, visitor: &str) -> Result<Vec<PushTarget>, S::Error> {
    db.rows(&format!("SELECT {COLUMNS} FROM push_subscriptions s WHERE s.visitor = ? ORDER BY s.id"), vec![visitor.into()])
}

/// Subscription `id`, if it is still here.
pub fn find<S: Sql>(db: &S, id: &str) -> Result<Option<PushTarget>, S::Error> {
    db.row(&format!("SELECT {COLUMNS} FROM push_subscriptions s WHERE s.id = ?"), vec![id.into()])
}

/// Forgets subscription `id` (gone, or dropped by its visitor), and its
/// pending deliveries.
pub fn forget<S: Sql>(db: &S, id: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM push_subscriptions WHERE id = ?", vec![id.into()])
}

/// Forgets every subscription of `visitor` (the erasure of their data).
pub fn forget_visitor<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM push_subscriptions WHERE visitor = ?", vec![visitor.into()])
}

/// Notifies follower `visitor` of new posts, or stops.
pub fn set_notify<S: Sql>(db: &S, visitor: &str, notify: bool) -> Result<(), S::Error> {
    db.run("UPDATE follows SET notify = ? WHERE visitor = ?", vec![flag(notify), visitor.into()])
}

/// Whether follower `visitor` is notified of new posts.
pub fn notified<S: Sql>(db: &S, visitor: &str) -> Result<bool, S::Error> {
    Ok(db.number("SELECT notify AS n FROM follows WHERE visitor = ?", vec![visitor.into()])? == Some(1))
}

/// Whom a message goes to.
pub enum Audience {
    /// A new post: the subscriptions of every follower notified.
    Notified,
    /// The brand's answer numbered `seq` in post `post`'s thread: the
    /// subscriptions asking for answers, of the visitors who replied there
    /// before it (shown replies, not the brand's).
    Thread { post: u64, seq: u64 },
}

/// A message to put in the outbox for an [`Audience`].
pub struct Fanout<'a> {
    pub event: &'a str,
    pub kind: &'a str,
    /// The body in English and in French: each subscription gets its language's.
    pub en: &'a str,
    pub fr: &'a str,
    /// When it is written, due at once (ms since 1970, and as RFC 3339).
    pub now: u64,
    pub created_at: &'a str,
}

/// Puts `message` to `audience` in the outbox: one row, which
/// [`write_out`] turns into deliveries afterwards, so that a post to
/// thousands of followers holds its hub (and its live push) no longer than
/// a post to none.
pub fn fan_out<S: Sql>(db: &S, audience: &Audience, message: &Fanout) -> Result<(), S::Error> {
    let (post, seq) = match audience {
        Audience::Notified => (None, None),
        Audience::Thread { post, seq } => (Some(super::int(*post)), Some(super::int(*seq))),
    };
    let statement = "INSERT INTO push_fanouts (event, type, post, seq, en, fr, due_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    let values = vec![
        message.event.into(),
        message.kind.into(),
        post.into(),
        seq.into(),
        message.en.into(),
        message.fr.into(),
        super::int(message.now),
        message.created_at.into(),
    ];
    db.run(statement, values)
}

/// A message waiting to be written out ([`fan_out`]).
#[derive(Deserialize)]
struct Waiting {
    id: u64,
    event: String,
    #[serde(rename = "type")]
    kind: String,
    post: Option<u64>,
    seq: Option<u64>,
    en: String,
    fr: String,
    due_at: u64,
    created_at: String,
    written: String,
}

/// Writes out the oldest waiting message's deliveries to its next `chunk`
/// subscriptions, each endpoint once (a browser whose visitor session was
/// replaced holds the same endpoint under two visitors); once it has no
/// more, it leaves, and each target's finished deliveries older than its
/// newest `keep` leave the log. Returns whether a message may still wait.
pub fn write_out<S: Sql>(db: &S, chunk: u64, keep: u64) -> Result<bool, S::Error> {
    let oldest = "SELECT id, event, type, post, seq, en, fr, due_at, created_at, written FROM push_fanouts ORDER BY id LIMIT 1";
    let Some(waiting) = db.rows::<Waiting>(oldest, vec![])?.pop() else { return Ok(false) };
    // ?1 and ?2: the chunk's bounds; ?3 and ?4: the thread's, last (only an answer binds them).
    let (chosen, thread) = match (waiting.post, waiting.seq) {
        (Some(post), Some(seq)) => (
            "SELECT p.id FROM push_subscriptions p WHERE p.answers = 1 AND p.visitor IN (
                SELECT author_id FROM replies WHERE post = ?3 AND seq < ?4 AND hidden = 0 AND coalesce(author_badge, '') != 'brand')",
            vec![super::int(post), super::int(seq)],
        ),
        _ => ("SELECT p.id FROM push_subscriptions p JOIN follows f ON f.visitor = p.visitor WHERE f.notify = 1", vec![]),
    };
    let once = format!("s.id IN (SELECT min(c.id) FROM push_subscriptions c WHERE c.id IN ({chosen}) GROUP BY c.endpoint)");
    let last = format!("SELECT max(id) AS id FROM (SELECT s.id FROM push_subscriptions s WHERE s.id > ?1 AND {once} ORDER BY s.id LIMIT ?2)");
    #[derive(Deserialize)]
    struct Last {
        id: Option<String>,
    }
    let bounds = |upper: super::Value| [vec![waiting.written.as_str().into(), upper], thread.clone()].concat();
    let Some(upper) = db.rows::<Last>(&last, bounds(super::int(chunk)))?.pop().and_then(|last| last.id) else {
        db.run("DELETE FROM push_fanouts WHERE id = ?", vec![super::int(waiting.id)])?;
        super::deliveries::prune_log(db, DESTINATION, keep)?;
        return Ok(true);
    };
    // ?5 to ?10: the message.
    let insert = format!(
        "INSERT INTO deliveries (destination, target, event, type, body, next_at, created_at)
            SELECT '{DESTINATION}', s.id, ?5, ?6, CASE s.lang WHEN 'fr' THEN ?8 ELSE ?7 END, ?9, ?10 FROM push_subscriptions s
            WHERE s.id > ?1 AND s.id <= ?2 AND {once}"
    );
    let mut values = bounds(upper.as_str().into());
    if thread.is_empty() {
        // Keeps ?5 to ?10 where the statement names them.
        values.extend([super::Value::Null, super::Value::Null]);
    }
    values.extend([
        waiting.event.as_str().into(),
        waiting.kind.as_str().into(),
        waiting.en.as_str().into(),
        waiting.fr.as_str().into(),
        super::int(waiting.due_at),
        waiting.created_at.as_str().into(),
    ]);
    db.run(&insert, values)?;
    db.run("UPDATE push_fanouts SET written = ? WHERE id = ?", vec![upper.into(), super::int(waiting.id)])?;
    Ok(true)
}

/// How many followers a new post notifies (with a subscription to send to).
pub fn notified_followers<S: Sql>(db: &S) -> Result<u64, S::Error> {
    let statement = "SELECT count(*) AS n FROM follows f WHERE f.notify = 1 AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.visitor = f.visitor)";
    Ok(db.number(statement, vec![])?.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{follows, native::store};

    /// The targets a message to `audience` is put in the outbox for, and their bodies.
    fn sent(db: &rusqlite::Connection, audience: Audience) -> Vec<(String, String)> {
        db.execute("DELETE FROM deliveries", []).unwrap();
        let message = Fanout { event: "e", kind: "post", en: "in English", fr: "en français", now: 1, created_at: "now" };
        fan_out(db, &audience, &message).unwrap();
        // Two subscriptions at a time: the chunks add up to the whole audience.
        while write_out(db, 2, 5).unwrap() {}
        #[derive(serde::Deserialize)]
        struct Row {
            target: String,
            body: String,
        }
        let rows: Vec<Row> = db.rows("SELECT target, body FROM deliveries ORDER BY target", vec![]).unwrap();
        rows.into_iter().map(|row| (row.target, row.body)).collect()
    }

    fn ids(sent: Vec<(String, String)>) -> Vec<String> {
        sent.into_iter().map(|(target, _)| target).collect()
    }

    fn target(id: &str, visitor: &str, answers: bool) -> PushTarget {
        let endpoint = format!("https://updates.push.services.mozilla.com/wpush/v2/{id}");
        PushTarget { id: id.into(), visitor: visitor.into(), endpoint, p256dh: "BP".into(), auth: "au".into(), answers, lang: "fr".into() }
    }

    #[test]
    fn a_sync_makes_the_list_the_visitors() {
        let db = store();
        sync(&db, "v", &[target("a", "v", true), target("b", "v", false)]).unwrap();
        sync(&db, "w", &[target("c", "w", true)]).unwrap();
        assert_eq!(mine(&db, "v").unwrap(), [target("a", "v", true), target("b", "v", false)]);
        let mut changed = target("b", "v", true);
        changed.lang = "en".into();
        sync(&db, "v", &[changed.clone(), target("x", "someone else", true)]).unwrap();
        assert_eq!(mine(&db, "v").unwrap(), [changed], "a gone, b updated, another's ignored");
        assert_eq!(find(&db, "c").unwrap(), Some(target("c", "w", true)));
        forget_visitor(&db, "w").unwrap();
        assert_eq!(find(&db, "c").unwrap(), None);
    }

    #[test]
    fn a_post_goes_to_the_notified_followers_only() {
        let db = store();
        for visitor in ["v", "w", "x"] {
            follows::set(&db, visitor, true).unwrap();
            sync(&db, visitor, &[target(&format!("{visitor}1"), visitor, false)]).unwrap();
        }
        sync(&db, "stranger", &[target("s1", "stranger", true)]).unwrap();
        set_notify(&db, "v", true).unwrap();
        set_notify(&db, "w", true).unwrap();
        set_notify(&db, "stranger", true).unwrap();
        assert!(notified(&db, "v").unwrap() && !notified(&db, "x").unwrap() && !notified(&db, "stranger").unwrap());
        assert_eq!(ids(sent(&db, Audience::Notified)), ["v1", "w1"]);
        follows::set(&db, "w", false).unwrap();
        assert_eq!(notified_followers(&db).unwrap(), 1, "an unfollow ends it");
    }

    #[test]
    fn an_answer_goes_to_who_replied_before_it_and_asked() {
        let db = store();
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, author_badge, text, created_at, hidden) VALUES (?1, ?2, ?3, 'N', ?4, 't', 'now', ?5)";
        for (post, seq, author, badge, hidden) in
            [(0, 0, "v", None, 0), (0, 1, "w", None, 0), (0, 2, "h", None, 1), (0, 3, "acme", Some("brand"), 0), (0, 4, "late", None, 0), (1, 0, "o", None, 0)]
        {
            db.execute(reply, rusqlite::params![post, seq, author, badge, hidden]).unwrap();
        }
        for (visitor, answers) in [("v", true), ("w", false), ("h", true), ("late", true), ("o", true), ("acme", true)] {
            sync(&db, visitor, &[target(&format!("{visitor}1"), visitor, answers)]).unwrap();
        }
        assert_eq!(ids(sent(&db, Audience::Thread { post: 0, seq: 3 })), ["v1"], "w asked for no answers, h's reply is hidden, late came after, o is elsewhere");
    }

    #[test]
    fn an_endpoint_under_two_visitors_gets_each_message_once() {
        let db = store();
        for visitor in ["old session", "new session"] {
            follows::set(&db, visitor, true).unwrap();
            set_notify(&db, visitor, true).unwrap();
        }
        let mut first = target("b", "old session", true);
        let mut again = target("a", "new session", true);
        again.endpoint.clone_from(&first.endpoint);
        sync(&db, "old session", &[first.clone()]).unwrap();
        sync(&db, "new session", &[again.clone()]).unwrap();
        assert_eq!(ids(sent(&db, Audience::Notified)), ["a"]);
        // Where only one of them asked, that one is sent.
        set_notify(&db, "new session", false).unwrap();
        assert_eq!(ids(sent(&db, Audience::Notified)), ["b"]);
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, text, created_at) VALUES (0, ?1, ?2, 'N', 't', 'now')";
        db.execute(reply, rusqlite::params![0, "old session"]).unwrap();
        db.execute(reply, rusqlite::params![1, "new session"]).unwrap();
        first.answers = false;
        sync(&db, "old session", &[first]).unwrap();
        assert_eq!(ids(sent(&db, Audience::Thread { post: 0, seq: 2 })), ["a"], "the one that asked for answers");
    }

    #[test]
    fn each_gets_its_language_and_the_log_keeps_the_newest() {
        let db = store();
        follows::set(&db, "v", true).unwrap();
        set_notify(&db, "v", true).unwrap();
        let mut french = target("a", "v", true);
        french.lang = "fr".into();
        sync(&db, "v", &[french]).unwrap();
        assert_eq!(sent(&db, Audience::Notified), [("a".to_owned(), "en français".to_owned())]);
        db.execute("UPDATE deliveries SET next_at = NULL", []).unwrap();
        let message = Fanout { event: "e", kind: "post", en: "en", fr: "fr", now: 1, created_at: "now" };
        for _ in 0..3 {
            fan_out(&db, &Audience::Notified, &message).unwrap();
            while write_out(&db, 100, 2).unwrap() {}
            db.execute("UPDATE deliveries SET next_at = NULL", []).unwrap();
        }
        assert_eq!(db.number("SELECT count(*) AS n FROM deliveries", vec![]).unwrap(), Some(2), "the two newest finished stay");
    }

    #[test]
    fn a_message_to_many_is_written_out_a_chunk_at_a_time_in_the_order_it_came() {
        let db = store();
        for n in 0..5 {
            let visitor = format!("v{n}");
            follows::set(&db, &visitor, true).unwrap();
            set_notify(&db, &visitor, true).unwrap();
            sync(&db, &visitor, &[target(&format!("s{n}"), &visitor, true)]).unwrap();
        }
        let first = Fanout { event: "first", kind: "post", en: "1", fr: "1", now: 7, created_at: "then" };
        let second = Fanout { event: "second", ..first };
        fan_out(&db, &Audience::Notified, &first).unwrap();
        fan_out(&db, &Audience::Notified, &second).unwrap();
        let written = |db: &rusqlite::Connection| -> Vec<(String, String)> {
            #[derive(serde::Deserialize)]
            struct Row {
                event: String,
                target: String,
            }
            let rows: Vec<Row> = db.rows("SELECT event, target FROM deliveries ORDER BY id", vec![]).unwrap();
            rows.into_iter().map(|row| (row.event, row.target)).collect()
        };
        assert!(written(&db).is_empty(), "nothing written in the post's own turn");
        let pairs = |event: &str, targets: &[&str]| targets.iter().map(|t| (event.to_owned(), (*t).to_owned())).collect::<Vec<_>>();
        assert!(write_out(&db, 2, 5).unwrap());
        assert_eq!(written(&db), pairs("first", &["s0", "s1"]));
        while write_out(&db, 2, 5).unwrap() {}
        assert_eq!(written(&db), [pairs("first", &["s0", "s1", "s2", "s3", "s4"]), pairs("second", &["s0", "s1", "s2", "s3", "s4"])].concat());
        assert_eq!(crate::store::deliveries::due(&db, 7, 100).unwrap().len(), 10, "each due when its message was written");
    }

    #[test]
    fn a_subscription_takes_its_deliveries_along() {
        let db = store();
        sync(&db, "v", &[target("a", "v", true)]).unwrap();
        let add = "INSERT INTO deliveries (destination, target, event, type, body, next_at, created_at) VALUES (?1, 'a', 'e', 'post', '{}', 1, 'now')";
        db.execute(add, ["push"]).unwrap();
        db.execute(add, ["webhook"]).unwrap();
        forget(&db, "a").unwrap();
        assert_eq!(db.number("SELECT count(*) AS n FROM deliveries", vec![]).unwrap(), Some(1), "the webhook's stays");
    }
}
