//! What readers reach outside the widget, all server-rendered from the KV
//! views (`gazouillis_pages`): the account's feeds, page and search, a page
//! per post, the embeddable fragments (`/embed/…`, the widget's element
//! with its first view inside) and oEmbed. Each but the search answers
//! with an ETag (304 while unchanged).

use crate::error::ApiResult;
use crate::http::{cached, query_param};
use crate::hub::{self, SearchCommand};
use crate::posts::seq_of;
use crate::views::Views;
use crate::{accounts, replies};
use gazouillis_pages::{account_page, document, embed, feeds, oembed, post_page, Site};
use gazouillis_protocol::limits::DEFAULT_LIMIT;
use gazouillis_protocol::search::Query;
use gazouillis_protocol::i18n::Lang;
use gazouillis_protocol::ids::is_handle;
use gazouillis_protocol::site::{post_of_page, FeedFormat};
use gazouillis_protocol::page::PageView;
use gazouillis_protocol::{Account, ErrorCode, ErrorDetail, FirstView, Post, PostId, PostPage, ReplyPage, SearchResults};
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
        (false, [handle, file]) if file.starts_with("feed.") => match FeedFormat::from_file_name(file) {
            Some(format) => feed(&req, env, account_handle(handle)?, format).await,
            None => Err(ErrorCode::NotFound.into()),
        },
        (false, _) => in_words(&req, page(&req, env, &segments).await),
        (true, [handle]) => feed_element(&req, env, account_handle(handle)?).await,
        (true, [handle, seq]) => post(&req, env, &post_named(handle, seq)?, true).await,
        _ => Err(ErrorCode::NotFound.into()),
    }
}

/// `handle` when it can name an account.
fn account_handle(handle: &str) -> ApiResult<&str> {
    if is_handle(handle) { Ok(handle) } else { Err(ErrorCode::AccountNotFound.into()) }
}

/// The post a page's `handle` and `seq` name.
fn post_named(handle: &str, seq: &str) -> ApiResult<PostId> {
    post_of_page(account_handle(handle)?, seq).ok_or_else(|| ErrorCode::NotFound.into())
}

/// The pages people open: `/@{handle}`, its search, a post's page.
async fn page(req: &Request, env: &Env, segments: &[&str]) -> ApiResult {
    match segments {
        [handle] => account(req, env, account_handle(handle)?).await,
        [handle, "search"] => search(req, env, account_handle(handle)?).await,
        [handle, seq] => post(req, env, &post_named(handle, seq)?, false).await,
        _ => Err(ErrorCode::NotFound.into()),
    }
}

/// A page that names no account or post, said in a page (404), not in JSON.
fn in_words(req: &Request, answer: ApiResult) -> ApiResult {
    match answer {
        Err(err) if err.code.status() == 404 => {
            let lang = lang(req)?;
            let what = lang.error(&ErrorDetail { code: err.code.as_str().to_owned(), message: err.message });
            Ok(Response::from_html(document::not_found(lang, &what))?.with_status(404))
        }
        answer => answer,
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

/// The account and its newest 50 posts, as the stored feed head holds
/// them (one KV read), and the version they were read at.
async fn feed_head(env: &Env, handle: &str) -> ApiResult<(Account, PageView<Post>, u64)> {
    let head = Views::new(env)?.feed_head(handle).await?;
    let account = head.view.account.ok_or(ErrorCode::AccountNotFound)?;
    Ok((account, head.view.page, head.version))
}

async fn feed(req: &Request, env: &Env, handle: &str, format: FeedFormat) -> ApiResult {
    let (account, page, version) = feed_head(env, handle).await?;
    let origin = origin(req)?;
    let body = feeds::render(format, Site::new(&origin), &account, &page.items);
    cached(req, body, &format!("{}; charset=utf-8", format.media_type()), version)
}

/// The account and its newest posts, the widget's first page (one KV read).
async fn newest(env: &Env, handle: &str) -> ApiResult<(FirstView, u64)> {
    let (account, page, version) = feed_head(env, handle).await?;
    let (posts, next) = page.newest_before(None, DEFAULT_LIMIT, seq_of);
    let posts = PostPage { posts, next: next.map(|cursor| cursor.to_string()) };
    let first = FirstView { at: now_ms(), version, account: accounts::info(env, account), posts, replies: None };
    Ok((first, version))
}

/// `/embed/{handle}`: the account's element with its newest posts.
async fn feed_element(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let (first, version) = newest(env, handle).await?;
    let origin = origin(req)?;
    let element = embed::element(Site::new(&origin), lang(req)?, &first);
    cached(req, element.into_string(), HTML, version)
}

/// `/@{handle}`: the account's page.
async fn account(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let (first, version) = newest(env, handle).await?;
    let origin = origin(req)?;
    cached(req, account_page::render(Site::new(&origin), lang(req)?, &first), HTML, version)
}

/// `/@{handle}/search?q=`: what the public finds in the account (its hub's
/// index: one Durable Object request, none for an empty or unreadable query).
async fn search(req: &Request, env: &Env, handle: &str) -> ApiResult {
    let account = Views::new(env)?.account(handle).await?.view;
    let q = query_param(req, "q")?.unwrap_or_default();
    let hits = match Query::parse(&q) {
        Ok(_) => {
            let command = SearchCommand::Find { q: q.clone(), before: None, limit: DEFAULT_LIMIT, brand: false };
            hub::send(env, handle, command).await?.value::<SearchResults>()?.hits
        }
        Err(_) => Vec::new(),
    };
    let origin = origin(req)?;
    let page = account_page::search(Site::new(&origin), lang(req)?, &account, q.trim(), &hits);
    Ok(Response::from_html(page)?)
}

/// `/@{handle}/{number}` (the post's page) or `/embed/{handle}/{number}` (its element):
/// the post, its first replies and its account (three KV reads, side by side).
async fn post(req: &Request, env: &Env, id: &PostId, embedded: bool) -> ApiResult {
    let views = Views::new(env)?;
    let (post, account, thread) = futures_util::future::join3(views.post(id), views.account(&id.handle), views.thread(id, 0)).await;
    let (post, account) = (post?, account?.view);
    let thread = thread?.map(|thread| thread.view).unwrap_or_default();
    let (replies, next) = thread.oldest_from(0, DEFAULT_LIMIT, replies::seq_of);
    let replies = Some(ReplyPage { replies, next: next.map(|cursor| cursor.to_string()) });
    let posts = PostPage { posts: vec![post.view], next: None };
    let first = FirstView { at: now_ms(), version: post.version, account: accounts::info(env, account), posts, replies };
    let origin = origin(req)?;
    let (site, lang) = (Site::new(&origin), lang(req)?);
    let body = if embedded {
        embed::element(site, lang, &first).into_string()
    } else {
        post_page::render(site, lang, &first)
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
