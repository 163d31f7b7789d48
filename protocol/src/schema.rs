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
//! - `rate_windows`: the recent events of each abuse limit (JSON lists), by
//!   a keyed hash of the limit's key, pruned once expired.
//! - `daily`, `post_daily`, `answer_times`: the brand's statistics per day:
//!   follows and unfollows, posts, visitors' replies (per post too), and how
//!   long each reply waited for the brand's first answer.
//! - `dirty_views`: the KV views to rewrite at the next flush, each with the
//!   version that last changed it (a mark is removed once a view at least
//!   that recent is in KV).
//! - `search` (FTS5) and `search_keys`: the full-text index of posts,
//!   replies and queued replies, kept by triggers on their tables; each
//!   entry's `sid` grows in the order indexed, so newest first is by `sid`.
//!   Whether an entry may be shown is read from its row at search time.
//! - `watches`: the terms the brand watches; `mentions`: the items that
//!   matched some when written (newest last), removed with their item.
//! - `hourly`: visitors' replies per hour and post, for buzz; `buzz_hours`:
//!   the buzzing hours seen, so that an episode alerts once.
//! - `webhooks`: where alerts go; `deliveries`: the outbox, one row per
//!   event and target of a destination (`destination` `webhook`: `target`
//!   is the webhook's id), kept after it is done as the delivery log, with
//!   its `attempts`.
//! - `media`: uploaded pictures (bytes in R2), each attached to a post at
//!   most, with when it was uploaded (one no post took in time is deleted);
//!   a post's `images` column holds them as readers get them.
//! - `offers`: posts' offers for followers, with their codes and exact claim
//!   counts; `claims`: who claimed which (one row each), gone with the post
//!   (each visitor's claims are indexed in KV, `keys::claimed`).

/// The table recording applied migrations; created before any of them.
pub const VERSION_TABLE: &str = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)";

/// Migration `n` is `MIGRATIONS[n - 1]`: its statements, in order.
/// `$text` with the ligatures œ and æ spelled out, which FTS5's unicode61
/// tokenizer does not fold (it lowercases and removes accents itself); the
/// same pairs as [`crate::search::LIGATURES`] (a test checks).
macro_rules! fold {
    ($text:literal) => {
        concat!("replace(replace(replace(replace(", $text, ", 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae')")
    };
}

/// The statements that take the entry of kind `$kind` for row `$row` (`new`
/// or `old`) out of the search index.
macro_rules! unindex {
    ($kind:literal, $row:literal, $post:literal, $seq:literal) => {
        concat!(
            "DELETE FROM search WHERE rowid IN (SELECT sid FROM search_keys ",
            "WHERE kind = '", $kind, "' AND post = ", $row, ".", $post, " AND seq = ", $row, ".", $seq, "); ",
            "DELETE FROM search_keys WHERE kind = '", $kind, "' AND post = ", $row, ".", $post, " AND seq = ", $row, ".", $seq, "; "
        )
    };
}

/// The triggers that keep rows of `$table` in the search index as entries of
/// kind `$kind`, keyed by the row's post and its number `$seq`. An inserted
/// row first replaces any entry of its key: `INSERT OR REPLACE` (imports)
/// deletes the row it replaces without firing the delete trigger.
macro_rules! search_triggers {
    ($table:literal, $kind:literal, $post:literal, $seq:literal) => {
        [
            concat!(
                "CREATE TRIGGER index_", $kind, " AFTER INSERT ON ", $table, " BEGIN ",
                unindex!($kind, "new", $post, $seq),
                "INSERT INTO search_keys (kind, post, seq) VALUES ('", $kind, "', new.", $post, ", new.", $seq, "); ",
                "INSERT INTO search (rowid, body) SELECT sid, ", fold!("new.text"), " FROM search_keys ",
                "WHERE kind = '", $kind, "' AND post = new.", $post, " AND seq = new.", $seq, "; END"
            ),
            concat!("CREATE TRIGGER unindex_", $kind, " AFTER DELETE ON ", $table, " BEGIN ", unindex!($kind, "old", $post, $seq), "END"),
        ]
    };
}

