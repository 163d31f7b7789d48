//! The brand's statistics, counted as writes happen rather than recomputed
//! by scanning: `daily` (follows, unfollows, posts, visitors' replies and
//! the answered ones, per day), `post_daily` (visitors' replies per post and
//! day), `answer_times` (how long each answered reply waited), and `hourly`
//! (visitors' replies per hour and post, for buzz); and their reads for a
//! period.
//!
//! Not here: the reads of `hourly` for buzz (`activity`), nor the period's
//! figures (`stats`).

use super::follows::Counted;
use super::{int, Sql};
use crate::buzz::HOUR_MS;
use crate::stats::day_of;
use crate::time::millis_from_rfc3339;
use serde::Deserialize;

/// A `daily` row.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct DailyRow {
    pub day: String,
    pub follows: u64,
    pub unfollows: u64,
    pub posts: u64,
    pub replies: u64,
    pub answered: u64,
}

/// A post's visitors' replies over a period.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct PostCount {
    pub post: u64,
    pub replies: u64,
}

/// Adds one to `column` (a counter of `daily`) for the day of `at` (ms).
fn count<S: Sql>(db: &S, column: &str, at: u64) -> Result<(), S::Error> {
    let statement = format!("INSERT INTO daily (day, {column}) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET {column} = {column} + 1");
    db.run(&statement, vec![day_of(at).into()])
}

/// Counts a follow or an unfollow at `now` (ms), or takes one back.
pub fn count_follow<S: Sql>(db: &S, counted: Counted, now: u64) -> Result<(), S::Error> {
    let column = counted.column();
    match counted {
        Counted::Add(_) => count(db, column, now),
        Counted::TakeBack(_) => db.run(&format!("UPDATE daily SET {column} = max({column} - 1, 0) WHERE day = ?"), vec![day_of(now).into()]),
    }
}

/// Counts a post published at `now`.
pub fn count_post<S: Sql>(db: &S, now: u64) -> Result<(), S::Error> {
    count(db, "posts", now)
}

/// Counts a visitor's reply to post `post`, published at `now`: on its day,
/// its post's day and its post's hour.
pub fn count_reply<S: Sql>(db: &S, post: u64, now: u64) -> Result<(), S::Error> {
    count(db, "replies", now)?;
    let statement = "INSERT INTO post_daily (post, day, replies) VALUES (?, ?, 1) ON CONFLICT (day, post) DO UPDATE SET replies = replies + 1";
    db.run(statement, vec![int(post), day_of(now).into()])?;
    let statement = "INSERT INTO hourly (hour, post, replies) VALUES (?, ?, 1) ON CONFLICT (hour, post) DO UPDATE SET replies = replies + 1";
    db.run(statement, vec![int(now / HOUR_MS), int(post)])
}

/// The brand replied (reply `seq`) in post `post`'s thread at `now`: the
/// visitors' replies before it that no brand reply followed yet are
/// answered, each counted on its own day with how long it waited.
pub fn count_answers<S: Sql>(db: &S, post: u64, seq: u64, now: u64) -> Result<(), S::Error> {
    #[derive(Deserialize)]
    struct Waiting {
        seq: u64,
        created_at: String,
    }
    let waiting: Vec<Waiting> = db.rows(
        "SELECT r.seq, r.created_at FROM replies r WHERE r.post = ? AND r.seq < ? AND coalesce(r.author_badge, '') != 'brand'
         AND NOT EXISTS (SELECT 1 FROM replies b WHERE b.post = r.post AND b.seq > r.seq AND b.seq < ? AND b.author_badge = 'brand')
         AND NOT EXISTS (SELECT 1 FROM answer_times a WHERE a.post = r.post AND a.seq = r.seq)",
        vec![int(post), int(seq), int(seq)],
    )?;
    for reply in waiting {
        let at = millis_from_rfc3339(&reply.created_at).unwrap_or(now);
        let statement = "INSERT INTO answer_times (post, seq, day, waited_ms) VALUES (?, ?, ?, ?)";
        db.run(statement, vec![int(post), int(reply.seq), day_of(at).into(), int(now.saturating_sub(at))])?;
        count(db, "answered", at)?;
    }
    Ok(())
}

/// The days counted since day `since` (`YYYY-MM-DD`), in no order.
pub fn days_since<S: Sql>(db: &S, since: &str) -> Result<Vec<DailyRow>, S::Error> {
    db.rows("SELECT * FROM daily WHERE day >= ?", vec![since.into()])
}

