//! A case: one request changed in one thing, with the status and error
//! code it must get, in one area of the matrix.

use super::*;

/// The area of a case: one step of the suite each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Area {
    Bodies,
    Text,
    Sizes,
    Paths,
    Lists,
    Tokens,
    Origins,
    Methods,
}

impl Area {
    pub(crate) const ALL: [Area; 8] =
        [Area::Bodies, Area::Text, Area::Sizes, Area::Paths, Area::Lists, Area::Tokens, Area::Origins, Area::Methods];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Area::Bodies => "bodies",
            Area::Text => "text",
            Area::Sizes => "sizes",
            Area::Paths => "paths",
            Area::Lists => "lists",
            Area::Tokens => "tokens",
            Area::Origins => "origins",
            Area::Methods => "methods",
        }
    }

    pub(crate) fn title(self) -> &'static str {
        match self {
            Area::Bodies => {
                "bodies: malformed and truncated JSON, invalid UTF-8, wrong types, missing and extra fields"
            }
            Area::Text => {
                "text: control, NUL, zero-width, bidi override, 141 characters (texts, names, handles, bios), \
                 invalid settings, short SSO secrets"
            }
            Area::Sizes => "sizes: 100,000 characters, 8 KiB + 1 byte, 10 MB with and without Content-Length",
            Area::Paths => {
                "paths: unknown and malformed ids (posts, replies, brand tokens, queued replies) and handles, \
                 encoded and literal path tricks"
            }
            Area::Lists => "lists: bad and tampered cursors and limits, cursors on unknown accounts and posts",
            Area::Tokens => {
                "tokens: missing, malformed, forged, altered, revoked, expired (session, brand, SSO), wrong role"
            }
            Area::Origins => "origins: writes and CORS preflights from sites the account does not list",
            Area::Methods => "methods: wrong and unknown methods, /live without upgrade",
        }
    }
}

/// What a case must be answered.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect {
    /// This status with `{"error":{"code":<code>,"message":<non-empty>}}`.
    Error(u16, &'static str),
    /// This (non-error) status, with a JSON body.
    Ok(u16),
    /// This status with no body: a CORS preflight let through.
    Empty(u16),
}

#[derive(Clone)]
pub(crate) enum Body {
    None,
    Bytes(Vec<u8>),
    /// `json` followed by spaces up to `len` bytes: valid JSON, only too big.
    Padded {
        json: Vec<u8>,
        len: usize,
    },
}

impl Body {
    pub(crate) fn bytes(&self) -> Vec<u8> {
        match self {
            Body::None => Vec::new(),
            Body::Bytes(bytes) => bytes.clone(),
            Body::Padded { json, len } => {
                let mut out = json.clone();
                out.resize(*len, b' ');
                out
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Body::None => String::new(),
            Body::Bytes(bytes) => format!(" body {}", shorten(bytes, 90)),
            Body::Padded { json, len } => format!(" body {} padded with spaces to {len} bytes", shorten(json, 60)),
        }
    }
}

/// How a case goes on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Wire {
    /// reqwest, through the harness.
    Client,
    /// Bytes on a socket, as written: literal `..`, invalid UTF-8 in the
    /// path or a header, WebSocket handshakes.
    Raw,
    /// Raw, the body in chunks, with no Content-Length.
    Chunked,
}

pub(crate) struct Case {
    pub(crate) area: Area,
    pub(crate) what: String,
    pub(crate) method: Method,
    /// The request target as sent, e.g. `/v1/posts/acme-0?x=y`.
    pub(crate) path: Vec<u8>,
    pub(crate) authorization: Vec<Vec<u8>>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Body,
    pub(crate) wire: Wire,
    pub(crate) expect: Expect,
}

impl Case {
    pub(crate) fn new(area: Area, what: impl Into<String>, method: Method, path: impl Into<Vec<u8>>) -> Case {
        Case {
            area,
            what: what.into(),
            method,
            path: path.into(),
            authorization: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            wire: Wire::Client,
            expect: Expect::Ok(200),
        }
    }

    pub(crate) fn path(mut self, path: impl Into<Vec<u8>>) -> Case {
        self.path = path.into();
        self
    }

    /// Replaces the Authorization header(s); `None` sends none.
    pub(crate) fn authorization(mut self, value: Option<impl Into<Vec<u8>>>) -> Case {
        self.authorization = value.into_iter().map(Into::into).collect();
        self
    }

    pub(crate) fn bearer(self, token: &str) -> Case {
        self.authorization(Some(format!("Bearer {token}")))
    }

    pub(crate) fn also_authorization(mut self, value: impl Into<Vec<u8>>) -> Case {
        self.authorization.push(value.into());
        self
    }

    pub(crate) fn header(mut self, name: &'static str, value: impl Into<String>) -> Case {
        self.headers.push((name, value.into()));
        self
    }

    pub(crate) fn body(mut self, body: impl Into<Vec<u8>>) -> Case {
        self.body = Body::Bytes(body.into());
        self
    }

    pub(crate) fn padded(mut self, json: Vec<u8>, len: usize) -> Case {
        self.body = Body::Padded { json, len };
        self
    }

    pub(crate) fn wire(mut self, wire: Wire) -> Case {
        self.wire = wire;
        self
    }

    pub(crate) fn error(mut self, status: u16, code: &'static str) -> Case {
        self.expect = Expect::Error(status, code);
        self
    }

    pub(crate) fn ok(mut self, status: u16) -> Case {
        self.expect = Expect::Ok(status);
        self
    }

    pub(crate) fn empty(mut self, status: u16) -> Case {
        self.expect = Expect::Empty(status);
        self
    }

    pub(crate) fn label(&self) -> String {
        let auth = match self.authorization.as_slice() {
            [] => String::new(),
            values => {
                let values: Vec<String> = values.iter().map(|v| shorten(v, 50)).collect();
                format!(" Authorization {}", values.join(" + "))
            }
        };
        let headers: String = self.headers.iter().map(|(k, v)| format!(" {k}: {v}")).collect();
        let wire = if self.wire == Wire::Client { String::new() } else { format!(" [{:?}]", self.wire) };
        format!(
            "[{}] {}: {} {}{auth}{headers}{}{wire}",
            self.area.name(),
            self.what,
            self.method,
            shorten(&self.path, 100),
            self.body.describe()
        )
    }
}

/// Bytes for a label: lossy text, cut to `max` characters.
pub(crate) fn shorten(bytes: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let count = text.chars().count();
    if count <= max {
        format!("{text:?}")
    } else {
        format!("{:?}…({} bytes)", text.chars().take(max).collect::<String>(), bytes.len())
    }
}
