//! A post's replies, oldest first, and the reply box under them.

use crate::i18n::Text;
use crate::pager::Pager;
use crate::reply_box::ReplyBox;
use crate::widget::Widget;
use gazouillis_protocol::{Reply, ReplyPage};
use leptos::prelude::*;

/// Shows `replies`, loading them the first time (or catching up when
/// reopened), then polling while shown.
#[component]
pub fn Thread(widget: &'static Widget, post_id: String, replies: Pager<ReplyPage>) -> impl IntoView {
    if replies.items.with_untracked(Vec::is_empty) {
        replies.load(None);
    } else {
        replies.poll();
    }
    replies.keep_fresh();
    view! {
        <section class="gz-thread">
            <For each=move || replies.items.get() key=|reply| reply.id.clone() let:reply>
                <ReplyView widget reply/>
            </For>
            {replies.footer("gz-more-replies", Text::NoReplies)}
            <ReplyBox widget post_id replies/>
        </section>
    }
}

#[component]
fn ReplyView(widget: &'static Widget, reply: Reply) -> impl IntoView {
    view! {
        <div class="gz-reply" data-id=reply.id>
            <div class="gz-meta">
                <span class="gz-reply-author">{reply.author.name}</span>
                " · "
                {crate::post::when(widget.lang, reply.created_at)}
            </div>
            <p class="gz-reply-text">{reply.text}</p>
        </div>
    }
}