const POST_TRIGGERS: [&str; 2] = search_triggers!("posts", "post", "seq", "seq");
const REPLY_TRIGGERS: [&str; 2] = search_triggers!("replies", "reply", "post", "seq");
const QUEUED_TRIGGERS: [&str; 2] = search_triggers!("queue", "queued", "post", "n");

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
    &[
        // Tokens are runs of letters, digits and `#`: `#vélo` is the token
        // `#velo`, which a search for `velo` also asks for.
        "CREATE VIRTUAL TABLE search USING fts5(body, tokenize = \"unicode61 remove_diacritics 2 tokenchars '#'\")",
        "CREATE TABLE search_keys (
            sid INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            post INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            UNIQUE (kind, post, seq)
        )",
        // What is already written, oldest first.
        "INSERT INTO search_keys (kind, post, seq)
            SELECT kind, post, seq FROM (
                SELECT 'post' AS kind, seq AS post, seq, created_at FROM posts
                UNION ALL SELECT 'reply', post, seq, created_at FROM replies
                UNION ALL SELECT 'queued', post, n, created_at FROM queue
            ) ORDER BY created_at, kind, post, seq",
        concat!("INSERT INTO search (rowid, body) SELECT k.sid, ", fold!("p.text"),
            " FROM search_keys k JOIN posts p ON k.kind = 'post' AND p.seq = k.seq"),
        concat!("INSERT INTO search (rowid, body) SELECT k.sid, ", fold!("r.text"),
            " FROM search_keys k JOIN replies r ON k.kind = 'reply' AND r.post = k.post AND r.seq = k.seq"),
        concat!("INSERT INTO search (rowid, body) SELECT k.sid, ", fold!("q.text"),
            " FROM search_keys k JOIN queue q ON k.kind = 'queued' AND q.n = k.seq"),
        POST_TRIGGERS[0],
        POST_TRIGGERS[1],
        REPLY_TRIGGERS[0],
        REPLY_TRIGGERS[1],
        QUEUED_TRIGGERS[0],
        QUEUED_TRIGGERS[1],
    ],
    &[
        "CREATE TABLE watches (term TEXT PRIMARY KEY)",
        // One row per item that matched watched terms when it was written;
        // it goes with its item (triggers below).
        "CREATE TABLE mentions (
            n INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            post INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            terms TEXT NOT NULL,
            UNIQUE (kind, post, seq)
        )",
        "CREATE TRIGGER forget_post_mentions AFTER DELETE ON posts BEGIN
            DELETE FROM mentions WHERE kind = 'post' AND post = old.seq; END",
        "CREATE TRIGGER forget_reply_mentions AFTER DELETE ON replies BEGIN
            DELETE FROM mentions WHERE kind = 'reply' AND post = old.post AND seq = old.seq; END",
        "CREATE TRIGGER forget_queued_mentions AFTER DELETE ON queue BEGIN
            DELETE FROM mentions WHERE kind = 'queued' AND post = old.post AND seq = old.n; END",
    ],
    &[
        // Visitors' replies per hour (hours since the epoch, UTC) and post, for buzz.
        "CREATE TABLE hourly (
            hour INTEGER NOT NULL,
            post INTEGER NOT NULL,
            replies INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, post)
        )",
        "INSERT INTO hourly (hour, post, replies)
            SELECT CAST(strftime('%s', created_at) AS INTEGER) / 3600, post, count(*) FROM replies
            WHERE coalesce(author_badge, '') != 'brand' AND strftime('%s', created_at) IS NOT NULL
            GROUP BY 1, 2",
    ],
    &[
        "CREATE TABLE webhooks (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            format TEXT NOT NULL,
            language TEXT NOT NULL,
            secret TEXT NOT NULL,
            created_at TEXT NOT NULL
        )",
        // The outbox: one row per event and webhook. `body` is the event
        // (JSON), put in the webhook's format when sent; `next_at` (ms since
        // 1970) is when the next attempt is due, NULL once delivered or failed.
        "CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY,
            webhook TEXT NOT NULL,
            event TEXT NOT NULL,
            type TEXT NOT NULL,
            body TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending',
            attempts INTEGER NOT NULL DEFAULT 0,
            next_at INTEGER,
            created_at TEXT NOT NULL
        )",
        "CREATE INDEX deliveries_due ON deliveries (next_at) WHERE next_at IS NOT NULL",
        "CREATE INDEX deliveries_by_webhook ON deliveries (webhook, id)",
        // Every attempt, as it ends (`status` NULL: no answer, `error` says why).
        "CREATE TABLE attempts (
            delivery INTEGER NOT NULL,
            n INTEGER NOT NULL,
            at TEXT NOT NULL,
            status INTEGER,
            error TEXT,
            PRIMARY KEY (delivery, n)
        )",
        "CREATE TRIGGER forget_deliveries AFTER DELETE ON webhooks BEGIN
            DELETE FROM deliveries WHERE webhook = old.id; END",
        "CREATE TRIGGER forget_attempts AFTER DELETE ON deliveries BEGIN
            DELETE FROM attempts WHERE delivery = old.id; END",
        // The buzzing hours seen; an hour alerts unless the one before is here (same episode).
        "CREATE TABLE buzz_hours (hour INTEGER PRIMARY KEY)",
    ],
    &[
        // A post's offer for followers (`ends_ms`: ms since 1970; `max_claims`
        // NULL: no limit), with its claims counted, and the follows and
        // unfollows of the account while it runs.
        "CREATE TABLE offers (
            post INTEGER PRIMARY KEY,
            code TEXT NOT NULL,
            ends_ms INTEGER NOT NULL,
            max_claims INTEGER,
            claimed INTEGER NOT NULL DEFAULT 0,
            follows INTEGER NOT NULL DEFAULT 0,
            unfollows INTEGER NOT NULL DEFAULT 0
        )",
        "CREATE TABLE claims (
            post INTEGER NOT NULL,
            visitor TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            PRIMARY KEY (post, visitor)
        )",
        "CREATE TRIGGER forget_offer AFTER DELETE ON posts BEGIN
            DELETE FROM offers WHERE post = old.seq; DELETE FROM claims WHERE post = old.seq; END",
    ],
    &[
        // Uploaded pictures (their bytes are in R2, at `{handle}/{id}`); `post`
        // is set once a post carries one.
        "CREATE TABLE media (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            post INTEGER
        )",
        "CREATE INDEX media_by_post ON media (post)",
        // A post's pictures as readers get them (JSON), NULL: none.
        "ALTER TABLE posts ADD COLUMN images TEXT",
    ],
    // 10: each visitor's index of the accounts where they hold claims
    // (`keys::claimed`), for claims made before it: their views marked to
    // write (`{"Claimed": visitor}`, as the edge's hub names that view).
    &[CLAIMED_VIEWS],
    // 11: when each picture was uploaded (ms since 1970), for the uploads no
    // post took in time to be deleted; those uploaded before count from now.
    &[
        "ALTER TABLE media ADD COLUMN uploaded_ms INTEGER NOT NULL DEFAULT 0",
        "UPDATE media SET uploaded_ms = CAST(strftime('%s', 'now') AS INTEGER) * 1000",
    ],
    // 12: a visitor's replies and queued replies found by their author, for
    // the download and the erasure of their data (`/v1/me`), which ask the
    // hub rather than KV's lagging indexes.
    &[
        "CREATE INDEX replies_by_author ON replies (author_id)",
        "CREATE INDEX queue_by_author ON queue (author_id)",
    ],
    // 13: the outbox for every destination: a delivery names its
    // destination and its target there (a webhook's deliveries keep their
    // webhook as target).
    &[
        "ALTER TABLE deliveries RENAME COLUMN webhook TO target",
        "ALTER TABLE deliveries ADD COLUMN destination TEXT NOT NULL DEFAULT 'webhook'",
        "DROP INDEX deliveries_by_webhook",
        "CREATE INDEX deliveries_by_target ON deliveries (destination, target, id)",
        "DROP TRIGGER forget_deliveries",
        "CREATE TRIGGER forget_deliveries AFTER DELETE ON webhooks BEGIN
            DELETE FROM deliveries WHERE destination = 'webhook' AND target = old.id; END",
    ],
    // 14: the ids (`jti`) of the SSO tokens already exchanged for a session,
    // each until its token's expiry (seconds since 1970), so a token works
    // once; and the SSO secret's epoch, one more at each new secret, which
    // the sessions made from SSO tokens carry, so a new secret ends them.
    &[
        "CREATE TABLE sso_jtis (jti TEXT PRIMARY KEY, exp INTEGER NOT NULL)",
        "CREATE INDEX sso_jtis_by_exp ON sso_jtis (exp)",
        "ALTER TABLE account ADD COLUMN sso_epoch INTEGER NOT NULL DEFAULT 0",
    ],
    // 15: the abuse limits' windows by a keyed hash of their key (no client
    // address or visitor id in clear), each with when it expires, to be
    // pruned then. The windows kept under plain keys are deleted: at most
    // one window of events is forgotten.
    &[
        "DELETE FROM rate_windows",
        "ALTER TABLE rate_windows ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX rate_windows_by_expiry ON rate_windows (expires_at)",
    ],
    // 16: whether each visitor who followed or unfollowed today followed at
    // the start of the day, so that a day counts at most one net follow or
    // unfollow per visitor (`store::follows::count_today`).
    &["CREATE TABLE follow_days (visitor TEXT NOT NULL, day TEXT NOT NULL, started INTEGER NOT NULL, PRIMARY KEY (visitor, day))"],
    // 17: Web Push. Whether each follower is notified of new posts; and the
    // push subscriptions of the visitors who follow or replied here, copied
    // from their ledger (the truth), so that a post fans out from here.
    // `id` is the subscription's id in the ledger; `p256dh` and `auth`
    // are base64url; `lang` is `en` or `fr`. A subscription's deliveries
    // go with it.
    &[
        "ALTER TABLE follows ADD COLUMN notify INTEGER NOT NULL DEFAULT 0",
        "CREATE TABLE push_subscriptions (
            id TEXT PRIMARY KEY,
            visitor TEXT NOT NULL,
            endpoint TEXT NOT NULL,
            p256dh TEXT NOT NULL,
            auth TEXT NOT NULL,
            answers INTEGER NOT NULL,
            lang TEXT NOT NULL
        )",
        "CREATE INDEX push_subscriptions_by_visitor ON push_subscriptions (visitor)",
        "CREATE TRIGGER forget_push_deliveries AFTER DELETE ON push_subscriptions BEGIN
            DELETE FROM deliveries WHERE destination = 'push' AND target = old.id; END",
    ],
    // 18: a push message to an audience (`post` and `seq` set: the visitors
    // who replied in that thread; null: the notified followers), waiting
    // to be written out as deliveries, a chunk of subscriptions at a time
    // in their id order (`written`: the last one written), so that no turn
    // of the hub holds it long (`store::push::write_out`).
    &["CREATE TABLE push_fanouts (
        id INTEGER PRIMARY KEY,
        event TEXT NOT NULL,
        type TEXT NOT NULL,
        post INTEGER,
        seq INTEGER,
        en TEXT NOT NULL,
        fr TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        written TEXT NOT NULL DEFAULT ''
    )"],
];

