//! Brings a hub's storage to the current schema when the hub starts: the
//! numbered migrations of `gazouillis_protocol::schema` it has not applied
//! yet (`Db::migrate`; a hub without tables gets them at its first write),
//! then the import of a hub written before SQLite.
//!
//! Those older hubs kept one key-value entry per thing (`account`,
//! `post/{n}`, `reply/{post}/{n}`, `follower/{visitor}`, ...). The import
//! copies each into its table, counts and numbering as they were, then
//! deletes the entry. It runs whenever entries are left, so an import cut
//! short (the runtime restarted) finishes at the next start: copying is an
//! upsert, and an entry is deleted only once copied.

use super::db::{flag, int, Db};
use super::views::View;
use gazouillis_protocol::moderation::Settings;
use gazouillis_protocol::schema::NUMBER_REPLIES;
use gazouillis_protocol::store::deliveries;
use gazouillis_protocol::{Account, Post, Queued, Reply};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use worker::{wasm_bindgen::JsValue, ListOptions, Storage};

/// Entries read and imported at once.
const BATCH: usize = 256;

pub async fn migrate(storage: Storage) -> worker::Result<()> {
    let db = Db::new(storage.sql());
    if db.has_schema()? {
        db.migrate()?;
    }
    import_key_values(&storage, &db).await?;
    // Views marked before a restart (or imported) are flushed by the alarm,
    // which also sends the webhook deliveries left pending and expires the
    // uploads waiting for a post (those from before migration 11 had none).
    let marked = db.number("SELECT count(*) AS n FROM dirty_views", vec![])?.unwrap_or(0);
    let pending = deliveries::next_at(&db)?.is_some() || db.has_uploads_to_expire()?;
    if (marked > 0 || pending) && storage.get_alarm().await?.is_none() {
        storage.set_alarm(0).await?;
    }
    Ok(())
}

/// Imports and deletes the key-value entries of a hub written before SQLite.
async fn import_key_values(storage: &Storage, db: &Db) -> worker::Result<()> {
    loop {
        let entries = storage.list_with_options(ListOptions::new().limit(BATCH)).await?;
        let mut imported = Vec::new();
        let mut failed = None;
        entries.for_each(&mut |value, key| {
            let key = key.as_string().unwrap_or_default();
            match import(db, &key, value) {
                Ok(()) => imported.push(key),
                Err(err) => {
                    failed.get_or_insert(err);
                }
            }
        });
        // An entry that cannot be imported stops the hub rather than being lost.
        if let Some(err) = failed {
            return Err(err);
        }
        if imported.is_empty() {
            // Imported replies are numbered across the account in the order
            // written (also after an import cut short: it touches no other row).
            return if db.has_schema()? { db.run(NUMBER_REPLIES, vec![]) } else { Ok(()) };
        }
        for chunk in imported.chunks(128) {
            storage.delete_multiple(chunk.to_vec()).await?;
        }
    }
}

/// The key-value records of a hub written before SQLite.
#[derive(Deserialize)]
struct AccountRecord {
    account: Account,
    next_post: u64,
    #[serde(default)]
    next_queued: u64,
}

#[derive(Deserialize)]
struct PostRecord {
    post: Post,
    next_reply: u64,
}

#[derive(Deserialize)]
struct TokenRecord {
    name: String,
    digest: String,
}

fn read<T: DeserializeOwned>(key: &str, value: JsValue) -> worker::Result<T> {
    serde_wasm_bindgen::from_value(value).map_err(|err| worker::Error::RustError(format!("hub entry {key}: {err}")))
}

/// The number after `prefix` in a key such as `post/00000000000000000003`.
fn number(key: &str, prefix: &str) -> worker::Result<u64> {
    key.strip_prefix(prefix).and_then(|n| n.parse().ok()).ok_or_else(|| worker::Error::RustError(format!("hub entry {key}")))
}

/// Copies one entry into its table.
fn import(db: &Db, key: &str, value: JsValue) -> worker::Result<()> {
    let (kind, rest) = key.split_once('/').unwrap_or((key, ""));
    match kind {
        // The handle is the account's, imported with it.
        "handle" => Ok(()),
        "account" => {
            let record: AccountRecord = read(key, value)?;
            let a = record.account;
            db.run(
                "INSERT INTO account (id, handle, name, bio, followers, posts, next_post, next_queued) VALUES (0, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, name = excluded.name, bio = excluded.bio,
                 followers = excluded.followers, posts = excluded.posts, next_post = excluded.next_post, next_queued = excluded.next_queued",
                vec![a.handle.into(), a.name.into(), a.bio.into(), int(a.followers), int(a.posts), int(record.next_post), int(record.next_queued)],
            )
        }
        "sso_secret" => {
            let secret: String = read(key, value)?;
            // Keys list in order: `account` came before.
            db.run("UPDATE account SET sso_secret = ?", vec![secret.into()])
        }
        "settings" => {
            let settings: Settings = read(key, value)?;
            let json = serde_json::to_string(&settings).map_err(|e| worker::Error::RustError(e.to_string()))?;
            db.run("INSERT OR REPLACE INTO settings (id, json) VALUES (0, ?)", vec![json.into()])
        }
        "post" | "hidden_post" => {
            let record: PostRecord = read(key, value)?;
            let p = record.post;
            db.run(
                "INSERT OR REPLACE INTO posts (seq, text, created_at, replies, next_reply, hidden) VALUES (?, ?, ?, ?, ?, ?)",
                vec![int(number(rest, "")?), p.text.into(), p.created_at.into(), int(p.replies), int(record.next_reply), flag(kind == "hidden_post")],
            )
        }
        "reply" | "hidden_reply" => {
            let reply: Reply = read(key, value)?;
            let (post, seq) = rest.split_once('/').unwrap_or((rest, ""));
            db.run(
                "INSERT OR REPLACE INTO replies (post, seq, author_id, author_name, author_badge, text, created_at, hidden)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                vec![
                    int(number(post, "")?),
                    int(number(seq, "")?),
                    reply.author.id.into(),
                    reply.author.name.into(),
                    super::replies::badge_name(reply.author.badge).into(),
                    reply.text.into(),
                    reply.created_at.into(),
                    flag(kind == "hidden_reply"),
                ],
            )
        }
        "follower" => db.run("INSERT OR IGNORE INTO follows (visitor) VALUES (?)", vec![rest.into()]),
        "token" => {
            let record: TokenRecord = read(key, value)?;
            db.run("INSERT OR REPLACE INTO tokens (id, name, digest) VALUES (?, ?, ?)", vec![rest.into(), record.name.into(), record.digest.into()])
        }
        "queue" => {
            let queued: Queued = read(key, value)?;
            super::moderation::enqueue(db, number(rest, "")?, &queued)
        }
        "rate" => {
            let hits: Vec<u64> = read(key, value)?;
            super::replies::save_window(db, rest, &hits)
        }
        "dirty" => {
            let view: View = read(key, value)?;
            let json = serde_json::to_string(&view).map_err(|e| worker::Error::RustError(e.to_string()))?;
            db.run("INSERT OR REPLACE INTO dirty_views (key, view, version) VALUES (?, ?, 0)", vec![rest.into(), json.into()])
        }
        _ => Err(worker::Error::RustError(format!("hub entry {key}: no table for it"))),
    }
}
