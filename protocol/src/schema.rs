//! The SQLite schema of an account's hub (its Durable Object's SQL storage):
//! one place for every table, as numbered migrations.
//!
//! A hub applies the migrations it has not applied yet when it starts, in
//! order, and records each in `schema_version`; a migration is never edited
//! once released, only followed by a new one. Hubs written before SQLite
//! (key-value entries) are imported by the edge right after migration 1.
//!
//! What each table holds:
//! - `account`: the one account of the hub (a single row), with its exact
//!   counts, the next post and queue numbers, its version (see
//!   [`fresh`](crate::fresh)) and the version of the last change to its feed.
//! - `settings`: the account's moderation settings, one JSON document.
//! - `posts`, `replies`: every post and reply, shown or hidden (`hidden`),
//!   with the post's exact reply count and its next reply number; replies
//!   are also numbered across the account in the order written (`n`).
//! - `follows`: one row per follower.
//! - `tokens`: brand tokens, by id, with the digest of their secret.
//! - `queue`: visitors' replies waiting for the brand's decision.
//! - `rate_windows`: the recent events of each abuse limit (JSON lists).
//! - `daily`, `post_daily`, `answer_times`: the brand's statistics per day:
//!   follows and unfollows, posts, visitors' replies (per post too), and how
//!   long each reply waited for the brand's first answer.
//! - `dirty_views`: the KV views to rewrite at the next flush, each with the
//!   version that last changed it (a mark is removed once a view at least
//!   that recent is in KV).

/// The table recording applied migrations; created before any of them.
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)";

/// Migration `n` is `MIGRATIONS[n - 1]`: its statements, in order.
pub const MIGRATIONS: &[&[&str]] = &[
    // 1: the hub's tables.
    &[
        "CREATE TABLE account (
            id INTEGER PRIMARY KEY CHECK (id = 0),
            handle TEXT NOT NULL,
            name TEXT NOT NULL,
            bio TEXT NOT NULL,
            followers INTEGER NOT NULL DEFAULT 0,
            posts INTEGER NOT NULL DEFAULT 0,
            next_post INTEGER NOT NULL DEFAULT 0,
            next_queued INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 0,
            feed_version INTEGER NOT NULL DEFAULT 0,
            sso_secret TEXT
        )",
        "CREATE TABLE settings (
            id INTEGER PRIMARY KEY CHECK (id = 0),
            json TEXT NOT NULL
        )",
        "CREATE TABLE posts (
            seq INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            replies INTEGER NOT NULL DEFAULT 0,
            next_reply INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0
        )",
        "CREATE TABLE replies (
            post INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_badge TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            hidden INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (post, seq)
        )",
        "CREATE INDEX hidden_replies ON replies (post, seq) WHERE hidden = 1",
        "CREATE TABLE follows (
            visitor TEXT PRIMARY KEY
        )",
        "CREATE TABLE tokens (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            digest TEXT NOT NULL
        )",
        "CREATE TABLE queue (
            n INTEGER PRIMARY KEY,
            post INTEGER NOT NULL,
            author_id TEXT NOT NULL,
            author_name TEXT NOT NULL,
            author_badge TEXT,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            reason TEXT NOT NULL
        )",
        "CREATE TABLE rate_windows (
            key TEXT PRIMARY KEY,
            hits TEXT NOT NULL
        )",
        "CREATE TABLE dirty_views (
            key TEXT PRIMARY KEY,
            view TEXT NOT NULL,
            version INTEGER NOT NULL
        )",
    ],
    // 2: replies numbered across the account in the order they were written
    // (`n`), for the brand's inbox, newest first.
    &[
        "ALTER TABLE replies ADD COLUMN n INTEGER",
        NUMBER_REPLIES,
        "CREATE UNIQUE INDEX replies_by_n ON replies (n)",
    ],
    // 3: the brand's statistics, counted as writes happen (see `stats`).
    &[
        "CREATE TABLE daily (
            day TEXT PRIMARY KEY,
            follows INTEGER NOT NULL DEFAULT 0,
            unfollows INTEGER NOT NULL DEFAULT 0,
            posts INTEGER NOT NULL DEFAULT 0,
            replies INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0
        )",
        "CREATE TABLE post_daily (
            post INTEGER NOT NULL,
            day TEXT NOT NULL,
            replies INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, post)
        )",
        "CREATE TABLE answer_times (
            post INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            day TEXT NOT NULL,
            waited_ms INTEGER NOT NULL,
            PRIMARY KEY (post, seq)
        )",
        "CREATE INDEX answer_times_by_day ON answer_times (day)",
    ],
];

