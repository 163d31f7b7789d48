//! The outbox's tables: `deliveries`, one row per event and target of a
//! destination (a webhook's id for `webhook`), kept once done as the
//! delivery log (a finished one leaves it once `keep` newer ones of its
//! target were added; a pending one stays), and each delivery's
//! `attempts`.

use super::{int, Sql};
use crate::outbox::{After, Outcome};
use crate::webhook::DeliveryState;
use serde::{Deserialize, Serialize};

/// A delivery whose next attempt is due, as its destination builds the
/// request from it (carried in a queue message on the outbox's queue path).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Due {
    pub id: u64,
    pub destination: String,
    /// Whom the destination delivers to (a webhook's id).
    pub target: String,
    /// The event's id, the same on every attempt.
    pub event: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
}

/// A delivery as its log lists it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Logged {
    pub id: u64,
    pub event: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub state: DeliveryState,
    /// When its next attempt is due (ms since 1970), while pending.
    pub next_at: Option<u64>,
    pub created_at: String,
}

/// One attempt, as the log lists it (`status` none: no answer; `error` says why).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct LoggedAttempt {
    pub at: String,
    pub status: Option<u16>,
    pub error: Option<String>,
}

/// A delivery to put in the outbox.
pub struct NewDelivery<'a> {
    pub destination: &'a str,
    pub target: &'a str,
    pub event: &'a str,
    pub kind: &'a str,
    pub body: &'a str,
    /// When it is written, due at once (ms since 1970, and as RFC 3339).
    pub now: u64,
    pub created_at: &'a str,
}

/// Puts `new` in the outbox, due at once; its target's finished deliveries
/// older than its newest `keep` leave the log.
pub fn add<S: Sql>(db: &S, new: &NewDelivery, keep: u64) -> Result<(), S::Error> {
    let statement = "INSERT INTO deliveries (destination, target, event, type, body, next_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
    let values = vec![new.destination.into(), new.target.into(), new.event.into(), new.kind.into(), new.body.into(), int(new.now), new.created_at.into()];
    db.run(statement, values)?;
    let prune = "DELETE FROM deliveries WHERE destination = ?1 AND target = ?2 AND next_at IS NULL
        AND id NOT IN (SELECT id FROM deliveries WHERE destination = ?1 AND target = ?2 ORDER BY id DESC LIMIT ?3)";
    db.run(prune, vec![new.destination.into(), new.target.into(), int(keep)])
}

/// [`add`]'s bound on the log for every target of `destination` at once
/// (after many deliveries were added in one statement): each target's
/// finished deliveries older than its newest `keep` leave it.
pub fn prune_log<S: Sql>(db: &S, destination: &str, keep: u64) -> Result<(), S::Error> {
    let statement = "DELETE FROM deliveries WHERE id IN (SELECT id FROM (SELECT id, next_at,
        row_number() OVER (PARTITION BY target ORDER BY id DESC) AS newer FROM deliveries WHERE destination = ?1)
        WHERE newer > ?2 AND next_at IS NULL)";
    db.run(statement, vec![destination.into(), int(keep)])
}

/// Up to `batch` deliveries due at `now`, the longest due first.
pub fn due<S: Sql>(db: &S, now: u64, batch: u64) -> Result<Vec<Due>, S::Error> {
    let statement = "SELECT id, destination, target, event, type, body, attempts FROM deliveries WHERE next_at <= ? ORDER BY next_at LIMIT ?";
    db.rows(statement, vec![int(now), int(batch)])
}

/// Takes delivery `id` for attempt `attempt`, leaving at `at` (RFC 3339):
/// due again at `lease` unless its outcome is recorded, the attempt logged
/// as interrupted until then.
pub fn claim<S: Sql>(db: &S, id: u64, attempt: u32, lease: u64, at: &str) -> Result<(), S::Error> {
    db.run("UPDATE deliveries SET attempts = ?, next_at = ? WHERE id = ?", vec![int(attempt.into()), int(lease), int(id)])?;
    let statement = "INSERT OR REPLACE INTO attempts (delivery, n, at, error) VALUES (?, ?, ?, 'interrupted')";
    db.run(statement, vec![int(id), int(attempt.into()), at.into()])
}

/// Gives delivery `id` up without an attempt (none is left, or nothing can send it).
pub fn give_up<S: Sql>(db: &S, id: u64) -> Result<(), S::Error> {
    db.run("UPDATE deliveries SET state = 'failed', next_at = NULL WHERE id = ?", vec![int(id)])
}

