//! The cases, built family by family from the routes: bodies, texts and
//! sizes here; paths and lists in `paths`, tokens, SSO, hidden items,
//! origins and methods in `tokens`.

mod paths;
mod tokens;

use super::*;

/// Builds the cases: each family is a function of the route it applies to.
pub(crate) struct Matrix<'a> {
    pub(crate) admin: &'a str,
    pub(crate) secret: &'a str,
    pub(crate) seed: &'a Seed,
}

pub(crate) fn all_cases(w: &World) -> Vec<Case> {
    let m = Matrix { admin: w.edge.admin_token(), secret: w.edge.session_secret(), seed: w.seed() };
    let mut cases = Vec::new();
    for route in routes() {
        cases.extend(m.bodies(&route));
        cases.extend(m.texts(&route));
        cases.extend(m.sizes(&route));
        cases.extend(m.paths(&route));
        cases.extend(m.lists(&route));
        cases.extend(m.tokens(&route));
    }
    cases.extend(m.array_bodies());
    cases.extend(m.path_tricks());
    cases.extend(m.unknown_with_cursor());
    cases.extend(m.versions());
    cases.extend(m.sso_tokens());
    cases.extend(m.hidden_stays_hidden());
    cases.extend(m.origins());
    cases.extend(m.methods());
    cases
}

