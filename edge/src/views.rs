//! The read side: the views the account hubs materialize in Workers KV.
//! Every function here is one KV read (or, for `followed`, one KV list).

use crate::error::ApiResult;
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::{keys, Account, ErrorCode, Post, PostId, Reply};
use serde::de::DeserializeOwned;
use worker::{Env, KvStore};

pub struct Views(KvStore);

impl Views {
    pub fn new(env: &Env) -> ApiResult<Self> {
        Ok(Views(env.kv("POSTS")?))
    }

    async fn get<T: DeserializeOwned>(&self, key: &str) -> ApiResult<Option<T>> {
        Ok(self.0.get(key).json().await?)
    }

    pub async fn account(&self, handle: &str) -> ApiResult<Account> {
        self.get(&keys::account(handle)).await?.ok_or_else(|| ErrorCode::AccountNotFound.into())
    }

    /// The newest posts of an account (`page: None`) or one stored page of older ones.
    pub async fn feed(&self, handle: &str, page: Option<u64>) -> ApiResult<PageView<Post>> {
        let key = match page {
            None => keys::feed_head(handle),
            Some(page) => keys::feed_page(handle, page),
        };
        match self.get(&key).await? {
            Some(view) => Ok(view),
            // A page that was never written is empty; an account without a head does not exist.
            None if page.is_some() => Ok(PageView::default()),
            None => Err(ErrorCode::AccountNotFound.into()),
        }
    }

    pub async fn post(&self, id: &PostId) -> ApiResult<Post> {
        self.get(&keys::post(id)).await?.ok_or_else(|| ErrorCode::PostNotFound.into())
    }

    /// One stored page of a post's replies; `None` when the post has none there or does not exist.
    pub async fn thread(&self, id: &PostId, page: u64) -> ApiResult<Option<PageView<Reply>>> {
        self.get(&keys::thread_page(id, page)).await
    }

    pub async fn follows(&self, visitor: &str, handle: &str) -> ApiResult<bool> {
        Ok(self.0.get(&keys::following(visitor, handle)).text().await?.is_some())
    }

    /// Handles of the accounts a visitor follows (one KV list, up to 1,000).
    pub async fn followed(&self, visitor: &str) -> ApiResult<Vec<String>> {
        let prefix = keys::following_prefix(visitor);
        let listed = self.0.list().prefix(prefix.clone()).execute().await?;
        Ok(listed.keys.into_iter().filter_map(|key| key.name.strip_prefix(&prefix).map(str::to_owned)).collect())
    }
}
