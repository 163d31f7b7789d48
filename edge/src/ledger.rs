//! Each visitor's ledger: the accounts where they followed, replied or
//! claimed an offer, in a Durable Object of their own (`Ledger`), noted
//! before the write reaches the account's hub; and their browsers' push
//! subscriptions (at most [`MAX_SUBSCRIPTIONS`]: a new one past it replaces
//! the oldest), whose copies the accounts' hubs fan posts out from
//! (`push`).
//!
//! Why: `GET /v1/me` and `DELETE /v1/me` must find a write made a moment
//! ago, and KV's indexes (`following/`, `authored/`, `claimed/`) trail the
//! hubs by up to a minute. The ledger is read at once, strongly consistent;
//! KV's indexes still cover what was written before the ledger existed.
//!
//! Not here: the data itself, which stays in each account's hub, the truth
//! that `/v1/me` asks (`me`).

use crate::error::ApiResult;
use gazouillis_protocol::store::push::PushTarget;
use gazouillis_protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, ListOptions, Method, Request, RequestInit, Response, State};

/// Most push subscriptions a visitor has.
pub const MAX_SUBSCRIPTIONS: usize = 10;

/// A push subscription as the ledger keeps it: the hubs' copy, and when it
/// was first stored.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Subscription {
    pub target: PushTarget,
    pub created_at: String,
}

/// What the Worker asks of a visitor's ledger.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    /// Notes an account (doing it twice notes it once): answers the push
    /// subscriptions when the account is new here, to hand to it.
    Note { handle: String },
    /// Answers the accounts noted, in order.
    List,
    /// Forgets these accounts (after an erasure there).
    Forget { handles: Vec<String> },
    /// Stores a push subscription, by its endpoint: answers [`Subscribed`].
    Subscribe { subscription: Subscription },
    /// Forgets push subscription `id`: answers whether it was there.
    Unsubscribe { id: String },
    /// Answers the push subscriptions, oldest first.
    Subscriptions,
    /// Forgets every push subscription: answers how many there were.
    ForgetPush,
}

/// What storing a push subscription did.
#[derive(Serialize, Deserialize)]
pub struct Subscribed {
    /// The subscription stored (an endpoint already there keeps its id and date).
    pub stored: Subscription,
    /// Whether its endpoint is new.
    pub created: bool,
}

/// Prefix of the ledger's storage keys (one key per account).
const ACCOUNT: &str = "account/";
/// Prefix of the push subscriptions' keys (one key per subscription id).
const PUSH: &str = "push/";

/// Notes that `visitor` writes in account `handle`. Called before the write:
/// a write that then fails leaves an account with nothing in it, which
/// `/v1/me` skips; a ledger that cannot note refuses the write. An account
/// new to the ledger gets the visitor's push subscriptions, as every
/// account noted has them.
pub async fn note(env: &Env, visitor: &str, handle: &str) -> ApiResult<()> {
    let targets: Vec<PushTarget> = send(env, visitor, &Entry::Note { handle: handle.to_owned() }).await?.json().await?;
    if !targets.is_empty() {
        crate::push::hand_to(env, handle, visitor, targets).await?;
    }
    Ok(())
}

/// The accounts noted for `visitor`.
pub async fn accounts(env: &Env, visitor: &str) -> ApiResult<Vec<String>> {
    Ok(send(env, visitor, &Entry::List).await?.json().await?)
}

/// Forgets accounts where `visitor`'s data was erased.
pub async fn forget(env: &Env, visitor: &str, handles: Vec<String>) -> ApiResult<()> {
    send(env, visitor, &Entry::Forget { handles }).await?;
    Ok(())
}

/// Stores `subscription` for `visitor` (the oldest goes past [`MAX_SUBSCRIPTIONS`]).
pub async fn subscribe(env: &Env, visitor: &str, subscription: Subscription) -> ApiResult<Subscribed> {
    Ok(send(env, visitor, &Entry::Subscribe { subscription }).await?.json().await?)
}

/// Forgets `visitor`'s push subscription `id`: whether it was there.
pub async fn unsubscribe(env: &Env, visitor: &str, id: &str) -> ApiResult<bool> {
    Ok(send(env, visitor, &Entry::Unsubscribe { id: id.to_owned() }).await?.json().await?)
}

/// `visitor`'s push subscriptions, oldest first.
pub async fn subscriptions(env: &Env, visitor: &str) -> ApiResult<Vec<Subscription>> {
    Ok(send(env, visitor, &Entry::Subscriptions).await?.json().await?)
}

