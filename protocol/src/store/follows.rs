//! The account's followers: `follows`, one row per follower, with their
//! exact count on the account (`account.followers`), kept together.
//!
//! Not here: the follows and unfollows counted per day (`stats`) and per
//! offer (`offers`).

use super::Sql;

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
}
