//! One post: its text, date, reply count, and its thread once opened.

use crate::api::replies_path;
use crate::i18n::{Lang, Text};
use crate::images::images_view;
use crate::offer::OfferBox;
use crate::pager::Pager;
use crate::thread::Thread;
use crate::widget::Widget;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::site::post_page;
use gazouillis_protocol::{Post, ReplyPage};
use leptos::either::Either;
use leptos::prelude::*;

/// `posts` is the list the post is shown in, which polls keep up to date;
/// `always_open` shows the thread with no way to close it (conversation
/// mode); `replies`, its first page when a server-rendered view held it
/// (with the version it was read at).
#[component]
pub fn PostView(
    widget: &'static Widget,
    post: Post,
    posts: RwSignal<Vec<Post>>,
    always_open: bool,
    #[prop(default = None)] replies: Option<(ReplyPage, u64)>,
) -> impl IntoView {
    let lang = widget.lang;
    // Kept here rather than in the thread, so that closing and reopening it
    // keeps what was loaded.
    let thread = Pager::<ReplyPage>::new(widget, replies_path(&post.id), false);
    if let Some((page, version)) = replies {
        thread.seed(page, version);
    }
    let open = RwSignal::new(always_open);
    let id = StoredValue::new(post.id.clone());
    widget.live.subscribe(move |event| match event {
        Event::Reply { reply, .. } if id.with_value(|id| *id == reply.post) => thread.arrive(reply.clone()),
        Event::ReplyDeleted { id: reply, post, .. } if id.with_value(|id| id == post) => thread.remove(reply),
        // A thread's last change is not in the hello: its catch-up reads KV's view.
        Event::Hello { version, .. } => thread.catch_up(None, *version, 0),
        _ => {}
    });
    let polled = move || id.with_value(|id| posts.with(|list| list.iter().find(|p| &p.id == id).map_or(0, |p| p.replies)));
    // The API's count may lag behind the replies already shown (ours included).
    let count = move || polled().max(thread.items.with(|r| r.len() as u64));
    let count_view = move || {
        view! {
            <span class="gz-reply-count">{count}</span>
            " "
            {move || lang.counted(count(), Text::Reply, Text::Replies)}
        }
    };
    let replies = if always_open {
        Either::Left(view! { <span class="gz-replies">{count_view()}</span> })
    } else {
        Either::Right(view! {
            <button
                class="gz-open-replies"
                aria-expanded=move || if open.get() { "true" } else { "false" }
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {count_view()}
            </button>
        })
    };
    let thread = move || open.get().then(|| view! { <Thread widget post_id=id.get_value() replies=thread/> });
    let images = (!post.images.is_empty()).then(|| images_view(lang, widget.api.base(), post.images));
    let offer = post.offer.map(|offer| view! { <OfferBox widget post_id=post.id.clone() offer/> });
    let base = widget.api.base().to_owned();
    let text = crate::rich::rich_text(&base, &widget.handle, &post.text);
    let page = post.id.parse().map(|id| format!("{base}{}", post_page(&id))).ok();
    card(post.id, text, when_linked(lang, post.created_at, page), (images, offer), replies, thread)
}

/// A post as the brand console previews it before posting: as the feed will
/// show it, just posted and with no reply yet. `lang_tag` as in [`Lang::from_tag`].
pub fn preview(lang_tag: &str, handle: &str, text: String) -> impl IntoView + use<> {
    let lang = Lang::from_tag(lang_tag);
    let now = String::from(js_sys::Date::new_0().to_iso_string());
    let replies = view! {
        <span class="gz-replies"><span class="gz-reply-count">"0"</span>" "{lang.counted(0, Text::Reply, Text::Replies)}</span>
    };
    let text = crate::rich::rich_text("", handle, &text);
    card(String::new(), text, when_linked(lang, now, None), (), replies, ())
}

/// A post's markup, shared by the feed and the preview: its text, its
/// pictures and offer (`extra`), then its date and `replies` on the meta line, then `thread`.
fn card(id: String, text: impl IntoView, when: impl IntoView, extra: impl IntoView, replies: impl IntoView, thread: impl IntoView) -> impl IntoView {
    view! {
        <article class="gz-post" part="post" data-id=id>
            <p class="gz-post-text">{text}</p>
            {extra}
            <div class="gz-meta">{when}" · "{replies}</div>
            {thread}
        </article>
    }
}

/// [`when`], linked to the post's `page` when it has one (not yet in a preview).
fn when_linked(lang: Lang, created_at: String, page: Option<String>) -> impl IntoView {
    page.map_or_else(
        || Either::Left(when(lang, created_at.clone())),
        |page| Either::Right(view! { <a class="gz-permalink" href=page rel="noopener" target="_blank">{when(lang, created_at.clone())}</a> }),
    )
}

/// A `<time>` showing how long ago `created_at` was, with the exact time on hover.
pub fn when(lang: Lang, created_at: String) -> impl IntoView {
    let age_ms = js_sys::Date::now() - js_sys::Date::parse(&created_at);
    // An unreadable date is NaN, which casts to 0: shown as "now" rather than failing.
    let label = lang.when(&created_at, (age_ms / 1000.0) as i64);
    view! { <time datetime=created_at.clone() title=created_at>{label}</time> }
}
