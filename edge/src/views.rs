//! The read side: the views the account hubs materialize in Workers KV, read
//! as fresh as the reader needs them ([`Freshness`]).
//!
//! A public read costs one KV read. A read that asks for at least a version
//! costs one KV read, plus one hub request when KV's view is older. The
//! brand's reads ask the hub. A KV miss on an account, a post or a page asks
//! the hub before answering 404 (KV may not have it yet), and a 404 the hub
//! confirms is remembered for [`MISS_SECONDS`] in the location's cache, so
//! that a missing key costs the hub at most one request per location in that
//! time.
//!
//! A `min_version` above the hub's version cannot be served by anyone: when
//! the hub answers one behind what was asked, its version is remembered for
//! [`AHEAD_SECONDS`] in the location's cache, and reads asking for more than
//! that are answered from KV, so that `?min_version=18446744073709551615`
//! does not send every read to the hub.

use crate::auth;
use crate::hub::Brand;
use crate::error::ApiResult;
use crate::http::query_param;
use crate::hub::{self, View, ViewCommand};
use gazouillis_protocol::fresh::{parse_min_version, Versioned, MIN_VERSION_PARAM};
use gazouillis_protocol::page::{FeedHead, PageView};
use gazouillis_protocol::{keys, Account, ErrorCode, Post, PostId, Reply, ReplyId};
use serde::de::DeserializeOwned;
use worker::{Cache, Env, KvStore, Request, Response};

/// How long a confirmed miss is remembered, in seconds.
const MISS_SECONDS: u32 = 5;
/// How long a hub's version, once it was behind a read's `min_version`, is
/// remembered, in seconds. Meanwhile a writer asking for a later version
/// gets KV's view (the widget keeps asking for `KEEP_VERSION_MS`).
const AHEAD_SECONDS: u32 = 30;

/// How recent a read's views must be.
pub enum Freshness {
    /// Whatever KV holds (the public read).
    Stored,
    /// At least this version of the account (a writer reading its write).
    AtLeast(u64),
    /// The hub's, now (the brand's reads; the hub checks its token).
    Hub(Brand),
}

impl Freshness {
    /// The freshness a read of account `handle` asks for: the brand's calls
    /// read from the hub; `?min_version=N` asks for at least version N.
    pub async fn of(req: &Request, env: &Env, handle: &str) -> ApiResult<Freshness> {
        if let Some(brand) = auth::brand_reader(req, env, handle).await {
            return Ok(Freshness::Hub(brand));
        }
        let Some(value) = query_param(req, MIN_VERSION_PARAM)? else {
            return Ok(Freshness::Stored);
        };
        let version = parse_min_version(&value).ok_or(ErrorCode::InvalidVersion)?;
        match hub_version(handle).await? {
            Some(hub) if version > hub => Ok(Freshness::Stored),
            _ => Ok(Freshness::AtLeast(version)),
        }
    }
}

/// Where a location remembers the version of the hub of `handle`.
fn hub_version_key(handle: &str) -> String {
    format!("https://views.gazouillis.invalid/hub-version/{handle}")
}

/// The version of the hub of `handle`, if it was lately behind a `min_version`.
async fn hub_version(handle: &str) -> ApiResult<Option<u64>> {
    match Cache::default().get(hub_version_key(handle).as_str(), false).await? {
        Some(mut remembered) => Ok(remembered.text().await?.parse().ok()),
        None => Ok(None),
    }
}

/// Remembers the hub's version from its `answer` to a read that asked for at
/// least `asked`, if it is behind that.
pub async fn note_hub_version(handle: &str, asked: u64, answer: &hub::Answer) -> ApiResult<()> {
    let Some(version) = answer.version().filter(|version| *version < asked) else {
        return Ok(());
    };
    let remembered = Response::ok(version.to_string())?;
    remembered.headers().set("cache-control", &format!("max-age={AHEAD_SECONDS}"))?;
    Cache::default().put(hub_version_key(handle).as_str(), remembered).await?;
    Ok(())
}

/// Most keys one KV list answers.
const KV_LIST_MAX: u64 = 1_000;

pub struct Views<'a> {
    kv: KvStore,
    env: &'a Env,
    freshness: Freshness,
}

impl<'a> Views<'a> {
    /// Views as KV holds them.
    pub fn new(env: &'a Env) -> ApiResult<Self> {
        Views::fresh(env, Freshness::Stored)
    }

    pub fn fresh(env: &'a Env, freshness: Freshness) -> ApiResult<Self> {
        Ok(Views { kv: env.kv("POSTS")?, env, freshness })
    }

    /// View `view` of account `handle` as fresh as asked; `None` when it is absent.
    async fn view<T: DeserializeOwned>(&self, handle: &str, view: View) -> ApiResult<Option<Versioned<T>>> {
        let key = view.kv_key(handle);
        match &self.freshness {
            Freshness::Hub(brand) => self.hub_view(handle, view, Some(brand)).await,
            Freshness::AtLeast(version) => match self.kv.get(&key).json::<Versioned<T>>().await? {
                Some(stored) if stored.version >= *version => Ok(Some(stored)),
                _ => {
                    let answer = hub::send(self.env, handle, ViewCommand::Read { view }).await?;
                    note_hub_version(handle, *version, &answer).await?;
                    answer.value()
                }
            },
            Freshness::Stored => match self.kv.get(&key).json::<Versioned<T>>().await? {
                Some(stored) => Ok(Some(stored)),
                None => self.on_miss(handle, view, &key).await,
            },
        }
    }

