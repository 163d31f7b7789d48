//! The account's posts, newest first, with "load more" and polling.

use crate::i18n::Text;
use crate::pager::Pager;
use crate::post::PostView;
use crate::widget::Widget;
use gazouillis_protocol::PostPage;
use leptos::prelude::*;

#[component]
pub fn Feed(widget: &'static Widget, posts: Pager<PostPage>) -> impl IntoView {
    posts.keep_fresh();
    view! {
        <For each=move || posts.items.get() key=|post| post.id.clone() let:post>
            <PostView widget post posts=posts.items always_open=false/>
        </For>
        {posts.footer("gz-more", Text::NoPosts)}
    }
}
