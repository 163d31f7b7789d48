//! A list read from the API page by page and kept fresh by polling: the feed
//! (newest first) and a thread (oldest first) are both one [`Pager`].

use crate::api::{Fetched, Page};
use crate::i18n::Text;
use crate::list::{Item, hold, merge};
use crate::status::{Status, progress};
use crate::widget::Widget;
use gazouillis_protocol::limits::POLL_SECONDS;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

pub struct Pager<P: Page> {
    pub items: RwSignal<Vec<P::Item>>,
    /// Newer items of a newest-first list, held back until the reader asks
    /// for them ([`Pager::show_pending`]), so that what they read stays put.
    pub pending: RwSignal<Vec<P::Item>>,
    paging: Paging,
}

impl<P: Page> Clone for Pager<P> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<P: Page> Copy for Pager<P> {}

/// What a pager knows besides its items. Kept apart so that the code using
/// it exists once in the wasm, not once per kind of item.
#[derive(Clone, Copy)]
struct Paging {
    widget: &'static Widget,
    path: StoredValue<String>,
    newest_first: bool,
    status: RwSignal<Status>,
    next: RwSignal<Option<String>>,
    /// Whether a first page has loaded.
    loaded: StoredValue<bool>,
    /// A live hello that came before the first page: the newest item it
    /// named, its version and the version to read at (see [`Pager::catch_up`]).
    early_hello: StoredValue<Option<(Option<String>, u64, u64)>>,
    /// The cursor of the last load asked for, to retry it.
    asked: StoredValue<Option<String>>,
    /// The page polls ask for again, with its last ETag: the first page of a
    /// newest-first list (new items come on top), the last loaded page of an
    /// oldest-first one (new items come at the end).
    watched: StoredValue<(Option<String>, Option<String>)>,
    /// The version of a first page a server-rendered view held, until the
    /// first live hello (which catches up only when it is newer).
    seeded: StoredValue<Option<u64>>,
    /// Whether a live hello was caught up on. The first one's catch-up
    /// brings what was written before the page opened (the first page read
    /// may lag the hub): that is shown in place, not held back as new.
    greeted: StoredValue<bool>,
}

/// How a page read comes into the list.
#[derive(Clone, Copy, PartialEq)]
pub enum Arrival {
    /// Loaded for the reader: the first page, or "load more".
    Loaded,
    /// The watched page asked for again: new items on top are held back.
    Polled,
    /// The first catch-up, with what was written before the page opened:
    /// shown in place, where the list goes on unchanged.
    BeforeThePage,
}

/// Most pages a catch-up reads back after a reconnection.
const CATCH_UP_PAGES: usize = 10;
/// Reads a catch-up makes, a second apart, for the newest post the hub named
/// to reach the REST views (they ask for the hello's version, so one read
/// normally does).
const CATCH_UP_TRIES: u32 = 4;

impl<P: Page> Pager<P> {
    pub fn new(widget: &'static Widget, path: String, newest_first: bool) -> Self {
        Pager {
            items: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
            paging: Paging {
                widget,
                path: StoredValue::new(path),
                newest_first,
                status: RwSignal::new(Status::Idle),
                next: RwSignal::new(None),
                loaded: StoredValue::new(false),
                early_hello: StoredValue::new(None),
                asked: StoredValue::new(None),
                watched: StoredValue::new((None, None)),
                seeded: StoredValue::new(None),
                greeted: StoredValue::new(false),
            },
        }
    }

    /// Loads the page at `cursor` (`None`: the first) and adds it to the list.
    pub fn load(self, cursor: Option<String>) {
        let paging = self.paging;
        paging.asked.set_value(cursor.clone());
        paging.status.set(Status::Loading);
        spawn_local(async move {
            let path = paging.path.get_value();
            match paging.widget.api.page::<P>(&path, cursor.as_deref(), None, 0).await {
                Ok(fetched) => {
                    self.take(cursor, fetched, Arrival::Loaded);
                    paging.status.set(Status::Idle);
                }
                Err(error) => paging.status.set(Status::Failed(error)),
            }
        });
    }

    /// Starts from the first `page` a server-rendered view held, read at the
    /// account's `version`, without fetching it again.
    pub fn seed(self, page: P, version: u64) {
        self.take(None, Fetched::Fresh(page, None), Arrival::Loaded);
        self.paging.seeded.set_value(Some(version));
    }