impl Matrix<'_> {
    /// The `{id}` a route acts on: THREAD, REPLY, acme's brand token, cleo's
    /// queued reply, acme's webhook or upload.
    pub(crate) fn id_of(&self, route: &Route) -> String {
        match route.id() {
            None | Some(Id::Post) => THREAD.into(),
            Some(Id::Reply) => REPLY.into(),
            Some(Id::BrandToken) => self.seed.acme_cm.id.clone(),
            Some(Id::Queued) => QUEUED.into(),
            Some(Id::Webhook) => self.seed.acme_hook.webhook.id.clone(),
            Some(Id::Upload) => self.seed.acme_upload.id.clone(),
        }
    }

    pub(crate) fn path_of(&self, route: &Route) -> String {
        route.at(ACME, &self.id_of(route))
    }

    /// The visitor a route acts as: where it could destroy what a visitor
    /// has, one who has it (refused, it must not).
    pub(crate) fn visitor(&self, route: &Route) -> &Session {
        match route.path {
            "/v1/me" => &self.seed.cleo,
            "/v1/replies/{id}" => &self.seed.ana,
            _ => &self.seed.mallory,
        }
    }

    /// The request `route` would take: every case changes one thing in it.
    pub(crate) fn base(&self, route: &Route, area: Area, what: impl Into<String>) -> Case {
        let case = Case::new(area, what, route.method.clone(), self.path_of(route));
        let case = match route.who {
            Who::Anyone => case,
            Who::Operator | Who::Brand => case.bearer(self.admin),
            Who::Visitor | Who::Writer => case.bearer(&self.visitor(route).token),
        };
        match route.takes {
            Takes::Nothing => case,
            takes => case.body(valid_body(takes)),
        }
    }

    /// Not JSON, not the JSON the route takes: 400 malformed_json.
    pub(crate) fn bodies(&self, route: &Route) -> Vec<Case> {
        let takes = route.takes;
        if takes == Takes::Nothing {
            return Vec::new();
        }
        let valid = valid_body(takes);
        let (field, label) = (main_field(takes), main_label(takes));
        let with = |raw: &[u8]| with_main(takes, raw);
        let cat = |a: &[u8], b: &[u8]| [a, b].concat();
        let utf16: Vec<u8> =
            String::from_utf8(valid.clone()).unwrap().encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut bodies: Vec<(String, Vec<u8>)> = vec![
            ("empty body".into(), vec![]),
            ("only an opening brace".into(), b"{".to_vec()),
            ("truncated in the middle".into(), valid[..valid.len() / 2].to_vec()),
            ("truncated by its last byte".into(), valid[..valid.len() - 1].to_vec()),
            ("not JSON".into(), b"not json".to_vec()),
            ("JSON null".into(), b"null".to_vec()),
            ("a JSON array".into(), b"[]".to_vec()),
            ("a JSON string".into(), b"\"text\"".to_vec()),
            ("a JSON number".into(), b"0".to_vec()),
            ("garbage after the JSON".into(), cat(&valid, b" x")),
            ("two JSON documents".into(), cat(&valid, &valid)),
            ("NUL after the JSON".into(), cat(&valid, b"\0")),
            ("single quotes".into(), valid.iter().map(|&b| if b == b'"' { b'\'' } else { b }).collect()),
            ("a comment".into(), cat(b"{/* hi */", &valid[1..])),
            ("UTF-8 byte order mark".into(), cat(b"\xEF\xBB\xBF", &valid)),
            ("UTF-16LE".into(), utf16),
            ("invalid UTF-8 body".into(), b"\xff\xfe\x00\x01".to_vec()),
            (format!("invalid UTF-8 in {label}"), with(b"\"ab\xff\xfecd\"")),
            (format!("overlong UTF-8 '<' in {label}"), with(b"\"\xc0\xbcscript\xc0\xbe\"")),
            (format!("UTF-8-encoded surrogate in {label}"), with(b"\"\xed\xa0\x80\"")),
            (format!("lone surrogate escape in {label}"), with(br#""\ud800""#)),
            (format!("raw control character in {label}"), with(b"\"a\x01b\"")),
            (format!("raw NUL in {label}"), with(b"\"a\x00b\"")),
            (format!("raw newline in {label}"), with(b"\"a\nb\"")),
            (format!("bad escape in {label}"), with(br#""\x41""#)),
            ("3,000 nested arrays".into(), cat(&b"[".repeat(3000), &b"]".repeat(3000))),
            (format!("500 nested objects in {label}"), with(&cat(&b"{\"a\":".repeat(500), &b"}".repeat(500)))),
            // wrong types
            (format!("{label} is a number"), with(b"1")),
            (format!("{label} is a 5,000-digit number"), with("9".repeat(5000).as_bytes())),
            (format!("{label} is 1e400"), with(b"1e400")),
            (format!("{label} is true"), with(b"true")),
            (format!("{label} is null"), with(b"null")),
            (format!("{label} is an array of strings"), with(b"[\"hi\"]")),
            (format!("{label} is an object"), with(b"{\"text\":\"hi\"}")),
            // missing and extra fields
            ("no field at all".into(), b"{}".to_vec()),
            (
                "the first field's name capitalized".into(),
                valid.iter().enumerate().map(|(i, &b)| if i == 2 { b.to_ascii_uppercase() } else { b }).collect(),
            ),
            (format!("{field} twice"), cat(&valid[..valid.len() - 1], format!(",\"{field}\":\"again\"}}").as_bytes())),
        ];
        // Bodies of the list above that these routes take.
        match takes {
            // Every setting has a default: `{}` and `[]` would reset acme's (see `array_bodies`).
            Takes::Settings => bodies.retain(|(what, _)| what != "no field at all" && what != "a JSON array"),
            Takes::Hidden => bodies.retain(|(what, _)| what != "hidden is true"),
            _ => {}
        }
        let extra =
            |name: &str, value: &str| cat(&valid[..valid.len() - 1], format!(",\"{name}\":{value}}}").as_bytes());
        let extras: &[(&str, &str)] = match takes {
            Takes::Text => &[
                ("id", "\"acme-zz\""),
                ("account", "\"other\""),
                ("author", "{\"id\":\"0000000000000000\",\"name\":\"Acme\"}"),
                ("created_at", "\"2000-01-01T00:00:00.000Z\""),
                ("replies", "1000"),
                ("__proto__", "{\"admin\":true}"),
            ],
            Takes::Session => &[
                ("id", "\"0000000000000000\""),
                ("sub", "\"0000000000000000\""),
                ("exp", "99999999999"),
                ("token", "\"x\""),
            ],
            Takes::Account => &[("followers", "1000000"), ("posts", "5"), ("admin", "true")],
            Takes::TokenName => &[("id", "\"0a1b2c3d\""), ("token", "\"x\""), ("handle", "\"other\"")],
            Takes::Settings => &[("shadowban", "true"), ("handle", "\"other\""), ("__proto__", "{\"admin\":true}")],
            Takes::SsoSecret => &[("account", "\"other\""), ("previous", "\"x\"")],
            Takes::SsoSignIn => &[("name", "\"Admin\""), ("badge", "\"brand\""), ("customer_of", "\"other\"")],
            Takes::Hidden => &[("post", "\"other-0\""), ("deleted", "true")],
            Takes::Webhook => &[("secret", "\"whsec_chosen\""), ("id", "\"0a1b2c3d4e5f\""), ("state", "\"delivered\"")],
            Takes::Nothing => &[],
        };
        for (name, value) in extras {
            bodies.push((format!("extra field {name}"), extra(name, value)));
        }
        let field_is = |what: &str, field: &str, raw: &str| (what.to_owned(), body_with(takes, field, raw.as_bytes()));
        match takes {
            Takes::Account => bodies.extend([
                ("handle missing".into(), b"{\"name\":\"Intruder\"}".to_vec()),
                ("name missing".into(), b"{\"handle\":\"intruder\"}".to_vec()),
                field_is("handle is a number", "handle", "1"),
                field_is("handle is an array", "handle", "[\"intruder\"]"),
                field_is("bio is null", "bio", "null"),
                field_is("bio is a number", "bio", "42"),
            ]),
            Takes::Settings => bodies.extend([
                field_is("moderation is strict", "moderation", "\"strict\""),
                field_is("moderation capitalized", "moderation", "\"Premoderated\""),
                field_is("moderation is null", "moderation", "null"),
                field_is("moderation is a list", "moderation", "[\"premoderated\"]"),
                field_is("links is block", "links", "\"block\""),
                field_is("links is true", "links", "true"),
                field_is("sso_required is the string true", "sso_required", "\"true\""),
                field_is("sso_required is 1", "sso_required", "1"),
                field_is("sso_required is null", "sso_required", "null"),
                field_is("blocked_words is a string", "blocked_words", "\"arnaque\""),
                field_is("origins is a string", "origins", "\"https://shop.example\""),
                field_is("an origin is a number", "origins", "[1]"),
                field_is("origins is an object", "origins", "{\"https://shop.example\":true}"),
            ]),
            Takes::SsoSignIn => bodies.extend([
                ("account missing".into(), format!("{{\"sso\":\"{}\"}}", *CUSTOMER_SSO).into_bytes()),
                ("sso missing".into(), b"{\"account\":\"acme\"}".to_vec()),
                field_is("account is a number", "account", "1"),
                field_is("account is null", "account", "null"),
                field_is("account is an array", "account", "[\"acme\"]"),
            ]),
            Takes::Webhook => bodies.extend([
                ("format missing".into(), b"{\"url\":\"https://hooks.example/intruder\"}".to_vec()),
                field_is("format is xml", "format", "\"xml\""),
                field_is("format capitalized", "format", "\"JSON\""),
                field_is("format is null", "format", "null"),
                field_is("language is de", "language", "\"de\""),
                field_is("url is a list", "url", "[\"https://hooks.example\"]"),
            ]),
            Takes::Hidden => bodies.extend([
                field_is("hidden is the string true", "hidden", "\"true\""),
                field_is("hidden is 0", "hidden", "0"),
                field_is("hidden is TRUE", "hidden", "TRUE"),
            ]),
            _ => {}
        }
        bodies
            .into_iter()
            .map(|(what, body)| self.base(route, Area::Bodies, what).body(body).error(400, "malformed_json"))
            .collect()
    }

    /// A body that is a JSON array of the fields' values, in order: serde's
    /// other form of a struct, but no object, so malformed_json. Each is aimed
    /// where a body taken would still store nothing (an account that exists,
    /// or one or a post that does not): these cases do not change one thing.
    fn array_bodies(&self) -> Vec<Case> {
        let array = |what: &str, method: Method, path: &str, body: &str| {
            Case::new(Area::Bodies, format!("the body as a JSON array: {what}"), method, path)
                .body(body)
                .error(400, "malformed_json")
        };
        let as_operator = [
            ("an account whose handle is taken", Method::POST, "/v1/accounts", r#"["acme","Evil","x"]"#),
            ("a post of an unknown account", Method::POST, "/v1/accounts/ghost/posts", r#"["hi"]"#),
            ("a brand token of an unknown account", Method::POST, "/v1/accounts/ghost/tokens", r#"["x"]"#),
            ("no setting, of an unknown account", Method::PUT, "/v1/accounts/ghost/settings", "[]"),
            ("premoderation, of an unknown account", Method::PUT, "/v1/accounts/ghost/settings", r#"["premoderated"]"#),
            ("an SSO secret of an unknown account", Method::PUT, "/v1/accounts/ghost/sso", r#"["long-enough-secret"]"#),
            ("hiding an unknown post", Method::PUT, "/v1/posts/ghost-0/hidden", "[true]"),
            ("hiding an unknown reply", Method::PUT, "/v1/replies/ghost-0-0/hidden", "[true]"),
        ];
        let mut cases: Vec<Case> = as_operator
            .into_iter()
            .map(|(what, method, path, body)| array(what, method, path, body).bearer(self.admin))
            .collect();
        let reply = array("a reply to an unknown post", Method::POST, "/v1/posts/ghost-0/replies", r#"["hi"]"#);
        cases.push(reply.bearer(&self.seed.mallory.token));
        cases.push(array("a session", Method::POST, "/v1/session", r#"["Mallory"]"#));
        let sign_in = json!([GHOST, *CUSTOMER_SSO]).to_string();
        cases.push(array("an SSO sign-in to an unknown account", Method::POST, "/v1/session/sso", &sign_in));
        cases
    }

    /// Text the rules refuse: 422 with the rule's code; invalid settings;
    /// SSO secrets too short.
    pub(crate) fn texts(&self, route: &Route) -> Vec<Case> {
        let case = |field: &str, what: &str, value: &str, code: &'static str| {
            self.base(route, Area::Text, format!("{field}: {what}"))
                .body(body_with_str(route.takes, field, value))
                .error(422, code)
        };
        let mut cases = Vec::new();
        match route.takes {
            Takes::Nothing | Takes::Hidden => {}
            Takes::Text => {
                for (what, text, code) in bad_texts() {
                    cases.push(case("text", what, &text, code));
                }
            }
            Takes::Session | Takes::TokenName => {
                for (what, name) in bad_names() {
                    cases.push(case("name", what, &name, "invalid_name"));
                }
            }
            Takes::Account => {
                for (what, name) in bad_names() {
                    cases.push(case("name", what, &name, "invalid_name"));
                }
                for (what, handle) in bad_handles() {
                    cases.push(case("handle", what, &handle, "invalid_handle"));
                }
                for (what, bio, code) in bad_bios() {
                    cases.push(case("bio", what, &bio, code));
                }
                cases.push(
                    self.base(route, Area::Text, "handle of an existing account")
                        .body(br#"{"handle":"acme","name":"Evil Acme","bio":"taken over"}"#.to_vec())
                        .error(409, "handle_taken"),
                );
            }
            Takes::Settings => {
                for (field, what, value) in bad_settings() {
                    let body = body_with(route.takes, field, value.to_string().as_bytes());
                    let case = self.base(route, Area::Text, format!("{field}: {what}")).body(body);
                    cases.push(case.error(422, "invalid_settings"));
                }
            }
            Takes::SsoSecret => {
                for (what, secret) in
                    [("empty", ""), ("a space", " "), ("NUL", "\0"), ("15 characters", "fifteen-chars-!")]
                {
                    let short = self.base(route, Area::Text, format!("secret: {what}"));
                    cases.push(short.body(body_with_str(route.takes, "secret", secret)).error(400, "bad_request"));
                }
                // Aimed at no account: taken, it would have replaced acme's secret.
                let emoji = self.base(route, Area::Text, "secret: 8 emoji (32 bytes), of an unknown account");
                let body = body_with_str(route.takes, "secret", &"🐦".repeat(8));
                cases.push(emoji.path(route.at(GHOST, "")).body(body).error(400, "bad_request"));
            }
            Takes::SsoSignIn => {
                for (what, handle) in bad_handles() {
                    cases.push(case("account", what, &handle, "invalid_handle"));
                }
            }
            Takes::Webhook => {
                for (what, url) in [
                    ("empty", ""),
                    ("plain http", "http://hooks.example/x"),
                    ("loopback over http (not allowed on this edge)", "http://127.0.0.1:9/x"),
                    ("no host", "https://"),
                    ("no scheme", "hooks.example/x"),
                    ("ftp", "ftp://hooks.example/x"),
                    ("javascript", "javascript:alert(1)"),
                    ("data", "data:text/plain,hi"),
                    ("a space in the host", "https://hooks example/x"),
                    ("a private address", "https://10.0.0.1/x"),
                    ("the cloud's metadata address", "https://169.254.169.254/latest/meta-data/"),
                    ("loopback over https", "https://127.0.0.1/x"),
                    ("loopback, another spelling", "https://0x7f.1/x"),
                    ("IPv6 loopback", "https://[::1]/x"),
                    ("IPv6 unique local", "https://[fd00::1]/x"),
                    ("localhost", "https://localhost/x"),
                    ("a name without a dot", "https://intranet/x"),
                ] {
                    cases.push(case("url", what, url, "invalid_webhook"));
                }
                let long = format!("https://hooks.example/{}", "a".repeat(2_000));
                cases.push(case("url", "over 2,000 bytes", &long, "invalid_webhook"));
            }
        }
        cases
    }

    /// Bodies over 8 KiB: 413 body_too_large, refused before being read whole.
    pub(crate) fn sizes(&self, route: &Route) -> Vec<Case> {
        let takes = route.takes;
        if takes == Takes::Nothing {
            return Vec::new();
        }
        let label = main_label(takes);
        let valid = valid_body(takes);
        // Exactly MAX_BODY_BYTES: read whole, then judged by the route's rules.
        let up_to_limit = |body: &dyn Fn(&str) -> Vec<u8>| body(&"a".repeat(MAX_BODY_BYTES - body("").len()));
        let in_main = |value: &str| with_main_str(takes, value);
        let (mut at_limit, status, code) = match takes {
            Takes::Account => (up_to_limit(&|bio| body_with_str(takes, "bio", bio)), 422, "text_too_long"),
            Takes::Session | Takes::TokenName => (up_to_limit(&in_main), 422, "invalid_name"),
            Takes::Settings => (up_to_limit(&in_main), 422, "invalid_settings"),
            Takes::Webhook => (up_to_limit(&in_main), 422, "invalid_webhook"),
            Takes::SsoSignIn => (up_to_limit(&in_main), 401, "sso_token_format"),
            // A string where a boolean goes.
            Takes::Hidden => (up_to_limit(&in_main), 400, "malformed_json"),
            // A long secret is a good one: a short one, padded with spaces.
            Takes::SsoSecret => (body_with_str(takes, "secret", "short"), 400, "bad_request"),
            _ => (up_to_limit(&in_main), 422, "text_too_long"),
        };
        at_limit.resize(MAX_BODY_BYTES, b' ');
        let case = |what: &str| self.base(route, Area::Sizes, what);
        vec![
            case(&format!("100,000 characters in {label}"))
                .body(with_main_str(takes, &"x".repeat(100_000)))
                .error(413, "body_too_large"),
            case(&format!("100,000 emoji in {label}"))
                .body(with_main_str(takes, &"🐦".repeat(100_000)))
                .error(413, "body_too_large"),
            case("valid JSON of 8 KiB + 1 byte").padded(valid.clone(), MAX_BODY_BYTES + 1).error(413, "body_too_large"),
            case("exactly 8 KiB: read, then judged").body(at_limit).error(status, code),
            case("10 MB, with Content-Length").padded(valid.clone(), TEN_MB).error(413, "body_too_large"),
            // No Content-Length: the edge must stop reading at 8 KiB by itself.
            case("valid JSON of 8 KiB + 1 byte, chunked")
                .padded(valid.clone(), MAX_BODY_BYTES + 1)
                .wire(Wire::Chunked)
                .error(413, "body_too_large"),
            case("10 MB, chunked, no Content-Length")
                .padded(valid, TEN_MB)
                .wire(Wire::Chunked)
                .error(413, "body_too_large"),
        ]
    }
}
