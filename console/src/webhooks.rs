//! The account's webhooks, on the Listening page: where mentions and buzz
//! alerts go. Add one (its URL, Slack's format or signed JSON, the language
//! of Slack messages; a JSON one's signing secret is shown once, with a copy
//! button), send it a test, delete it (asked twice), and read its delivery
//! log: each event, how it stands, and every attempt.

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Text, local_time};
use crate::ui::{ErrorNote, ShownOnce, listing, watched};
use gazouillis_protocol::webhook::{
    Attempt, CreatedWebhook, Deliveries, Delivery, DeliveryState, Format, Language, NewWebhook, Webhook, Webhooks,
};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::time::Duration;

/// How often a log with a pending delivery is read again.
const PENDING_POLL: Duration = Duration::from_secs(2);

#[component]
pub fn WebhookList(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let hooks = watched::<Webhooks>(console, move || account_path(console, "/webhooks"));
    let url = RwSignal::new(String::new());
    let format = RwSignal::new(Format::Slack);
    let language = RwSignal::new(Language::En);
    let created = RwSignal::new(None::<CreatedWebhook>);
    let error = RwSignal::new(None::<ApiError>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewWebhook { url: url.get_untracked().trim().to_owned(), format: format.get_untracked(), language: language.get_untracked() };
        spawn_local(async move {
            match console.call::<CreatedWebhook, _>(Method::POST, &account_path(console, "/webhooks"), Some(&body)).await {
                Ok(hook) => {
                    url.set(String::new());
                    created.set(Some(hook));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            hooks.refetch();
        });
    };
    let removed = Callback::new(move |result: Result<(), ApiError>| {
        error.set(result.err());
        created.set(None);
        hooks.refetch();
    });
    view! {
        <section class="webhooks" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">{move || t(Text::Webhooks)}</h2>
            <p class="help">{move || t(Text::WebhooksHelp)}</p>
            <form class="add-webhook" on:submit=add>
                <label for="webhook-url">{move || t(Text::WebhookUrl)}</label>
                <input id="webhook-url" type="url" required autocomplete="off" placeholder="https://hooks.slack.com/services/…"
                    prop:value=url on:input=move |ev| url.set(event_target_value(&ev))/>
                <label for="webhook-format">{move || t(Text::WebhookFormat)}</label>
                <select id="webhook-format" on:change=move |ev| format.set(if event_target_value(&ev) == "json" { Format::Json } else { Format::Slack })>
                    <option value="slack" selected=move || format.get() == Format::Slack>{move || t(Text::FormatSlack)}</option>
                    <option value="json" selected=move || format.get() == Format::Json>{move || t(Text::FormatJson)}</option>
                </select>
                <label for="webhook-language">{move || t(Text::WebhookLanguage)}</label>
                <select id="webhook-language" on:change=move |ev| language.set(if event_target_value(&ev) == "fr" { Language::Fr } else { Language::En })>
                    <option value="en" selected=move || language.get() == Language::En>"English"</option>
                    <option value="fr" selected=move || language.get() == Language::Fr>"Français"</option>
                </select>
                <button type="submit">{move || t(Text::AddWebhook)}</button>
            </form>
            <ErrorNote console error/>
            {move || created.get().and_then(|hook| hook.secret).map(|secret| {
                let label = Signal::derive(move || t(Text::SigningSecret).to_owned());
                view! { <ShownOnce console note=Text::SecretShownOnce id="webhook-secret" label secret/> }
            })}
            {move || listing(console, hooks.get().map(|h| h.map(|h| h.webhooks)), "webhook-list", Text::NoWebhooks, move |hook| {
                view! { <WebhookItem console hook removed/> }
            })}
        </section>
    }
}

/// One webhook: where it sends and how; send a test, delete it; its log.
#[component]
fn WebhookItem(console: Console, hook: Webhook, removed: Callback<Result<(), ApiError>>) -> impl IntoView {
    let t = move |text| console.t(text);
    let path = StoredValue::new(account_path(console, &format!("/webhooks/{}", segment(&hook.id))));
    let confirming = RwSignal::new(false);
    // Read again after a test is sent, and while a delivery is pending.
    let reload = RwSignal::new(0u32);
    let log = LocalResource::new(move || {
        reload.track();
        console.changes.track();
        let path = format!("{}/deliveries?limit=10", path.get_value());
        async move { console.get::<Deliveries>(&path).await }
    });
    Effect::new(move || {
        if log.get().and_then(Result::ok).is_some_and(|log| log.deliveries.iter().any(|d| d.state == DeliveryState::Pending)) {
            set_timeout(move || reload.update(|n| *n += 1), PENDING_POLL);
        }
    });
    let error = RwSignal::new(None::<ApiError>);
    let test = move |_| {
        spawn_local(async move {
            error.set(console.act(Method::POST, &format!("{}/test", path.get_value()), None::<&()>).await.err());
            reload.update(|n| *n += 1);
        });
    };
    let delete = move |_| {
        if !confirming.get_untracked() {
            return confirming.set(true);
        }
        spawn_local(async move { removed.run(console.act(Method::DELETE, &path.get_value(), None::<&()>).await) });
    };
    let format = match hook.format {
        Format::Slack => Text::FormatSlack,
        Format::Json => Text::FormatJson,
    };
    let language = match hook.language {
        Language::En => "English",
        Language::Fr => "Français",
    };
    view! {
        <li class="webhook" data-id=hook.id.clone()>
            <p class="where"><code>{hook.url}</code></p>
            <p class="how">{move || t(format)}" · "{language}</p>
            <div class="actions">
                <button class="test" on:click=test>{move || t(Text::SendTest)}</button>
                <button class="delete" class:danger=confirming on:click=delete>
                    {move || t(if confirming.get() { Text::ConfirmDelete } else { Text::Delete })}
                </button>
            </div>
            <ErrorNote console error/>
            <h3>{move || t(Text::Deliveries)}</h3>
            {move || listing(console, log.get().map(|l| l.map(|l| l.deliveries)), "deliveries", Text::NoDeliveries, move |delivery| {
                delivery_view(console, delivery)
            })}
        </li>
    }
}

/// One event sent: what, when, how it stands, and each attempt.
fn delivery_view(console: Console, delivery: Delivery) -> impl IntoView {
    let t = move |text| console.t(text);
    let kind = match delivery.kind.as_str() {
        "mention" => Text::EventMention,
        "buzz" => Text::EventBuzz,
        _ => Text::EventTest,
    };
    let state = match delivery.state {
        DeliveryState::Pending => Text::StatePending,
        DeliveryState::Delivered => Text::StateDelivered,
        DeliveryState::Failed => Text::StateFailed,
    };
    let created_at = delivery.created_at;
    let attempts = delivery.attempts.into_iter().map(move |attempt| attempt_view(console, attempt)).collect_view();
    view! {
        <li class="delivery" data-state=format!("{:?}", delivery.state).to_lowercase()>
            <p>
                <span class="event">{move || t(kind)}</span>" · "{move || local_time(console.lang.get(), &created_at)}" · "
                <strong class="state">{move || t(state)}</strong>
            </p>
            <ol class="attempts">{attempts}</ol>
        </li>
    }
}

fn attempt_view(console: Console, attempt: Attempt) -> impl IntoView {
    let outcome = move || match (attempt.status, &attempt.error) {
        (Some(status), _) => status.to_string(),
        (None, Some(error)) => format!("{} ({error})", console.t(Text::NoAnswer)),
        (None, None) => console.t(Text::NoAnswer).to_owned(),
    };
    let at = attempt.at;
    view! { <li class="attempt">{move || local_time(console.lang.get(), &at)}" → "<span class="outcome">{outcome}</span></li> }
}
