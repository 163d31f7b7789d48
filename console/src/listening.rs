//! Listening: search what is said on the account (its posts, visitors'
//! replies, and what waits in the queue or is hidden), newest first, with
//! the words that matched highlighted; the watched terms, and the mentions
//! of them, read again on every live change of the account; replies per
//! hour with the buzz episodes; and the webhooks the alerts go to.

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Phrases, Text, local_time};
use crate::ui::{ErrorNote, failed, listing, watched};
use crate::webhooks::WebhookList;
use gazouillis_protocol::buzz::Activity;
use gazouillis_protocol::search::{highlight, watch_terms};
use gazouillis_protocol::{Found, Mentions, SearchHit, SearchResults, Watches};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Listening(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let query = RwSignal::new(String::new());
    let hits = RwSignal::new(None::<Result<Vec<SearchHit>, ApiError>>);
    let next = RwSignal::new(None::<String>);
    // The query of the results shown, which "Load more" goes on with.
    let searched = StoredValue::new(String::new());
    let load = move |cursor: Option<String>| {
        if cursor.is_none() {
            searched.set_value(query.get_untracked());
        }
        let q = searched.get_value();
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
                Ok(hits) => view! { <ol class="hits">{hits.into_iter().map(|hit| hit_view(console, hit, ())).collect_view()}</ol> }.into_any(),
            })}
        </div>
        {move || next.get().is_some().then(|| view! { <button class="more" on:click=move |_| load(next.get_untracked())>{t(Text::LoadMore)}</button> })}
        <ActivityChart console/>
        <WatchList console/>
        <h2>{move || t(Text::Mentions)}</h2>
        <MentionList console/>
        <WebhookList console/>
    }
}

/// Visitors' replies per hour over the last week, and its buzz episodes.
#[component]
fn ActivityChart(console: Console) -> impl IntoView {
    let activity = watched::<Activity>(console, move || account_path(console, "/activity"));
    move || {
        let lang = console.lang.get();
        activity.get().map(|activity| match activity {
            Err(e) => failed(console, &e),
            Ok(activity) => {
                // `2026-12-01T10:00:00.000Z` as `2026-12-01 10:00` (UTC).
                let label = |hour: &str| hour.get(..16).unwrap_or(hour).replace('T', " ");
                let labels: Vec<String> = activity.hours.iter().map(|h| label(&h.hour)).collect();
                let counts = activity.hours.iter().map(|h| h.replies).collect();
                let episodes = activity.buzz.clone().into_iter().map(|episode| {
                    let posts = episode.posts.join(", ");
                    view! { <li class="episode">{label(&episode.from)}" – "{label(&episode.to)}" UTC · "{posts}</li> }
                });
                view! {
                    {crate::stats::chart(lang, "hours", Text::RepliesPerHour, &labels, vec![(Text::Replies, counts)])}
                    <h3>{lang.t(Text::Buzz)}</h3>
                    <p class="help">{lang.buzz_rule(activity.factor, activity.min_replies)}</p>
                    {if activity.buzz.is_empty() {
                        view! { <p class="empty buzz-empty">{lang.t(Text::NoBuzz)}</p> }.into_any()
                    } else {
                        view! { <ul class="buzz">{episodes.collect_view()}</ul> }.into_any()
                    }}
                }
                .into_any()
            }
        })
    }
}

/// The watched terms, one per line, checked here with the edge's own rule.
#[component]
fn WatchList(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let terms = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(false);
    spawn_local(async move {
        match console.get::<Watches>(&account_path(console, "/watches")).await {
            Ok(watches) => terms.set(watches.terms.join("\n")),
            Err(e) => error.set(Some(e)),
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let lines = terms.get_untracked().lines().map(str::to_owned).filter(|line| !line.trim().is_empty()).collect();
        let Some(checked) = watch_terms(lines) else { return invalid.set(true) };
        invalid.set(false);
        spawn_local(async move {
            let body = Watches { terms: checked };
            match console.call::<Watches, _>(Method::PUT, &account_path(console, "/watches"), Some(&body)).await {
                Ok(stored) => {
                    terms.set(stored.terms.join("\n"));
                    error.set(None);
                    saved.set(true);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <form class="watches" on:submit=submit>
            <h2>{move || t(Text::Watched)}</h2>
            <label for="watch-terms">{move || t(Text::WatchedLabel)}</label>
            <textarea id="watch-terms" rows="4" aria-describedby="watch-help watch-error" aria-invalid=move || invalid.get().to_string()
                prop:value=terms on:input=move |ev| terms.set(event_target_value(&ev))></textarea>
            <p id="watch-help" class="help">{move || t(Text::WatchedHelp)}</p>
            <p id="watch-error" class="error field-error">{move || invalid.get().then(|| t(Text::WatchedInvalid))}</p>
            <button type="submit">{move || t(Text::Save)}</button>
            <ErrorNote console error/>
            <p class="done" role="status">{move || saved.get().then(|| t(Text::Saved))}</p>
        </form>
    }
}

/// The newest mentions, each with the watched terms it matched.
#[component]
fn MentionList(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let mentions = watched::<Mentions>(console, move || account_path(console, "/mentions?limit=50"));
    move || {
        listing(console, mentions.get().map(|m| m.map(|m| m.mentions)), "hits mentions", Text::NoMentions, move |mention| {
            let terms = mention.terms.join(" · ");
            let terms = view! { <p class="terms"><span class="visually-hidden">{t(Text::Watched)}": "</span>{terms}</p> };
            hit_view(console, mention.hit, terms)
        })
    }
}

/// One result: what it is, who wrote it and when, its text with the matches marked.
fn hit_view(console: Console, hit: SearchHit, more: impl IntoView) -> impl IntoView {
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
            {more}
        </li>
    }
}
