//! The brand's activity: the reads of `hourly` (visitors' replies per hour
//! since 1970 and post), and `buzz_hours`, the buzzing hours seen, so that
//! an episode alerts once.
//!
//! Not here: counting replies into `hourly` (`stats`), nor what buzzes
//! (`buzz`).

use super::{int, Sql};
use serde::Deserialize;

/// Visitors' replies in one hour.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct HourCount {
    pub hour: u64,
    pub replies: u64,
}

/// The replies of each hour from hour `first` on (hours with none left out), in no order.
pub fn hours_since<S: Sql>(db: &S, first: u64) -> Result<Vec<HourCount>, S::Error> {
    db.rows("SELECT hour, sum(replies) AS replies FROM hourly WHERE hour >= ? GROUP BY hour", vec![int(first)])
}

/// The replies of hour `hour`.
pub fn in_hour<S: Sql>(db: &S, hour: u64) -> Result<u64, S::Error> {
    Ok(db.number("SELECT sum(replies) AS n FROM hourly WHERE hour = ?", vec![int(hour)])?.unwrap_or(0))
}

/// The replies of the hours from `from` to before `to`.
pub fn in_hours<S: Sql>(db: &S, from: u64, to: u64) -> Result<u64, S::Error> {
    Ok(db.number("SELECT sum(replies) AS n FROM hourly WHERE hour >= ? AND hour < ?", vec![int(from), int(to)])?.unwrap_or(0))
}

/// Up to `limit` posts with the most replies from hour `from` to hour `to`
/// (both in), the most first (the newest first among equals).
pub fn busiest_posts<S: Sql>(db: &S, from: u64, to: u64, limit: u64) -> Result<Vec<u64>, S::Error> {
    #[derive(Deserialize)]
    struct Busy {
        post: u64,
    }
    let statement = "SELECT post, sum(replies) AS replies FROM hourly WHERE hour BETWEEN ? AND ?
        GROUP BY post ORDER BY 2 DESC, 1 DESC LIMIT ?";
    Ok(db.rows::<Busy>(statement, vec![int(from), int(to), int(limit)])?.into_iter().map(|row| row.post).collect())
}

/// Whether hour `hour` was seen buzzing.
pub fn buzzed<S: Sql>(db: &S, hour: u64) -> Result<bool, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM buzz_hours WHERE hour = ?", vec![int(hour)])?.unwrap_or(0) > 0)
}

/// Hour `hour` is seen buzzing.
pub fn add_buzz<S: Sql>(db: &S, hour: u64) -> Result<(), S::Error> {
    db.run("INSERT INTO buzz_hours (hour) VALUES (?)", vec![int(hour)])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::native::store;
    use crate::store::stats::count_reply;
    use crate::buzz::HOUR_MS;

    const HOUR: u64 = 499_056;

    #[test]
    fn replies_are_read_per_hour_and_the_busiest_posts_first() {
        let db = store();
        for (post, hour) in [(0, HOUR), (1, HOUR), (1, HOUR), (2, HOUR + 1), (2, HOUR + 1), (2, HOUR + 2), (3, HOUR - 1)] {
            count_reply(&db, post, hour * HOUR_MS).unwrap();
        }
        let mut hours = hours_since(&db, HOUR).unwrap();
        hours.sort_by_key(|h| h.hour);
        assert_eq!(hours, [HourCount { hour: HOUR, replies: 3 }, HourCount { hour: HOUR + 1, replies: 2 }, HourCount { hour: HOUR + 2, replies: 1 }]);
        assert_eq!((in_hour(&db, HOUR).unwrap(), in_hour(&db, HOUR + 5).unwrap()), (3, 0));
        assert_eq!(in_hours(&db, HOUR - 1, HOUR + 1).unwrap(), 4, "to is left out");
        assert_eq!(busiest_posts(&db, HOUR, HOUR + 2, 5).unwrap(), [2, 1, 0]);
        assert_eq!(busiest_posts(&db, HOUR, HOUR, 5).unwrap(), [1, 0]);
        assert_eq!(busiest_posts(&db, HOUR, HOUR + 2, 1).unwrap(), [2]);
    }

    #[test]
    fn a_buzzing_hour_is_seen_once() {
        let db = store();
        assert!(!buzzed(&db, HOUR).unwrap());
        add_buzz(&db, HOUR).unwrap();
        assert!(buzzed(&db, HOUR).unwrap() && !buzzed(&db, HOUR + 1).unwrap());
        assert!(add_buzz(&db, HOUR).is_err());
    }
}
