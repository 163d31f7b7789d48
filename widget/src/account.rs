//! The account header: name, handle, bio, follower count and the Follow button.

use crate::api::FollowCall;
use crate::bell::bell_class;
use crate::i18n::Text;
use crate::reply_box::NameInput;
use crate::status::{Status, error_note};
use crate::widget::Widget;
use gazouillis_protocol::Account;
use gazouillis_protocol::live::Event;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn AccountHeader(widget: &'static Widget, account: Account) -> impl IntoView {
    let lang = widget.lang;
    let followers = RwSignal::new(account.followers);
    let following = widget.following;
    // Following needs a session: without one, the first click asks for a name.
    let asking_name = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let status = RwSignal::new(Status::Idle);
    let handle = StoredValue::new(account.handle.clone());

    let follow_call = move |call: FollowCall| {
        // Reading the state is a nicety: it neither holds the button (a
        // press before the widget took over acts at once) nor says it failed,
        // and a follow or unfollow under way outranks its answer.
        let read = matches!(call, FollowCall::Read);
        if !read {
            status.set(Status::Loading);
        }
        spawn_local(async move {
            let handle = handle.get_value();
            let api = &widget.api;
            let result = widget.as_visitor(name.get_untracked(), |token| async move { api.follow(&handle, call, &token).await });
            match result.await {
                _ if read && status.get_untracked() == Status::Loading => {}
                Ok(state) => {
                    following.set(state.following);
                    followers.set(state.followers);
                    asking_name.set(false);
                    status.set(Status::Idle);
                }
                Err(_) if read => {}
                Err(error) => status.set(Status::Failed(error)),
            }
        });
    };
    if widget.session.with_untracked(Option::is_some) {
        follow_call(FollowCall::Read);
    }
    // The hub counts followers one at a time: what it pushes is exact.
    widget.live.subscribe(move |event| match event {
        Event::Followers { followers: n } => followers.set(*n),
        Event::Hello { account, .. } => followers.set(account.followers),
        _ => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if status.get_untracked() == Status::Loading {
            return;
        }
        if widget.session.with_untracked(Option::is_none) && !asking_name.get_untracked() {
            asking_name.set(true);
            return;
        }
        follow_call(if following.get_untracked() { FollowCall::Unfollow } else { FollowCall::Follow });
    };

    let initial = account.name.chars().next().map(String::from).unwrap_or_default();
    view! {
        <header class="gz-account" part="header">
            <div class="gz-avatar" aria-hidden="true">{initial}</div>
            <div class="gz-who">
                <div class="gz-account-name">{account.name}</div>
                <div class="gz-handle">"@"{account.handle}</div>
            </div>
            <form class="gz-follow-form" on:submit=on_submit>
                {move || asking_name.get().then(|| view! { <NameInput widget name/> })}
                <button
                    class="gz-follow"
                    part="follow-button"
                    type="submit"
                    aria-pressed=move || if following.get() { "true" } else { "false" }
                    disabled=move || status.with(|s| *s == Status::Loading)
                >
                    {move || lang.t(if following.get() { Text::Following } else { Text::Follow })}
                </button>
            </form>
        </header>
        {(!account.bio.is_empty()).then(|| view! { <p class="gz-bio">{account.bio}</p> })}
        <p class="gz-followers">
            <span class="gz-followers-count">{followers}</span>
            " "
            {move || lang.counted(followers.get(), Text::Follower, Text::Followers)}
            <button class=move || bell_class(following.get() && widget.push.get()) type="button">{lang.t(Text::NotifyPosts)}</button>
        </p>
        {error_note(lang, status)}
    }
}
