//! The hub's storage behind a small interface: [`Sql`], statements with
//! bound values and rows read into structs, and one file per table group
//! holding its queries: `account`; `posts` and the feed pages; `replies`
//! and the thread pages; `follows`; `settings`; `queue` (moderation);
//! `rate_windows` (abuse limits); `triage` (the inbox); `offers` and their
//! claims; `media` (uploads); `stats` (the counters); `activity` (hourly
//! replies, buzz); `search` (the index); `watches` (and mentions);
//! `dirty_views` (the views to flush); `tokens` (brand tokens, the SSO
//! secret); `deliveries` (the outbox); `webhooks`; `push` (the followers' browsers); and `import`, of a hub
//! written before SQLite. The hub runs them on its Durable Object's SQLite (the edge's
//! `Db` is a [`Sql`]); the unit tests here run the very same queries on
//! rusqlite, over the schema's migrations (`schema`).
//!
//! Not here: the schema itself (`schema`), nor when to run what (the hub).

pub mod account;
pub mod activity;
pub mod deliveries;
pub mod dirty_views;
pub mod follows;
pub mod import;
pub mod media;
pub mod offers;
pub mod posts;
pub mod push;
pub mod queue;
pub mod rate_windows;
pub mod replies;
pub mod search;
pub mod settings;
pub mod stats;
pub mod tokens;
pub mod triage;
pub mod watches;
pub mod webhooks;

use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A value bound to a `?` of a statement.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
}

/// A number bound to a statement. Numbers come from the hub's own counters,
/// or from ids no account reaches (past 2^53 they match nothing).
pub fn int(n: u64) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// The bound of "numbered below `before`" in a newest-first read (none:
/// every number).
pub fn below(before: Option<u64>) -> Value {
    int(before.unwrap_or(u64::MAX))
}

/// The `LIMIT` of a read one past a page of `limit` (see `page::one_past`).
pub fn one_more(limit: usize) -> Value {
    int(limit as u64 + 1)
}

/// A flag bound to a statement, as 0 or 1 (a bound boolean would be stored
/// as the text `true` or `false`).
pub fn flag(on: bool) -> Value {
    Value::Integer(on.into())
}

impl From<&str> for Value {
    fn from(text: &str) -> Value {
        Value::Text(text.to_owned())
    }
}

impl From<String> for Value {
    fn from(text: String) -> Value {
        Value::Text(text)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(value: Option<T>) -> Value {
        value.map_or(Value::Null, Into::into)
    }
}

/// A SQLite the queries run on.
pub trait Sql {
    type Error;

    /// Runs a statement that returns no rows.
    fn run(&self, sql: &str, values: Vec<Value>) -> Result<(), Self::Error>;

    /// Every row of a query, each read by its column names.
    fn rows<T: DeserializeOwned>(&self, sql: &str, values: Vec<Value>) -> Result<Vec<T>, Self::Error>;

    /// The first row of a query, if any.
    fn row<T: DeserializeOwned>(&self, sql: &str, values: Vec<Value>) -> Result<Option<T>, Self::Error> {
        Ok(self.rows(sql, values)?.into_iter().next())
    }

    /// The number `n` of the first row (`SELECT count(*) AS n …`), if any.
    fn number(&self, sql: &str, values: Vec<Value>) -> Result<Option<u64>, Self::Error> {
        #[derive(Deserialize)]
        struct Number {
            n: Option<u64>,
        }
        Ok(self.rows::<Number>(sql, values)?.into_iter().next().and_then(|row| row.n))
    }
}

/// rusqlite as a [`Sql`], and a store as the migrations leave it.
#[cfg(test)]
pub(crate) mod native {
    use super::{Sql, Value};
    use rusqlite::types::ValueRef;
    use rusqlite::Connection;
    use serde::de::DeserializeOwned;

    fn bound(values: Vec<Value>) -> Vec<rusqlite::types::Value> {
        values
            .into_iter()
            .map(|value| match value {
                Value::Null => rusqlite::types::Value::Null,
                Value::Integer(n) => rusqlite::types::Value::Integer(n),
                Value::Text(text) => rusqlite::types::Value::Text(text),
            })
            .collect()
    }

    impl Sql for Connection {
        type Error = String;

        fn run(&self, sql: &str, values: Vec<Value>) -> Result<(), String> {
            self.execute(sql, rusqlite::params_from_iter(bound(values))).map(drop).map_err(|e| format!("{sql}: {e}"))
        }

        fn rows<T: DeserializeOwned>(&self, sql: &str, values: Vec<Value>) -> Result<Vec<T>, String> {
            let mut statement = self.prepare(sql).map_err(|e| format!("{sql}: {e}"))?;
            let names: Vec<String> = statement.column_names().into_iter().map(String::from).collect();
            let mut rows = statement.query(rusqlite::params_from_iter(bound(values))).map_err(|e| format!("{sql}: {e}"))?;
            let mut read = Vec::new();
            while let Some(row) = rows.next().map_err(|e| e.to_string())? {
                let mut object = serde_json::Map::new();
                for (i, name) in names.iter().enumerate() {
                    let value = match row.get_ref(i).map_err(|e| e.to_string())? {
                        ValueRef::Null => serde_json::Value::Null,
                        ValueRef::Integer(n) => n.into(),
                        ValueRef::Real(x) => x.into(),
                        ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned().into(),
                        ValueRef::Blob(_) => return Err(format!("{sql}: a blob in {name}")),
                    };
                    object.insert(name.clone(), value);
                }
                read.push(serde_json::from_value(object.into()).map_err(|e| format!("{sql}: {e}"))?);
            }
            Ok(read)
        }
    }

    /// A new store with every migration applied.
    pub fn store() -> Connection {
        let db = Connection::open_in_memory().unwrap();
        for n in 1..=crate::schema::MIGRATIONS.len() {
            for statement in crate::schema::statements(n) {
                db.execute_batch(statement).unwrap();
            }
        }
        db
    }
}
