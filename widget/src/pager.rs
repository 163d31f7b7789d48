//! A list read from the API page by page and kept fresh by polling: the feed
//! (newest first) and a thread (oldest first) are both one [`Pager`].

use crate::api::{Fetched, Page};
use crate::i18n::Text;
use crate::list::merge;
use crate::status::{Status, progress};
use crate::widget::Widget;
use gazouillis_protocol::limits::POLL_SECONDS;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

pub struct Pager<P: Page> {
    pub items: RwSignal<Vec<P::Item>>,
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
    /// The cursor of the last load asked for, to retry it.
    asked: StoredValue<Option<String>>,
    /// The page polls ask for again, with its last ETag: the first page of a
    /// newest-first list (new items come on top), the last loaded page of an
    /// oldest-first one (new items come at the end).
    watched: StoredValue<(Option<String>, Option<String>)>,
}

impl<P: Page> Pager<P> {
    pub fn new(widget: &'static Widget, path: String, newest_first: bool) -> Self {
        Pager {
            items: RwSignal::new(Vec::new()),
            paging: Paging {
                widget,
                path: StoredValue::new(path),
                newest_first,
                status: RwSignal::new(Status::Idle),
                next: RwSignal::new(None),
                asked: StoredValue::new(None),
                watched: StoredValue::new((None, None)),
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
            match paging.widget.api.page::<P>(&path, cursor.as_deref(), None).await {
                Ok(fetched) => {
                    self.take(cursor, fetched, false);
                    paging.status.set(Status::Idle);
                }
                Err(error) => paging.status.set(Status::Failed(error)),
            }
        });
    }

    /// Adds a page fetched at `cursor`; `polled` when it is the watched page asked for again.
    pub fn take(self, cursor: Option<String>, fetched: Fetched<P>, polled: bool) {
        let Fetched::Fresh(page, etag) = fetched else { return };
        let Paging { newest_first, next, watched, .. } = self.paging;
        let (items, next_cursor) = page.into_parts();
        self.items.update(|list| merge(list, items, polled && newest_first));
        // A newer first page says nothing of where the pages loaded after it go on.
        if !(polled && newest_first) {
            next.set(next_cursor);
        }
        if !newest_first || cursor.is_none() {
            watched.set_value((cursor, etag));
        }
    }

    /// Adds one item the visitor just wrote, without waiting for a read that may lag.
    pub fn push(self, item: P::Item) {
        self.items.update(|list| merge(list, vec![item], self.paging.newest_first));
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
            if let Ok(fetched) = paging.widget.api.page::<P>(&path, cursor.as_deref(), etag.as_deref()).await {
                self.take(cursor, fetched, true);
            }
        });
    }

    /// Polls every [`POLL_SECONDS`] while the calling component lives.
    pub fn keep_fresh(self) {
        if let Ok(timer) = set_interval_with_handle(move || self.poll(), Duration::from_secs(POLL_SECONDS.into())) {
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
