//! Tokens of every kind and role, SSO tokens, what the brand hid, the
//! sites an account allows, and wrong methods.

use super::*;
use base64::Engine;

impl Matrix<'_> {
    /// Tokens that are not the right one: 401 unauthorized; the right kind of
    /// valid token for another role: 403 forbidden.
    pub(crate) fn tokens(&self, route: &Route) -> Vec<Case> {
        let me = self.visitor(route);
        let right = match route.who {
            Who::Anyone => return Vec::new(),
            Who::Operator | Who::Brand => self.admin.to_owned(),
            Who::Visitor | Who::Writer => me.token.clone(),
        };
        let far = now_seconds() + 3600 * 24 * 30;
        // Whose token a forger wants: a follower's for visitor calls, anyone's for admin calls.
        let victim = |exp| match route.who {
            Who::Visitor | Who::Writer => {
                Claims { sub: self.seed.ana.visitor.id.clone(), name: "Ana".into(), exp, customer_of: None, sso_epoch: None }
            }
            _ => Claims { sub: "0000000000000000".into(), name: "Admin".into(), exp, customer_of: None, sso_epoch: None },
        };
        let payload_of = |claims: &Claims| token::sign(claims, b"any").split_once('.').unwrap().0.to_owned();
        let (me_payload, me_signature) = me.token.split_once('.').expect("a session token has a dot");
        let me_later =
            Claims { sub: me.visitor.id.clone(), name: me.visitor.name.clone(), exp: u64::MAX, customer_of: None, sso_epoch: None };
        let secret = self.secret.as_bytes();
        let mut admin_minus = self.admin.to_owned();
        admin_minus.pop();
        let bearer = |token: &str| Some(format!("Bearer {token}"));
        let headers: Vec<(&str, Option<String>)> = vec![
            ("no Authorization", None),
            ("Bearer and no token", Some("Bearer".into())),
            ("Bearer and spaces", Some("Bearer      ".into())),
            ("a garbage token", bearer("garbage")),
            ("the right token under Basic", Some(format!("Basic {right}"))),
            ("the right token without the space", Some(format!("Bearer{right}"))),
            ("the right token in quotes", Some(format!("Bearer \"{right}\""))),
            ("the admin token plus a character", bearer(&format!("{}x", self.admin))),
            ("the admin token minus a character", bearer(&admin_minus)),
            ("a visitor token plus a character", bearer(&format!("{}x", me.token))),
            ("a visitor token with its signature cut", bearer(&me.token[..me.token.len() - 3])),
            ("a visitor token with base64 padding", bearer(&format!("{}==", me.token))),
            ("a signature alone", bearer(&format!(".{me_signature}"))),
            ("a payload alone", bearer(&format!("{me_payload}."))),
            ("a payload with no dot", bearer(me_payload)),
            ("three parts", bearer(&format!("{}.x", me.token))),
            ("signed with another secret", bearer(&token::sign(&victim(far), b"not-the-edge-secret"))),
            ("signed with an empty secret", bearer(&token::sign(&victim(far), b""))),
            (
                "altered payload: the victim's claims under a real signature",
                bearer(&format!("{}.{me_signature}", payload_of(&victim(far)))),
            ),
            ("altered payload: a later expiry", bearer(&format!("{}.{me_signature}", payload_of(&me_later)))),
            (
                "expired an hour ago, signed with the real secret",
                bearer(&token::sign(&victim(now_seconds() - 3600), secret)),
            ),
            ("expired at the epoch, signed with the real secret", bearer(&token::sign(&victim(0), secret))),
            ("expiring this second, signed with the real secret", bearer(&token::sign(&victim(now_seconds()), secret))),
            ("an 8,000-character token", bearer(&"a".repeat(8000))),
            ("acme's brand token plus a character", bearer(&format!("{}0", self.seed.acme_cm.token))),
        ];
        let mut cases: Vec<Case> = headers
            .into_iter()
            .map(|(what, header)| self.base(route, Area::Tokens, what).authorization(header).error(401, "unauthorized"))
            .collect();
        cases.push(
            self.base(route, Area::Tokens, "two Authorization headers, the right one second")
                .authorization(bearer("garbage"))
                .also_authorization(format!("Bearer {right}"))
                .error(401, "unauthorized"),
        );
        cases.push(
            self.base(route, Area::Tokens, "invalid UTF-8 in Authorization")
                .authorization(Some(b"Bearer \xff\xfe\xfd".to_vec()))
                .wire(Wire::Raw)
                .error(401, "unauthorized"),
        );
        let in_query = self.base(route, Area::Tokens, "the right token in the query string, none in a header");
        let path = format!("{}?token={right}&access_token={right}", self.path_of(route));
        cases.push(in_query.authorization(None::<String>).path(path).error(401, "unauthorized"));
        // Well-formed brand tokens that are none of acme's: only acme's hub
        // knows, and is asked even where no brand may act, so that they get
        // 401 like any invalid token.
        let (acme_cm, other_cm) = (&self.seed.acme_cm, &self.seed.other_cm);
        let other_id_and_secret = other_cm.token.split_once('.').expect("a brand token has dots").1;
        for (what, token) in [
            ("acme's brand token with a forged secret", format!("{ACME}.{}.{}", acme_cm.id, "0".repeat(32))),
            ("acme's revoked brand token", self.seed.revoked.token.clone()),
            ("other's brand token id and secret under acme's handle", format!("{ACME}.{other_id_and_secret}")),
        ] {
            cases.push(self.base(route, Area::Tokens, what).bearer(&token).error(401, "unauthorized"));
        }
        let made_up = format!("{GHOST}.0a1b2c3d.{}", "f".repeat(32));
        let made_up = self.base(route, Area::Tokens, "a brand token made up for an unknown account").bearer(&made_up);
        cases.push(made_up.error(401, "unauthorized"));
        let mallory = self.seed.mallory.token.as_str();
        let wrong_roles: Vec<(&str, &str)> = match route.who {
            Who::Anyone => Vec::new(),
            Who::Operator => vec![
                ("a visitor token on an operator call", mallory),
                ("acme's brand token on an operator call", acme_cm.token.as_str()),
            ],
            Who::Brand => vec![
                ("a visitor token on a brand call", mallory),
                ("other's brand token on an acme call", other_cm.token.as_str()),
            ],
            Who::Visitor => vec![
                ("the admin token on a visitor call", self.admin),
                ("acme's brand token on a visitor call", acme_cm.token.as_str()),
            ],
            // Visitors and the brand both write in conversations (see trust.rs); a visitor deletes only their own.
            Who::Writer if route.method == Method::DELETE => vec![
                ("other's brand token on an acme reply", other_cm.token.as_str()),
                ("a visitor who did not write the reply", mallory),
            ],
            Who::Writer => vec![("other's brand token on an acme post", other_cm.token.as_str())],
        };
        for (what, token) in wrong_roles {
            cases.push(self.base(route, Area::Tokens, what).bearer(token).error(403, "forbidden"));
        }
        cases
    }

    /// SSO tokens acme's site did not sign: 401 `unauthorized`; not a JWT
    /// signed with HS256 (the form of before among them): `sso_token_format`;
    /// signed, but with claims no site may sign (too long a life, another
    /// account, no id): `sso_token_claims`; used already: `sso_token_used`;
    /// signed, but for no one a visitor can be: 422.
    pub(crate) fn sso_tokens(&self) -> Vec<Case> {
        let case = |what: &str, account: &str, sso: &str| {
            Case::new(Area::Tokens, format!("SSO: {what}"), Method::POST, "/v1/session/sso")
                .body(sso_sign_in(account, sso))
        };
        let now = now_seconds();
        let claims = |claim: &str, value: Value| {
            let mut claims = sso::claims(ACME, CUSTOMER_SUB, CUSTOMER_NAME);
            claims[claim] = value;
            claims
        };
        let good = customer_sso();
        let (signed, signature) = good.rsplit_once('.').expect("a JWT has dots");
        let header = signed.split_once('.').expect("a JWT has a header").0;
        let b64 = |json: &Value| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json.to_string());
        let resigned = |claims: &Value| format!("{header}.{}.{signature}", b64(claims));
        let another = || sso::claims(ACME, "client-8", "Mallory");
        let mut cases: Vec<Case> = [
            ("signed with another secret", sso::token("not-acme-s-0123456789", ACME, CUSTOMER_SUB, CUSTOMER_NAME)),
            ("signed with an empty secret", sso::token("", ACME, CUSTOMER_SUB, CUSTOMER_NAME)),
            ("signed with the edge's session secret", sso::token(self.secret, ACME, CUSTOMER_SUB, CUSTOMER_NAME)),
            ("another customer's claims under a real signature", resigned(&another())),
            ("a later expiry under a real signature", resigned(&claims("exp", (now + 3600 * 24 * 365).into()))),
            ("its signature cut", good[..good.len() - 3].into()),
            ("a payload alone", format!("{signed}.")),
        ]
        .into_iter()
        .map(|(what, sso)| case(what, ACME, &sso).error(401, "unauthorized"))
        .collect();
        let unsigned = format!("{}.{}.", b64(&json!({"alg": "none", "typ": "JWT"})), b64(&another()));
        let rs256 = format!("{}.{}.{signature}", b64(&json!({"alg": "RS256", "typ": "JWT"})), b64(&another()));
        let old = Claims { sub: CUSTOMER_SUB.into(), name: CUSTOMER_NAME.into(), exp: now + 600, customer_of: None, sso_epoch: None };
        let old = token::sign(&old, SSO_SECRET.as_bytes());
        cases.extend(
            [
                ("empty", String::new()),
                ("garbage", "garbage".into()),
                ("of the form of before, signed by acme", old),
                ("unsigned (alg none)", unsigned),
                ("of another algorithm (RS256)", rs256),
                ("a visitor's session token", self.seed.mallory.token.clone()),
                ("the admin token", self.admin.into()),
                ("acme's brand token", self.seed.acme_cm.token.clone()),
                ("with base64 padding", format!("{good}==")),
                ("a signature alone", format!(".{signature}")),
                ("four parts", format!("{good}.x")),
                ("of 8,000 characters", "a".repeat(8000)),
            ]
            .into_iter()
            .map(|(what, sso)| case(what, ACME, &sso).error(401, "sso_token_format")),
        );
        let sign = |claims: Value| sso::sign(&claims, SSO_SECRET);
        cases.extend(
            [
                ("expired an hour ago", sign(claims("exp", (now - 3600).into()))),
                ("expired at the epoch", sign(claims("exp", 0.into()))),
                ("expiring this second", sign(claims("exp", now.into()))),
                ("expiring in the year 3000", sign(claims("exp", 32_503_680_000u64.into()))),
                ("expiring in 11 minutes", sign(claims("exp", (now + 660).into()))),
                ("issued in an hour", sign(claims("iat", (now + 3600).into()))),
                ("for another account", sign(claims("aud", OTHER.into()))),
                ("for no account", sign(claims("aud", Value::Null))),
                ("without an id", sign(claims("jti", "".into()))),
                ("with an id of 129 bytes", sign(claims("jti", "j".repeat(129).into()))),
            ]
            .into_iter()
            .map(|(what, sso)| case(what, ACME, &sso).error(401, "sso_token_claims")),
        );
        cases.push(case("acme's good token, used already by zoé", ACME, &CUSTOMER_SSO).error(401, "sso_token_used"));
        cases.push(
            case("acme's good token, for other (which has no SSO secret)", OTHER, &good).error(401, "unauthorized"),
        );
        cases.push(case("acme's good token, for an unknown account", GHOST, &good).error(404, "account_not_found"));
        for (what, name) in [("empty", ""), ("NUL", "a\0b"), ("right-to-left override", "\u{202E}eoZ")]
            .into_iter()
            .map(|(what, name)| (what, name.to_owned()))
            .chain([("41 characters", "z".repeat(41))])
        {
            let sso = sso::token(SSO_SECRET, ACME, CUSTOMER_SUB, &name);
            cases.push(case(&format!("signed by acme, the name {what}"), ACME, &sso).error(422, "invalid_name"));
        }
        cases
    }

    /// What the brand hid stays hidden, and dan's hidden reply stays his, to
    /// delete: showing it again is the brand's alone.
    pub(crate) fn hidden_stays_hidden(&self) -> Vec<Case> {
        let seed = self.seed;
        let (reply, post) = (format!("/v1/replies/{HIDDEN_REPLY}/hidden"), format!("/v1/posts/{HIDDEN_POST}/hidden"));
        let show = |what: &str, path: &str| {
            Case::new(Area::Tokens, format!("showing {what}"), Method::PUT, path).body(br#"{"hidden":false}"#.to_vec())
        };
        let delete = |what: &str| {
            let path = format!("/v1/replies/{HIDDEN_REPLY}");
            Case::new(Area::Tokens, format!("deleting acme's hidden reply, {what}"), Method::DELETE, path)
        };
        vec![
            show("acme's hidden reply, no token", &reply).error(401, "unauthorized"),
            show("acme's hidden reply, as its author", &reply).bearer(&seed.dan.token).error(403, "forbidden"),
            show("acme's hidden reply, as another visitor", &reply).bearer(&seed.mallory.token).error(403, "forbidden"),
            show("acme's hidden reply, with other's brand token", &reply)
                .bearer(&seed.other_cm.token)
                .error(403, "forbidden"),
            show("acme's hidden reply, with acme's revoked brand token", &reply)
                .bearer(&seed.revoked.token)
                .error(401, "unauthorized"),
            show("other's hidden post, no token", &post).error(401, "unauthorized"),
            show("other's hidden post, as a visitor", &post).bearer(&seed.mallory.token).error(403, "forbidden"),
            show("other's hidden post, with acme's brand token", &post)
                .bearer(&seed.acme_cm.token)
                .error(403, "forbidden"),
            delete("no token").error(401, "unauthorized"),
            delete("as another visitor").bearer(&seed.mallory.token).error(403, "forbidden"),
            delete("with other's brand token").bearer(&seed.other_cm.token).error(403, "forbidden"),
            Case::new(
                Area::Tokens,
                "other's hidden list, with acme's brand token",
                Method::GET,
                "/v1/accounts/other/hidden",
            )
            .bearer(&seed.acme_cm.token)
            .error(403, "forbidden"),
        ]
    }

    /// acme lets one site write through its widget (SHOP). A visitor's write
    /// from any other site is refused, and so is its CORS preflight, without
    /// CORS headers: 403 origin_not_allowed. Every other preflight is let
    /// through (204), whatever its site; none is a 5xx.
    pub(crate) fn origins(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        let preflight = |what: String, path: String, method: &str| {
            Case::new(Area::Origins, what, Method::OPTIONS, path)
                .header("access-control-request-method", method)
                .header("access-control-request-headers", "authorization, content-type")
        };
        for route in routes().iter().filter(|route| route.method != Method::GET) {
            let (path, method) = (self.path_of(route), route.method.as_str());
            let what = |from: &str| format!("preflight of {method} {} from {from}", route.path);
            cases.push(preflight(what("acme's site"), path.clone(), method).header("origin", SHOP).empty(204));
            cases.push(preflight(what("no site"), path.clone(), method).empty(204));
            let evil = preflight(what("another site"), path, method).header("origin", EVIL);
            cases.push(if route.is_visitor_write() { evil.error(403, "origin_not_allowed") } else { evil.empty(204) });
        }
        // Each not acme's site as a browser sends it: text compared, not parsed.
        let not_shop: Vec<(&str, String)> = [
            ("an opaque origin", "null"),
            ("acme's site, uppercased", "https://SHOP.EXAMPLE"),
            ("acme's site with a trailing slash", "https://shop.example/"),
            ("acme's site with its default port", "https://shop.example:443"),
            ("acme's site over http", "http://shop.example"),
            ("a subdomain of acme's site", "https://evil.shop.example"),
            ("acme's site as a subdomain", "https://shop.example.evil.example"),
            ("acme's site and another in one header", "https://shop.example, https://evil.example"),
        ]
        .into_iter()
        .map(|(what, origin)| (what, origin.to_owned()))
        .chain([("8,000 characters", format!("https://{}.example", "a".repeat(8000)))])
        .collect();
        let reply_path = format!("/v1/posts/{THREAD}/replies");
        let reply = |what: String| {
            Case::new(Area::Origins, what, Method::POST, reply_path.clone())
                .bearer(&self.seed.mallory.token)
                .body(valid_body(Takes::Text))
        };
        for (what, origin) in &not_shop {
            let preflight = preflight(format!("preflight of a reply from {what}"), reply_path.clone(), "POST");
            cases.push(preflight.header("origin", origin.clone()).error(403, "origin_not_allowed"));
            let write = reply(format!("a reply from {what}"));
            cases.push(write.header("origin", origin.clone()).error(403, "origin_not_allowed"));
        }
        // Bytes no browser sends in an Origin, on the wire as written.
        let raw_origin = "https://sh\u{f6}p.example";
        cases.push(
            preflight("preflight of a reply from non-ASCII bytes".into(), reply_path.clone(), "POST")
                .header("origin", raw_origin)
                .wire(Wire::Raw)
                .error(403, "origin_not_allowed"),
        );
        let write = reply("a reply from non-ASCII bytes".into());
        cases.push(write.header("origin", raw_origin).wire(Wire::Raw).error(403, "origin_not_allowed"));
        let write = reply("a reply from acme's site, then another, in two headers".into());
        cases.push(write.header("origin", SHOP).header("origin", EVIL).error(403, "origin_not_allowed"));
        // The other visitor writes, from another site, each otherwise taken.
        let (ana, mallory) = (&self.seed.ana.token, &self.seed.mallory.token);
        let follow = "/v1/accounts/acme/follow";
        for (what, method, path, token, body) in [
            ("ana deletes her reply", Method::DELETE, format!("/v1/replies/{REPLY}"), ana, None),
            ("a follow", Method::PUT, follow.into(), mallory, None),
            ("ana unfollows", Method::DELETE, follow.into(), ana, None),
            ("an SSO sign-in", Method::POST, "/v1/session/sso".into(), mallory, Some(sso_sign_in(ACME, &CUSTOMER_SSO))),
        ] {
            let mut case = Case::new(Area::Origins, format!("{what}, from another site"), method, path).bearer(token);
            if let Some(body) = body {
                case = case.body(body);
            }
            cases.push(case.header("origin", EVIL).error(403, "origin_not_allowed"));
        }
        // Preflights that name no account listing sites, from another site.
        for (what, path) in [
            ("a reply on other's post (other lists no site)", "/v1/posts/other-0/replies".to_owned()),
            ("a follow of an unknown account", format!("/v1/accounts/{GHOST}/follow")),
            ("a follow of an invalid handle", "/v1/accounts/Acme/follow".into()),
            ("a reply to an invalid id", "/v1/posts/acme-01/replies".into()),
            ("an unknown path", "/v1/nothing/here".into()),
        ] {
            cases.push(preflight(format!("preflight of {what}"), path, "POST").header("origin", EVIL).empty(204));
        }
        cases.push(
            preflight("preflight of a reply asking for PURGE, from acme's site".into(), reply_path, "PURGE")
                .header("origin", SHOP)
                .empty(204),
        );
        cases
    }

    /// Every method a path does not define: 405 (a picture's too: it is
    /// only read); /live without upgrade: 426.
    pub(crate) fn methods(&self) -> Vec<Case> {
        let routes = routes();
        let mut paths: Vec<(String, Vec<Method>)> = Vec::new();
        for route in &routes {
            let path = self.path_of(route);
            match paths.iter_mut().find(|(p, _)| *p == path) {
                Some((_, methods)) => methods.push(route.method.clone()),
                None => paths.push((path, vec![route.method.clone()])),
            }
        }
        let purge = Method::from_bytes(b"PURGE").unwrap();
        let mut cases = Vec::new();
        paths.push((format!("/media/acme/{}", self.seed.acme_upload.id), vec![Method::GET]));
        for (path, allowed) in paths {
            for method in [Method::GET, Method::POST, Method::PUT, Method::DELETE, Method::PATCH, purge.clone()] {
                if !allowed.contains(&method) {
                    let what = format!("{method} is not a method of this path");
                    cases.push(
                        Case::new(Area::Methods, what, method.clone(), path.clone()).error(405, "method_not_allowed"),
                    );
                }
            }
        }
        let live = |what: &str, handle: &str| {
            Case::new(Area::Methods, what, Method::GET, format!("/v1/accounts/{handle}/live"))
        };
        let handshake = |case: Case| {
            case.header("upgrade", "websocket")
                .header("connection", "Upgrade")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("sec-websocket-version", "13")
                .wire(Wire::Raw)
        };
        cases.extend([
            live("/live without Upgrade", ACME).error(426, "upgrade_required"),
            live("/live of an unknown account without Upgrade", GHOST).error(426, "upgrade_required"),
            live("/live with Upgrade: h2c", ACME)
                .header("upgrade", "h2c")
                .header("connection", "Upgrade")
                .error(426, "upgrade_required"),
            live("/live with Connection: Upgrade and no Upgrade", ACME)
                .header("connection", "Upgrade")
                .error(426, "upgrade_required"),
            handshake(live("/live WebSocket handshake for an unknown account", GHOST)).error(404, "account_not_found"),
            handshake(live("/live WebSocket handshake for an invalid handle", "Acme")).error(404, "account_not_found"),
            handshake(Case::new(
                Area::Methods,
                "WebSocket handshake on the feed",
                Method::GET,
                "/v1/accounts/acme/posts",
            ))
            .ok(200),
        ]);
        cases
    }
}
