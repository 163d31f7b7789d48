//! Posts: the account's offers for followers, its posts with their reply
//! counts (delete, hide), and the hidden ones (show again).

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Phrases, Text, local_time};
use crate::offers::OfferList;
use crate::ui::{ErrorNote, listing, watched};
use gazouillis_protocol::{HiddenContent, HiddenState, Post, PostPage};
use gloo_net::http::Method;
use gazouillis_widget::rich_text;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Posts(console: Console) -> impl IntoView {
    let t = move |text| console.t(text);
    let posts = watched::<PostPage>(console, move || account_path(console, "/posts?limit=50"));
    let hidden = watched::<HiddenContent>(console, move || account_path(console, "/hidden"));
    let error = RwSignal::new(None::<ApiError>);
    let done = Callback::new(move |result: Result<(), ApiError>| {
        error.set(result.err());
        posts.refetch();
        hidden.refetch();
    });
    view! {
        <ErrorNote console error/>
        <OfferList console/>
        <h2>{move || t(Text::Posts)}</h2>
        {move || listing(console, posts.get().map(|page| page.map(|p| p.posts)), "posts", Text::NoPosts,
            |post| view! { <PostItem console post hidden=false done/> })}
        <h2>{move || t(Text::HiddenPosts)}</h2>
        {move || listing(console, hidden.get().map(|content| content.map(|c| c.posts)), "posts hidden-posts", Text::NothingHidden,
            |post| view! { <PostItem console post hidden=true done/> })}
    }
}

/// One post: hide or delete it, or show it again when `hidden`.
#[component]
fn PostItem(console: Console, post: Post, hidden: bool, done: Callback<Result<(), ApiError>>) -> impl IntoView {
    let t = move |text| console.t(text);
    let id = StoredValue::new(post.id.clone());
    let confirming = RwSignal::new(false);
    let path = move |rest: &str| format!("/v1/posts/{}{rest}", segment(&id.get_value()));
    let act = move |method: Method, path: String, body: Option<HiddenState>| {
        spawn_local(async move {
            done.run(console.act(method, &path, body.as_ref()).await);
        });
    };
    let delete = move |_| {
        if confirming.get_untracked() {
            act(Method::DELETE, path(""), None);
        } else {
            confirming.set(true);
        }
    };
    let count = post.replies;
    view! {
        <li class="post" data-id=post.id.clone()>
            <p class="text">{rich_text("", &console.account(), &post.text)}</p>
            <p class="meta">
                {move || local_time(console.lang.get(), &post.created_at)}" · "
                <span class="reply-count">{count}</span>" "{move || console.lang.get().replies(count)}
            </p>
            <div class="actions">
                {if hidden {
                    view! { <button class="show" on:click=move |_| act(Method::PUT, path("/hidden"), Some(HiddenState { hidden: false }))>{move || t(Text::ShowAgain)}</button> }.into_any()
                } else {
                    view! {
                        <button class="hide" on:click=move |_| act(Method::PUT, path("/hidden"), Some(HiddenState { hidden: true }))>{move || t(Text::Hide)}</button>
                        <button class="delete" class:danger=confirming on:click=delete>
                            {move || t(if confirming.get() { Text::ConfirmDelete } else { Text::Delete })}
                        </button>
                    }.into_any()
                }}
            </div>
        </li>
    }
}
