//! A post's pictures: each at its own size ratio (its width and height come
//! with the post, so the feed does not move as they load), loaded when they
//! come near the viewport; a click opens one large in a dialog, which
//! Escape or its Close button closes.

use crate::i18n::{Lang, Text};
use gazouillis_protocol::media::Image;
use leptos::html;
use leptos::prelude::*;

/// `images`, whose URLs are paths on the API at `base`.
pub fn images_view(lang: Lang, base: &str, images: Vec<Image>) -> impl IntoView + use<> {
    let large = RwSignal::new(None::<Image>);
    let dialog = NodeRef::<html::Dialog>::new();
    let base = base.to_owned();
    let shown = images
        .into_iter()
        .map(|image| {
            let src = format!("{base}{}", image.url);
            let opened = Image { url: src.clone(), ..image.clone() };
            let open = move |_| {
                large.set(Some(opened.clone()));
                if let Some(dialog) = dialog.get() {
                    let _ = dialog.show_modal();
                }
            };
            view! {
                <button type="button" class="gz-image" on:click=open>
                    <img src=src alt=image.alt width=image.width height=image.height loading="lazy"/>
                </button>
            }
        })
        .collect::<Vec<_>>();
    let close = move |_| {
        if let Some(dialog) = dialog.get() {
            dialog.close();
        }
    };
    view! {
        <div class="gz-images">{shown}</div>
        <dialog class="gz-lightbox" node_ref=dialog on:close=move |_| large.set(None)>
            {move || large.get().map(|image| view! { <img src=image.url alt=image.alt width=image.width height=image.height/> })}
            <button type="button" class="gz-close" on:click=close>{lang.t(Text::Close)}</button>
        </dialog>
    }
}
