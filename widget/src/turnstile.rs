//! The Turnstile challenge, shown when the edge asks for one before a new
//! visitor session (the account's info then names the site key and the
//! script). The script is loaded once per page, on the first need: visitors
//! who only read never load it.

use crate::api::{ApiError, error};
use gazouillis_protocol::TurnstileSite;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::Node;

fn failed() -> ApiError {
    error("turnstile_failed")
}

/// Shows the challenge in `parent` until it is solved, and answers its token.
pub async fn solve(site: &TurnstileSite, parent: &Node) -> Result<String, ApiError> {
    let window = web_sys::window().ok_or_else(failed)?;
    let document = window.document().ok_or_else(failed)?;
    if turnstile(&window).is_none() {
        load_script(&document, &site.script).await?;
    }
    let api = turnstile(&window).ok_or_else(failed)?;
    let render: Function = Reflect::get(&api, &"render".into()).ok().and_then(|f| f.dyn_into().ok()).ok_or_else(failed)?;
    let challenge = document.create_element("div").map_err(|_| failed())?;
    challenge.set_class_name("gz-challenge");
    parent.append_child(&challenge).map_err(|_| failed())?;
    let solved = Promise::new(&mut |resolve, reject| {
        let options = Object::new();
        let _ = Reflect::set(&options, &"sitekey".into(), &site.site_key.as_str().into());
        let _ = Reflect::set(&options, &"callback".into(), &resolve);
        let _ = Reflect::set(&options, &"error-callback".into(), &reject);
        if let Err(error) = render.call2(&api, &challenge, &options) {
            let _ = reject.call1(&JsValue::NULL, &error);
        }
    });
    let token = JsFuture::from(solved).await;
    challenge.remove();
    token.ok().and_then(|token| token.as_string()).ok_or_else(failed)
}

fn turnstile(window: &web_sys::Window) -> Option<JsValue> {
    Reflect::get(window, &"turnstile".into()).ok().filter(JsValue::is_object)
}

async fn load_script(document: &web_sys::Document, src: &str) -> Result<(), ApiError> {
    let script = document.create_element("script").map_err(|_| failed())?;
    script.set_attribute("src", src).map_err(|_| failed())?;
    let loaded = Promise::new(&mut |resolve, reject| {
        let _ = Reflect::set(&script, &"onload".into(), &resolve);
        let _ = Reflect::set(&script, &"onerror".into(), &reject);
    });
    document.body().ok_or_else(failed)?.append_child(&script).map_err(|_| failed())?;
    JsFuture::from(loaded).await.map(drop).map_err(|_| failed())
}
