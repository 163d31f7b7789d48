//! The brand's webhooks (at most `MAX_WEBHOOKS`), each one's delivery log,
//! and alerts: a destination of what the hub emits (`emit`), which puts
//! each alert in the outbox (`outbox`) once per webhook.

use super::db::Db;
use super::emit::{Destination, Emitted};
use super::outbox::policy_from_env;
use super::{AccountHub, Apply, Answered};
use crate::crypto;
use crate::error::ApiResult;
use futures_util::future::LocalBoxFuture;
use crate::random;
use gazouillis_protocol::page::one_past;
use gazouillis_protocol::outbox::Policy;
use gazouillis_protocol::store::deliveries::{self, Due, Logged, NewDelivery};
use gazouillis_protocol::store::webhooks::{self, Receiver};
use gazouillis_protocol::time::rfc3339_from_millis;
use gazouillis_protocol::webhook::{
    slack_body, Alert, Attempt, CreatedWebhook, Deliveries, Delivery, Event, Format, NewWebhook,
    Webhook, Webhooks, EVENT_ID_HEADER, EVENT_TYPE_HEADER, LOG_DELIVERIES, MAX_WEBHOOKS, POLICY, SIGNATURE_HEADER,
};
use gazouillis_protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use worker::{Date, Env, Headers, Method, Request, RequestInit};

/// The webhooks' name in the outbox.
const DESTINATION: &str = "webhook";

/// The brand's webhooks.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum WebhookCommand {
    /// The webhooks: [`Webhooks`].
    List,
    /// Adds a webhook (its URL already checked): [`CreatedWebhook`].
    Create { webhook: NewWebhook },
    Delete { id: String },
    /// Up to `limit` deliveries of webhook `id` numbered below `before`,
    /// newest first: [`Deliveries`].
    Deliveries { id: String, before: Option<u64>, limit: usize },
    /// Sends a test event to webhook `id`: its [`Delivery`], pending.
    Test { id: String },
}

impl Apply for WebhookCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            WebhookCommand::List => hub.list_webhooks().into(),
            WebhookCommand::Create { webhook } => hub.create_webhook(webhook).into(),
            WebhookCommand::Delete { id } => hub.delete_webhook(&id).into(),
            WebhookCommand::Deliveries { id, before, limit } => hub.list_deliveries(&id, before, limit).into(),
            WebhookCommand::Test { id } => hub.test_webhook(&id).into(),
        }
    }
}

impl Db {
    /// Puts `alert` in the outbox of each webhook of `webhooks`, as one event.
    fn enqueue(&self, alert: &Alert, webhooks: &[String]) -> ApiResult<()> {
        let now = Date::now().as_millis();
        let handle = self.account()?.handle;
        let event = Event { id: random::hex(16)?, account: handle, created_at: rfc3339_from_millis(now), alert: alert.clone() };
        let body = serde_json::to_string(&event).map_err(|_| ErrorCode::Internal)?;
        for webhook in webhooks {
            let new = NewDelivery { destination: DESTINATION, target: webhook, event: &event.id, kind: alert.kind(), body: &body, now, created_at: &event.created_at };
            deliveries::add(self, &new, LOG_DELIVERIES)?;
        }
        Ok(())
    }

    /// A delivery of the log, with its attempts.
    fn delivery(&self, logged: Logged) -> worker::Result<Delivery> {
        let attempts = deliveries::attempts(self, logged.id)?;
        Ok(Delivery {
            id: logged.id.to_string(),
            event: logged.event,
            kind: logged.kind,
            state: logged.state,
            created_at: logged.created_at,
            attempts: attempts.into_iter().map(|a| Attempt { at: a.at, status: a.status, error: a.error }).collect(),
            next_attempt_at: logged.next_at.map(rfc3339_from_millis),
        })
    }
}

/// The webhooks as a destination of what the hub emits: they take its
/// alerts, and deliver each in its webhook's format.
pub(super) struct WebhookAlerts;

