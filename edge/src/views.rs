//! The read side: the views the account hubs materialize in Workers KV.
//! Every function here is one KV read (or, for `followed`, one KV list).

use crate::error::ApiResult;
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::{keys, Account, ErrorCode, Post, PostId, Reply, ReplyId};
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
            // A page that was never written is empty, if the account exists (one more read,
            // only for cursors no feed hands out); an account without a head does not exist.
            None if page.is_some() => self.account(handle).await.map(|_| PageView::default()),
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

    /// The ids of a visitor's replies (one KV list, up to 1,000).
    pub async fn authored(&self, visitor: &str) -> ApiResult<Vec<ReplyId>> {
        let prefix = keys::authored_prefix(visitor);
        let listed = self.0.list().prefix(prefix.clone()).execute().await?;
        Ok(listed.keys.iter().filter_map(|key| key.name.strip_prefix(&prefix)?.parse().ok()).collect())
    }

    /// These replies, read from their thread pages (one KV read per page).
    pub async fn replies(&self, ids: &[ReplyId]) -> ApiResult<Vec<Reply>> {
        let mut pages: Vec<(String, PostId, u64)> =
            ids.iter().map(|id| (id.post.to_string(), id.post.clone(), keys::page_of(id.seq))).collect();
        pages.sort_by(|a, b| (&a.0, a.2).cmp(&(&b.0, b.2)));
        pages.dedup_by(|a, b| (&a.0, a.2) == (&b.0, b.2));
        let wanted: Vec<String> = ids.iter().map(ReplyId::to_string).collect();
        let mut replies = Vec::new();
        for (_, post, page) in pages {
            if let Some(view) = self.thread(&post, page).await? {
                replies.extend(view.items.into_iter().filter(|reply| wanted.contains(&reply.id)));
            }
        }
        Ok(replies)
    }

    /// Handles of the accounts a visitor follows (one KV list, up to 1,000).
    pub async fn followed(&self, visitor: &str) -> ApiResult<Vec<String>> {
        let prefix = keys::following_prefix(visitor);
        let listed = self.0.list().prefix(prefix.clone()).execute().await?;
        Ok(listed.keys.into_iter().filter_map(|key| key.name.strip_prefix(&prefix).map(str::to_owned)).collect())
    }
}
