//! Each visitor's ledger: the accounts where they followed, replied or
//! claimed an offer, in a Durable Object of their own (`Ledger`), noted
//! before the write reaches the account's hub.
//!
//! Why: `GET /v1/me` and `DELETE /v1/me` must find a write made a moment
//! ago, and KV's indexes (`following/`, `authored/`, `claimed/`) trail the
//! hubs by up to a minute. The ledger is read at once, strongly consistent;
//! KV's indexes still cover what was written before the ledger existed.
//!
//! Not here: the data itself, which stays in each account's hub, the truth
//! that `/v1/me` asks (`me`).

use crate::error::ApiResult;
use gazouillis_protocol::ErrorCode;
use serde::{Deserialize, Serialize};
use worker::{durable_object, DurableObject, Env, Method, Request, RequestInit, Response, State};

/// What the Worker asks of a visitor's ledger.
#[derive(Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Entry {
    /// Notes an account (doing it twice notes it once).
    Note { handle: String },
    /// Answers the accounts noted, in order.
    List,
    /// Forgets these accounts (after an erasure there).
    Forget { handles: Vec<String> },
}

/// Prefix of the ledger's storage keys (one key per account).
const ACCOUNT: &str = "account/";

/// Notes that `visitor` writes in account `handle`. Called before the write:
/// a write that then fails leaves an account with nothing in it, which
/// `/v1/me` skips; a ledger that cannot note refuses the write.
pub async fn note(env: &Env, visitor: &str, handle: &str) -> ApiResult<()> {
    send(env, visitor, &Entry::Note { handle: handle.to_owned() }).await?;
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
                storage.put(&format!("{ACCOUNT}{handle}"), true).await?;
                Response::from_json(&())
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
            Err(_) => Response::error("bad request", 400),
        }
    }
}
