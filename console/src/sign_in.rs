//! Signing in: a brand token runs its own account; the operator token picks
//! an account from the edge's list, or creates one.

use crate::api::{ApiError, segment};
use crate::console::{Auth, Console};
use crate::i18n::{Phrases, Text};
use crate::ui::ErrorNote;
use gazouillis_protocol::{AccountList, BrandToken, NewAccount};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Who `token` is, asked of the edge: a brand token must read its account's
/// settings, any other the operator's account list.
async fn check(console: Console, token: &str) -> Result<(Auth, Option<String>), ApiError> {
    match token.parse::<BrandToken>() {
        Ok(brand) => {
            let path = format!("/v1/accounts/{}/settings", segment(&brand.handle));
            console.call_with(token, Method::GET, &path).await?;
            Ok((Auth { token: token.to_owned(), operator: false }, Some(brand.handle)))
        }
        Err(()) => {
            console.call_with(token, Method::GET, "/v1/accounts").await?;
            Ok((Auth { token: token.to_owned(), operator: true }, None))
        }
    }
}

#[component]
pub fn SignIn(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let token = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let value = token.get_untracked().trim().to_owned();
        if value.is_empty() {
            console.notice.set(Some(Text::TokenMissing));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match check(console, &value).await {
                Ok((auth, handle)) => console.sign_in(auth, handle),
                Err(error) if matches!(error.code.as_str(), "unauthorized" | "forbidden") => {
                    console.notice.set(Some(Text::TokenRefused))
                }
                Err(_) => console.notice.set(Some(Text::Unreachable)),
            }
            busy.set(false);
        });
    };
    view! {
        <main class="sign-in">
            <h1>{move || t(Text::ConsoleTitle)}</h1>
            <p>{move || t(Text::SignInHelp)}</p>
            <form on:submit=submit>
                <label for="token">{move || t(Text::Token)}</label>
                <input id="token" name="token" type="password" autocomplete="off" spellcheck="false"
                    aria-describedby="sign-in-notice"
                    prop:value=token on:input=move |ev| token.set(event_target_value(&ev))/>
                <button type="submit" disabled=busy>{move || t(Text::SignIn)}</button>
            </form>
            <p id="sign-in-notice" class="notice" role="alert">
                {move || console.notice.get().map(t)}
            </p>
        </main>
    }
}

/// The operator's account picker: the edge's accounts, found by part of
/// their handle (an edge may hold thousands), and a form to create one.
#[component]
pub fn AccountPicker(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let accounts = LocalResource::new(move || async move { console.get::<AccountList>("/v1/accounts").await });
    let (handle, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let find = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let account = NewAccount { handle: handle.get_untracked().trim().to_owned(), name: name.get_untracked().trim().to_owned(), bio: String::new() };
        spawn_local(async move {
            match console.act(Method::POST, "/v1/accounts", Some(&account)).await {
                Ok(_) => console.pick(Some(account.handle)),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <main class="picker">
            <h1>{move || t(Text::PickAccount)}</h1>
            <label for="find-account">{move || t(Text::FindAccount)}</label>
            <input id="find-account" type="search" autocomplete="off" prop:value=find on:input=move |ev| find.set(event_target_value(&ev))/>
            <ul class="accounts">
                {move || accounts.get().map(|list| match list {
                    Ok(list) if list.accounts.is_empty() => view! { <li>{t(Text::NoAccounts)}</li> }.into_any(),
                    Ok(list) => {
                        let part = find.get().trim().trim_start_matches('@').to_lowercase();
                        let found: Vec<String> = list.accounts.into_iter().filter(|account| account.contains(&part)).collect();
                        if found.is_empty() {
                            return view! { <li>{t(Text::NoAccountMatches)}</li> }.into_any();
                        }
                        found.into_iter().map(|account| {
                            let pick = account.clone();
                            view! { <li><button class="pick" on:click=move |_| console.pick(Some(pick.clone()))>{"@"}{account}</button></li> }
                        }).collect_view().into_any()
                    }
                    Err(e) => view! { <li class="error" role="alert">{console.lang.get().explain(&e)}</li> }.into_any(),
                })}
            </ul>
            <h2>{move || t(Text::CreateAccount)}</h2>
            <form class="create-account" on:submit=create>
                <label for="new-handle">{move || t(Text::Handle)}</label>
                <input id="new-handle" required autocomplete="off" prop:value=handle on:input=move |ev| handle.set(event_target_value(&ev))/>
                <label for="new-name">{move || t(Text::Name)}</label>
                <input id="new-name" required autocomplete="off" prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/>
                <button type="submit">{move || t(Text::Create)}</button>
                <ErrorNote console error/>
            </form>
        </main>
    }
}
