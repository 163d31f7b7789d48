//! The inbox: visitor replies on the account's posts, newest first, each with
//! its post, filtered by whether the brand answered; answered inline as the
//! brand. Read again on every live change of the account.

use crate::api::{ApiError, account_path, max_chars, segment};
use crate::console::Console;
use crate::i18n::{Text, local_time};
use crate::ui::{ErrorNote, failed, watched};
use gazouillis_protocol::limits::DEFAULT_MAX_CHARS;
use gazouillis_protocol::{HiddenState, Inbox as InboxPage, InboxFilter, InboxItem, NewText, Reply};
use gazouillis_widget::Draft;
use gloo_net::http::Method;
use gazouillis_widget::rich_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn label(filter: InboxFilter) -> Text {
    match filter {
        InboxFilter::ToAnswer => Text::ToAnswer,
        InboxFilter::Answered => Text::Answered,
        InboxFilter::All => Text::All,
    }
}

fn inbox_path(console: Console, filter: InboxFilter, cursor: Option<&str>) -> String {
    let cursor = cursor.map(|c| format!("&cursor={}", segment(c))).unwrap_or_default();
    account_path(console, &format!("/inbox?filter={}{cursor}", filter.as_str()))
}

#[component]
pub fn Inbox(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let filter = RwSignal::new(InboxFilter::ToAnswer);
    // Pages after the first, loaded with "Load more"; dropped when the first is read again.
    let more = RwSignal::new(Vec::<InboxItem>::new());
    let next = RwSignal::new(None::<String>);
    let first = watched::<InboxPage>(console, move || inbox_path(console, filter.get(), None));
    // A first page read again drops the pages loaded after it.
    Effect::new(move || {
        let first_next = first.with(|page| page.as_ref().and_then(|p| p.as_ref().ok()).and_then(|p| p.next.clone()));
        more.set(Vec::new());
        next.set(first_next);
    });
    let max_chars = max_chars(console);
    let max = Signal::derive(move || max_chars.get().unwrap_or(DEFAULT_MAX_CHARS));
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        let path = inbox_path(console, filter.get_untracked(), Some(&cursor));
        spawn_local(async move {
            if let Ok(page) = console.get::<InboxPage>(&path).await {
                more.update(|items| items.extend(page.items));
                next.set(page.next);
            }
        });
    };
    let done = Callback::new(move |()| first.refetch());
    let items = move || {
        let mut items = first.get().and_then(Result::ok).map(|page| page.items).unwrap_or_default();
        items.extend(more.get());
        items
    };
    view! {
        <div class="filters" role="group" aria-label=move || t(Text::Show)>
            {InboxFilter::ALL.map(|value| view! {
                <button class="filter" data-filter=value.as_str() aria-pressed=move || (filter.get() == value).to_string()
                    on:click=move |_| filter.set(value)>{move || t(label(value))}</button>
            }).collect_view()}
        </div>
        {move || match first.get()? {
            Err(e) => Some(failed(console, &e)),
            Ok(page) if page.items.is_empty() => Some(view! { <p class="empty">{t(Text::InboxEmpty)}</p> }.into_any()),
            Ok(_) => None,
        }}
        // Keyed: a list read again (on every live event) keeps the items
        // still in it as they are, answer boxes and drafts included.
        <ol class="inbox">
            <For each=items key=|item| (item.reply.id.clone(), item.answered) let:item>
                <Item console item max done/>
            </For>
        </ol>
        {move || next.get().is_some().then(|| view! { <button class="more" on:click=load_more>{t(Text::LoadMore)}</button> })}
    }
}

/// One visitor reply, its post, and the brand's answer box.
#[component]
fn Item(console: Console, item: InboxItem, max: Signal<usize>, done: Callback<()>) -> impl IntoView {
    let t = move |text| console.t(text);
    let InboxItem { reply, post, answered } = item;
    let Reply { id, author, text, created_at, .. } = reply;
    let answering = RwSignal::new(false);
    let draft = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ApiError>);
    let (post_id, reply_id) = (StoredValue::new(post.id.clone()), StoredValue::new(id.clone()));
    let answer = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewText { text: draft.get_untracked() };
        spawn_local(async move {
            let path = format!("/v1/posts/{}/replies", segment(&post_id.get_value()));
            match console.act(Method::POST, &path, Some(&body)).await {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let hide = move |_| {
        spawn_local(async move {
            let path = format!("/v1/replies/{}/hidden", segment(&reply_id.get_value()));
            match console.act(Method::PUT, &path, Some(&HiddenState { hidden: true })).await {
                Ok(_) => done.run(()),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let box_id = format!("answer-{id}");
    let draft_state = move || draft.with(|d| Draft::of(d, max.get()));
    let customer = author.badge.is_some().then(|| view! { <span class="badge">{move || t(Text::Customer)}</span> });
    view! {
        <li class="inbox-item" data-id=id.clone() data-answered=answered.to_string()>
            <blockquote class="in-post">
                <span class="visually-hidden">{move || t(Text::OnPost)}</span>
                <p class="text">{rich_text("", &console.account(), &post.text)}</p>
            </blockquote>
            <p class="who"><span class="author">{author.name}</span>{customer}" · "{move || local_time(console.lang.get(), &created_at)}
                {answered.then(|| view! { " · " <span class="answered">{move || t(Text::AnsweredMark)}</span> })}
            </p>
            <p class="text reply-text">{rich_text("", &console.account(), &text)}</p>
            <div class="actions">
                <button class="answer" aria-expanded=move || answering.get().to_string() aria-controls=box_id.clone()
                    on:click=move |_| answering.update(|a| *a = !*a)>{move || t(Text::Answer)}</button>
                <button class="hide" on:click=hide>{move || t(Text::Hide)}</button>
            </div>
            <form id=box_id class="answer-box" hidden=move || !answering.get() on:submit=answer>
                <label for=format!("answer-text-{id}")>{move || t(Text::AnswerAsBrand)}</label>
                <textarea id=format!("answer-text-{id}") rows="2" prop:value=draft on:input=move |ev| draft.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <span class="counter" class:over=move || draft_state().over>{move || draft_state().count}"/"{max}</span>
                    <button type="submit" class="send" disabled=move || !draft_state().sendable>{move || t(Text::Send)}</button>
                </div>
            </form>
            <ErrorNote console error/>
        </li>
    }
}
