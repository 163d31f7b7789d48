//! Typed access to the hub's SQLite: statements with bound values, rows read
//! into structs. The tables are `gazouillis_protocol::schema`'s.
//!
//! Every call is synchronous, so the statements of one command, with no
//! `await` between them, commit together: a command is applied whole or not
//! at all.

use serde::de::DeserializeOwned;
use worker::{SqlStorage, SqlStorageValue};

#[derive(Clone)]
pub struct Db(SqlStorage);

/// A value bound to a `?` of a statement.
pub type Value = SqlStorageValue;

/// A number bound to a statement. Numbers come from the hub's own counters,
/// or from ids no account reaches (past 2^53 they match nothing).
pub fn int(n: u64) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

/// A flag bound to a statement, as 0 or 1 (a bound boolean would be stored
/// as the text `true` or `false`).
pub fn flag(on: bool) -> Value {
    Value::Integer(on.into())
}

impl Db {
    pub fn new(sql: SqlStorage) -> Self {
        Db(sql)
    }

    /// Runs a statement that returns no rows.
    pub fn run(&self, sql: &str, values: Vec<Value>) -> worker::Result<()> {
        self.0.exec(sql, values)?;
        Ok(())
    }

    /// Every row of a query.
    pub fn rows<T: DeserializeOwned>(&self, sql: &str, values: Vec<Value>) -> worker::Result<Vec<T>> {
        self.0.exec(sql, values)?.to_array()
    }

    /// The first row of a query, if any.
    pub fn row<T: DeserializeOwned>(&self, sql: &str, values: Vec<Value>) -> worker::Result<Option<T>> {
        self.0.exec(sql, values)?.next().next().transpose()
    }

    /// The number in the first column of the first row (`SELECT count(*) …`).
    pub fn number(&self, sql: &str, values: Vec<Value>) -> worker::Result<Option<u64>> {
        #[derive(serde::Deserialize)]
        struct Number {
            n: Option<u64>,
        }
        Ok(self.row::<Number>(sql, values)?.and_then(|row| row.n))
    }
}
