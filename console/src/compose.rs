//! Compose: a new post, counted as the widget counts it, previewed as the
//! widget will show it, with pictures and an offer for followers if the
//! brand adds them, and how many followers it will notify (Web Push).

use crate::api::{ApiError, account_path, max_chars};
use crate::console::Console;
use crate::i18n::Text;
use crate::offers::{OfferFields, OfferInputs};
use crate::pictures::{PictureInputs, Pictures};
use crate::ui::{ErrorNote, watched};
use gazouillis_protocol::limits::DEFAULT_MAX_CHARS;
use gazouillis_protocol::stats::Stats;
use gazouillis_protocol::{NewPost, Post};
use gazouillis_widget::Draft;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Compose(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let max_chars = max_chars(console);
    let max = move || max_chars.get().unwrap_or(DEFAULT_MAX_CHARS);
    let text = RwSignal::new(String::new());
    let draft = move || text.with(|text| Draft::of(text, max()));
    let error = RwSignal::new(None::<ApiError>);
    let posted = RwSignal::new(None::<Post>);
    let busy = RwSignal::new(false);
    let offer = OfferFields::new();
    let pictures = Pictures::new();
    // Whom a new post notifies: the statistics count them, as of now.
    let stats = watched::<Stats>(console, move || account_path(console, "/stats"));
    let notified = move || stats.get().and_then(Result::ok).map(|stats| stats.notified);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewPost { text: text.get_untracked(), offer: offer.offer(), images: pictures.images() };
        busy.set(true);
        spawn_local(async move {
            match console.call::<Post, _>(Method::POST, &account_path(console, "/posts"), Some(&body)).await {
                Ok(post) => {
                    text.set(String::new());
                    offer.clear();
                    pictures.clear();
                    error.set(None);
                    posted.set(Some(post));
                }
                Err(e) => error.set(Some(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="compose" on:submit=submit>
            <label for="compose-text">{move || t(Text::WhatsNew)}</label>
            <textarea id="compose-text" rows="4" aria-describedby="compose-counter"
                prop:value=text on:input=move |ev| { posted.set(None); text.set(event_target_value(&ev)) }></textarea>
            <PictureInputs console pictures/>
            <OfferInputs console fields=offer/>
            <div class="actions">
                <span id="compose-counter" class="counter" class:over=move || draft().over>
                    {move || draft().count}"/"{max}<span class="visually-hidden">{move || t(Text::Characters)}</span>
                </span>
                <button type="submit" disabled=move || busy.get() || !draft().sendable>
                    {move || t(Text::Post)}
                </button>
            </div>
            <p class="notifies">{move || notified().map(|n| view! { {t(Text::WillNotify)} " " <span class="notified">{n}</span> })}</p>
            <ErrorNote console error/>
            <p class="done" role="status">
                {move || posted.get().map(|post| view! { {t(Text::Posted)} " " <code>{post.id}</code> })}
            </p>
        </form>
        <section class="preview-box" aria-labelledby="preview-title">
            <h2 id="preview-title">{move || t(Text::Preview)}</h2>
            <div class="gz preview" lang=move || console.lang.get().tag()>
                {move || {
                    let text = text.get();
                    (!text.trim().is_empty()).then(|| gazouillis_widget::preview(console.lang.get().tag(), &console.account(), text))
                }}
            </div>
        </section>
    }
}