    /// Whether the list holds a server-rendered first page no hello has checked yet.
    pub fn is_seeded(self) -> bool {
        self.paging.seeded.with_value(Option::is_some)
    }

    /// Adds a page fetched at `cursor`, as it `arrives`. Returns whether the
    /// page held an item already known (an unchanged page does), and the
    /// page's `next` cursor.
    pub fn take(self, cursor: Option<String>, fetched: Fetched<P>, arrives: Arrival) -> (bool, Option<String>) {
        let Fetched::Fresh(page, etag) = fetched else { return (true, None) };
        let Paging { newest_first, next, watched, loaded, .. } = self.paging;
        let (items, next_cursor) = page.into_parts();
        let known = items.iter().any(|item| self.knows(item.id()));
        // A newer first page says nothing of where the pages loaded after it
        // go on, unless nothing was loaded before it.
        let goes_on = !newest_first || arrives == Arrival::Loaded || self.items.with_untracked(Vec::is_empty);
        if arrives == Arrival::Polled && newest_first {
            self.hold(items);
        } else {
            self.items.update(|list| merge(list, items, newest_first));
            // What is now shown no longer waits.
            let shown = |item: &P::Item| self.items.with_untracked(|list| list.iter().any(|s| s.id() == item.id()));
            self.pending.update(|pending| pending.retain(|item| !shown(item)));
            if goes_on {
                next.set(next_cursor.clone());
            }
        }
        if !newest_first || cursor.is_none() {
            watched.set_value((cursor, etag));
        }
        let first = !loaded.get_value();
        loaded.set_value(true);
        // The first page may be older than the hello (KV views lag the hub):
        // catch up when it lacks the newest item named.
        if let Some((newest, hello, at_least)) = self.paging.early_hello.try_update_value(Option::take).flatten()
            && first
        {
            match newest {
                Some(newest) if !self.knows(&newest) => self.catch_up(Some(newest), hello, at_least),
                _ => self.paging.greeted.set_value(true),
            }
        }
        (known, next_cursor)
    }

    fn hold(self, items: Vec<P::Item>) {
        self.items.update(|shown| self.pending.update(|pending| hold(shown, pending, items)));
    }

    fn knows(self, id: &str) -> bool {
        let has = |list: &Vec<P::Item>| list.iter().any(|item| item.id() == id);
        self.items.with_untracked(has) || self.pending.with_untracked(has)
    }

    /// Adds an item the visitor just wrote, without waiting for a read that may lag.
    pub fn push(self, item: P::Item) {
        self.items.update(|list| merge(list, vec![item], self.paging.newest_first));
    }

    /// An item pushed live: held back on top of a newest-first list; added at
    /// the end of an oldest-first one once that end is loaded (else the
    /// reader's "load more" brings it in its turn).
    pub fn arrive(self, item: P::Item) {
        let Paging { newest_first, loaded, next, .. } = self.paging;
        if newest_first {
            self.hold(vec![item]);
        } else if loaded.get_value() && next.with_untracked(Option::is_none) {
            self.push(item);
        }
    }

    /// Updates, wherever it is shown or held, the item with this id.
    pub fn update(self, id: &str, change: impl Fn(&mut P::Item)) {
        let apply = |list: &mut Vec<P::Item>| list.iter_mut().filter(|item| item.id() == id).for_each(&change);
        self.items.update(apply);
        self.pending.update(apply);
    }

    /// Removes the item with this id (it was deleted).
    pub fn remove(self, id: &str) {
        let keep = |list: &mut Vec<P::Item>| list.retain(|item| item.id() != id);
        self.items.update(keep);
        self.pending.update(keep);
    }

    /// Shows the held-back items on top.
    pub fn show_pending(self) {
        let pending = self.pending.try_update(std::mem::take).unwrap_or_default();
        self.items.update(|list| merge(list, pending, self.paging.newest_first));
    }