/// Marks the view `claimed/{visitor}/{handle}` of every visitor with a claim.
const CLAIMED_VIEWS: &str = "INSERT OR REPLACE INTO dirty_views (key, view, version)
    SELECT DISTINCT 'claimed/' || c.visitor || '/' || a.handle, json_object('Claimed', c.visitor), a.version
    FROM claims c, account a";

/// Whether FTS5 query `?1` matches the index entry of kind `?2`, post `?3`
/// and number `?4`: how a new item is checked against a watched term, with
/// exactly the rules of a search for it.
pub const MATCHES_ENTRY: &str = "SELECT count(*) AS n FROM search WHERE search MATCH ?1
    AND rowid = (SELECT sid FROM search_keys WHERE kind = ?2 AND post = ?3 AND seq = ?4)";

/// Numbers the replies that have no `n` yet, after all others, in the order
/// they were written: for migration 2, and for replies imported from a hub
/// written before SQLite.
pub const NUMBER_REPLIES: &str = "UPDATE replies SET n = numbered.n FROM (
        SELECT post, seq, (SELECT coalesce(max(n) + 1, 0) FROM replies) + row_number() OVER (ORDER BY created_at, post, seq) - 1 AS n
        FROM replies WHERE n IS NULL
    ) AS numbered WHERE numbered.post = replies.post AND numbered.seq = replies.seq";

