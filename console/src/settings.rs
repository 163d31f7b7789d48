//! Settings: how replies are moderated and where the widget may write from;
//! for the operator, also the SSO secret and the brand tokens.

use crate::api::{ApiError, account_path};
use crate::console::Console;
use crate::i18n::Text;
use crate::ui::{ErrorNote, failed};
use crate::tokens::Tokens;
use gazouillis_protocol::moderation::{LinkRule, Moderation, Settings, SettingsField};
use gazouillis_protocol::SsoSecret;
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One entry per line, blank lines left out.
fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|line| !line.is_empty()).map(str::to_owned).collect()
}

#[component]
pub fn SettingsPage(console: Console) -> impl IntoView {
    let loaded = LocalResource::new(move || async move { console.get::<Settings>(&account_path(console, "/settings")).await });
    view! {
        {move || loaded.get().map(|settings| match settings {
            Ok(settings) => view! { <SettingsForm console settings/> }.into_any(),
            Err(e) => failed(console, &e),
        })}
        {move || console.is_operator().then(|| view! { <SsoSecretForm console/><Tokens console/> })}
    }
}

#[component]
fn SettingsForm(console: Console, settings: Settings) -> impl IntoView {
    let t = move |text| console.t(text);
    let premoderated = RwSignal::new(settings.moderation == Moderation::Premoderated);
    let queue_links = RwSignal::new(settings.links == LinkRule::Queue);
    let sso_required = RwSignal::new(settings.sso_required);
    let words = RwSignal::new(settings.blocked_words.join("\n"));
    let origins = RwSignal::new(settings.origins.join("\n"));
    let invalid = RwSignal::new(None::<SettingsField>);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let settings = Settings {
            moderation: if premoderated.get_untracked() { Moderation::Premoderated } else { Moderation::Open },
            blocked_words: lines(&words.get_untracked()),
            links: if queue_links.get_untracked() { LinkRule::Queue } else { LinkRule::Allow },
            sso_required: sso_required.get_untracked(),
            origins: lines(&origins.get_untracked()),
        };
        // The edge's own rule, checked here first to point at the field.
        let settings = match settings.normalized() {
            Ok(settings) => settings,
            Err(field) => return invalid.set(Some(field)),
        };
        invalid.set(None);
        spawn_local(async move {
            match console.call::<Settings, _>(Method::PUT, &account_path(console, "/settings"), Some(&settings)).await {
                Ok(stored) => {
                    words.set(stored.blocked_words.join("\n"));
                    origins.set(stored.origins.join("\n"));
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let field_error = move |field: SettingsField, id: &'static str, text: Text| {
        view! { <p id=id class="error field-error">{move || (invalid.get() == Some(field)).then(|| t(text))}</p> }
    };
    view! {
        <form class="settings" on:submit=submit novalidate>
            <fieldset>
                <legend>{move || t(Text::Replies)}</legend>
                <label class="check"><input id="premoderated" type="checkbox" prop:checked=premoderated
                    on:change=move |ev| premoderated.set(event_target_checked(&ev))/>{move || t(Text::Premoderate)}</label>
                <label class="check"><input id="queue-links" type="checkbox" prop:checked=queue_links
                    on:change=move |ev| queue_links.set(event_target_checked(&ev))/>{move || t(Text::QueueLinks)}</label>
                <label class="check"><input id="sso-required" type="checkbox" prop:checked=sso_required
                    on:change=move |ev| sso_required.set(event_target_checked(&ev))/>{move || t(Text::SsoRequired)}</label>
            </fieldset>
            <label for="blocked-words">{move || t(Text::BlockedWords)}</label>
            <textarea id="blocked-words" rows="4" aria-describedby="blocked-words-help blocked-words-error"
                aria-invalid=move || (invalid.get() == Some(SettingsField::BlockedWords)).to_string()
                prop:value=words on:input=move |ev| words.set(event_target_value(&ev))></textarea>
            <p id="blocked-words-help" class="help">{move || t(Text::BlockedWordsHelp)}</p>
            {field_error(SettingsField::BlockedWords, "blocked-words-error", Text::BlockedWordsInvalid)}
            <label for="origins">{move || t(Text::AllowedSites)}</label>
            <textarea id="origins" rows="3" aria-describedby="origins-help origins-error"
                aria-invalid=move || (invalid.get() == Some(SettingsField::Origins)).to_string()
                prop:value=origins on:input=move |ev| origins.set(event_target_value(&ev))></textarea>
            <p id="origins-help" class="help">{move || t(Text::AllowedSitesHelp)}</p>
            {field_error(SettingsField::Origins, "origins-error", Text::AllowedSitesInvalid)}
            <button type="submit">{move || t(Text::Save)}</button>
            <ErrorNote console error/>
            <p class="done" role="status">{move || saved.get().then(|| t(Text::Saved))}</p>
        </form>
    }
}

/// The operator sets the secret the company's site signs its customers' sign-ins with.
#[component]
fn SsoSecretForm(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let secret = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = SsoSecret { secret: secret.get_untracked() };
        spawn_local(async move {
            let answer = console.act(Method::PUT, &account_path(console, "/sso"), Some(&body)).await;
            saved.set(answer.is_ok());
            if answer.is_ok() {
                secret.set(String::new());
            }
            error.set(answer.err());
        });
    };
    view! {
        <form class="sso" on:submit=submit>
            <h2>{move || t(Text::SsoSecret)}</h2>
            <label for="sso-secret">{move || t(Text::SsoSecretHelp)}</label>
            <input id="sso-secret" type="password" autocomplete="off" prop:value=secret on:input=move |ev| secret.set(event_target_value(&ev))/>
            <button type="submit">{move || t(Text::Save)}</button>
            <ErrorNote console error/>
            <p class="done" role="status">{move || saved.get().then(|| t(Text::Saved))}</p>
        </form>
    }
}