/// Forgets every push subscription of `visitor` (the erasure of their data): how many.
pub async fn forget_push(env: &Env, visitor: &str) -> ApiResult<u64> {
    Ok(send(env, visitor, &Entry::ForgetPush).await?.json().await?)
}

async fn send(env: &Env, visitor: &str, entry: &Entry) -> ApiResult<Response> {
    let stub = env.durable_object("LEDGER")?.id_from_name(visitor)?.get_stub()?;
    let body = serde_json::to_string(entry).map_err(|_| ErrorCode::Internal)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post).with_body(Some(body.into()));
    let answer = stub.fetch_with_request(Request::new_with_init("https://ledger/", &init)?).await?;
    if answer.status_code() != 200 {
        worker::console_error!("a visitor's ledger answered {}", answer.status_code());
        return Err(ErrorCode::Internal.into());
    }
    Ok(answer)
}

/// One visitor's ledger.
#[durable_object]
pub struct Ledger {
    state: State,
}

impl DurableObject for Ledger {
    fn new(state: State, _env: Env) -> Self {
        Ledger { state }
    }

    async fn fetch(&self, mut req: Request) -> worker::Result<Response> {
        let storage = self.state.storage();
        match req.json::<Entry>().await {
            Ok(Entry::Note { handle }) => {
                let key = format!("{ACCOUNT}{handle}");
                let first = storage.get::<bool>(&key).await?.is_none();
                storage.put(&key, true).await?;
                let subscriptions = if first { self.subscriptions().await? } else { Vec::new() };
                Response::from_json(&subscriptions.into_iter().map(|kept| kept.target).collect::<Vec<_>>())
            }
            Ok(Entry::List) => {
                let keys = storage.list().await?.keys();
                let handles: Vec<String> = keys
                    .into_iter()
                    .filter_map(|key| key.ok()?.as_string()?.strip_prefix(ACCOUNT).map(str::to_owned))
                    .collect();
                Response::from_json(&handles)
            }
            Ok(Entry::Forget { handles }) => {
                // The runtime deletes at most 128 keys a call.
                for some in handles.chunks(128) {
                    storage.delete_multiple(some.iter().map(|handle| format!("{ACCOUNT}{handle}")).collect()).await?;
                }
                Response::from_json(&())
            }
            Ok(Entry::Subscribe { subscription }) => Response::from_json(&self.subscribe(subscription).await?),
            Ok(Entry::Unsubscribe { id }) => Response::from_json(&storage.delete(&format!("{PUSH}{id}")).await?),
            Ok(Entry::Subscriptions) => Response::from_json(&self.subscriptions().await?),
            Ok(Entry::ForgetPush) => {
                let keys: Vec<String> = self.subscriptions().await?.iter().map(|gone| format!("{PUSH}{}", gone.target.id)).collect();
                if !keys.is_empty() {
                    storage.delete_multiple(keys.clone()).await?;
                }
                Response::from_json(&keys.len())
            }
            Err(_) => Response::error("bad request", 400),
        }
    }
}

impl Ledger {
    /// Every push subscription, oldest first.
    async fn subscriptions(&self) -> worker::Result<Vec<Subscription>> {
        let listed = self.state.storage().list_with_options(ListOptions::new().prefix(PUSH)).await?;
        // Kept as JSON text: serde_json reads it back as it was written.
        let mut all: Vec<Subscription> = listed.values().into_iter().filter_map(|value| serde_json::from_str(&value.ok()?.as_string()?).ok()).collect();
        all.sort_by(|a, b| (&a.created_at, &a.target.id).cmp(&(&b.created_at, &b.target.id)));
        Ok(all)
    }

    /// Stores `new` by its endpoint: one already there is updated (its id
    /// and date kept); past [`MAX_SUBSCRIPTIONS`], the oldest goes.
    async fn subscribe(&self, mut new: Subscription) -> worker::Result<Subscribed> {
        let storage = self.state.storage();
        let all = self.subscriptions().await?;
        let known = all.iter().find(|kept| kept.target.endpoint == new.target.endpoint);
        if let Some(kept) = known {
            new.target.id.clone_from(&kept.target.id);
            new.created_at.clone_from(&kept.created_at);
        } else if all.len() >= MAX_SUBSCRIPTIONS {
            let oldest = all.len() + 1 - MAX_SUBSCRIPTIONS;
            storage.delete_multiple(all[..oldest].iter().map(|gone| format!("{PUSH}{}", gone.target.id)).collect()).await?;
        }
        storage.put(&format!("{PUSH}{}", new.target.id), serde_json::to_string(&new)?).await?;
        Ok(Subscribed { created: known.is_none(), stored: new })
    }
}
