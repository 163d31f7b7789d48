//! Pictures of a new post, in Compose: chosen files are uploaded at once
//! (the edge checks their type and size), each shown small with its alt
//! text field, which the post requires; up to four. A picture taken off
//! is deleted at once.

use crate::api::{ApiError, account_path, segment};
use crate::console::Console;
use crate::i18n::{Phrases, Text};
use gazouillis_protocol::media::{MAX_ALT_CHARS, MAX_IMAGES, NewImage, Uploaded};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// One uploaded picture: its id, a local URL to show it, and its alt text.
#[derive(Clone)]
struct Picture {
    id: String,
    shown: String,
    alt: RwSignal<String>,
}

#[derive(Clone, Copy)]
pub struct Pictures {
    list: RwSignal<Vec<Picture>>,
    error: RwSignal<Option<ApiError>>,
}

impl Pictures {
    pub fn new() -> Pictures {
        Pictures { list: RwSignal::new(Vec::new()), error: RwSignal::new(None) }
    }

    /// What the new post carries.
    pub fn images(self) -> Vec<NewImage> {
        self.list.get_untracked().into_iter().map(|p| NewImage { id: p.id, alt: p.alt.get_untracked() }).collect()
    }

    pub fn clear(self) {
        self.list.set(Vec::new());
    }

    /// Takes picture `id` off the post and deletes its upload (gone
    /// already, expired, counts as deleted); it stays if that failed.
    fn remove(self, console: Console, id: String) {
        spawn_local(async move {
            let path = account_path(console, &format!("/media/{}", segment(&id)));
            match console.act(Method::DELETE, &path, None::<&()>).await {
                Err(e) if e.code != "not_found" => self.error.set(Some(e)),
                _ => {
                    self.error.set(None);
                    self.list.update(|list| list.retain(|p| p.id != id));
                }
            }
        });
    }
}

#[component]
pub fn PictureInputs(console: Console, pictures: Pictures) -> impl IntoView {
    let t = move |text| console.t(text);
    let chosen = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        let files: Vec<web_sys::File> = input.files().map(|list| (0..list.length()).filter_map(|i| list.get(i)).collect()).unwrap_or_default();
        input.set_value("");
        for file in files.into_iter().take(MAX_IMAGES.saturating_sub(pictures.list.with_untracked(Vec::len))) {
            spawn_local(async move {
                match console.upload::<Uploaded>(&account_path(console, "/media"), &file).await {
                    Ok(uploaded) => {
                        let shown = web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default();
                        pictures.error.set(None);
                        pictures.list.update(|list| list.push(Picture { id: uploaded.id, shown, alt: RwSignal::new(String::new()) }));
                    }
                    Err(e) => pictures.error.set(Some(e)),
                }
            });
        }
    };
    view! {
        <div class="pictures">
            <label for="compose-pictures">{move || t(Text::Pictures)}</label>
            <input id="compose-pictures" type="file" multiple accept="image/jpeg,image/png,image/webp,image/gif,image/avif"
                disabled=move || pictures.list.with(|list| list.len() >= MAX_IMAGES) on:change=chosen/>
            <p class="error" role="alert">{move || pictures.error.get().map(|e| console.lang.get().explain(&e))}</p>
            <ol class="picture-list">
                <For each=move || pictures.list.get() key=|picture| picture.id.clone() let:picture>
                    {
                        let field = format!("alt-{}", picture.id);
                        let id = picture.id.clone();
                        let alt = picture.alt;
                        view! {
                            <li class="picture" data-id=picture.id.clone()>
                                <img src=picture.shown alt=""/>
                                <label for=field.clone()>{move || t(Text::PictureAlt)}</label>
                                <input id=field required maxlength=MAX_ALT_CHARS.to_string() prop:value=alt on:input=move |ev| alt.set(event_target_value(&ev))/>
                                <button type="button" class="remove" on:click=move |_| pictures.remove(console, id.clone())>
                                    {move || t(Text::Remove)}
                                </button>
                            </li>
                        }
                    }
                </For>
            </ol>
        </div>
    }
}
