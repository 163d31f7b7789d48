//! The console's frame: sign-in or account pick until there is an account to
//! run, then the header, the page tabs and the page; the document's title and
//! language follow the state.

use crate::console::{Console, Page, location_hash};
use crate::i18n::{Lang, Phrases, Text};
use crate::sign_in::{AccountPicker, SignIn};
use crate::{compose, inbox, listening, live, moderation, posts, settings, stats};
use leptos::prelude::*;

#[component]
pub fn Shell(console: Console) -> impl IntoView {
    let _ = window_event_listener(leptos::ev::hashchange, move |_| console.page.set(Page::from_hash(&location_hash())));
    let _ = window_event_listener(leptos::ev::visibilitychange, move |_| see_inbox(console));
    Effect::new(move || see_inbox(console));
    Effect::new(move || {
        let document = document();
        if let Some(root) = document.document_element() {
            let _ = root.set_attribute("lang", console.lang.get().tag());
        }
        document.set_title(&title(console));
    });
    live::follow(console);
    move || {
        if console.auth.with(Option::is_none) {
            view! { <SignIn console/> }.into_any()
        } else if console.handle.with(Option::is_none) {
            view! { <Header console/><AccountPicker console/> }.into_any()
        } else {
            view! { <Header console/><Tabs console/><Body console/> }.into_any()
        }
    }
}

/// The inbox in view clears its unread count.
fn see_inbox(console: Console) {
    if console.page.get() == Page::Inbox && !document().hidden() {
        console.unread.set(0);
    }
}

/// `(2) Inbox · @acme · Gazouillis`
fn title(console: Console) -> String {
    let lang = console.lang.get();
    let mut parts = Vec::new();
    if let Some(handle) = console.handle.get().filter(|_| console.auth.with(Option::is_some)) {
        parts.push(lang.t(console.page.get().title()).to_owned());
        parts.push(format!("@{handle}"));
    }
    parts.push(lang.t(Text::ConsoleTitle).to_owned());
    let unread = console.unread.get();
    let title = parts.join(" · ");
    if unread > 0 { format!("({unread}) {title}") } else { title }
}

#[component]
fn Header(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let other = move || match console.lang.get() {
        Lang::En => Lang::Fr,
        Lang::Fr => Lang::En,
    };
    view! {
        <header class="top">
            <p class="brand">
                {move || t(Text::ConsoleTitle)}
                {move || console.handle.get().map(|handle| view! { " · " <strong>"@"{handle}</strong> })}
            </p>
            {move || (console.is_operator() && console.handle.with(Option::is_some)).then(|| view! {
                <button class="switch-account" on:click=move |_| console.pick(None)>{t(Text::SwitchAccount)}</button>
            })}
            <button class="lang" lang=move || other().tag() on:click=move |_| console.lang.set(other())>
                {move || other().name()}
            </button>
            <button class="sign-out" on:click=move |_| console.sign_out(None)>{move || t(Text::SignOut)}</button>
        </header>
    }
}

#[component]
fn Tabs(console: Console) -> impl IntoView {
    let tab = move |page: Page| {
        let current = move || if console.page.get() == page { Some("page") } else { None };
        let unread = move || (page == Page::Inbox && console.unread.get() > 0).then(|| view! {
            " " <span class="unread">{console.unread.get()}<span class="visually-hidden">{console.t(Text::Unread)}</span></span>
        });
        view! {
            <li><a href=format!("#{}", page.slug()) aria-current=current>{move || console.t(page.title())}{unread}</a></li>
        }
    };
    view! {
        <nav class="tabs" aria-label=move || console.t(Text::Sections)>
            <ul>{Page::ALL.map(tab).collect_view()}</ul>
        </nav>
    }
}

#[component]
fn Body(console: Console) -> impl IntoView {
    let page = move || {
        match console.page.get() {
            Page::Compose => view! { <compose::Compose console/> }.into_any(),
            Page::Inbox => view! { <inbox::Inbox console/> }.into_any(),
            Page::Listening => view! { <listening::Listening console/> }.into_any(),
            Page::Posts => view! { <posts::Posts console/> }.into_any(),
            Page::Moderation => view! { <moderation::Moderation console/> }.into_any(),
            Page::Settings => view! { <settings::SettingsPage console/> }.into_any(),
            Page::Stats => view! { <stats::StatsPage console/> }.into_any(),
        }
    };
    view! {
        <main>
            <h1>{move || console.t(console.page.get().title())}</h1>
            {page}
        </main>
    }
}
