//! The one place the hub tells what it wrote. [`AccountHub::emit`] pushes a
//! public event (a post, a reply, a deletion, a count) to every open widget
//! (`live`), then hands what it emits to each destination, which takes what
//! it wants: today the brand's webhooks take its alerts (a mention of a
//! watched term, a buzz). A new destination (the followers' browsers, their
//! fediverse inboxes) is one file with a [`Destination`] and one line in
//! [`DESTINATIONS`].
//!
//! Not here: sending (`outbox`) and each destination's requests.

use super::webhooks::WebhookAlerts;
use super::AccountHub;
use crate::error::ApiResult;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::webhook::Alert;

/// What the hub emits.
pub(super) enum Emitted {
    /// For everyone: what open widgets show at once.
    Public(Event),
    /// For the brand only.
    Alert(Alert),
}

/// Where emitted things go besides the open widgets.
pub(super) trait Destination: Sync {
    /// Takes what it wants of `emitted`: its deliveries go in the outbox.
    fn take(&self, hub: &AccountHub, emitted: &Emitted) -> ApiResult<()>;
}

/// Every destination, each handed everything emitted, in turn.
static DESTINATIONS: [&dyn Destination; 1] = [&WebhookAlerts];

impl AccountHub {
    /// Pushes a public event live, then hands `emitted` to every destination.
    pub(super) fn emit(&self, emitted: Emitted) -> ApiResult<()> {
        if let Emitted::Public(event) = &emitted {
            self.push_live(event);
        }
        DESTINATIONS.iter().try_for_each(|destination| destination.take(self, &emitted))
    }
}
