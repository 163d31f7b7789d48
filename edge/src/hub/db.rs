//! The hub's SQLite as the store's queries run on it (`gazouillis_protocol::store`,
//! one file per table group), and its schema's migrations (`schema`).
//!
//! Every call is synchronous, so the statements of one command, with no
//! `await` between them, commit together. A statement that fails does not
//! undo those before it: each command checks what it needs before it writes.
//!
//! The schema is created by the first write: until then a hub has no tables
//! and reads find nothing, so that asking the hub of an account that does
//! not exist (a KV miss) stores nothing.

use gazouillis_protocol::schema::{statements, MIGRATIONS, VERSION_TABLE};
use gazouillis_protocol::store::{self, Sql};
use serde::de::DeserializeOwned;
use std::cell::Cell;
use std::rc::Rc;
use worker::{SqlStorage, SqlStorageValue};

#[derive(Clone)]
pub struct Db {
    sql: SqlStorage,
    /// Whether the schema is there (`None`: not looked yet).
    schema: Rc<Cell<Option<bool>>>,
}

impl Db {
    pub fn new(sql: SqlStorage) -> Self {
        Db { sql, schema: Rc::new(Cell::new(None)) }
    }

    /// Whether the hub has its tables.
    pub fn has_schema(&self) -> worker::Result<bool> {
        if let Some(known) = self.schema.get() {
            return Ok(known);
        }
        let found = "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        let there = self.first_number(found, vec![])?.unwrap_or(0) > 0;
        self.schema.set(Some(there));
        Ok(there)
    }

    /// Applies the migrations the hub has not applied yet, in order (all of
    /// them on a new hub), recording each in `schema_version`.
    pub fn migrate(&self) -> worker::Result<()> {
        self.sql.exec(VERSION_TABLE, None)?;
        let applied = self.first_number("SELECT max(version) AS n FROM schema_version", vec![])?.unwrap_or(0) as usize;
        for n in applied + 1..=MIGRATIONS.len() {
            for statement in statements(n) {
                self.sql.exec(statement, None)?;
            }
            self.sql.exec("INSERT INTO schema_version (version) VALUES (?)", vec![bound(store::int(n as u64))])?;
        }
        self.schema.set(Some(true));
        Ok(())
    }

    /// The number `n` of the first row, whether or not the schema is there.
    fn first_number(&self, sql: &str, values: Vec<SqlStorageValue>) -> worker::Result<Option<u64>> {
        #[derive(serde::Deserialize)]
        struct Number {
            n: Option<u64>,
        }
        Ok(self.sql.exec(sql, values)?.next::<Number>().next().transpose()?.and_then(|row| row.n))
    }
}

/// The hub's SQLite, as `gazouillis_protocol::store`'s queries run on it.
impl Sql for Db {
    type Error = worker::Error;

    /// Creates the schema first, on a new hub.
    fn run(&self, sql: &str, values: Vec<store::Value>) -> worker::Result<()> {
        if !self.has_schema()? {
            self.migrate()?;
        }
        self.sql.exec(sql, values.into_iter().map(bound).collect::<Vec<_>>())?;
        Ok(())
    }

    /// Finds nothing on a hub without its schema yet.
    fn rows<T: DeserializeOwned>(&self, sql: &str, values: Vec<store::Value>) -> worker::Result<Vec<T>> {
        if !self.has_schema()? {
            return Ok(Vec::new());
        }
        self.sql.exec(sql, values.into_iter().map(bound).collect::<Vec<_>>())?.to_array()
    }
}

fn bound(value: store::Value) -> SqlStorageValue {
    match value {
        store::Value::Null => SqlStorageValue::Null,
        store::Value::Integer(n) => SqlStorageValue::Integer(n),
        store::Value::Text(text) => SqlStorageValue::String(text),
    }
}
