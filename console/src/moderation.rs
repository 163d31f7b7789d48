//! Moderation: the replies waiting for approval, a page at a time (oldest
//! first), each with why it waits (approve, reject), and the hidden replies
//! (show again).

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Text, local_time};
use crate::ui::{ErrorNote, listing, watched};
use gazouillis_protocol::moderation::Reason;
use gazouillis_protocol::{HiddenContent, HiddenState, Queue, Queued, Reply};
use gloo_net::http::Method;
use gazouillis_widget::rich_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

fn reason(reason: Reason) -> Text {
    match reason {
        Reason::Premoderated => Text::ReasonPremoderated,
        Reason::BlockedWord => Text::ReasonBlockedWord,
        Reason::Link => Text::ReasonLink,
    }
}

#[component]
pub fn Moderation(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let queue = watched::<Queue>(console, move || account_path(console, "/queue"));
    // Pages after the first, loaded with "Load more"; dropped when the first is read again.
    let more = RwSignal::new(Vec::<Queued>::new());
    let next = RwSignal::new(None::<String>);
    Effect::new(move || {
        let first_next = queue.with(|page| page.as_ref().and_then(|p| p.as_ref().ok()).and_then(|p| p.next.clone()));
        more.set(Vec::new());
        next.set(first_next);
    });
    let load_more = move |_| {
        let Some(cursor) = next.get_untracked() else { return };
        let path = account_path(console, &format!("/queue?cursor={}", segment(&cursor)));
        spawn_local(async move {
            if let Ok(page) = console.get::<Queue>(&path).await {
                more.update(|items| items.extend(page.queued));
                next.set(page.next);
            }
        });
    };
    let waiting = move || queue.get().map(|page| page.map(|page| [page.queued, more.get()].concat()));
    let hidden = watched::<HiddenContent>(console, move || account_path(console, "/hidden"));
    let error = RwSignal::new(None::<ApiError>);
    // One action, then both lists read again.
    let act = move |method: Method, path: String, body: Option<HiddenState>| {
        spawn_local(async move {
            error.set(console.act(method, &path, body.as_ref()).await.err());
            queue.refetch();
            hidden.refetch();
        });
    };
    let queued = move |item: Queued| {
        let number = segment(&item.id);
        let (approve, reject) = (account_path(console, &format!("/queue/{number}/approve")), account_path(console, &format!("/queue/{number}")));
        view! {
            <li class="queued" data-id=item.id>
                <p class="who"><span class="author">{item.author.name}</span>" · "{move || local_time(console.lang.get(), &item.created_at)}
                    " · "<span class="reason">{move || t(reason(item.reason))}</span></p>
                <p class="text">{rich_text("", &console.account(), &item.text)}</p>
                <div class="actions">
                    <button class="approve" on:click=move |_| act(Method::POST, approve.clone(), None)>{move || t(Text::Approve)}</button>
                    <button class="reject" on:click=move |_| act(Method::DELETE, reject.clone(), None)>{move || t(Text::Reject)}</button>
                </div>
            </li>
        }
    };
    let hidden_reply = move |reply: Reply| {
        let path = format!("/v1/replies/{}/hidden", segment(&reply.id));
        view! {
            <li class="hidden-reply" data-id=reply.id>
                <p class="who"><span class="author">{reply.author.name}</span>" · "{move || local_time(console.lang.get(), &reply.created_at)}</p>
                <p class="text">{rich_text("", &console.account(), &reply.text)}</p>
                <div class="actions">
                    <button class="show" on:click=move |_| act(Method::PUT, path.clone(), Some(HiddenState { hidden: false }))>{move || t(Text::ShowAgain)}</button>
                </div>
            </li>
        }
    };
    view! {
        <ErrorNote console error/>
        <h2>{move || t(Text::Waiting)}</h2>
        {move || listing(console, waiting(), "queue", Text::QueueEmpty, queued)}
        {move || next.get().is_some().then(|| view! { <button class="more" on:click=load_more>{t(Text::LoadMore)}</button> })}
        <h2>{move || t(Text::HiddenReplies)}</h2>
        {move || listing(console, hidden.get().map(|c| c.map(|c| c.replies)), "hidden-replies", Text::NothingHidden, hidden_reply)}
    }
}
