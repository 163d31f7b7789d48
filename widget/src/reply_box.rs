//! The reply box: a textarea with a live counter, the visitor's name while
//! there is no session, and Send.

use crate::bell::bell_class;
use crate::i18n::Text;
use crate::pager::Pager;
use crate::status::{Status, error_note};
use crate::widget::Widget;
use crate::count::graphemes;
use gazouillis_protocol::rich::text_length_by;
use gazouillis_protocol::{ReplyPage, check_name_by, check_text_by};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where a draft stands, from its text.
#[derive(Debug, PartialEq, Eq)]
pub struct Draft {
    /// Characters as the API counts them: trimmed, in graphemes, each link as 23.
    pub count: usize,
    pub over: bool,
    /// Not blank, not too long, no forbidden character: what the API accepts.
    pub sendable: bool,
}

impl Draft {
    pub fn of(text: &str, max_chars: usize) -> Draft {
        let count = text_length_by(text.trim(), graphemes);
        Draft { count, over: count > max_chars, sendable: check_text_by(text, max_chars, graphemes).is_ok() }
    }
}

#[component]
pub fn ReplyBox(widget: &'static Widget, post_id: String, replies: Pager<ReplyPage>) -> impl IntoView {
    let lang = widget.lang;
    let text = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let status = RwSignal::new(Status::Idle);
    // The last reply sent waits for the brand's approval.
    let held = RwSignal::new(false);
    // A reply was sent: the visitor may ask to hear the brand's answer.
    let replied = RwSignal::new(false);
    let post_id = StoredValue::new(post_id);

    let max_chars = widget.max_chars;
    let draft = move || text.with(|t| Draft::of(t, max_chars.get()));
    let name_ok = move || widget.session.with(Option::is_some) || widget.sso.is_some() || name.with(|n| check_name_by(n, graphemes).is_ok());
    let can_send = move || draft().sendable && name_ok() && status.with(|s| *s != Status::Loading);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_send() {
            return;
        }
        status.set(Status::Loading);
        spawn_local(async move {
            let (post, body) = (post_id.get_value(), text.get_untracked());
            let api = &widget.api;
            let result = widget.as_visitor(name.get_untracked(), |token| async move { api.reply(&post, body, &token).await });
            status.set(match result.await {
                Ok(reply) => {
                    held.set(reply.is_none());
                    replied.set(true);
                    if let Some(reply) = reply {
                        replies.push(reply);
                    }
                    text.set(String::new());
                    Status::Idle
                }
                Err(error) => Status::Failed(error),
            });
        });
    };

    view! {
        <form class="gz-reply-box" part="reply-box" on:submit=on_submit>
            <textarea
                class="gz-reply-input"
                rows="2"
                placeholder=lang.t(Text::WriteReply)
                aria-label=lang.t(Text::WriteReply)
                prop:value=text
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="gz-reply-actions">
                <NameInput widget name/>
                <span class=move || if draft().over { "gz-counter gz-over" } else { "gz-counter" }>
                    {move || draft().count}"/"{max_chars}
                </span>
                <button class="gz-send" type="submit" disabled=move || !can_send()>{lang.t(Text::Send)}</button>
            </div>
            {error_note(lang, status)}
            {move || held.get().then(|| view! { <p class="gz-held" role="status">{lang.t(Text::Held)}</p> })}
            <button class=move || bell_class(replied.get() && widget.push.get()) type="button">
                {lang.t(Text::TellMeWhen)}" "{widget.brand.get_value()}" "{lang.t(Text::Answers)}
            </button>
        </form>
    }
}

/// The visitor's display name, asked only while the page has no session.
#[component]
pub fn NameInput(widget: &'static Widget, name: RwSignal<String>) -> impl IntoView {
    let label = widget.lang.t(Text::YourName);
    move || {
        // A customer signed in through the company's site is never asked.
        (widget.sso.is_none() && widget.session.with(Option::is_none)).then(|| {
            view! { <input class="gz-name" type="text" autocomplete="nickname" placeholder=label aria-label=label prop:value=name on:input=move |ev| name.set(event_target_value(&ev))/> }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counter_and_send_state() {
        assert_eq!(Draft::of("", 140), Draft { count: 0, over: false, sendable: false });
        assert_eq!(Draft::of("  \n ", 140), Draft { count: 0, over: false, sendable: false });
        assert_eq!(Draft::of(" salut ", 140), Draft { count: 5, over: false, sendable: true });
        assert_eq!(Draft::of(&"🐦".repeat(140), 140), Draft { count: 140, over: false, sendable: true });
        assert_eq!(Draft::of(&"x".repeat(141), 140), Draft { count: 141, over: true, sendable: false });
        assert!(!Draft::of("a\u{202E}b", 140).sendable);
        assert_eq!(Draft::of(&"x".repeat(141), 280), Draft { count: 141, over: false, sendable: true });
        // A link counts as 23, however long.
        let linked = format!("{} https://acme.fr/{}", "x".repeat(116), "a".repeat(300));
        assert_eq!(Draft::of(&linked, 140), Draft { count: 140, over: false, sendable: true });
    }
}
