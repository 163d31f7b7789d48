//! Offers for followers, for the brand: the fields that add one to a new
//! post (Compose), and the list of offers (Posts) with their codes, how many
//! followers took each, and the follows and unfollows while each ran.

use crate::api::account_path;
use crate::console::Console;
use crate::i18n::{Text, local_time};
use crate::ui::{listing, watched};
use gazouillis_protocol::offer::{NewOffer, Offers};
use leptos::prelude::*;

/// The offer fields of Compose: off until "Add an offer" is ticked.
#[derive(Clone, Copy)]
pub struct OfferFields {
    pub on: RwSignal<bool>,
    code: RwSignal<String>,
    /// `datetime-local`'s value: the reader's local time.
    ends: RwSignal<String>,
    limit: RwSignal<String>,
}

impl OfferFields {
    pub fn new() -> OfferFields {
        OfferFields { on: RwSignal::new(false), code: RwSignal::new(String::new()), ends: RwSignal::new(String::new()), limit: RwSignal::new(String::new()) }
    }

    /// The offer to send, when ticked; the edge checks it (422 `invalid_offer`).
    pub fn offer(self) -> Option<NewOffer> {
        if !self.on.get_untracked() {
            return None;
        }
        let ends = self.ends.get_untracked();
        // A local date and time, as the browser reads it, in UTC.
        let ends_at = if ends.is_empty() { ends } else { js_sys::Date::new(&ends.into()).to_iso_string().into() };
        let limit = self.limit.get_untracked().trim().parse().ok();
        Some(NewOffer { code: self.code.get_untracked(), ends_at, limit })
    }

    pub fn clear(self) {
        self.on.set(false);
        self.code.set(String::new());
        self.ends.set(String::new());
        self.limit.set(String::new());
    }
}

#[component]
pub fn OfferInputs(console: Console, fields: OfferFields) -> impl IntoView {
    let t = move |text| console.t(text);
    let input = |signal: RwSignal<String>| move |ev| signal.set(event_target_value(&ev));
    view! {
        <fieldset class="offer-fields">
            <legend>
                <label><input type="checkbox" id="offer-on" prop:checked=fields.on on:change=move |ev| fields.on.set(event_target_checked(&ev))/>
                    " "{move || t(Text::AddOffer)}</label>
            </legend>
            {move || fields.on.get().then(|| view! {
                <label for="offer-code">{t(Text::OfferCode)}</label>
                <input id="offer-code" required autocomplete="off" maxlength="40" prop:value=fields.code on:input=input(fields.code)/>
                <label for="offer-ends">{t(Text::OfferEnds)}</label>
                <input id="offer-ends" type="datetime-local" required prop:value=fields.ends on:input=input(fields.ends)/>
                <label for="offer-limit">{t(Text::OfferLimit)}</label>
                <input id="offer-limit" type="number" min="1" step="1" prop:value=fields.limit on:input=input(fields.limit)/>
            })}
        </fieldset>
    }
}

/// Every offer of the account, newest first.
#[component]
pub fn OfferList(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let offers = watched::<Offers>(console, move || account_path(console, "/offers"));
    view! {
        <h2>{move || t(Text::Offers)}</h2>
        {move || listing(console, offers.get().map(|o| o.map(|o| o.offers)), "offers", Text::NoOffers, move |offer| {
            let lang = console.lang.get_untracked();
            let taken = match offer.offer.limit {
                Some(limit) => format!("{}/{limit}", offer.offer.claimed),
                None => offer.offer.claimed.to_string(),
            };
            view! {
                <li class="offer" data-id=offer.post>
                    <p class="text">{offer.text}</p>
                    <p class="meta">
                        <code class="code">{offer.code}</code>" · "{t(Text::OfferEnds)}" "{local_time(lang, &offer.offer.ends_at)}
                    </p>
                    <p class="meta">
                        <span class="taken">{taken}</span>" "{t(Text::OfferTaken)}" · "
                        <span class="follows">"+"{offer.follows}</span>" / "<span class="unfollows">"−"{offer.unfollows}</span>" "{t(Text::FollowsWhileRunning)}
                    </p>
                </li>
            }
        })}
    }
}