/// Records how attempt `attempt` of delivery `id` ended, and what follows;
/// unless a later attempt was claimed meanwhile (an outcome that comes back
/// after its lease ran out): its attempt is logged, the delivery left to
/// the later one.
pub fn record<S: Sql>(db: &S, id: u64, attempt: u32, outcome: &Outcome, after: After) -> Result<(), S::Error> {
    let statement = "UPDATE attempts SET status = ?, error = ? WHERE delivery = ? AND n = ?";
    let status = outcome.status.map(|status| int(status.into()));
    db.run(statement, vec![status.into(), outcome.error.clone().into(), int(id), int(attempt.into())])?;
    let (state, next_at) = match after {
        After::Delivered => ("delivered", None),
        After::Failed | After::Gone => ("failed", None),
        After::RetryAt(at) => ("pending", Some(int(at))),
    };
    let statement = "UPDATE deliveries SET state = ?, next_at = ? WHERE id = ? AND attempts = ?";
    db.run(statement, vec![state.into(), next_at.into(), int(id), int(attempt.into())])
}

/// When the next pending delivery is due, or the oldest message waiting to
/// be written out as deliveries (`push::write_out`), if one is.
pub fn next_at<S: Sql>(db: &S) -> Result<Option<u64>, S::Error> {
    let statement = "SELECT min(n) AS n FROM (SELECT min(next_at) AS n FROM deliveries WHERE next_at IS NOT NULL
        UNION ALL SELECT min(due_at) FROM push_fanouts)";
    db.number(statement, vec![])
}

/// The author's id of the reply (published or queued) that a delivery's
/// event mentions: whose data its body carries.
const AUTHOR: &str = "coalesce(json_extract(body, '$.mention.reply.author.id'), json_extract(body, '$.mention.queued.author.id'))";

/// At a visitor's erasure, the deliveries carrying one of their replies:
/// the pending ones are given up (never sent), and every body is emptied
/// (the log keeps no name or text of theirs).
pub fn erase_author<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    let statement = format!(
        "UPDATE deliveries SET body = '{{}}', next_at = NULL,
            state = CASE WHEN next_at IS NULL THEN state ELSE 'failed' END WHERE {AUTHOR} = ?"
    );
    db.run(&statement, vec![visitor.into()])
}

/// Up to `limit` deliveries of `target` numbered below `before`, newest first.
pub fn log<S: Sql>(db: &S, destination: &str, target: &str, before: Option<u64>, limit: u64) -> Result<Vec<Logged>, S::Error> {
    let statement = "SELECT id, event, type, state, next_at, created_at FROM deliveries
        WHERE destination = ? AND target = ? AND id < ? ORDER BY id DESC LIMIT ?";
    db.rows(statement, vec![destination.into(), target.into(), int(before.unwrap_or(u64::MAX)), int(limit)])
}

