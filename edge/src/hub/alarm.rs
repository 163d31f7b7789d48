//! The hub's one alarm (a Durable Object has one), shared by what is due
//! later: the views' flush (`views`), the outbox's retries (`outbox`) and
//! the uploads no post took (`media`). Each sets it for its own deadline
//! with [`wake_by`], which keeps the earliest; when it rings, each does what
//! is due, and it is set again for whichever comes next.

use super::{outbox, AccountHub};
use gazouillis_protocol::store::deliveries;
use worker::{Date, Storage};

/// Sets the hub's alarm for `at` (ms since 1970) unless it is already set no later.
pub async fn wake_by(storage: &Storage, at: u64) -> worker::Result<()> {
    let set = storage.get_alarm().await?;
    if set.is_none_or(|set| set > at as i64) {
        storage.set_alarm(at as i64 - Date::now().as_millis() as i64).await?;
    }
    Ok(())
}

impl AccountHub {
    /// Flushes the views, sends the deliveries that are due and deletes the
    /// uploads no post took in time, then sets the alarm for whichever comes
    /// next.
    pub(super) async fn ring(&self) -> worker::Result<()> {
        if let Err(err) = self.flush_if_due().await {
            worker::console_error!("flush failed, retried by the next alarm: {err}");
        }
        let storage = self.state.storage();
        while outbox::deliver_due(&self.db, &self.env, &storage).await? {}
        if let Err(err) = self.expire_uploads().await {
            worker::console_error!("expired uploads not deleted, retried by the next alarm: {err}");
        }
        let next = [self.next_flush()?, deliveries::next_at(&self.db)?, self.next_upload_expiry()?].into_iter().flatten().min();
        if let Some(at) = next {
            storage.set_alarm(at as i64 - Date::now().as_millis() as i64).await?;
        }
        Ok(())
    }
}