/// One page of search results, newest first: the `sid`, kind (`post`,
/// `reply`, `queued`), post and number of each entry matching FTS5 query
/// `?1` (see [`crate::search::Query::to_fts`]) below sid `?2`, at most `?3`.
/// With `?4` = 0 (the public), only what anyone may see: no queued reply,
/// nothing hidden, no reply to a hidden post; with 1 (the brand), all.
pub const SEARCH: &str = "SELECT k.sid, k.kind, k.post, k.seq FROM search JOIN search_keys k ON k.sid = search.rowid
    WHERE search MATCH ?1 AND search.rowid < ?2
      AND (?4 = 1 OR (k.kind != 'queued'
        AND NOT EXISTS (SELECT 1 FROM posts p WHERE p.seq = k.post AND p.hidden = 1)
        AND NOT EXISTS (SELECT 1 FROM replies r WHERE k.kind = 'reply' AND r.post = k.post AND r.seq = k.seq AND r.hidden = 1)))
    ORDER BY search.rowid DESC LIMIT ?3";

/// The statements of migration `n` (1-based), one by one.
pub fn statements(n: usize) -> impl Iterator<Item = &'static str> {
    MIGRATIONS[n - 1].iter().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn migrated() -> Connection {
        store_at(MIGRATIONS.len())
    }

    /// A new store as migration `version` left it.
    fn store_at(version: usize) -> Connection {
        let db = Connection::open_in_memory().unwrap();
        db.execute(VERSION_TABLE, []).unwrap();
        migrate(&db, 1..=version);
        db
    }

    fn migrate(db: &Connection, numbers: std::ops::RangeInclusive<usize>) {
        for n in numbers {
            for statement in statements(n) {
                db.execute(statement, []).unwrap_or_else(|e| panic!("migration {n}: {e}\n{statement}"));
            }
            db.execute("INSERT INTO schema_version (version) VALUES (?1)", [n]).unwrap();
        }
    }

    /// A store as migration 9 left it, with claims and no index of them:
    /// migration 10 marks each claimant's index view, once, at the account's version.
    #[test]
    fn claims_made_before_their_index_get_it() {
        let db = store_at(9);
        db.execute("INSERT INTO account (id, handle, name, bio, version) VALUES (0, 'acme', 'Acme', '', 41)", []).unwrap();
        for (post, visitor) in [(0, "v"), (1, "v"), (1, "w")] {
            db.execute("INSERT INTO claims (post, visitor, claimed_at) VALUES (?1, ?2, 'now')", rusqlite::params![post, visitor]).unwrap();
        }
        migrate(&db, 10..=MIGRATIONS.len());
        let mut statement = db.prepare("SELECT key, view, version FROM dirty_views ORDER BY key").unwrap();
        let rows: Vec<(String, String, i64)> =
            statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(Result::unwrap).collect();
        let marked = |visitor: &str| (crate::keys::claimed(visitor, "acme"), format!("{{\"Claimed\":\"{visitor}\"}}"), 41);
        assert_eq!(rows, [marked("v"), marked("w")]);
    }

    /// A store as migration 10 left it, with one picture on a post and one
    /// waiting for one: migration 11 dates both from when it ran.
    #[test]
    fn uploads_made_before_their_date_count_from_the_migration() {
        let db = store_at(10);
        for (id, post) in [("on-a-post", Some(0)), ("waiting", None)] {
            let statement = "INSERT INTO media (id, type, width, height, post) VALUES (?1, 'png', 40, 30, ?2)";
            db.execute(statement, rusqlite::params![id, post]).unwrap();
        }
        let before = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 * 1000;
        migrate(&db, 11..=MIGRATIONS.len());
        let after = before + 2_000;
        let mut statement = db.prepare("SELECT id, uploaded_ms FROM media ORDER BY id").unwrap();
        let rows: Vec<(String, i64)> = statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
        assert_eq!(rows.iter().map(|(id, _)| id.as_str()).collect::<Vec<_>>(), ["on-a-post", "waiting"]);
        for (id, uploaded_ms) in &rows {
            assert!((before..after).contains(uploaded_ms), "{id} dated {uploaded_ms}, migrated between {before} and {after}");
        }
    }

    /// The entries `query` finds, newest first, as `kind post seq`, for the brand or the public.
    fn search(db: &Connection, query: &str, brand: bool) -> Vec<String> {
        let fts = crate::search::Query::parse(query).unwrap().to_fts();
        let mut statement = db.prepare(SEARCH).unwrap();
        let rows = statement.query_map(rusqlite::params![fts, i64::MAX, 50, brand], |r| {
            Ok(format!("{} {} {}", r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
        });
        rows.unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn migration_4_indexes_what_was_written_and_triggers_keep_the_index() {
        let db = store_at(3);
        let post = "INSERT INTO posts (seq, text, created_at) VALUES (?1, ?2, ?3)";
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, text, created_at, n) VALUES (?1, ?2, 'v', 'V', ?3, ?4, ?5)";
        let queued = "INSERT INTO queue (n, post, author_id, author_name, text, created_at, reason) VALUES (?1, ?2, 'v', 'V', ?3, ?4, 'link')";
        db.execute(post, rusqlite::params![0, "Un vélo pour l’été #Promo", "2026-01-01T00:00:00.000Z"]).unwrap();
        db.execute(reply, rusqlite::params![0, 0, "Quel CŒUR, ce vélo", "2026-01-02T00:00:00.000Z", 0]).unwrap();
        db.execute(queued, rusqlite::params![0, 0, "Vélo pas cher sur www.example.com", "2026-01-03T00:00:00.000Z"]).unwrap();
        for statement in statements(4) {
            db.execute(statement, []).unwrap_or_else(|e| panic!("{e}\n{statement}"));
        }
        // What was there before, newest first; accents, case and ligatures folded.
        assert_eq!(search(&db, "velo ", true), ["queued 0 0", "reply 0 0", "post 0 0"]);
        assert_eq!(search(&db, "velo ", false), ["reply 0 0", "post 0 0"]);
        assert_eq!(search(&db, "ete", false), ["post 0 0"]);
        assert_eq!(search(&db, "coeur", false), ["reply 0 0"]);
        assert_eq!(search(&db, "promo", false), ["post 0 0"], "a word finds its hashtag");
        assert_eq!(search(&db, "#promo", false), ["post 0 0"]);
        assert!(search(&db, "#velo", false).is_empty(), "a hashtag finds only itself");
        assert_eq!(search(&db, "\"quel coeur\"", false), ["reply 0 0"]);
        assert!(search(&db, "\"coeur quel\"", false).is_empty());
        // Written after: indexed by the triggers; approved (queue to replies) moves it.
        db.execute("DELETE FROM queue WHERE n = 0", []).unwrap();
        db.execute(reply, rusqlite::params![0, 1, "Vélo pas cher sur www.example.com", "2026-01-03T00:00:00.000Z", 1]).unwrap();
        db.execute(post, rusqlite::params![1, "Ætna : un vélo œcuménique", "2026-01-04T00:00:00.000Z"]).unwrap();
        assert_eq!(search(&db, "velo ", true), ["post 1 1", "reply 0 1", "reply 0 0", "post 0 0"]);
        assert_eq!(search(&db, "oecumenique aetna", false), ["post 1 1"]);
        // Hidden: out of the public results, still the brand's; a hidden post takes its replies.
        db.execute("UPDATE replies SET hidden = 1 WHERE post = 0 AND seq = 1", []).unwrap();
        assert_eq!(search(&db, "velo ", false), ["post 1 1", "reply 0 0", "post 0 0"]);
        db.execute("UPDATE posts SET hidden = 1 WHERE seq = 0", []).unwrap();
        assert_eq!(search(&db, "velo ", false), ["post 1 1"]);
        assert_eq!(search(&db, "velo ", true).len(), 4);
        // Replaced (imports): one entry, newest.
        db.execute("INSERT OR REPLACE INTO posts (seq, text, created_at) VALUES (1, 'Ætna : un vélo œcuménique', 'later')", []).unwrap();
        assert_eq!(search(&db, "aetna", true), ["post 1 1"]);
        // Deleted: gone for everyone, index and keys alike.
        db.execute("DELETE FROM replies WHERE post = 0", []).unwrap();
        db.execute("DELETE FROM posts WHERE seq = 0", []).unwrap();
        assert_eq!(search(&db, "velo ", true), ["post 1 1"]);
        let keys: i64 = db.query_row("SELECT count(*) FROM search_keys", [], |r| r.get(0)).unwrap();
        let entries: i64 = db.query_row("SELECT count(*) FROM search", [], |r| r.get(0)).unwrap();
        assert_eq!((keys, entries), (1, 1));
    }

    #[test]
    fn an_entry_matches_a_watched_term_as_a_search_would_and_mentions_go_with_their_item() {
        let db = migrated();
        db.execute("INSERT INTO posts (seq, text, created_at) VALUES (0, 'Livraison en retard, quel cœur !', 'now')", []).unwrap();
        let matches = |term: &str| -> i64 {
            let fts = crate::search::Query::parse(term).unwrap().to_fts();
            db.query_row(MATCHES_ENTRY, rusqlite::params![fts, "post", 0, 0], |r| r.get(0)).unwrap()
        };
        assert_eq!(matches("retard"), 1);
        assert_eq!(matches("\"en retard\" coeur"), 1);
        assert_eq!(matches("\"retard en\""), 0);
        assert_eq!(matches("remboursement"), 0);
        db.execute("INSERT INTO mentions (kind, post, seq, terms) VALUES ('post', 0, 0, '[\"retard\"]')", []).unwrap();
        db.execute("DELETE FROM posts WHERE seq = 0", []).unwrap();
        let left: i64 = db.query_row("SELECT count(*) FROM mentions", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "a deleted item's mention stays");
    }

    #[test]
    fn migration_6_counts_the_visitors_replies_already_written_per_hour() {
        let db = store_at(5);
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, author_badge, text, created_at, n) VALUES (?1, ?2, 'v', 'V', ?3, 't', ?4, ?5)";
        for (post, seq, badge, at, n) in [
            (0, 0, None, "2026-12-01T10:05:00.000Z", 0),
            (0, 1, None, "2026-12-01T10:59:59.999Z", 1),
            (0, 2, Some("brand"), "2026-12-01T10:30:00.000Z", 2),
            (1, 0, Some("customer"), "2026-12-01T11:00:00.000Z", 3),
        ] {
            db.execute(reply, rusqlite::params![post, seq, badge, at, n]).unwrap();
        }
        for statement in statements(6) {
            db.execute(statement, []).unwrap();
        }
        let hour = crate::time::millis_from_rfc3339("2026-12-01T10:00:00.000Z").unwrap() / crate::buzz::HOUR_MS;
        let rows: Vec<(i64, i64, i64)> = db
            .prepare("SELECT hour, post, replies FROM hourly ORDER BY hour, post")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows, [(hour as i64, 0, 2), (hour as i64 + 1, 1, 1)], "the brand's own reply is not counted");
    }

    #[test]
    fn a_deleted_webhook_takes_its_deliveries_and_their_attempts_along() {
        let db = migrated();
        for id in ["a", "b"] {
            db.execute("INSERT INTO webhooks (id, url, format, language, secret, created_at) VALUES (?1, 'https://x', 'json', 'en', 's', 'now')", [id]).unwrap();
            db.execute("INSERT INTO deliveries (target, event, type, body, next_at, created_at) VALUES (?1, 'e', 'test', '{}', 0, 'now')", [id]).unwrap();
            db.execute("INSERT INTO attempts (delivery, n, at, status) VALUES (last_insert_rowid(), 1, 'now', 500)", []).unwrap();
        }
        // Another destination's target of the same name is not the webhook's.
        db.execute("INSERT INTO deliveries (destination, target, event, type, body, next_at, created_at) VALUES ('other', 'a', 'e', 'test', '{}', 0, 'now')", []).unwrap();
        db.execute("DELETE FROM webhooks WHERE id = 'a'", []).unwrap();
        let count = |table: &str| -> i64 { db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap() };
        assert_eq!((count("deliveries"), count("attempts")), (2, 1));
    }

    /// Migration 13 opens a store of 12 whose webhook has a delivery in its
    /// log: the delivery is the webhook's, as target of destination
    /// `webhook`, and still leaves with it.
    #[test]
    fn the_outbox_of_12_is_every_destinations_outbox_from_13() {
        let db = store_at(12);
        db.execute("INSERT INTO webhooks (id, url, format, language, secret, created_at) VALUES ('0a1b2c3d4e5f', 'https://x', 'json', 'en', 's', 'now')", []).unwrap();
        db.execute("INSERT INTO deliveries (webhook, event, type, body, state, attempts, next_at, created_at) VALUES ('0a1b2c3d4e5f', 'e1', 'mention', '{}', 'pending', 2, 42, 'then')", []).unwrap();
        migrate(&db, 13..=MIGRATIONS.len());
        let row: (String, String, String, i64, i64) = db
            .query_row("SELECT destination, target, event, attempts, next_at FROM deliveries", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .unwrap();
        assert_eq!(row, ("webhook".into(), "0a1b2c3d4e5f".into(), "e1".into(), 2, 42));
        let plan: String = db
            .query_row("EXPLAIN QUERY PLAN SELECT id FROM deliveries WHERE destination = 'webhook' AND target = 'x' ORDER BY id DESC", [], |r| r.get(3))
            .unwrap();
        assert!(plan.contains("deliveries_by_target"), "{plan}");
        db.execute("DELETE FROM webhooks", []).unwrap();
        let left: i64 = db.query_row("SELECT count(*) FROM deliveries", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
    }

    /// Migration 14 opens a store of 13 with its account: the SSO secret
    /// stays, at epoch 0, and token ids are remembered once each.
    #[test]
    fn a_store_of_13_remembers_sso_token_ids_from_14() {
        let db = store_at(13);
        db.execute("INSERT INTO account (id, handle, name, bio, sso_secret) VALUES (0, 'acme', 'Acme', '', 'a long enough secret')", []).unwrap();
        migrate(&db, 14..=MIGRATIONS.len());
        let secret: (String, i64) = db.query_row("SELECT sso_secret, sso_epoch FROM account", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        assert_eq!(secret, ("a long enough secret".into(), 0), "the sessions it made stay");
        db.execute("INSERT INTO sso_jtis (jti, exp) VALUES ('a1', 1600)", []).unwrap();
        assert!(db.execute("INSERT INTO sso_jtis (jti, exp) VALUES ('a1', 1700)", []).is_err(), "a token id is one token");
    }

    /// Windows kept under plain keys (`reply-ip/{address}`) before 15 are
    /// gone; a window saved after expires.
    #[test]
    fn the_plain_rate_windows_of_14_are_deleted_by_15() {
        let db = store_at(14);
        db.execute("INSERT INTO rate_windows (key, hits) VALUES ('reply-ip/203.0.113.9', '[1]'), ('reply/v', '[1]')", []).unwrap();
        migrate(&db, 15..=MIGRATIONS.len());
        let left: i64 = db.query_row("SELECT count(*) FROM rate_windows", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0);
        db.execute("INSERT INTO rate_windows (key, hits, expires_at) VALUES ('0a1b', '[5]', 60005)", []).unwrap();
        let plan: String = db.query_row("EXPLAIN QUERY PLAN DELETE FROM rate_windows WHERE expires_at <= 1", [], |r| r.get(3)).unwrap();
        assert!(plan.contains("rate_windows_by_expiry"), "{plan}");
    }

    #[test]
    fn a_deleted_post_takes_its_offer_and_claims_along() {
        let db = migrated();
        for seq in [0, 1] {
            db.execute("INSERT INTO posts (seq, text, created_at) VALUES (?1, 'Offer', 'now')", [seq]).unwrap();
            db.execute("INSERT INTO offers (post, code, ends_ms) VALUES (?1, 'CODE', 1)", [seq]).unwrap();
            db.execute("INSERT INTO claims (post, visitor, claimed_at) VALUES (?1, 'v', 'now')", [seq]).unwrap();
        }
        db.execute("DELETE FROM posts WHERE seq = 0", []).unwrap();
        let count = |table: &str| -> i64 { db.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap() };
        assert_eq!((count("offers"), count("claims")), (1, 1));
    }

    #[test]
    fn the_index_folds_the_ligatures_the_queries_fold() {
        let db = migrated();
        for (ligature, spelled) in crate::search::LIGATURES {
            db.execute("INSERT INTO posts (seq, text, created_at) VALUES (0, ?1, 'now')", [format!("x{ligature}y")]).unwrap();
            let body: String = db.query_row("SELECT body FROM search", [], |r| r.get(0)).unwrap();
            assert_eq!(body, format!("x{spelled}y"), "{ligature}");
            assert_eq!(crate::search::fold(&format!("x{ligature}y")), body);
            db.execute("DELETE FROM posts", []).unwrap();
        }
    }

    #[test]
    fn a_visitors_replies_are_found_by_their_author_in_a_store_written_before() {
        let db = store_at(11);
        let reply = "INSERT INTO replies (post, seq, author_id, author_name, text, created_at, n) VALUES (0, ?1, ?2, 'V', 't', 'now', ?1)";
        for (seq, author) in [(0, "v"), (1, "w"), (2, "v")] {
            db.execute(reply, rusqlite::params![seq, author]).unwrap();
        }
        migrate(&db, 12..=MIGRATIONS.len());
        let plan: String = db
            .query_row("EXPLAIN QUERY PLAN SELECT seq FROM replies WHERE author_id = 'v'", [], |row| row.get(3))
            .unwrap();
        assert!(plan.contains("replies_by_author"), "{plan}");
        let mut found = db.prepare("SELECT seq FROM replies WHERE author_id = 'v' ORDER BY seq").unwrap();
        let seqs: Vec<u64> = found.query_map([], |row| row.get(0)).unwrap().map(Result::unwrap).collect();
        assert_eq!(seqs, [0, 2]);
        let plan: String = db
            .query_row("EXPLAIN QUERY PLAN SELECT n FROM queue WHERE author_id = 'v'", [], |row| row.get(3))
            .unwrap();
        assert!(plan.contains("queue_by_author"), "{plan}");
    }

    /// A store as migration 15 left it, with a follower and the day's
    /// counts: migration 16 keeps them, and the day's changes count net from then.
    #[test]
    fn follows_made_before_the_daily_net_count_keep_their_counts() {
        use crate::store::follows::{count_today, Counted};
        let db = store_at(15);
        db.execute("INSERT INTO follows (visitor) VALUES ('v')", []).unwrap();
        db.execute("INSERT INTO daily (day, follows) VALUES ('2024-10-04', 1)", []).unwrap();
        migrate(&db, 16..=MIGRATIONS.len());
        let follows: i64 = db.query_row("SELECT follows FROM daily WHERE day = '2024-10-04'", [], |r| r.get(0)).unwrap();
        let followers: i64 = db.query_row("SELECT count(*) FROM follows", [], |r| r.get(0)).unwrap();
        assert_eq!((follows, followers), (1, 1));
        let now = crate::time::millis_from_rfc3339("2024-10-04T12:00:00Z").unwrap();
        assert_eq!(count_today(&db, "v", false, now).unwrap(), Counted::Add(false));
        assert_eq!(count_today(&db, "v", true, now + 1).unwrap(), Counted::TakeBack(false));
    }

    #[test]
    fn followers_of_before_push_are_not_notified() {
        let db = store_at(16);
        db.execute("INSERT INTO follows (visitor) VALUES ('v')", []).unwrap();
        migrate(&db, 17..=MIGRATIONS.len());
        let notify: i64 = db.query_row("SELECT notify FROM follows WHERE visitor = 'v'", [], |r| r.get(0)).unwrap();
        assert_eq!(notify, 0);
    }

    #[test]
    fn deliveries_waiting_before_chunked_fan_outs_stay_due() {
        let db = store_at(17);
        let delivery = "INSERT INTO deliveries (destination, target, event, type, body, next_at, created_at) VALUES ('push', 's', 'e', 'post', '{}', 5, 'then')";
        db.execute(delivery, []).unwrap();
        migrate(&db, 18..=MIGRATIONS.len());
        assert_eq!(crate::store::deliveries::next_at(&db).unwrap(), Some(5));
        assert!(!crate::store::push::write_out(&db, 100, 5).unwrap(), "no fan-out waits");
    }

    #[test]
    fn every_migration_applies_in_order() {
        let db = migrated();
        let applied: i64 = db.query_row("SELECT max(version) FROM schema_version", [], |row| row.get(0)).unwrap();
        assert_eq!(applied as usize, MIGRATIONS.len());
    }

    #[test]
    fn migration_2_numbers_existing_replies_in_the_order_written() {
        let db = store_at(1);
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