/// Numbers the replies that have no `n` yet, after all others, in the order
/// they were written: for migration 2, and for replies imported from a hub
/// written before SQLite.
pub const NUMBER_REPLIES: &str = "UPDATE replies SET n = numbered.n FROM (
        SELECT post, seq, (SELECT coalesce(max(n) + 1, 0) FROM replies) + row_number() OVER (ORDER BY created_at, post, seq) - 1 AS n
        FROM replies WHERE n IS NULL
    ) AS numbered WHERE numbered.post = replies.post AND numbered.seq = replies.seq";

/// The statements of migration `n` (1-based), one by one.
pub fn statements(n: usize) -> impl Iterator<Item = &'static str> {
    MIGRATIONS[n - 1].iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn migrated() -> Connection {
        let db = Connection::open_in_memory().unwrap();
        db.execute(VERSION_TABLE, []).unwrap();
        for n in 1..=MIGRATIONS.len() {
            for statement in statements(n) {
                db.execute(statement, []).unwrap_or_else(|e| panic!("migration {n}: {e}\n{statement}"));
            }
            db.execute("INSERT INTO schema_version (version) VALUES (?1)", [n]).unwrap();
        }
        db
    }

    #[test]
    fn every_migration_applies_in_order() {
        let db = migrated();
        let applied: i64 = db.query_row("SELECT max(version) FROM schema_version", [], |row| row.get(0)).unwrap();
        assert_eq!(applied as usize, MIGRATIONS.len());
    }

    #[test]
    fn migration_2_numbers_existing_replies_in_the_order_written() {
        let db = Connection::open_in_memory().unwrap();
        db.execute(VERSION_TABLE, []).unwrap();
        for statement in statements(1) {
            db.execute(statement, []).unwrap();
        }
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, text, created_at) VALUES (?1, ?2, 'v', 'V', 't', ?3)";
        for (post, seq, at) in [(0, 0, "2026-01-02T00:00:00.000Z"), (1, 0, "2026-01-01T00:00:00.000Z"), (0, 1, "2026-01-03T00:00:00.000Z")] {
            db.execute(reply, rusqlite::params![post, seq, at]).unwrap();
        }
        for statement in statements(2) {
            db.execute(statement, []).unwrap();
        }
        let order: Vec<(i64, i64)> =
            db.prepare("SELECT post, seq FROM replies ORDER BY n").unwrap().query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(order, [(1, 0), (0, 0), (0, 1)]);
    }

    #[test]
    fn a_hub_has_one_account_and_replies_are_numbered_per_post() {
        let db = migrated();
        db.execute("INSERT INTO account (id, handle, name, bio) VALUES (0, 'acme', 'Acme', '')", []).unwrap();
        assert!(db.execute("INSERT INTO account (id, handle, name, bio) VALUES (1, 'other', 'Other', '')", []).is_err());
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, text, created_at) VALUES (?1, ?2, 'v', 'V', 't', 'now')";
        db.execute(reply, [0, 0]).unwrap();
        db.execute(reply, [1, 0]).unwrap();
        assert!(db.execute(reply, [0, 0]).is_err(), "a reply number is unique within its post");
    }
}
