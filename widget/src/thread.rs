//! A post's replies, oldest first, and the reply box under them.

use crate::i18n::Text;
use crate::pager::Pager;
use crate::reply_box::ReplyBox;
use crate::status::{Status, error_note};
use crate::widget::Widget;
use gazouillis_protocol::{Badge, Reply, ReplyPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shows `replies`, loading them the first time (or catching up when
/// reopened; not when a server-rendered view has just given them), then
/// polling while shown.
#[component]
pub fn Thread(widget: &'static Widget, post_id: String, replies: Pager<ReplyPage>) -> impl IntoView {
    if replies.items.with_untracked(Vec::is_empty) {
        replies.load(None);
    } else if !replies.is_seeded() {
        replies.poll();
    }
    replies.keep_fresh();
    view! {
        <section class="gz-thread">
            <For each=move || replies.items.get() key=|reply| reply.id.clone() let:reply>
                <ReplyView widget reply replies/>
            </For>
            {replies.footer("gz-more-replies", Text::NoReplies)}
            <ReplyBox widget post_id replies/>
        </section>
    }
}

/// One reply: its author (with the brand's verified mark), its age, its
/// text, and for the visitor who wrote it, Delete.
#[component]
fn ReplyView(widget: &'static Widget, reply: Reply, replies: Pager<ReplyPage>) -> impl IntoView {
    let lang = widget.lang;
    let id = StoredValue::new(reply.id.clone());
    let author = reply.author.id.clone();
    let mine = move || widget.session.with(|s| s.as_ref().is_some_and(|s| s.visitor.id == author));
    let status = RwSignal::new(Status::Idle);
    let delete = move |_| {
        status.set(Status::Loading);
        spawn_local(async move {
            let api = &widget.api;
            let deleted = widget.as_visitor(String::new(), |token| async move { api.delete_reply(&id.get_value(), &token).await });
            match deleted.await {
                Ok(()) => replies.remove(&id.get_value()),
                Err(error) => status.set(Status::Failed(error)),
            }
        });
    };
    let badge = reply.author.badge.map(|badge| match badge {
        Badge::Brand => {
            let verified = lang.t(Text::VerifiedBrand);
            Either::Left(view! { <span class="gz-badge" title=verified aria-label=verified>"✓"</span> })
        }
        Badge::Customer => Either::Right(view! { <span class="gz-customer">{lang.t(Text::Customer)}</span> }),
    });
    view! {
        <div class="gz-reply" part="reply" data-id=reply.id>
            <div class="gz-meta">
                <span class="gz-reply-author">{reply.author.name}</span>
                {badge}
                " · "
                {crate::post::when(lang, reply.created_at)}
                {move || mine().then(|| view! {
                    " · "
                    <button class="gz-delete-reply" on:click=delete>{lang.t(Text::Delete)}</button>
                })}
            </div>
            <p class="gz-reply-text">{crate::rich::rich_text(widget.api.base(), &widget.handle, &reply.text)}</p>
            {error_note(lang, status)}
        </div>
    }
}
