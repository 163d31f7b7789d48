//! What readers reach outside the widget, all server-rendered from the KV
//! views (`gazouillis_pages`): the account's feeds, page and search, a page
//! per post, the embeddable fragments (`/embed/…`, the widget's element
//! with its first view inside) and oEmbed. Each but the search answers
//! with an ETag (304 while unchanged).

use crate::error::ApiResult;
use crate::http::{cached, query_param};
use crate::views::Views;
use gazouillis_pages::embed::{self, Shown};
use crate::hub::{self, Command};
use gazouillis_pages::{account_page, feeds, oembed, post_page, Site};
use gazouillis_protocol::limits::DEFAULT_LIMIT;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::i18n::Lang;
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::site::{post_of_page, FeedFormat};
use gazouillis_protocol::{Account, ErrorCode, Post, PostId, Reply, SearchResults};
use worker::{Date, Env, Method, Request, Response};

const HTML: &str = "text/html; charset=utf-8";

/// Whether `path` is one of these pages'.
pub fn serves(path: &str) -> bool {
    path.starts_with("/@") || path.starts_with("/embed/") || path == "/oembed"
}

pub async fn route(req: Request, env: &Env) -> ApiResult {
    if req.method() != Method::Get {
        return Err(ErrorCode::MethodNotAllowed.into());
    }
    let path = req.path();
    let (embedded, rest) = match path.strip_prefix("/embed/") {
        Some(rest) => (true, rest),
        None if path == "/oembed" => return oembed(&req, env).await,
        None => (false, path.trim_start_matches("/@")),
    };
    let segments: Vec<&str> = rest.split('/').collect();
    match (embedded, segments.as_slice()) {
        (_, [handle, ..]) if !is_handle(handle) => Err(ErrorCode::AccountNotFound.into()),
        (false, [handle, file]) if file.starts_with("feed.") => match FeedFormat::from_file_name(file) {
            Some(format) => feed(&req, env, handle, format).await,
            None => Err(ErrorCode::NotFound.into()),
        },
        (true, [handle]) => feed_element(&req, env, handle).await,
        (false, [handle]) => account(&req, env, handle).await,
        (false, [handle, "search"]) => search(&req, env, handle).await,
        (_, [handle, seq]) => {
            let id = post_of_page(handle, seq).ok_or(ErrorCode::NotFound)?;
            post(&req, env, &id, embedded).await
        }
        _ => Err(ErrorCode::NotFound.into()),
    }
}

/// The site at the request's origin.
fn origin(req: &Request) -> ApiResult<String> {
    Ok(req.url()?.origin().ascii_serialization())
}

/// `?lang=`, else the reader's first language (`Accept-Language`).
fn lang(req: &Request) -> ApiResult<Lang> {
    let accepted = req.headers().get("accept-language")?.unwrap_or_default();
    let tag = query_param(req, "lang")?.unwrap_or(accepted);
    Ok(Lang::from_tag(tag.trim_start()))
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

async fn feed(req: &Request, env: &Env, handle: &str, format: FeedFormat) -> ApiResult {
    let head = Views::new(env)?.feed_head(handle).await?;
    let account = head.view.account.ok_or(ErrorCode::AccountNotFound)?;
    let origin = origin(req)?;
    let body = feeds::render(format, Site::new(&origin), &account, &head.view.page.items);
    cached(req, body, &format!("{}; charset=utf-8", format.media_type()), head.version)
}

/// The account and its newest posts, as many as the widget's first page (one KV read).
async fn newest(env: &Env, handle: &str) -> ApiResult<(Account, Vec<Post>, u64)> {
    let head = Views::new(env)?.feed_head(handle).await?;
    let account = head.view.account.ok_or(ErrorCode::AccountNotFound)?;
    let mut posts = head.view.page.items;
    posts.truncate(DEFAULT_LIMIT);
    Ok((account, posts, head.version))
}

/// `/embed/{handle}`: the account's element with its newest posts.
async fn feed_element(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let (account, posts, version) = newest(env, handle).await?;
    let origin = origin(req)?;
    let element = embed::element(Site::new(&origin), lang(req)?, now_ms(), &account, &Shown::Feed(&posts));
    cached(req, element.into_string(), HTML, version)
}

/// `/@{handle}`: the account's page.
async fn account(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let (account, posts, version) = newest(env, handle).await?;
    let origin = origin(req)?;
    let page = account_page::render(Site::new(&origin), lang(req)?, now_ms(), &account, &posts);
    cached(req, page, HTML, version)
}

/// `/@{handle}/search?q=`: what the public finds in the account (its hub's
/// index: one Durable Object request, none for an empty or unreadable query).
async fn search(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let (account, _, _) = newest(env, handle).await?;
    let q = query_param(req, "q")?.unwrap_or_default();
    let hits = match Query::parse(&q) {
        Ok(_) => {
            let command = Command::Search { q: q.clone(), before: None, limit: DEFAULT_LIMIT, brand: false };
            hub::send(env, handle, &command).await?.json::<SearchResults>().await?.hits
        }
        Err(_) => Vec::new(),
    };
    let origin = origin(req)?;
    let page = account_page::search(Site::new(&origin), lang(req)?, &account, q.trim(), &hits);
    Ok(Response::from_html(page)?)
}

/// `/@{handle}/{number}` (the post's page) or `/embed/{handle}/{number}` (its element):
/// the post, its first replies and its account (three KV reads).
async fn post(req: &Request, env: &Env, id: &PostId, embedded: bool) -> ApiResult {
    let views = Views::new(env)?;
    let post = views.post(id).await?;
    let account = views.account(&id.handle).await?.view;
    let replies: Vec<Reply> = views.thread(id, 0).await?.map(|thread| thread.view.items).unwrap_or_default();
    let origin = origin(req)?;
    let (site, lang) = (Site::new(&origin), lang(req)?);
    let body = if embedded {
        embed::element(site, lang, now_ms(), &account, &Shown::Conversation(&post.view, &replies)).into_string()
    } else {
        post_page::render(site, lang, now_ms(), &account, &post.view, &replies)
    };
    cached(req, body, HTML, post.version)
}

/// `/oembed?url={a post's page}[&format=json]`.
async fn oembed(req: &Request, env: &Env) -> ApiResult {
    if query_param(req, "format")?.is_some_and(|format| format != "json") {
        return Err(ErrorCode::UnsupportedFormat.into());
    }
    let url = query_param(req, "url")?.ok_or(ErrorCode::BadRequest)?;
    let origin = origin(req)?;
    let site = Site::new(&origin);
    let id = oembed::post_of_url(site, &url).ok_or(ErrorCode::NotFound)?;
    let views = Views::new(env)?;
    let post = views.post(&id).await?;
    let account = views.account(&id.handle).await?.view;
    let embed = oembed::embed(site, &account, &post.view);
    Ok(Response::from_json(&embed)?)
}