/// How long each reply answered since day `since` waited (ms), shortest first.
pub fn waits_since<S: Sql>(db: &S, since: &str) -> Result<Vec<u64>, S::Error> {
    #[derive(Deserialize)]
    struct Waited {
        waited_ms: u64,
    }
    let waits: Vec<Waited> = db.rows("SELECT waited_ms FROM answer_times WHERE day >= ? ORDER BY waited_ms", vec![since.into()])?;
    Ok(waits.into_iter().map(|w| w.waited_ms).collect())
}

/// Up to `limit` shown posts with the most visitors' replies since day
/// `since`, the most first (the newest first among equals).
pub fn top_posts<S: Sql>(db: &S, since: &str, limit: usize) -> Result<Vec<PostCount>, S::Error> {
    db.rows(
        "SELECT d.post AS post, sum(d.replies) AS replies FROM post_daily d JOIN posts p ON p.seq = d.post AND p.hidden = 0
         WHERE d.day >= ? GROUP BY d.post ORDER BY 2 DESC, 1 DESC LIMIT ?",
        vec![since.into(), int(limit as u64)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;
    use crate::store::{posts, replies};
    use crate::time::rfc3339_from_millis;
    use crate::Author;

    /// 2026-12-07T00:00:00Z, in ms.
    const DAY: u64 = 1_796_601_600_000;

    fn day(n: u64) -> String {
        day_of(DAY + n * 24 * HOUR_MS)
    }

    #[test]
    fn writes_are_counted_on_their_day() {
        let db = store();
        count_follow(&db, Counted::Add(true), DAY).unwrap();
        count_follow(&db, Counted::Add(true), DAY + 1).unwrap();
        count_follow(&db, Counted::Add(false), DAY + 24 * HOUR_MS).unwrap();
        count_follow(&db, Counted::TakeBack(true), DAY + 2).unwrap();
        count_post(&db, DAY).unwrap();
        let mut days = days_since(&db, &day(0)).unwrap();
        days.sort_by(|a, b| a.day.cmp(&b.day));
        let first = DailyRow { day: day(0), follows: 1, posts: 1, ..DailyRow::default() };
        assert_eq!(days, [first, DailyRow { day: day(1), unfollows: 1, ..DailyRow::default() }]);
        assert_eq!(days_since(&db, &day(1)).unwrap().len(), 1);
    }

    #[test]
    fn visitors_replies_are_counted_per_day_post_and_hour_and_the_top_posts_are_shown_ones() {
        let db = store();
        for seq in 0..3 {
            posts::add(&db, seq, "post", "then").unwrap();
        }
        for (post, at) in [(0, DAY), (1, DAY), (1, DAY + HOUR_MS), (2, DAY), (2, DAY + 1), (2, DAY + 2)] {
            count_reply(&db, post, at).unwrap();
        }
        assert_eq!(days_since(&db, &day(0)).unwrap()[0].replies, 6);
        let hourly: i64 = db.query_row("SELECT replies FROM hourly WHERE post = 2", [], |r| r.get(0)).unwrap();
        assert_eq!(hourly, 3);
        let top = |limit| top_posts(&db, &day(0), limit).unwrap().into_iter().map(|c| (c.post, c.replies)).collect::<Vec<_>>();
        assert_eq!(top(5), [(2, 3), (1, 2), (0, 1)]);
        assert_eq!(top(1), [(2, 3)]);
        posts::set_hidden(&db, 2, true).unwrap();
        assert_eq!(top(5), [(1, 2), (0, 1)]);
        assert_eq!(top_posts(&db, &day(1), 5).unwrap(), []);
    }

    #[test]
    fn a_brand_reply_answers_the_visitors_replies_before_it_once_with_their_wait() {
        let db = store();
        posts::add(&db, 0, "post", "then").unwrap();
        let visitor = Author { id: "v".into(), name: "V".into(), badge: None };
        let brand = Author::brand("acme", "Acme");
        let at = |ms: u64| rfc3339_from_millis(DAY + ms);
        replies::add(&db, 0, 0, &visitor, "a", &at(0)).unwrap();
        replies::add(&db, 0, 1, &visitor, "b", &at(1_000)).unwrap();
        replies::add(&db, 0, 2, &brand, "answer", &at(5_000)).unwrap();
        count_answers(&db, 0, 2, DAY + 5_000).unwrap();
        replies::add(&db, 0, 3, &visitor, "c", &at(6_000)).unwrap();
        replies::add(&db, 0, 4, &brand, "again", &at(9_000)).unwrap();
        count_answers(&db, 0, 4, DAY + 9_000).unwrap();
        assert_eq!(waits_since(&db, &day(0)).unwrap(), [3_000, 4_000, 5_000], "each answered once");
        assert_eq!(days_since(&db, &day(0)).unwrap()[0].answered, 3);
    }
}
