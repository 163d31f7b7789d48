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

use super::db::Db;
use super::views::View;
use gazouillis_protocol::moderation::Settings;
use gazouillis_protocol::store::{deliveries, dirty_views, import, queue, settings, tokens};
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
    let marked = dirty_views::count(&db)?;
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
            return if db.has_schema()? { import::number_replies(db) } else { Ok(()) };
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
            import::account(db, &record.account, record.next_post, record.next_queued)
        }
        "sso_secret" => {
            let secret: String = read(key, value)?;
            // Keys list in order: `account` came before.
            tokens::set_sso_secret(db, &secret)
        }
        "settings" => {
            let settings: Settings = read(key, value)?;
            let json = serde_json::to_string(&settings).map_err(|e| worker::Error::RustError(e.to_string()))?;
            settings::put(db, &json)
        }
        "post" | "hidden_post" => {
            let record: PostRecord = read(key, value)?;
            import::post(db, number(rest, "")?, &record.post, record.next_reply, kind == "hidden_post")
        }
        "reply" | "hidden_reply" => {
            let reply: Reply = read(key, value)?;
            let (post, seq) = rest.split_once('/').unwrap_or((rest, ""));
            import::reply(db, number(post, "")?, number(seq, "")?, &reply, kind == "hidden_reply")
        }
        "follower" => import::follower(db, rest),
        "token" => {
            let record: TokenRecord = read(key, value)?;
            import::token(db, rest, &record.name, &record.digest)
        }
        "queue" => {
            let queued: Queued = read(key, value)?;
            queue::add(db, number(rest, "")?, &queued)
        }
        // A minute's abuse limits under plain keys: not kept (`rate_windows` hashes its keys).
        "rate" => Ok(()),
        "dirty" => {
            let view: View = read(key, value)?;
            let json = serde_json::to_string(&view).map_err(|e| worker::Error::RustError(e.to_string()))?;
            import::dirty_view(db, rest, &json)
        }
        _ => Err(worker::Error::RustError(format!("hub entry {key}: no table for it"))),
    }
}