impl Destination for WebhookAlerts {
    fn name(&self) -> &'static str {
        DESTINATION
    }

    fn take(&self, hub: &AccountHub, emitted: &Emitted) -> ApiResult<()> {
        match emitted {
            Emitted::Alert(alert) => hub.alert(alert),
            Emitted::Public(_) | Emitted::Shown(_) => Ok(()),
        }
    }

    /// [`POLICY`], as the vars `WEBHOOK_*` change it.
    fn policy(&self, env: &Env) -> Policy {
        policy_from_env(env, "WEBHOOK", POLICY)
    }

    fn allows_loopback(&self, env: &Env) -> bool {
        crate::config::loopback_allowed(env, "WEBHOOK")
    }

    /// The webhook's URL, format, language and secret.
    fn recipient(&self, db: &Db, due: &Due) -> worker::Result<Value> {
        Ok(serde_json::to_value(webhooks::receiver(db, &due.target)?.ok_or("the webhook is gone")?)?)
    }

    /// The event in the webhook's format: Slack's body, or the event itself, signed.
    fn request<'a>(&'a self, _env: &'a Env, due: &'a Due, recipient: &'a Value) -> LocalBoxFuture<'a, worker::Result<Request>> {
        Box::pin(async move {
            let receiver = Receiver::deserialize(recipient)?;
            let headers = Headers::new();
            headers.set("content-type", "application/json")?;
            headers.set("user-agent", "Gazouillis-Webhooks/1")?;
            let body = match receiver.format {
                Format::Slack => slack_body(&serde_json::from_str::<Event>(&due.body)?, receiver.language),
                Format::Json => {
                    let signature = crypto::webhook_signature(&receiver.secret, Date::now().as_millis() / 1000, &due.body).await?;
                    headers.set(EVENT_ID_HEADER, &due.event)?;
                    headers.set(EVENT_TYPE_HEADER, &due.kind)?;
                    headers.set(SIGNATURE_HEADER, &signature)?;
                    due.body.clone()
                }
            };
            let mut init = RequestInit::new();
            init.with_method(Method::Post).with_headers(headers).with_body(Some(body.into()));
            Request::new_with_init(&receiver.url, &init)
        })
    }
}



impl AccountHub {
    /// Sends `alert` to every webhook of the account (none: nothing to do).
    fn alert(&self, alert: &Alert) -> ApiResult<()> {
        let webhooks: Vec<String> = webhooks::all(&self.db)?.into_iter().map(|webhook| webhook.id).collect();
        if !webhooks.is_empty() {
            self.db.enqueue(alert, &webhooks)?;
            self.deliver_soon();
        }
        Ok(())
    }

    fn list_webhooks(&self) -> ApiResult<Webhooks> {
        self.db.account()?;
        Ok(Webhooks { webhooks: webhooks::all(&self.db)? })
    }

    /// Adds a webhook (its URL already checked); a `json` one gets its signing secret.
    fn create_webhook(&self, new: NewWebhook) -> ApiResult<CreatedWebhook> {
        self.db.account()?;
        if webhooks::count(&self.db)? >= MAX_WEBHOOKS as u64 {
            return Err(ErrorCode::TooManyWebhooks.into());
        }
        let webhook = Webhook {
            // See `webhook::is_webhook_id`.
            id: random::hex(6)?,
            url: new.url,
            format: new.format,
            language: new.language,
            created_at: rfc3339_from_millis(Date::now().as_millis()),
        };
        let secret = match webhook.format {
            Format::Json => Some(format!("whsec_{}", random::hex(24)?)),
            Format::Slack => None,
        };
        webhooks::add(&self.db, &webhook, secret.as_deref().unwrap_or_default())?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// Removes a webhook, with its deliveries (pending ones are not sent).
    fn delete_webhook(&self, id: &str) -> ApiResult<()> {
        self.db.account()?;
        webhooks::find(&self.db, id)?.ok_or(ErrorCode::WebhookNotFound)?;
        webhooks::remove(&self.db, id)?;
        Ok(())
    }

    /// Up to `limit` deliveries of webhook `id` numbered below `before`, newest first.
    fn list_deliveries(&self, id: &str, before: Option<u64>, limit: usize) -> ApiResult<Deliveries> {
        self.db.account()?;
        webhooks::find(&self.db, id)?.ok_or(ErrorCode::WebhookNotFound)?;
        let rows = deliveries::log(&self.db, DESTINATION, id, before, limit as u64 + 1)?;
        let (rows, next) = one_past(rows, limit, |row| row.id);
        let deliveries = rows.into_iter().map(|row| self.db.delivery(row)).collect::<worker::Result<_>>()?;
        Ok(Deliveries { deliveries, next: next.map(|cursor| cursor.to_string()) })
    }

    /// Sends a test event to webhook `id`; answers its delivery, pending.
    fn test_webhook(&self, id: &str) -> ApiResult<Delivery> {
        self.db.account()?;
        webhooks::find(&self.db, id)?.ok_or(ErrorCode::WebhookNotFound)?;
        self.db.enqueue(&Alert::Test, &[id.to_owned()])?;
        self.deliver_soon();
        let newest = deliveries::log(&self.db, DESTINATION, id, None, 1)?.pop().ok_or(ErrorCode::Internal)?;
        Ok(self.db.delivery(newest)?)
    }
}
