//! Brand tokens (operator only): issue one for a person or a tool (its secret
//! shown once, with a copy button), list them, revoke one.

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::Text;
use crate::ui::{ErrorNote, ShownOnce};
use gazouillis_protocol::{IssuedToken, NewToken, TokenInfo};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Tokens(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let tokens = LocalResource::new(move || async move { console.get::<Vec<TokenInfo>>(&account_path(console, "/tokens")).await });
    let name = RwSignal::new(String::new());
    let issued = RwSignal::new(None::<IssuedToken>);
    let error = RwSignal::new(None::<ApiError>);
    let issue = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewToken { name: name.get_untracked().trim().to_owned() };
        spawn_local(async move {
            match console.call::<IssuedToken, _>(Method::POST, &account_path(console, "/tokens"), Some(&body)).await {
                Ok(token) => {
                    name.set(String::new());
                    issued.set(Some(token));
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
            tokens.refetch();
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            let path = account_path(console, &format!("/tokens/{}", segment(&id)));
            error.set(console.act(Method::DELETE, &path, None::<&()>).await.err());
            tokens.refetch();
        });
    };
    view! {
        <section class="tokens" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{move || t(Text::BrandTokens)}</h2>
            <form class="issue" on:submit=issue>
                <label for="token-name">{move || t(Text::TokenName)}</label>
                <input id="token-name" required autocomplete="off" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit">{move || t(Text::Issue)}</button>
            </form>
            <ErrorNote console error/>
            {move || issued.get().map(|token| view! {
                <ShownOnce console note=Text::ShownOnce id="issued-token" label=Signal::stored(token.name) secret=token.token/>
            })}
            <ul class="token-list">
                {move || tokens.get().and_then(Result::ok).map(|list| list.into_iter().map(|token| {
                    let (id, data_id) = (token.id.clone(), token.id.clone());
                    view! {
                        <li data-id=data_id>
                            <span class="token-name">{token.name}</span>" "<code>{token.id}</code>
                            <button class="revoke" on:click=move |_| revoke(id.clone())>{move || t(Text::Revoke)}</button>
                        </li>
                    }
                }).collect_view())}
            </ul>
        </section>
    }
}
