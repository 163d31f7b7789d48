//! The account's followers: `follows`, one row per follower, with their
//! exact count on the account (`account.followers`), kept together; and
//! `follow_days`, what a follow or unfollow changes in the day's counts.
//!
//! Not here: the follows and unfollows counted per day (`stats`) and per
//! offer (`offers`).

use super::{flag, Sql};
use crate::stats::day_of;

/// What a visitor's follow or unfollow changes in the counts of follows and
/// unfollows (the brand's statistics, running offers): at most one net
/// change per visitor and day, so that toggling counts nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    /// One more follow (`true`) or unfollow.
    Add(bool),
    /// One follow (`true`) or unfollow fewer: the visitor is back where the
    /// day started, and the day's earlier change is taken back.
    TakeBack(bool),
}

impl Counted {
    /// The counter it changes, in `daily` and `offers`.
    pub fn column(self) -> &'static str {
        match self {
            Counted::Add(true) | Counted::TakeBack(true) => "follows",
            Counted::Add(false) | Counted::TakeBack(false) => "unfollows",
        }
    }
}

/// Whether `visitor` follows the account.
pub fn follows<S: Sql>(db: &S, visitor: &str) -> Result<bool, S::Error> {
    Ok(db.number("SELECT count(*) AS n FROM follows WHERE visitor = ?", vec![visitor.into()])? == Some(1))
}

/// `visitor` follows the account (`true`) or unfollows it, counted on the
/// account: for a change only (the hub asks [`follows`] first).
pub fn set<S: Sql>(db: &S, visitor: &str, follow: bool) -> Result<(), S::Error> {
    if follow {
        db.run("INSERT INTO follows (visitor) VALUES (?)", vec![visitor.into()])?;
        db.run("UPDATE account SET followers = followers + 1", vec![])
    } else {
        db.run("DELETE FROM follows WHERE visitor = ?", vec![visitor.into()])?;
        db.run("UPDATE account SET followers = max(followers - 1, 0)", vec![])
    }
}

/// What `visitor`'s follow (`true`) or unfollow at `now` (ms) counts, the
/// day's first change noting where the visitor started it. The rows of
/// earlier days go.
pub fn count_today<S: Sql>(db: &S, visitor: &str, follow: bool, now: u64) -> Result<Counted, S::Error> {
    let day = day_of(now);
    db.run("DELETE FROM follow_days WHERE day < ?", vec![day.clone().into()])?;
    let started = db.number("SELECT started AS n FROM follow_days WHERE visitor = ? AND day = ?", vec![visitor.into(), day.clone().into()])?;
    match started.map(|started| started == 1) {
        Some(started) if started == follow => Ok(Counted::TakeBack(!follow)),
        Some(_) => Ok(Counted::Add(follow)),
        None => {
            let statement = "INSERT INTO follow_days (visitor, day, started) VALUES (?, ?, ?)";
            db.run(statement, vec![visitor.into(), day.into(), flag(!follow)])?;
            Ok(Counted::Add(follow))
        }
    }
}

/// Forgets `visitor`'s rows of `follow_days` (the erasure of their data).
pub fn forget_days<S: Sql>(db: &S, visitor: &str) -> Result<(), S::Error> {
    db.run("DELETE FROM follow_days WHERE visitor = ?", vec![visitor.into()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{account, native::store};

    #[test]
    fn following_and_unfollowing_keep_the_count() {
        let db = store();
        account::create(&db, "acme", "Acme", "").unwrap();
        assert!(!follows(&db, "v").unwrap());
        set(&db, "v", true).unwrap();
        set(&db, "w", true).unwrap();
        assert_eq!((follows(&db, "v").unwrap(), account::find(&db).unwrap().unwrap().followers), (true, 2));
        set(&db, "v", false).unwrap();
        assert_eq!((follows(&db, "v").unwrap(), follows(&db, "w").unwrap()), (false, true));
        assert_eq!(account::find(&db).unwrap().unwrap().followers, 1);
    }

    #[test]
    fn following_twice_is_refused_and_the_count_never_goes_below_zero() {
        let db = store();
        account::create(&db, "acme", "Acme", "").unwrap();
        set(&db, "v", true).unwrap();
        assert!(set(&db, "v", true).is_err(), "a follower is one row");
        db.execute("UPDATE account SET followers = 0", []).unwrap();
        set(&db, "v", false).unwrap();
        assert_eq!(account::find(&db).unwrap().unwrap().followers, 0);
    }

    const DAY: u64 = 20_000 * 86_400_000;

    #[test]
    fn toggling_counts_at_most_one_net_change_per_visitor_and_day() {
        let db = store();
        let toggles = [true, false, true, false, true];
        let counted: Vec<Counted> = toggles.iter().enumerate().map(|(n, f)| count_today(&db, "v", *f, DAY + n as u64).unwrap()).collect();
        use Counted::{Add, TakeBack};
        assert_eq!(counted, [Add(true), TakeBack(true), Add(true), TakeBack(true), Add(true)], "net: one follow");
        // A follower who unfollows, then follows again: net nothing.
        assert_eq!(count_today(&db, "w", false, DAY).unwrap(), Add(false));
        assert_eq!(count_today(&db, "w", true, DAY + 1).unwrap(), TakeBack(false));
        // The next day starts anew, and the day before is forgotten.
        assert_eq!(count_today(&db, "v", false, DAY + 86_400_000).unwrap(), Add(false));
        assert_eq!(db.number("SELECT count(*) AS n FROM follow_days", vec![]).unwrap(), Some(1));
        forget_days(&db, "v").unwrap();
        assert_eq!(db.number("SELECT count(*) AS n FROM follow_days", vec![]).unwrap(), Some(0));
    }
}
