//! Listening: search what is said on the account (its posts, visitors'
//! replies, and what waits in the queue or is hidden), newest first, with
//! the words that matched highlighted.

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Text, local_time};
use crate::ui::failed;
use gazouillis_protocol::search::highlight;
use gazouillis_protocol::{Found, SearchHit, SearchResults};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Listening(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<Result<Vec<SearchHit>, ApiError>>);
    let next = RwSignal::new(None::<String>);
    let load = move |cursor: Option<String>| {
        let q = query.get_untracked();
        let cursor = cursor.map(|c| format!("&cursor={}", segment(&c))).unwrap_or_default();
        let path = account_path(console, &format!("/search?q={}{cursor}", segment(&q)));
        let more = !cursor.is_empty();
        spawn_local(async move {
            match console.get::<SearchResults>(&path).await {
                Ok(page) => {
                    next.set(page.next);
                    hits.update(|hits| match hits {
                        Some(Ok(shown)) if more => shown.extend(page.hits),
                        _ => *hits = Some(Ok(page.hits)),
                    });
                }
                Err(e) => hits.set(Some(Err(e))),
            }
        });
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        load(None);
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <label for="search-text">{move || t(Text::SearchLabel)}</label>
            <div class="actions">
                <input id="search-text" type="search" autocomplete="off" aria-describedby="search-help"
                    prop:value=query on:input=move |ev| query.set(event_target_value(&ev))/>
                <button type="submit">{move || t(Text::Search)}</button>
            </div>
            <p id="search-help" class="help">{move || t(Text::SearchHelp)}</p>
        </form>
        <div role="status" class="results">
            {move || hits.get().map(|hits| match hits {
                Err(e) => failed(console, &e),
                Ok(hits) if hits.is_empty() => view! { <p class="empty">{t(Text::NoResults)}</p> }.into_any(),
                Ok(hits) => view! { <ol class="hits">{hits.into_iter().map(|hit| hit_view(console, hit)).collect_view()}</ol> }.into_any(),
            })}
        </div>
        {move || next.get().is_some().then(|| view! { <button class="more" on:click=move |_| load(next.get_untracked())>{t(Text::LoadMore)}</button> })}
    }
}

/// One result: what it is, who wrote it and when, its text with the matches marked.
fn hit_view(console: Console, hit: SearchHit) -> impl IntoView {
    let t = move |text| console.t(text);
    let (kind, id, who, created_at, text) = match hit.found {
        Found::Post(post) => (Text::KindPost, post.id, None, post.created_at, post.text),
        Found::Reply(reply) => (Text::KindReply, reply.id, Some(reply.author.name), reply.created_at, reply.text),
        Found::Queued(queued) => (Text::KindQueued, queued.id, Some(queued.author.name), queued.created_at, queued.text),
    };
    let pieces: Vec<AnyView> = highlight(&text, &hit.matches)
        .into_iter()
        .map(|(piece, matched)| {
            let piece = piece.to_owned();
            if matched { view! { <mark>{piece}</mark> }.into_any() } else { piece.into_any() }
        })
        .collect();
    view! {
        <li class="hit" data-id=id>
            <p class="who">
                <span class="kind">{move || t(kind)}</span>
                {hit.hidden.then(|| view! { " · " <span class="hidden-mark">{move || t(Text::HiddenMark)}</span> })}
                {who.map(|who| view! { " · " <span class="author">{who}</span> })}
                " · "{move || local_time(console.lang.get(), &created_at)}
            </p>
            <p class="text">{pieces}</p>
        </li>
    }
}
