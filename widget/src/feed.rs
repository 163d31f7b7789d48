//! The account's posts, newest first, with "load more". New posts, pushed
//! live or polled, wait behind a "N new posts" button at the top, so that
//! what the reader is reading does not move.

use crate::i18n::Text;
use crate::pager::Pager;
use crate::post::PostView;
use crate::widget::Widget;
use gazouillis_protocol::PostPage;
use leptos::prelude::*;

#[component]
pub fn Feed(widget: &'static Widget, posts: Pager<PostPage>) -> impl IntoView {
    posts.keep_fresh();
    let lang = widget.lang;
    let new_posts = move || {
        let n = posts.pending.with(Vec::len) as u64;
        (n > 0).then(|| {
            view! {
                <button class="gz-new-posts" on:click=move |_| posts.show_pending()>
                    {n}" "{lang.counted(n, Text::NewPost, Text::NewPosts)}
                </button>
            }
        })
    };
    view! {
        // Announced politely to screen readers as it appears and counts up.
        <div class="gz-live" aria-live="polite">{new_posts}</div>
        <For each=move || posts.items.get() key=|post| post.id.clone() let:post>
            <PostView widget post posts=posts.items always_open=false/>
        </For>
        {posts.footer("gz-more", Text::NoPosts)}
    }
}
