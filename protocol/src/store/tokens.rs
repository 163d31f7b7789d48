//! The account's secrets: `tokens`, its brand tokens by id, each kept as
//! the digest of its secret; and `account.sso_secret`, which the company's
//! site signs its customers' SSO tokens with; `sso_jtis`, the ids of the
//! SSO tokens already used, until they expire.
//!
//! Not here: digests and signatures (the edge's `crypto`), nor token formats
//! (`token`, `ids`).

use super::{int, Sql};
use crate::TokenInfo;
use serde::Deserialize;

/// The stored digest of brand token `id`'s secret, if the token is there
/// (not revoked).
pub fn digest<S: Sql>(db: &S, id: &str) -> Result<Option<String>, S::Error> {
    #[derive(Deserialize)]
    struct Digest {
        digest: String,
    }
    Ok(db.row::<Digest>("SELECT digest FROM tokens WHERE id = ?", vec![id.into()])?.map(|row| row.digest))
}

/// Adds brand token `id`, named `name`, whose secret has `digest`.
pub fn add<S: Sql>(db: &S, id: &str, name: &str, digest: &str) -> Result<(), S::Error> {
    db.run("INSERT INTO tokens (id, name, digest) VALUES (?, ?, ?)", vec![id.into(), name.into(), digest.into()])
}

/// The brand tokens, by id (never their digests).
pub fn all<S: Sql>(db: &S) -> Result<Vec<TokenInfo>, S::Error> {
    db.rows("SELECT id, name FROM tokens ORDER BY id", vec![])
}

/// Revokes brand token `id`: whether it was there.
pub fn revoke<S: Sql>(db: &S, id: &str) -> Result<bool, S::Error> {
    let there = db.number("SELECT count(*) AS n FROM tokens WHERE id = ?", vec![id.into()])? == Some(1);
    if there {
        db.run("DELETE FROM tokens WHERE id = ?", vec![id.into()])?;
    }
    Ok(there)
}

/// Sets the account's SSO secret, in a new epoch.
pub fn set_sso_secret<S: Sql>(db: &S, secret: &str) -> Result<(), S::Error> {
    db.run("UPDATE account SET sso_secret = ?, sso_epoch = sso_epoch + 1", vec![secret.into()])
}

/// The epoch of the account's SSO secret (how many secrets it has had), if
/// there is an account: sessions made in an earlier one have ended.
pub fn sso_epoch<S: Sql>(db: &S) -> Result<Option<u64>, S::Error> {
    db.number("SELECT sso_epoch AS n FROM account", vec![])
}

/// The account's SSO secret: `None` if there is no account, `Some(None)` if
/// it has none.
pub fn sso_secret<S: Sql>(db: &S) -> Result<Option<Option<String>>, S::Error> {
    #[derive(Deserialize)]
    struct Secret {
        sso_secret: Option<String>,
    }
    Ok(db.row::<Secret>("SELECT sso_secret FROM account", vec![])?.map(|row| row.sso_secret))
}

/// Spends SSO token `jti`, which expires at `exp` (seconds): whether it
/// was not spent yet. Forgets first the ids of tokens expired at `now`,
/// which could not be used again anyway.
pub fn spend_sso_jti<S: Sql>(db: &S, jti: &str, exp: u64, now: u64) -> Result<bool, S::Error> {
    db.run("DELETE FROM sso_jtis WHERE exp <= ?", vec![int(now)])?;
    let spent = db.number("SELECT count(*) AS n FROM sso_jtis WHERE jti = ?", vec![jti.into()])? == Some(1);
    if !spent {
        db.run("INSERT INTO sso_jtis (jti, exp) VALUES (?, ?)", vec![jti.into(), int(exp)])?;
    }
    Ok(!spent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{account, native::store};

    #[test]
    fn tokens_are_listed_by_id_found_by_digest_and_revoked_once() {
        let db = store();
        add(&db, "b2", "Night shift", "d2").unwrap();
        add(&db, "a1", "Day shift", "d1").unwrap();
        let names: Vec<_> = all(&db).unwrap().into_iter().map(|t| (t.id, t.name)).collect();
        assert_eq!(names, [("a1".to_owned(), "Day shift".to_owned()), ("b2".into(), "Night shift".into())]);
        assert_eq!(digest(&db, "b2").unwrap().as_deref(), Some("d2"));
        assert!(revoke(&db, "b2").unwrap());
        assert!(!revoke(&db, "b2").unwrap(), "already revoked");
        assert_eq!(digest(&db, "b2").unwrap(), None);
        assert!(add(&db, "a1", "Again", "d3").is_err(), "an id is one token");
    }

    #[test]
    fn the_sso_secret_is_the_accounts() {
        let db = store();
        assert_eq!(sso_secret(&db).unwrap(), None, "no account");
        account::create(&db, "acme", "Acme", "").unwrap();
        assert_eq!(sso_secret(&db).unwrap(), Some(None));
        assert_eq!(sso_epoch(&db).unwrap(), Some(0));
        set_sso_secret(&db, "a long enough secret").unwrap();
        assert_eq!(sso_secret(&db).unwrap(), Some(Some("a long enough secret".into())));
        set_sso_secret(&db, "another long secret").unwrap();
        assert_eq!(sso_epoch(&db).unwrap(), Some(2), "each secret, an epoch");
    }

    #[test]
    fn an_sso_token_id_is_spent_once_and_forgotten_once_expired() {
        let db = store();
        assert!(spend_sso_jti(&db, "a1", 1_600, 1_000).unwrap());
        assert!(!spend_sso_jti(&db, "a1", 1_600, 1_000).unwrap(), "replayed");
        assert!(!spend_sso_jti(&db, "a1", 1_600, 1_599).unwrap(), "replayed until it expires");
        assert!(spend_sso_jti(&db, "b2", 2_200, 1_600).unwrap());
        let left = db.number("SELECT count(*) AS n FROM sso_jtis", vec![]).unwrap();
        assert_eq!(left, Some(1), "a1 expired at 1600 and was pruned");
    }
}
