//! View flushing: the hub materializes the read views of its account into
//! Workers KV, and answers, from the same code, the reads KV cannot serve yet.
//!
//! A write records the views it changed (`dirty_views`) and raises the
//! account's version; a flush rewrites the dirty views from the tables, each
//! stamped with the version it was built at. A write after a quiet second
//! flushes at once, right after its answer leaves (the writer does not wait
//! for KV); one within a second of the last flush leaves it to the alarm, set
//! for a second after that flush. So bursts are coalesced: no KV
//! key is written more than once a second (KV's limit per key), however many
//! writes arrive.
//!
//! For tests, the `VIEW_DELAY_MS` var holds every flush back until that long
//! after the latest write, as KV's propagation to other locations would.

use super::db::Db;
use super::alarm::wake_by;
use super::{AccountHub, Apply, Answered};
use crate::error::ApiResult;
use gazouillis_protocol::fresh::Versioned;
use gazouillis_protocol::limits::PAGE_SIZE;
use gazouillis_protocol::store::{account, dirty_views, follows, offers, posts, push, replies};
use gazouillis_protocol::{keys, Author, PostId, ReplyId};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use futures_util::future::join_all;
use std::time::Duration;
use worker::{Date, Delay, Env, KvStore};

/// Shortest time between two flushes of views to KV, in milliseconds.
const FLUSH_INTERVAL_MS: u64 = 1_000;
pub(super) const PAGE: u64 = PAGE_SIZE as u64;

/// A KV view that a write changes.
/// Reads of the views.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ViewCommand {
    /// A read view as KV will hold it after the next flush, built now
    /// (`None` if the view would be absent): for readers that KV has not
    /// caught up with.
    Read { view: View },
}

