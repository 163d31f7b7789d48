//! A post's offer for followers: when it ends and how many took it, and a
//! button that follows the account first if need be, then reveals the code
//! (with a copy button). The code is never in the feed: only a follower's
//! claim answers it.

use crate::api::FollowCall;
use crate::i18n::Text;
use crate::reply_box::NameInput;
use crate::status::{Status, error_note};
use crate::widget::Widget;
use gazouillis_protocol::offer::Offer;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

// In JavaScript: one call costs less than the bindings of the clipboard.
#[wasm_bindgen(inline_js = "export function copyText(text) { navigator.clipboard?.writeText(text); }")]
extern "C" {
    #[wasm_bindgen(js_name = copyText)]
    fn copy_text(text: &str);
}

#[component]
pub fn OfferBox(widget: &'static Widget, post_id: String, offer: Offer) -> impl IntoView {
    let lang = widget.lang;
    let code = RwSignal::new(None::<String>);
    let copied = RwSignal::new(false);
    let status = RwSignal::new(Status::Idle);
    // Claiming needs a session: without one, the first click asks for a name.
    let asking_name = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let post_id = StoredValue::new(post_id);
    // Why the offer can no longer be claimed, if it cannot.
    let over = if js_sys::Date::parse(&offer.ends_at) <= js_sys::Date::now() {
        Some(Text::OfferEnded)
    } else {
        offer.limit.is_some_and(|limit| offer.claimed >= limit).then_some(Text::OfferExhausted)
    };
    let claim = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if status.get_untracked() == Status::Loading {
            return;
        }
        if widget.session.with_untracked(Option::is_none) && widget.sso.is_none() && !asking_name.get_untracked() {
            return asking_name.set(true);
        }
        status.set(Status::Loading);
        spawn_local(async move {
            let api = &widget.api;
            let result = widget.as_visitor(name.get_untracked(), |token| async move {
                if !widget.following.get_untracked() {
                    let state = api.follow(&widget.handle, FollowCall::Follow, &token).await?;
                    widget.following.set(state.following);
                }
                api.claim(&post_id.get_value(), &token).await
            });
            status.set(match result.await {
                Ok(claimed) => {
                    code.set(Some(claimed.code));
                    Status::Idle
                }
                Err(error) => Status::Failed(error),
            });
        });
    };
    let copy = move |_| {
        if let Some(code) = code.get_untracked() {
            copy_text(&code);
            copied.set(true);
        }
    };
    let taken = offer.limit.map(|limit| format!(" · {}/{limit} {}", offer.claimed, lang.t(Text::Claimed)));
    view! {
        <div class="gz-offer">
            <p class="gz-offer-title">{lang.t(Text::OfferForFollowers)}</p>
            <p class="gz-meta">{lang.t(Text::Until)}" "<time datetime=offer.ends_at.clone()>{local_time(lang, &offer.ends_at)}</time>{taken}</p>
            {move || match code.get() {
                Some(code) => EitherOf3::A(view! {
                    <p class="gz-code">
                        {lang.t(Text::YourCode)}" "<code>{code}</code>" "
                        <button type="button" class="gz-copy" on:click=copy>{move || lang.t(if copied.get() { Text::Copied } else { Text::Copy })}</button>
                    </p>
                }),
                None if over.is_some() => EitherOf3::B(view! { <p class="gz-offer-over">{over.map(|over| lang.t(over))}</p> }),
                None => EitherOf3::C(view! {
                    <form class="gz-claim-form" on:submit=claim>
                        {move || asking_name.get().then(|| view! { <NameInput widget name/> })}
                        <button class="gz-claim" type="submit" disabled=move || status.with(|s| *s == Status::Loading)>
                            {move || lang.t(if widget.following.get() { Text::GetCode } else { Text::FollowToGetCode })}
                        </button>
                    </form>
                }),
            }}
            {error_note(lang, status)}
        </div>
    }
}

/// An RFC 3339 time as the reader's clock and language show it.
fn local_time(lang: crate::i18n::Lang, at: &str) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    js_sys::Date::new(&at.into()).to_locale_string(lang.tag(), &options).into()
}
