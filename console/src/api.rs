//! Every call the console makes, over API v1 on its own origin, with the
//! signed-in token. A token the edge refuses (401: wrong, revoked) signs the
//! console out.

use crate::console::Console;
use crate::i18n::Text;
use gazouillis_protocol::limits::DEFAULT_MAX_CHARS;
use gazouillis_protocol::{AccountInfo, ErrorBody};
use leptos::prelude::*;
use gloo_net::http::{Method, RequestBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a call sends.
enum Payload {
    Json(String),
    Bytes(wasm_bindgen::JsValue),
}

/// What a call answered instead of success.
#[derive(Clone, Debug, PartialEq)]
pub struct ApiError {
    /// The stable code of the API (`text_too_long`), or `network`.
    pub code: String,
    /// The API's own message, in English, for codes the console does not word.
    pub message: String,
}

impl ApiError {
    fn network(error: impl std::fmt::Display) -> ApiError {
        ApiError { code: "network".into(), message: error.to_string() }
    }
}

/// A path segment, percent-encoded (handles and ids are plain, but a call
/// never trusts what it is given).
pub fn segment(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// `/v1/accounts/{handle}{rest}` for the account being run.
pub fn account_path(console: Console, rest: &str) -> String {
    format!("/v1/accounts/{}{rest}", segment(&console.account()))
}

/// The most characters a post or a reply may hold on this edge, for the counters.
pub fn max_chars(console: Console) -> LocalResource<usize> {
    LocalResource::new(move || async move {
        console.get::<AccountInfo>(&account_path(console, "")).await.map_or(DEFAULT_MAX_CHARS, |info| info.max_chars)
    })
}

impl Console {
    pub async fn get<T: DeserializeOwned>(self, path: &str) -> Result<T, ApiError> {
        self.call(Method::GET, path, None::<&()>).await
    }

    /// An action whose answer is not needed beyond its success.
    pub async fn act<B: Serialize>(self, method: Method, path: &str, body: Option<&B>) -> Result<(), ApiError> {
        self.call::<serde::de::IgnoredAny, B>(method, path, body).await.map(drop)
    }

    /// A call with a JSON body or none; an empty answer reads as JSON `null`.
    pub async fn call<T: DeserializeOwned, B: Serialize>(self, method: Method, path: &str, body: Option<&B>) -> Result<T, ApiError> {
        let token = self.token().unwrap_or_default();
        let body = match body {
            Some(body) => Some(Payload::Json(serde_json::to_string(body).map_err(ApiError::network)?)),
            None => None,
        };
        self.send(&token, method, path, body).await
    }

    /// Sends a file's bytes as they are (a picture to upload).
    pub async fn upload<T: DeserializeOwned>(self, path: &str, file: &web_sys::Blob) -> Result<T, ApiError> {
        let token = self.token().unwrap_or_default();
        self.send(&token, Method::POST, path, Some(Payload::Bytes(file.into()))).await
    }

    async fn send<T: DeserializeOwned>(self, token: &str, method: Method, path: &str, body: Option<Payload>) -> Result<T, ApiError> {
        let text = self.send_with(token, method, path, body).await.inspect_err(|error| {
            // Only a token still signed in is signed out: a late answer to a
            // previous session's call must not end the new one.
            if error.code == "unauthorized" && self.token().as_deref() == Some(token) {
                self.sign_out(Some(Text::TokenRefused));
            }
        })?;
        serde_json::from_str(if text.is_empty() { "null" } else { &text }).map_err(ApiError::network)
    }

    /// One call with `token` and no body, answering the body's text on success.
    pub async fn call_with(self, token: &str, method: Method, path: &str) -> Result<String, ApiError> {
        self.send_with(token, method, path, None).await
    }

    async fn send_with(self, token: &str, method: Method, path: &str, body: Option<Payload>) -> Result<String, ApiError> {
        let builder = RequestBuilder::new(path).method(method).header("Authorization", &format!("Bearer {token}"));
        let request = match body {
            Some(Payload::Json(json)) => builder.header("Content-Type", "application/json").body(json),
            Some(Payload::Bytes(bytes)) => builder.body(bytes),
            None => builder.build(),
        }
        .map_err(ApiError::network)?;
        let response = request.send().await.map_err(ApiError::network)?;
        let text = response.text().await.map_err(ApiError::network)?;
        if response.ok() {
            return Ok(text);
        }
        Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => ApiError { code: body.error.code, message: body.error.message },
            Err(_) => ApiError { code: "network".into(), message: format!("{} {}", response.status(), response.status_text()) },
        })
    }
}