impl Apply for ViewCommand {
    async fn apply(self, hub: &AccountHub) -> Answered {
        match self {
            ViewCommand::Read { view } => hub.read(&view).into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum View {
    Account,
    FeedHead,
    FeedPage(u64),
    Post(u64),
    /// (post, page)
    Thread(u64, u64),
    Following(String),
    /// A visitor's reply: (visitor, post, reply).
    Authored(String, u64, u64),
    /// Whether a visitor holds claims of the account's offers.
    Claimed(String),
}

impl View {
    /// The views showing a post: the account (its count), the feed pages it
    /// is on, the post and every page of its thread.
    pub fn of_post(seq: u64, next_reply: u64) -> Vec<View> {
        let mut views = vec![View::Account, View::FeedHead, View::FeedPage(keys::page_of(seq)), View::Post(seq)];
        // Page 0 exists from the post's creation on, even with no reply.
        let thread_pages = next_reply.div_ceil(PAGE).max(1);
        views.extend((0..thread_pages).map(|page| View::Thread(seq, page)));
        views
    }

    /// The views a reply's creation or deletion changes: its post (and its
    /// count in the feed), its thread page, and for a visitor's, the index of
    /// what they wrote.
    pub fn of_reply(post: u64, seq: u64, author: &Author) -> Vec<View> {
        let mut views =
            vec![View::FeedHead, View::FeedPage(keys::page_of(post)), View::Post(post), View::Thread(post, keys::page_of(seq))];
        if !author.is_brand() {
            views.push(View::Authored(author.id.clone(), post, seq));
        }
        // The first reply of a new page: the page before now goes on here (its `next`).
        if seq > 0 && seq.is_multiple_of(PAGE) {
            views.push(View::Thread(post, keys::page_of(seq) - 1));
        }
        views
    }

    pub fn kv_key(&self, handle: &str) -> String {
        let post_id = |seq: u64| PostId { handle: handle.to_owned(), seq };
        match self {
            View::Account => keys::account(handle),
            View::FeedHead => keys::feed_head(handle),
            View::FeedPage(page) => keys::feed_page(handle, *page),
            View::Post(seq) => keys::post(&post_id(*seq)),
            View::Thread(seq, page) => keys::thread_page(&post_id(*seq), *page),
            View::Following(visitor) => keys::following(visitor, handle),
            View::Authored(visitor, post, seq) => keys::authored(visitor, &ReplyId { post: post_id(*post), seq: *seq }),
            View::Claimed(visitor) => keys::claimed(visitor, handle),
        }
    }
}

/// Rewrites every dirty view in KV: the documents are built from the tables
/// as they are now, then written side by side, and each mark is removed once
/// its view is written, unless a write marked it again meanwhile (it is then
/// flushed next time). A view that could not be written keeps its mark, and
/// the error is returned. Marks survive a restart in the middle.
async fn flush(db: &Db, kv: &KvStore) -> worker::Result<()> {
    let marked = dirty_views::marked(db)?;
    let mut views = Vec::new();
    for dirty in marked {
        match serde_json::from_str::<View>(&dirty.view) {
            Ok(view) => views.push((db.document(&view)?, dirty)),
            Err(err) => {
                worker::console_error!("dirty view {} unreadable, dropped: {err}", dirty.key);
                dirty_views::drop_mark(db, &dirty.key)?;
            }
        }
    }
    let written = join_all(views.iter().map(|(document, dirty)| write_view(kv, &dirty.key, document.as_deref()))).await;
    let mut failed = None;
    for (result, (_, dirty)) in written.into_iter().zip(&views) {
        match result {
            // Unless a write marked it again meanwhile (a newer version), the view is done.
            Ok(()) => dirty_views::written(db, &dirty.key, dirty.version)?,
            Err(err) => {
                failed.get_or_insert(err);
            }
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Writes a view's document to KV, or deletes the view when it is absent.
async fn write_view(kv: &KvStore, key: &str, document: Option<&str>) -> worker::Result<()> {
    match document {
        Some(document) => kv.put(key, document)?.execute().await?,
        None => kv.delete(key).await?,
    }
    Ok(())
}

/// The `VIEW_DELAY_MS` var: 0 unless set.
fn view_delay(env: &Env) -> u64 {
    crate::config::var(env, "VIEW_DELAY_MS").unwrap_or(0)
}

fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The account's versions (for every answer and the live push), and the
/// views' documents.
impl Db {
    /// The account's version: how many writes changed what readers see.
    /// `None` before the account exists.
    pub(super) fn version(&self) -> worker::Result<Option<u64>> {
        account::version(self)
    }

    /// The version of the last change to the feed: reading the feed at
    /// least that recent shows its newest post.
    pub(super) fn feed_version(&self) -> worker::Result<u64> {
        account::feed_version(self)
    }

    /// A view's document as KV holds it, built from the tables now; `None`
    /// when the view is absent (no such account, post or follow).
    fn document(&self, view: &View) -> worker::Result<Option<String>> {
        let Some(version) = self.version()? else {
            return Ok(None);
        };
        Ok(match view {
            View::Account => account::find(self)?.map(|row| to_json(&Versioned { version, view: row.account() })),
            View::FeedHead => Some(to_json(&Versioned { version, view: posts::feed_head(self)? })),
            View::FeedPage(page) => Some(to_json(&Versioned { version, view: posts::feed_page(self, *page)? })),
            View::Post(seq) => self.shown_post(*seq)?.map(|post| to_json(&Versioned { version, view: post })),
            View::Thread(seq, page) => replies::thread_page(self, *seq, *page)?.map(|page| to_json(&Versioned { version, view: page })),
            // "notify": the follower's browsers are told of new posts.
            View::Following(visitor) if follows::follows(self, visitor)? => Some(if push::notified(self, visitor)? { "notify" } else { "1" }.to_owned()),
            View::Following(_) => None,
            // Hidden replies stay in the index: their author may still download or delete them.
            View::Authored(_, post, seq) => replies::find(self, *post, *seq)?.map(|_| "1".to_owned()),
            View::Claimed(visitor) => (offers::claims_held(self, visitor)? > 0).then(|| "1".to_owned()),
        })
    }
}

impl AccountHub {
    /// Records that a write changed `views`: the account's version goes up
    /// by one, the views are marked to rewrite, and a flush is scheduled.
    pub(super) async fn changed(&self, views: &[View]) -> worker::Result<()> {
        account::raise_version(&self.db)?;
        let mut views = views.to_vec();
        if views.iter().any(|view| matches!(view, View::FeedHead)) {
            account::feed_changed(&self.db)?;
        } else if views.iter().any(|view| matches!(view, View::Account)) {
            // The feed head carries the account (not a change of the feed's posts).
            views.push(View::FeedHead);
        }
        let (handle, version) = (account::handle(&self.db)?, self.db.version()?.unwrap_or(0));
        for view in &views {
            dirty_views::mark(&self.db, &view.kv_key(&handle), &to_json(view), version)?;
        }
        let storage = self.state.storage();
        let now = Date::now().as_millis();
        let hold = view_delay(&self.env);
        if hold > 0 {
            self.last_change.set(now);
            return wake_by(&storage, now + hold).await;
        }
        let due = self.last_flush.get() + FLUSH_INTERVAL_MS;
        if now < due {
            return wake_by(&storage, due).await;
        }
        // Quiet: flush right after the write is answered (the writer does
        // not wait for KV). A failed flush is left to the alarm.
        self.last_flush.set(now);
        let (db, kv) = (self.db.clone(), self.env.kv("POSTS")?);
        self.state.wait_until(async move {
            // A timer's turn: the answer leaves first.
            Delay::from(Duration::ZERO).await;
            if let Err(err) = flush(&db, &kv).await {
                worker::console_error!("flush failed, retried by the alarm: {err}");
                let _ = wake_by(&storage, Date::now().as_millis() + FLUSH_INTERVAL_MS).await;
            }
        });
        Ok(())
    }

    /// When the views should next be flushed: `None` when none is marked.
    pub(super) fn next_flush(&self) -> worker::Result<Option<u64>> {
        let marked = dirty_views::count(&self.db)?;
        let hold = view_delay(&self.env);
        Ok((marked > 0).then(|| (self.last_flush.get() + FLUSH_INTERVAL_MS).max(self.last_change.get() + hold)))
    }

    /// The alarm's flush, when one is due; a view that could not be written
    /// keeps its mark, for the next alarm.
    pub(super) async fn flush_if_due(&self) -> worker::Result<()> {
        let now = Date::now().as_millis();
        if self.next_flush()?.is_none_or(|due| due > now) {
            return Ok(());
        }
        self.last_flush.set(now);
        flush(&self.db, &self.env.kv("POSTS")?).await
    }

    /// The view as the next flush will write it (`None`: absent).
    fn read(&self, view: &View) -> ApiResult<Option<Box<RawValue>>> {
        let document = self.db.document(view)?;
        Ok(document.and_then(|document| RawValue::from_string(document).ok()))
    }
}