    /// A view KV does not hold: the hub's, unless the hub said lately that it is absent.
    async fn on_miss<T: DeserializeOwned>(&self, handle: &str, view: View, key: &str) -> ApiResult<Option<Versioned<T>>> {
        let cache = Cache::default();
        let remembered = format!("https://views.gazouillis.invalid/miss/{key}");
        if cache.get(remembered.as_str(), false).await?.is_some() {
            return Ok(None);
        }
        let found = self.hub_view(handle, view, None).await?;
        if found.is_none() {
            let miss = Response::empty()?;
            miss.headers().set("cache-control", &format!("max-age={MISS_SECONDS}"))?;
            cache.put(remembered.as_str(), miss).await?;
        }
        Ok(found)
    }

    async fn hub_view<T: DeserializeOwned>(&self, handle: &str, view: View, brand: Option<&Brand>) -> ApiResult<Option<Versioned<T>>> {
        let command = ViewCommand::Read { view };
        let answer = match brand {
            Some(brand) => hub::send_as(self.env, handle, command, brand).await?,
            None => hub::send(self.env, handle, command).await?,
        };
        answer.value()
    }

    pub async fn account(&self, handle: &str) -> ApiResult<Versioned<Account>> {
        self.view(handle, View::Account).await?.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }

    /// The newest posts of an account (`page: None`) or one stored page of
    /// older ones (empty if never written, when the account exists).
    pub async fn feed(&self, handle: &str, page: Option<u64>) -> ApiResult<Versioned<PageView<Post>>> {
        let feed = match page {
            None => match self.view::<PageView<Post>>(handle, View::FeedHead).await? {
                Some(head) if self.lags(&head.view) => self.hub_view(handle, View::FeedHead, None).await?,
                head => head,
            },
            Some(page) => self.view(handle, View::FeedPage(page)).await?,
        };
        feed.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }

    /// The newest posts of an account with the account itself (one KV
    /// read). A head stored before it carried the account is read from the
    /// hub, and so is an empty one (see [`Views::lags`]).
    pub async fn feed_head(&self, handle: &str) -> ApiResult<Versioned<FeedHead>> {
        let head = match self.view::<FeedHead>(handle, View::FeedHead).await? {
            Some(head) if head.view.account.is_none() || self.lags(&head.view.page) => self.hub_view(handle, View::FeedHead, None).await?,
            head => head,
        };
        head.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }

    /// Whether a feed head read from KV may be hiding posts that matter: an
    /// empty one may only not have the account's first posts yet, and "No
    /// posts yet" must be the hub's word. (An account with posts is caught
    /// up by the widget's live hello.) Costs one hub request per read of an
    /// empty account.
    fn lags(&self, head: &PageView<Post>) -> bool {
        head.items.is_empty() && !matches!(self.freshness, Freshness::Hub(_))
    }

    pub async fn post(&self, id: &PostId) -> ApiResult<Versioned<Post>> {
        self.view(&id.handle, View::Post(id.seq)).await?.ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// One stored page of a post's replies; `None` when the post does not exist.
    pub async fn thread(&self, id: &PostId, page: u64) -> ApiResult<Option<Versioned<PageView<Reply>>>> {
        self.view(&id.handle, View::Thread(id.seq, page)).await
    }

    /// Whether a visitor follows an account, as KV holds it: `Some(notify)`,
    /// whether they are notified of its new posts.
    pub async fn follow(&self, visitor: &str, handle: &str) -> ApiResult<Option<bool>> {
        Ok(self.kv.get(&keys::following(visitor, handle)).text().await?.map(|value| value == "notify"))
    }

    /// The ids of a visitor's replies.
    pub async fn authored(&self, visitor: &str) -> ApiResult<Vec<ReplyId>> {
        Ok(self.names_under(keys::authored_prefix(visitor)).await?.iter().filter_map(|id| id.parse().ok()).collect())
    }

    /// Handles of every account.
    pub async fn accounts(&self) -> ApiResult<Vec<String>> {
        self.names_under(keys::account("")).await
    }

    /// Up to `limit` account handles from `cursor` on, and where the list
    /// goes on after them (`None`: the end).
    pub async fn accounts_page(&self, cursor: Option<String>, limit: u64) -> ApiResult<(Vec<String>, Option<String>)> {
        self.names_page(&keys::account(""), cursor, limit).await
    }

    /// Handles of the accounts a visitor follows.
    pub async fn followed(&self, visitor: &str) -> ApiResult<Vec<String>> {
        self.names_under(keys::following_prefix(visitor)).await
    }

    /// Handles of the accounts where a visitor holds claims of offers.
    pub async fn claimed_in(&self, visitor: &str) -> ApiResult<Vec<String>> {
        self.names_under(keys::claimed_prefix(visitor)).await
    }

    /// The names of every key under `prefix`, without it (handles, reply
    /// ids, in these indexes): page after page, so that none is left out of
    /// an export or an erasure.
    async fn names_under(&self, prefix: String) -> ApiResult<Vec<String>> {
        let (mut names, mut cursor) = self.names_page(&prefix, None, KV_LIST_MAX).await?;
        while let Some(from) = cursor {
            let (more, next) = self.names_page(&prefix, Some(from), KV_LIST_MAX).await?;
            names.extend(more);
            cursor = next;
        }
        Ok(names)
    }

    /// One KV list of the names under `prefix`: up to `limit` from `cursor`
    /// on, and the cursor after them (`None`: the end).
    async fn names_page(&self, prefix: &str, cursor: Option<String>, limit: u64) -> ApiResult<(Vec<String>, Option<String>)> {
        let mut list = self.kv.list().prefix(prefix.to_owned()).limit(limit);
        if let Some(cursor) = cursor {
            list = list.cursor(cursor);
        }
        let listed = list.execute().await?;
        let names = listed.keys.into_iter().filter_map(|key| key.name.strip_prefix(prefix).map(str::to_owned)).collect();
        Ok((names, listed.cursor.filter(|_| !listed.list_complete)))
    }
}
