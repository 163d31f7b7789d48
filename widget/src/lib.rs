//! The embeddable Gazouillis feed: `<gazouillis-feed account="acme">` on any
//! page shows an account's posts and lets visitors follow it and reply.
//!
//! A Leptos client-side (CSR) app compiled to wasm. The loader
//! (`loader/gazouillis.js`) defines the custom element and calls [`mount`],
//! which renders into the element's shadow root, so the host page's CSS and
//! the widget's never meet. Each element is an independent widget; they share
//! only the visitor session of their API.
//!
//! It is not an admin tool (accounts and posts are written with the API's
//! admin token elsewhere) and it renders no server-side HTML. Post and reply
//! texts are always text nodes, never markup; their links are anchors built
//! from `gazouillis_protocol::rich`'s segments (http and https only).

mod account;
mod api;
mod bell;
mod count;
mod feed;
mod images;
mod json;
mod kept;
mod list;
mod live;
mod offer;
mod pager;
mod post;
mod reply_box;
mod rich;
mod status;
mod thread;
mod turnstile;
mod widget;

/// The brand console's preview of a post (its style sheet is `widget.css` too).
pub use post::preview;
/// What the widget's counter shows of a draft, which the console shares.
pub use reply_box::Draft;
/// A text with its links, hashtags and mentions, as the console shows them too.
pub use rich::rich_text;

use crate::account::AccountHeader;
use crate::api::{Api, ApiError, posts_path};
use crate::feed::Feed;
use crate::i18n::Lang;
use gazouillis_protocol::i18n;
use crate::pager::{Arrival, Pager};
use crate::status::{Status, progress};
use crate::post::PostView;
use crate::widget::Widget;
use futures::future::join;
use gazouillis_protocol::live::Event;
use gazouillis_protocol::limits::FIRST_VIEW_FRESH_MS;
use gazouillis_protocol::{Account, AccountInfo, FirstView, PostPage, ReplyPage};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::task::spawn_local;
use send_wrapper::SendWrapper;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

/// Renders a widget into `host`'s open shadow root, already styled: the
/// loader attached it and adopted the style sheet there, or it came with
/// the page (a server-rendered view, which links the sheet). Attributes of `host`: `account` (the
/// handle), `post` (an id: show that conversation only), `api` (the API
/// origin, else `default_api`), `lang` (`fr` or `en`, else the page's
/// language, else the browser's).
#[wasm_bindgen]
pub fn mount(host: HtmlElement, default_api: String) -> Result<(), JsValue> {
    let attribute = |element: &web_sys::Element, name: &str| element.get_attribute(name).filter(|v| !v.trim().is_empty());
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let shadow = host.shadow_root().ok_or("no shadow root")?;
    let post = attribute(&host, "post");
    let handle = attribute(&host, "account").unwrap_or_default();
    let api = Api::new(&attribute(&host, "api").unwrap_or(default_api), &handle);
    let lang_tag = attribute(&host, "lang")
        .or_else(|| attribute(&document.document_element()?, "lang"))
        .or_else(|| window.navigator().language());
    let lang = Lang::from_tag(&lang_tag.unwrap_or_default());

    let container: HtmlElement = document.create_element("div")?.unchecked_into();
    container.set_class_name("gz");
    container.set_attribute("part", "container")?;
    container.set_attribute("lang", lang.tag())?;
    // A shadow root showing the edge's first view keeps it until the
    // widget's own first view is ready, which then replaces it at once (no
    // flash, nothing twice); an empty one shows the widget at once. The
    // host is marked `data-ready` once the widget's own view is in place.
    let first = first_view_in(&shadow).filter(|first| !api.has_written_since(first.version));
    if shadow.child_element_count() == 0 {
        shadow.append_child(&container)?;
        host.set_attribute("data-ready", "")?;
    }
    let (root, shown) = (SendWrapper::new(shadow), SendWrapper::new(container.clone()));
    let take_over = Callback::new(move |()| {
        if !root.contains(Some(&shown)) {
            let _ = take_over_view(&root, &shown);
        }
    });

    let sso = attribute(&host, "sso");
    let widget = Widget::new(api, lang, host, &handle, sso);
    let first = StoredValue::new(first);
    leptos::mount::mount_to(container, move || view! { <App widget handle post first take_over/> }).forget();
    Ok(())
}

#[wasm_bindgen(module = "/src/take_over.js")]
extern "C" {
    /// Puts the widget's own view in place of the edge's first view, with
    /// what the reader typed and pressed there, and marks the host
    /// `data-ready`. (Caught: a DOM call that throws there leaves the widget
    /// working.)
    #[wasm_bindgen(catch, js_name = takeOver)]
    fn take_over_view(root: &web_sys::ShadowRoot, container: &HtmlElement) -> Result<(), JsValue>;
}

