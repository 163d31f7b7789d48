//! The cron: wakes every account's hub after a deploy that adds a schema
//! migration, [`WAKE_BATCH`] a run (see `gazouillis_protocol::sweep`). A hub
//! migrates when it starts, so a wake is an [`AccountCommand::Check`].

use crate::error::ApiResult;
use crate::hub::{self, AccountCommand};
use crate::views::Views;
use gazouillis_protocol::keys;
use gazouillis_protocol::schema::MIGRATIONS;
use gazouillis_protocol::sweep::{Step, Sweep, WAKE_BATCH};
use worker::Env;

/// One cron run: the next batch of the sweep, if one is due.
pub async fn run(env: &Env) -> ApiResult<()> {
    let kv = env.kv("POSTS")?;
    let stored: Option<Sweep> = kv.get(keys::SWEEP).json().await?;
    let Step::Wake { from } = Sweep::step(stored, MIGRATIONS.len()) else { return Ok(()) };
    let (handles, next) = Views::new(env)?.accounts_page(from, WAKE_BATCH).await?;
    for handle in &handles {
        // One hub that fails to start must not hold up the others: it
        // migrates when next asked.
        if let Err(err) = hub::send(env, handle, AccountCommand::Check).await {
            worker::console_error!("sweep: the hub of {handle} refused: {}", err.message);
        }
    }
    kv.put(keys::SWEEP, Sweep { version: MIGRATIONS.len(), next })?.execute().await?;
    Ok(())
}
