//! The pages readers reach outside the widget, under `/@{handle}`: for now
//! the account's feeds (Atom, RSS, JSON Feed), each the newest posts of the
//! account from one KV read, with an ETag (304 when unchanged).

use crate::error::ApiResult;
use crate::http::cached;
use crate::views::Views;
use gazouillis_pages::{feeds, Site};
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::site::FeedFormat;
use gazouillis_protocol::ErrorCode;
use worker::{Env, Method, Request};

pub async fn route(req: Request, env: &Env) -> ApiResult {
    let path = req.path();
    let segments: Vec<&str> = path.trim_start_matches("/@").split('/').collect();
    match segments.as_slice() {
        [handle, file] if is_handle(handle) => match FeedFormat::from_file_name(file) {
            Some(format) if req.method() == Method::Get => feed(&req, env, handle, format).await,
            Some(_) => Err(ErrorCode::MethodNotAllowed.into()),
            None => Err(ErrorCode::NotFound.into()),
        },
        [handle, ..] if !is_handle(handle) => Err(ErrorCode::AccountNotFound.into()),
        _ => Err(ErrorCode::NotFound.into()),
    }
}

async fn feed(req: &Request, env: &Env, handle: &str, format: FeedFormat) -> ApiResult {
    let head = Views::new(env)?.feed_head(handle).await?;
    let account = head.view.account.ok_or(ErrorCode::AccountNotFound)?;
    let origin = req.url()?.origin().ascii_serialization();
    let body = feeds::render(format, Site::new(&origin), &account, &head.view.page.items);
    cached(req, body, &format!("{}; charset=utf-8", format.media_type()), head.version)
}
