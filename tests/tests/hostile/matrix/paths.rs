//! Handles, ids and path tricks; cursors and limits.

use super::*;

impl Matrix<'_> {
    /// Handles and ids: malformed, unknown, with encoded tricks; stray segments.
    pub(crate) fn paths(&self, route: &Route) -> Vec<Case> {
        let mut cases = Vec::new();
        let id = self.id_of(route);
        let case = |what: String, path: String| self.base(route, Area::Paths, what).path(path);
        if route.has("{handle}") {
            for (what, handle) in bad_handles_in_path() {
                let what = format!("handle {what}");
                cases.push(case(what, route.at(&handle, &id)).error(404, "account_not_found"));
            }
            let unknown = case("unknown handle".into(), route.at(GHOST, &id));
            // /live checks the upgrade before anything else.
            cases.push(match route.id() {
                _ if route.is_live() => unknown.error(426, "upgrade_required"),
                _ => unknown.error(404, "account_not_found"),
            });
        }
        let bad = |what: &str, id: &str| case(format!("id {what}"), route.at(ACME, id)).error(400, "invalid_id");
        let unknown = |what: &str, id: &str, code| case(format!("id of {what}"), route.at(ACME, id)).error(404, code);
        match route.id() {
            None => {}
            Some(Id::Post) => {
                for (what, id) in bad_ids() {
                    cases.push(bad(what, &id));
                }
                for (what, id) in [
                    ("unknown number", "acme-zz".to_owned()),
                    ("2^53 - 1, the largest safe JSON integer", format!("acme-{}", b36((1 << 53) - 1))),
                    ("2^53", format!("acme-{}", b36(1 << 53))),
                    ("the largest number", format!("acme-{U64_MAX_B36}")),
                    ("unknown account", "ghost-0".to_owned()),
                    ("deleted post", DELETED.to_owned()),
                    ("other account's unknown number", "other-zz".to_owned()),
                ] {
                    cases.push(unknown(what, &id, "post_not_found"));
                }
            }
            Some(Id::Reply) => {
                for (what, id) in bad_reply_ids() {
                    cases.push(bad(&what, &id));
                }
                for (what, id, code) in [
                    ("an unknown number", format!("{THREAD}-zz"), "reply_not_found"),
                    ("2^53", format!("{THREAD}-{}", b36(1 << 53)), "reply_not_found"),
                    ("the largest number", format!("{THREAD}-{U64_MAX_B36}"), "reply_not_found"),
                    ("another account's unknown number", "other-0-zz".into(), "reply_not_found"),
                    ("an unknown post", "acme-zz-0".into(), "post_not_found"),
                    ("the largest post number", format!("acme-{U64_MAX_B36}-0"), "post_not_found"),
                    ("an unknown account", "ghost-0-0".into(), "post_not_found"),
                    ("the deleted post", format!("{DELETED}-0"), "post_not_found"),
                ] {
                    cases.push(unknown(what, &id, code));
                }
            }
            Some(Id::BrandToken) => {
                let real = &self.seed.acme_cm;
                for (what, id) in [
                    ("empty", String::new()),
                    ("uppercase", "0A1B2C3D".into()),
                    ("of 7 digits", "0a1b2c3".into()),
                    ("of 9 digits", "0a1b2c3d4".into()),
                    ("not hexadecimal", "0a1b2c3g".into()),
                    ("with a sign", "+0a1b2c3".into()),
                    ("the whole token", real.token.clone()),
                    ("with NUL", format!("{}%00", real.id)),
                    ("with an encoded space", format!("%20{}", real.id)),
                    ("with an encoded ../", format!("..%2F{}", real.id)),
                    ("invalid UTF-8", "%FF%FE%FD%FC%FB%FA%F9%F8".into()),
                    ("emoji", "%F0%9F%90%A6".repeat(2)),
                    ("fullwidth digits", "%EF%BC%90".repeat(8)),
                    ("markup", "%3Cscript%3E".into()),
                    ("of 8,000 characters", "a".repeat(8000)),
                ] {
                    cases.push(bad(what, &id));
                }
                for (what, id) in [
                    ("no token", "00000000"),
                    ("the revoked token", self.seed.revoked.id.as_str()),
                    ("other's token", self.seed.other_cm.id.as_str()),
                ] {
                    cases.push(unknown(what, id, "not_found"));
                }
            }
            Some(Id::Webhook) => {
                for (what, id) in bad_hex_ids(&self.seed.acme_hook.webhook.id) {
                    cases.push(bad(&what, &id));
                }
                for (what, id) in [("no webhook", "000000000000"), ("other's webhook", self.seed.other_hook.webhook.id.as_str())] {
                    cases.push(unknown(what, id, "webhook_not_found"));
                }
            }
            Some(Id::Upload) => {
                for (what, id) in bad_hex_ids(&self.seed.acme_upload.id) {
                    cases.push(bad(&what, &id));
                }
                for (what, id) in [("no upload", "000000000000000000000000"), ("other's upload", self.seed.other_upload.id.as_str())] {
                    cases.push(unknown(what, id, "not_found"));
                }
            }
            Some(Id::Queued) => {
                for (what, id) in [
                    ("empty", String::new()),
                    ("a word", "x".into()),
                    ("negative", "-1".into()),
                    ("decimal", "1.5".into()),
                    ("hexadecimal", "0x1".into()),
                    ("exponent", "1e1".into()),
                    ("base 36", "z".into()),
                    ("over u64", "18446744073709551616".into()),
                    ("NUL", "%00".into()),
                    ("with NUL after", "0%00".into()),
                    ("with an encoded space", "%200".into()),
                    ("invalid UTF-8", "%FF".into()),
                    ("emoji", "%F0%9F%90%A6".into()),
                    ("fullwidth digit", "%EF%BC%90".into()),
                    ("a reply id", REPLY.into()),
                    ("markup", "%3Cscript%3E".into()),
                    ("with an encoded ../", "..%2F0".into()),
                    ("of 8,000 digits", "9".repeat(8000)),
                ] {
                    cases.push(bad(what, &id));
                }
                // A number no reply waits as: read as one, it is not found.
                for (what, id) in [("with a plus sign", "+7"), ("with a leading zero", "07")] {
                    cases.push(bad(what, id));
                }
                for (what, id) in [
                    ("no waiting reply", "7"),
                    ("2^53 + 1", "9007199254740993"),
                    ("the largest number", "18446744073709551615"),
                ] {
                    cases.push(unknown(what, id, "not_found"));
                }
                let elsewhere = case("id of acme's waiting reply, on other's queue".into(), route.at(OTHER, QUEUED));
                cases.push(elsewhere.error(404, "not_found"));
            }
        }
        let path = self.path_of(route);
        let trailing = match route.path {
            // `/v1/accounts/` names the account "", which does not exist.
            "/v1/accounts" => (404, "account_not_found"),
            // `…/tokens/`, `…/queue/`, `…/webhooks/` and `…/media/` name the token, the waiting reply, the webhook or the upload "", whose path takes DELETE only.
            "/v1/accounts/{handle}/tokens" | "/v1/accounts/{handle}/queue" | "/v1/accounts/{handle}/webhooks" | "/v1/accounts/{handle}/media" => {
                (405, "method_not_allowed")
            }
            _ => (404, "not_found"),
        };
        cases.push(case("trailing slash".into(), format!("{path}/")).error(trailing.0, trailing.1));
        cases.push(case("two extra segments".into(), format!("{path}/x/y")).error(404, "not_found"));
        cases.push(case("double slash after /v1".into(), path.replacen("/v1/", "/v1//", 1)).error(404, "not_found"));
        cases.push(case("uppercase /V1".into(), path.replacen("/v1/", "/V1/", 1)).error(404, "not_found"));
        cases
    }

    /// Paths as written on the wire: literal `..`, raw invalid UTF-8.
    pub(crate) fn path_tricks(&self) -> Vec<Case> {
        let raw = |what: &str, method: Method, path: &[u8]| Case::new(Area::Paths, what, method, path).wire(Wire::Raw);
        let onto_token = format!("/v1/replies/{REPLY}/../../accounts/acme/tokens/{}", self.seed.acme_cm.id);
        vec![
            // The runtime resolves dot segments as URLs do: /etc/passwd is no route of the API.
            raw("literal ../ out of /v1", Method::GET, b"/v1/accounts/../../etc/passwd").error(404, "not_found"),
            raw("encoded %2e%2e segments", Method::GET, b"/v1/accounts/%2e%2e/%2e%2e/etc/passwd")
                .error(404, "not_found"),
            // Resolved to DELETE /v1/posts/acme-1, which still wants the brand.
            raw("literal ../ onto another route", Method::DELETE, b"/v1/accounts/acme/../../posts/acme-1")
                .error(401, "unauthorized"),
            // Resolved to DELETE /v1/me and DELETE /v1/accounts/acme/tokens/{id}: still a visitor's, the operator's.
            raw("literal ../ onto /v1/me", Method::DELETE, b"/v1/accounts/acme/../../me").error(401, "unauthorized"),
            raw("literal ../ onto a brand token", Method::DELETE, onto_token.as_bytes()).error(401, "unauthorized"),
            raw("encoded slashes stay inside the handle", Method::GET, b"/v1/accounts/acme%2F..%2F..%2Fsession")
                .error(404, "account_not_found"),
            raw("raw invalid UTF-8 in the handle", Method::GET, b"/v1/accounts/\xff\xfe")
                .error(404, "account_not_found"),
            raw("raw invalid UTF-8 in the id", Method::GET, b"/v1/posts/acme-\xff").error(400, "invalid_id"),
            raw("raw UTF-8 emoji handle", Method::GET, "/v1/accounts/🐦".as_bytes()).error(404, "account_not_found"),
            // URLs read `\` as `/` in http paths: this is /etc again.
            raw("backslashes", Method::GET, b"/v1/accounts/..\\..\\etc").error(404, "not_found"),
        ]
    }

    /// `?cursor=` and `?limit=`: 400 invalid_cursor or invalid_limit.
    pub(crate) fn lists(&self, route: &Route) -> Vec<Case> {
        if !route.list {
            return Vec::new();
        }
        let path = self.path_of(route);
        let real = if route.path.contains("replies") { &self.seed.thread_next } else { &self.seed.feed_next };
        let query = |what: String, query: String| self.base(route, Area::Lists, what).path(format!("{path}?{query}"));
        let mut cases = Vec::new();
        let mut bad_cursors = bad_cursors();
        bad_cursors.extend([
            ("a real cursor, uppercased", real.to_uppercase()),
            ("a real cursor with a leading zero", format!("0{real}")),
            ("a real cursor, negated", format!("-{real}")),
            ("a real cursor with NUL appended", format!("{real}%00")),
            ("a real cursor with = appended", format!("{real}%3D")),
            ("a real cursor with a space appended", format!("{real}%20")),
        ]);
        for (what, cursor) in bad_cursors {
            cases.push(query(format!("cursor {what}"), format!("cursor={cursor}")).error(400, "invalid_cursor"));
        }
        for (what, limit) in bad_limits() {
            cases.push(query(format!("limit {what}"), format!("limit={limit}")).error(400, "invalid_limit"));
        }
        cases.push(
            query("a bad limit with a good cursor".into(), format!("cursor={real}&limit=0"))
                .error(400, "invalid_limit"),
        );
        cases.push(query("a good limit, then a bad one".into(), "limit=5&limit=51".into()).error(400, "invalid_limit"));
        cases.push(
            query("a good cursor, then a bad one".into(), format!("cursor={real}&cursor=zzzzzzzzzzzzz"))
                .error(400, "invalid_cursor"),
        );
        // Cursors are plain numbers: one well formed but made up is a position
        // like any other, and lists what is there (maybe nothing).
        for (what, cursor) in [("0", "0"), ("past the end", "zz"), ("the largest number", U64_MAX_B36)] {
            cases.push(query(format!("made-up cursor {what}"), format!("cursor={cursor}")).ok(200));
        }
        cases.push(query("limit given twice, both valid".into(), "limit=1&limit=50".into()).ok(200));
        cases
    }

    /// `?min_version=`: any version up to the largest number is a read like
    /// any other (answered from KV when the hub is behind it: never a 5xx),
    /// anything else 400 invalid_version.
    pub(crate) fn versions(&self) -> Vec<Case> {
        let largest = u64::MAX.to_string();
        let mut cases = Vec::new();
        for path in [format!("/v1/accounts/{ACME}"), format!("/v1/accounts/{ACME}/posts"), format!("/v1/posts/{THREAD}"), format!("/v1/posts/{THREAD}/replies")] {
            let get = |what: &str, version: &str| Case::new(Area::Lists, &format!("{path} min_version {what}"), Method::GET, format!("{path}?min_version={version}"));
            cases.push(get("the largest number", &largest).ok(200));
            for (what, version) in [("past the largest number", "18446744073709551616"), ("negative", "-1"), ("in exponent form", "1e3"), ("empty", "")] {
                cases.push(get(what, version).error(400, "invalid_version"));
            }
        }
        cases
    }

    /// A well-formed cursor does not make an unknown account or post exist.
    pub(crate) fn unknown_with_cursor(&self) -> Vec<Case> {
        let get = |what: &str, path: String| Case::new(Area::Lists, what, Method::GET, path);
        vec![
            get("unknown account, cursor 1", format!("/v1/accounts/{GHOST}/posts?cursor=1"))
                .error(404, "account_not_found"),
            get("unknown account, cursor 0", format!("/v1/accounts/{GHOST}/posts?cursor=0"))
                .error(404, "account_not_found"),
            get("unknown account, cursor past page 0", format!("/v1/accounts/{GHOST}/posts?cursor=zz"))
                .error(404, "account_not_found"),
            // Page 0 of a thread is written with its post: its absence says "no such post".
            Case::new(Area::Lists, "unknown post, cursor in page 0", Method::GET, "/v1/posts/acme-zz/replies?cursor=1")
                .error(404, "post_not_found"),
            get("unknown post, cursor in page 1", "/v1/posts/acme-zz/replies?cursor=1e".into())
                .error(404, "post_not_found"),
            get("deleted post, cursor in page 1", format!("/v1/posts/{DELETED}/replies?cursor=1e"))
                .error(404, "post_not_found"),
            get("unknown account's post, largest cursor", format!("/v1/posts/ghost-0/replies?cursor={U64_MAX_B36}"))
                .error(404, "post_not_found"),
        ]
    }
}
