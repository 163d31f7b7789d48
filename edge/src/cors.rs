//! CORS. Reads are open to every site: any page may show an account's feed.
//! A visitor's writes (reply, delete a reply, follow, SSO sign-in) come only
//! from the sites the account allows (its `origins` setting; none listed: any
//! site). The preflight asks the account's hub; the hub checks the write
//! itself again, since a preflight is a courtesy to browsers, not a guard.
//! There are no cookies, so `*` gives no site another's credentials.

use crate::hub::{self, AccountCommand};
use crate::routes;
use gazouillis_protocol::fresh::VERSION_HEADER;
use worker::{Env, Headers, Request, Response};

/// Adds the CORS headers of every API answer.
pub fn with_cors(response: Response) -> worker::Result<Response> {
    let headers = response.headers().clone();
    headers.set("access-control-allow-origin", "*")?;
    headers.set("access-control-expose-headers", &format!("etag, {VERSION_HEADER}"))?;
    Ok(response.with_headers(headers))
}

/// The answer to a preflight: open, unless it is for a visitor's write to an
/// account that does not allow the page's site (403, no CORS headers, so the
/// browser does not send the write).
pub async fn preflight(req: &Request, env: &Env) -> worker::Result<Response> {
    let origin = req.headers().get("origin")?;
    let account = routes::visitor_write_account(&req.path());
    let headers = Headers::new();
    match (origin, account) {
        (Some(origin), Some(handle)) => {
            if let Err(refused) = hub::send_from(env, &handle, AccountCommand::Check, req).await {
                return refused.into_response();
            }
            headers.set("access-control-allow-origin", &origin)?;
            headers.set("vary", "origin")?;
            // Short, so that a change of the account's sites reaches browsers soon.
            headers.set("access-control-max-age", "600")?;
        }
        _ => {
            headers.set("access-control-allow-origin", "*")?;
            headers.set("access-control-max-age", "86400")?;
        }
    }
    headers.set("access-control-allow-methods", "GET, POST, PUT, DELETE, OPTIONS")?;
    headers.set("access-control-allow-headers", "authorization, content-type, if-none-match")?;
    Ok(Response::empty()?.with_status(204).with_headers(headers))
}
