//! Request and response helpers shared by the handlers: bounded JSON bodies,
//! list queries, bearer tokens and ETags.

use crate::error::{ApiError, ApiResult};
use futures_util::StreamExt;
use gazouillis_protocol::fresh::VERSION_HEADER;
use gazouillis_protocol::limits::{DEFAULT_LIMIT, MAX_BODY_BYTES, PAGE_SIZE};
use gazouillis_protocol::{Cursor, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::hash::{DefaultHasher, Hash, Hasher};
use worker::{Headers, Request, Response};

/// Reads a body of at most `max` bytes, stopping as soon as it is larger
/// (answered `too_large`): a huge body is refused without being read whole.
pub async fn read_bytes(req: &mut Request, max: usize, too_large: ErrorCode) -> ApiResult<Vec<u8>> {
    let declared = req.headers().get("content-length")?.and_then(|len| len.parse::<usize>().ok());
    if declared.is_some_and(|len| len > max) {
        return Err(too_large.into());
    }
    let mut body = Vec::new();
    if let Ok(mut stream) = req.stream() {
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
            if body.len() > max {
                return Err(too_large.into());
            }
        }
    }
    Ok(body)
}

/// Reads a JSON body of at most `MAX_BODY_BYTES` (see [`read_bytes`]).
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> ApiResult<T> {
    parse_json(&read_bytes(req, MAX_BODY_BYTES, ErrorCode::BodyTooLarge).await?)
}

fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    // Every body is an object: serde would also read a struct from an array
    // of its field values.
    if body.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::with_message(ErrorCode::MalformedJson, "The request body must be a JSON object."));
    }
    serde_json::from_slice(body)
        .map_err(|err| ApiError::with_message(ErrorCode::MalformedJson, format!("The request body is not the JSON this call expects: {err}.")))
}

/// [`read_json`] for a call whose body may be left out (empty): then `T`'s default.
pub async fn read_optional_json<T: DeserializeOwned + Default>(req: &mut Request) -> ApiResult<T> {
    let body = read_bytes(req, MAX_BODY_BYTES, ErrorCode::BodyTooLarge).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    parse_json(&body)
}

/// A JSON response with the given status.
pub fn json<T: Serialize>(status: u16, value: &T) -> ApiResult {
    Ok(Response::from_json(value)?.with_status(status))
}

/// A 200 JSON response cut from a view of the account's `version`, with an
/// ETag; 304 with no body when the client already has it (`If-None-Match`).
/// Lets open widgets poll for nearly nothing.
pub fn cached_json<T: Serialize>(req: &Request, value: &T, version: u64) -> ApiResult {
    let body = serde_json::to_string(value).map_err(|_| ErrorCode::Internal)?;
    cached(req, body, "application/json", version)
}

/// A 200 response of `body`, rendered from a view of the account's
/// `version`, with an ETag of its bytes; 304 with no body when the client
/// already has it (`If-None-Match`).
pub fn cached(req: &Request, body: String, content_type: &str, version: u64) -> ApiResult {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    let etag = format!("\"{:016x}\"", hasher.finish());
    let headers = Headers::new();
    headers.set("etag", &etag)?;
    headers.set("cache-control", "no-cache")?;
    headers.set(VERSION_HEADER, &version.to_string())?;
    if req.headers().get("if-none-match")?.is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag)) {
        return Ok(Response::empty()?.with_status(304).with_headers(headers));
    }
    headers.set("content-type", content_type)?;
    Ok(Response::ok(body)?.with_headers(headers))
}

/// The value of the query parameter `name`, if the URL has it.
pub fn query_param(req: &Request, name: &str) -> ApiResult<Option<String>> {
    Ok(req.url()?.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned()))
}

/// The token of an `Authorization: Bearer` header.
pub fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get("authorization").ok()??;
    value.strip_prefix("Bearer ").map(|token| token.trim().to_owned())
}

/// `?limit=`: 1 to [`PAGE_SIZE`].
pub fn parse_limit(value: &str) -> ApiResult<usize> {
    value.parse().ok().filter(|limit| (1..=PAGE_SIZE).contains(limit)).ok_or_else(|| ErrorCode::InvalidLimit.into())
}

/// `?limit=&cursor=` of a list call.
pub struct ListQuery {
    pub limit: usize,
    pub cursor: Option<Cursor>,
}

impl ListQuery {
    pub fn from_request(req: &Request) -> ApiResult<Self> {
        let url = req.url()?;
        let mut query = ListQuery { limit: DEFAULT_LIMIT, cursor: None };
        for (name, value) in url.query_pairs() {
            match &*name {
                "limit" => query.limit = parse_limit(&value)?,
                "cursor" => query.cursor = Some(value.parse().map_err(|()| ErrorCode::InvalidCursor)?),
                _ => {}
            }
        }
        Ok(query)
    }
}