/// The first view a server-rendered element holds, while it is fresh. (One
/// older than the visitor's last write is not used either: they read their
/// own writes.)
fn first_view_in(root: &web_sys::ShadowRoot) -> Option<FirstView> {
    let data = root.query_selector("script.gz-first-view").ok()??.text_content()?;
    let first: FirstView = crate::json::parse(&data)?;
    (js_sys::Date::now() as u64 <= first.at.saturating_add(FIRST_VIEW_FRESH_MS)).then_some(first)
}

/// The header and the feed, or the header and one conversation, once both
/// have loaded; until then "Loading…", or what failed with Retry.
/// `take_over` puts the widget in place of a server-rendered view once its
/// own first view is drawn.
#[component]
fn App(
    widget: &'static Widget,
    handle: String,
    post: Option<String>,
    first: StoredValue<Option<FirstView>>,
    take_over: Callback<()>,
) -> impl IntoView {
    let conversation = post.is_some();
    // The feed's posts, or the conversation's one post.
    let posts = Pager::<PostPage>::new(widget, posts_path(&handle), true);
    let account = RwSignal::new(None::<Account>);
    // A conversation's replies from a server-rendered first view, with its version.
    let first_replies = StoredValue::new(None::<(ReplyPage, u64)>);
    let status = RwSignal::new(Status::Loading);
    let (handle, post) = (StoredValue::new(handle), StoredValue::new(post));
    let load = move || {
        status.set(Status::Loading);
        spawn_local(async move {
            // A server-rendered first view serves once; a retry fetches.
            let loaded = match first.try_update_value(Option::take).flatten() {
                Some(mut first) => {
                    first_replies.set_value(first.replies.take().map(|replies| (replies, first.version)));
                    Ok(shown(first, conversation, posts))
                }
                None => first_view(widget, &handle.get_value(), post.get_value(), posts).await,
            };
            match loaded {
                Ok(loaded) => {
                    widget.max_chars.set(loaded.max_chars);
                    widget.turnstile.set_value(loaded.turnstile);
                    widget.offer_push(loaded.push, &loaded.account.name);
                    account.set(Some(loaded.account));
                    status.set(Status::Idle);
                    // Leptos draws after this task's microtasks: a timer's turn comes after.
                    set_timeout(move || take_over.run(()), std::time::Duration::ZERO);
                }
                Err(error) => status.set(Status::Failed(error)),
            }
        });
    };
    load();
    widget.sign_in_customer();
    Effect::new(move || widget.show_live(widget.live.connected.get()));
    widget.live.subscribe(move |event| match event {
        Event::Hello { newest_post, version, .. } if !conversation => posts.catch_up(newest_post.clone(), *version, *version),
        Event::Post { post } if !conversation => posts.arrive(post.clone()),
        Event::PostDeleted { id } => posts.remove(id),
        Event::Reply { reply, replies } => posts.update(&reply.post, |post| post.replies = post.replies.max(*replies)),
        Event::ReplyDeleted { post, replies, .. } => posts.update(post, |post| post.replies = *replies),
        _ => {}
    });
    let body = move || {
        if conversation {
            let post = posts.items.with_untracked(|list| list.first().cloned());
            let replies = first_replies.try_update_value(Option::take).flatten();
            Either::Left(post.map(|post| view! { <PostView widget post posts=posts.items always_open=true replies/> }))
        } else {
            Either::Right(view! { <Feed widget posts/> })
        }
    };
    view! {
        {move || account.get().map(|account| view! { <AccountHeader widget account/> {body()} })}
        {progress(widget.lang, status, Callback::new(move |()| load()))}
    }
}

/// What a server-rendered element held: its posts go in `posts`, as [`first_view`] puts them.
fn shown(first: FirstView, conversation: bool, posts: Pager<PostPage>) -> AccountInfo {
    if conversation {
        first.posts.posts.into_iter().for_each(|post| posts.push(post));
    } else {
        posts.seed(first.posts, first.version);
    }
    first.account
}

/// Fetches, side by side, the account and either the first page of its feed
/// or the one post of a conversation, which go in `posts`.
async fn first_view(
    widget: &Widget,
    handle: &str,
    post: Option<String>,
    posts: Pager<PostPage>,
) -> Result<AccountInfo, ApiError> {
    let api = &widget.api;
    match post {
        Some(id) => {
            let (account, post) = join(api.account(handle), api.post(&id)).await;
            posts.push(post?);
            account
        }
        None => {
            let path = posts_path(handle);
            let (account, page) = join(api.account(handle), api.page::<PostPage>(&path, None, None, 0)).await;
            posts.take(None, page?, Arrival::Loaded);
            account
        }
    }
}