    /// After a reconnection: reads through the REST API what the live push
    /// may have missed, at least at version `at_least` (so that views KV
    /// does not have yet come from the hub). Not after the first `hello` of
    /// a seeded list, when that version is not newer than the seed's (and at
    /// least at the hello's when it is). A newest-first list
    /// reads back page by page until it meets an item it knows, and again a
    /// second later while `newest` (the newest item the hub named) is not
    /// there yet; an oldest-first list reads its watched page again. Nothing
    /// is read before the first page: the newest item named then is checked
    /// once that page is there. The first hello's catch-up brings what was
    /// written before the page opened, shown in place; later ones, what
    /// came while the reader read, held back on top.
    pub fn catch_up(self, newest: Option<String>, hello: u64, at_least: u64) {
        let paging = self.paging;
        if !paging.loaded.get_value() {
            paging.early_hello.set_value(Some((newest, hello, at_least)));
            return;
        }
        // The first hello's catch-up is what was written before the page opened.
        let arrives = if paging.greeted.get_value() { Arrival::Polled } else { Arrival::BeforeThePage };
        paging.greeted.set_value(true);
        // What a server-rendered view showed is caught up already, unless newer
        // came since: that is read at the hello's version (KV's view may be
        // as old as the one the server rendered).
        let seeded = paging.seeded.try_update_value(Option::take).flatten();
        if seeded.is_some_and(|seeded| seeded >= hello) {
            return;
        }
        let at_least = if seeded.is_some() { at_least.max(hello) } else { at_least };
        spawn_local(async move {
            let path = paging.path.get_value();
            for attempt in 0..CATCH_UP_TRIES {
                if attempt > 0 {
                    sleep_ms(1_000).await;
                }
                let mut cursor = if paging.newest_first { None } else { paging.watched.get_value().0 };
                for _ in 0..CATCH_UP_PAGES {
                    let Ok(fetched) = paging.widget.api.page::<P>(&path, cursor.as_deref(), None, at_least).await else { break };
                    let was_empty = self.items.with_untracked(Vec::is_empty);
                    let (known, next) = self.take(cursor.clone(), fetched, arrives);
                    // Into an empty list, the first page is the feed's start: the rest loads as the reader asks.
                    let started = was_empty && arrives == Arrival::BeforeThePage;
                    if known || started || !paging.newest_first || next.is_none() {
                        break;
                    }
                    cursor = next;
                }
                if newest.as_deref().is_none_or(|id| self.knows(id)) {
                    return;
                }
            }
        });
    }

    /// Asks for the watched page again, unless a load is under way or nobody
    /// can see the widget. A failed poll changes nothing on screen: the next
    /// one tries again.
    pub fn poll(self) {
        let paging = self.paging;
        if !paging.widget.is_shown() || paging.status.get_untracked() == Status::Loading {
            return;
        }
        spawn_local(async move {
            let (cursor, etag) = paging.watched.get_value();
            let path = paging.path.get_value();
            if let Ok(fetched) = paging.widget.api.page::<P>(&path, cursor.as_deref(), etag.as_deref(), 0).await {
                self.take(cursor, fetched, Arrival::Polled);
            }
        });
    }

    /// Polls every [`POLL_SECONDS`] while the calling component lives and the
    /// live push is not connected.
    pub fn keep_fresh(self) {
        let live = self.paging.widget.live;
        let tick = move || {
            if !live.connected.get_untracked() {
                self.poll();
            }
        };
        if let Ok(timer) = set_interval_with_handle(tick, Duration::from_secs(POLL_SECONDS.into())) {
            on_cleanup(move || timer.clear());
        }
    }

    /// What goes under the list: [`progress`] of the last load, the "load
    /// more" button (with class `more_class`), or the `empty` note.
    pub fn footer(self, more_class: &'static str, empty: Text) -> impl IntoView {
        let load = Callback::new(move |cursor| self.load(cursor));
        self.paging.footer(load, Callback::new(move |()| self.items.with(Vec::is_empty)), more_class, empty)
    }
}

impl Paging {
    fn footer(
        self,
        load: Callback<Option<String>>,
        is_empty: Callback<(), bool>,
        more_class: &'static str,
        empty: Text,
    ) -> impl IntoView {
        let Paging { widget, status, next, asked, .. } = self;
        let lang = widget.lang;
        let idle = move || status.with(|s| *s == Status::Idle);
        view! {
            {progress(lang, status, Callback::new(move |()| load.run(asked.get_value())))}
            {move || {
                let cursor = next.get().filter(|_| idle())?;
                let more = move |_| load.run(Some(cursor.clone()));
                Some(view! { <button class=more_class on:click=more>{lang.t(Text::LoadMore)}</button> })
            }}
            {move || {
                let nothing = idle() && next.with(Option::is_none) && is_empty.run(());
                nothing.then(|| view! { <p class="gz-empty">{lang.t(empty)}</p> })
            }}
        }
    }
}

/// Resolves after `ms` milliseconds.
async fn sleep_ms(ms: i32) {
    let wait = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(wait).await;
}