/// Delivery `id`'s attempts, in order.
pub fn attempts<S: Sql>(db: &S, id: u64) -> Result<Vec<LoggedAttempt>, S::Error> {
    db.rows("SELECT at, status, error FROM attempts WHERE delivery = ? ORDER BY n", vec![int(id)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;

    const NOW: u64 = 1_795_628_812_123;

    fn new<'a>(target: &'a str, event: &'a str, now: u64) -> NewDelivery<'a> {
        NewDelivery { destination: "webhook", target, event, kind: "mention", body: "{}", now, created_at: "2026-12-07T12:00:00.000Z" }
    }

    #[test]
    fn added_deliveries_are_due_at_once_the_longest_due_first_in_batches() {
        let db = store();
        add(&db, &new("a", "e1", NOW + 5), 100).unwrap();
        add(&db, &new("b", "e2", NOW), 100).unwrap();
        add(&db, &new("a", "e3", NOW + 10), 100).unwrap();
        assert_eq!(due(&db, NOW - 1, 20).unwrap(), []);
        let events = |due: Vec<Due>| due.into_iter().map(|d| d.event).collect::<Vec<_>>();
        assert_eq!(events(due(&db, NOW + 10, 20).unwrap()), ["e2", "e1", "e3"]);
        assert_eq!(events(due(&db, NOW + 10, 2).unwrap()), ["e2", "e1"]);
        let first = &due(&db, NOW, 20).unwrap()[0];
        assert_eq!((first.destination.as_str(), first.target.as_str(), first.kind.as_str(), first.attempts), ("webhook", "b", "mention", 0));
        assert_eq!(next_at(&db).unwrap(), Some(NOW));
    }

    #[test]
    fn a_claimed_delivery_waits_for_its_lease_and_logs_its_attempt_as_interrupted() {
        let db = store();
        add(&db, &new("a", "e1", NOW), 100).unwrap();
        let id = due(&db, NOW, 20).unwrap()[0].id;
        claim(&db, id, 1, NOW + 20_000, "then").unwrap();
        assert_eq!(due(&db, NOW + 19_999, 20).unwrap(), []);
        assert_eq!(due(&db, NOW + 20_000, 20).unwrap()[0].attempts, 1);
        assert_eq!(attempts(&db, id).unwrap(), [LoggedAttempt { at: "then".into(), status: None, error: Some("interrupted".into()) }]);
    }

    #[test]
    fn an_outcome_recorded_sets_the_attempt_and_what_follows() {
        let db = store();
        add(&db, &new("a", "e1", NOW), 100).unwrap();
        let id = due(&db, NOW, 20).unwrap()[0].id;
        claim(&db, id, 1, NOW + 20_000, "first").unwrap();
        record(&db, id, 1, &Outcome::answered(500, None), After::RetryAt(NOW + 10_000)).unwrap();
        let logged = &log(&db, "webhook", "a", None, 10).unwrap()[0];
        assert_eq!((logged.state, logged.next_at), (DeliveryState::Pending, Some(NOW + 10_000)));
        claim(&db, id, 2, NOW + 40_000, "second").unwrap();
        record(&db, id, 2, &Outcome::failed("no answer within 10000 ms"), After::Failed).unwrap();
        let logged = &log(&db, "webhook", "a", None, 10).unwrap()[0];
        assert_eq!((logged.state, logged.next_at), (DeliveryState::Failed, None));
        assert_eq!(
            attempts(&db, id).unwrap(),
            [
                LoggedAttempt { at: "first".into(), status: Some(500), error: None },
                LoggedAttempt { at: "second".into(), status: None, error: Some("no answer within 10000 ms".into()) },
            ]
        );
        assert_eq!(next_at(&db).unwrap(), None, "nothing pending");
        add(&db, &new("a", "e2", NOW), 100).unwrap();
        let id = due(&db, NOW, 20).unwrap()[0].id;
        claim(&db, id, 1, NOW + 20_000, "first").unwrap();
        record(&db, id, 1, &Outcome::answered(204, None), After::Delivered).unwrap();
        assert_eq!(log(&db, "webhook", "a", None, 1).unwrap()[0].state, DeliveryState::Delivered);
        give_up(&db, id).unwrap();
        assert_eq!(log(&db, "webhook", "a", None, 1).unwrap()[0].state, DeliveryState::Failed);
    }

    #[test]
    fn an_outcome_back_after_its_lease_ran_out_leaves_the_later_attempt_alone() {
        let db = store();
        add(&db, &new("a", "e1", NOW), 100).unwrap();
        let id = due(&db, NOW, 20).unwrap()[0].id;
        claim(&db, id, 1, NOW + 20_000, "first").unwrap();
        claim(&db, id, 2, NOW + 60_000, "second").unwrap();
        record(&db, id, 1, &Outcome::answered(201, None), After::Delivered).unwrap();
        let logged = &log(&db, "webhook", "a", None, 10).unwrap()[0];
        assert_eq!((logged.state, logged.next_at), (DeliveryState::Pending, Some(NOW + 60_000)), "attempt 2 still holds it");
        assert_eq!(attempts(&db, id).unwrap()[0].status, Some(201), "attempt 1 is logged as it ended");
        record(&db, id, 2, &Outcome::answered(201, None), After::Delivered).unwrap();
        assert_eq!(log(&db, "webhook", "a", None, 10).unwrap()[0].state, DeliveryState::Delivered);
    }

    #[test]
    fn a_gone_target_fails_its_delivery_with_no_retry() {
        let db = store();
        add(&db, &new("a", "e1", NOW), 100).unwrap();
        let id = due(&db, NOW, 20).unwrap()[0].id;
        claim(&db, id, 1, NOW + 20_000, "first").unwrap();
        record(&db, id, 1, &Outcome::answered(410, None), After::Gone).unwrap();
        let logged = &log(&db, "webhook", "a", None, 10).unwrap()[0];
        assert_eq!((logged.state, logged.next_at), (DeliveryState::Failed, None));
        assert_eq!(attempts(&db, id).unwrap()[0].status, Some(410));
        assert_eq!(due(&db, u64::MAX, 20).unwrap(), []);
    }

    /// A mention alert's body, as the webhooks enqueue it, of a reply
    /// (`queued`: waiting for approval) by `author`.
    fn mention_of(author: &str, queued: bool) -> String {
        use crate::webhook::{Alert, Event};
        use crate::{Author, Found, Mention, Queued, Reply, SearchHit};
        let author = Author { id: author.into(), name: "Maxime".into(), badge: None };
        let (post, text, created_at) = ("acme-3".to_owned(), "call me on 0612345678".to_owned(), "then".to_owned());
        let found = if queued {
            Found::Queued(Queued { id: "0".into(), post, author, text, created_at, reason: crate::moderation::Reason::Premoderated })
        } else {
            Found::Reply(Reply { id: "acme-3-0".into(), post, author, text, created_at })
        };
        let mention = Mention { hit: SearchHit { found, matches: vec![], hidden: false }, terms: vec!["call".into()] };
        let event = Event { id: "e".into(), account: "acme".into(), created_at: "then".into(), alert: Alert::Mention { mention } };
        serde_json::to_string(&event).unwrap()
    }

    #[test]
    fn an_erasure_gives_up_and_empties_the_deliveries_carrying_the_visitors_replies() {
        let db = store();
        let (published, queued, theirs) = (mention_of("v", false), mention_of("v", true), mention_of("w", false));
        for (event, body) in [("delivered", &published), ("pending", &queued), ("theirs", &theirs)] {
            add(&db, &NewDelivery { body, ..new("a", event, NOW) }, 100).unwrap();
        }
        let delivered = due(&db, NOW, 20).unwrap().into_iter().find(|d| d.event == "delivered").unwrap().id;
        claim(&db, delivered, 1, NOW + 20_000, "first").unwrap();
        record(&db, delivered, 1, &Outcome::answered(200, None), After::Delivered).unwrap();
        erase_author(&db, "v").unwrap();
        let states = log(&db, "webhook", "a", None, 10).unwrap().into_iter().map(|d| (d.event, d.state, d.next_at)).collect::<Vec<_>>();
        assert_eq!(
            states,
            [
                ("theirs".to_owned(), DeliveryState::Pending, Some(NOW)),
                ("pending".to_owned(), DeliveryState::Failed, None),
                ("delivered".to_owned(), DeliveryState::Delivered, None),
            ]
        );
        let bodies: Vec<Due> = db.rows("SELECT id, destination, target, event, type, body, attempts FROM deliveries ORDER BY id", vec![]).unwrap();
        let bodies = bodies.into_iter().map(|d| d.body).collect::<Vec<_>>();
        assert_eq!(bodies, ["{}".to_owned(), "{}".to_owned(), theirs]);
        assert_eq!(due(&db, u64::MAX, 20).unwrap().len(), 1, "only the other visitor's is still due");
    }

    #[test]
    fn the_log_keeps_the_newest_of_each_target_and_every_pending_one() {
        let db = store();
        for n in 0..5 {
            add(&db, &new("a", &format!("done{n}"), NOW), 3).unwrap();
            let id = due(&db, NOW, 20).unwrap().into_iter().find(|d| d.event == format!("done{n}")).unwrap().id;
            claim(&db, id, 1, NOW + 20_000, "first").unwrap();
            record(&db, id, 1, &Outcome::answered(200, None), After::Delivered).unwrap();
        }
        add(&db, &new("b", "other", NOW), 3).unwrap();
        // A pending delivery older than the newest three stays.
        add(&db, &new("c", "pending", NOW), 1).unwrap();
        add(&db, &new("c", "newer", NOW), 1).unwrap();
        assert_eq!(log(&db, "webhook", "c", None, 10).unwrap().len(), 2);
        add(&db, &new("a", "waiting", NOW), 3).unwrap();
        let events = |target| log(&db, "webhook", target, None, 10).unwrap().into_iter().map(|d| d.event).collect::<Vec<_>>();
        // Pruned as each is added: the newest three, pending or not.
        assert_eq!(events("a"), ["waiting", "done4", "done3"]);
        assert_eq!(events("b"), ["other"]);
        // Pages: below a number, newest first.
        let newest = log(&db, "webhook", "a", None, 2).unwrap();
        let older = log(&db, "webhook", "a", Some(newest[1].id), 10).unwrap();
        assert_eq!(older.into_iter().map(|d| d.event).collect::<Vec<_>>(), ["done3"]);
        assert_eq!(log(&db, "other", "a", None, 10).unwrap(), [], "another destination's target of the same name");
    }
}
