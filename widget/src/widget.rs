//! What one mounted widget knows (its API, language, host element and its
//! account's live push) and the visitor session, which every widget of the
//! page talking to the same API shares.

use crate::api::{Api, ApiError};
use crate::kept;
use crate::i18n::Lang;
use crate::live::Live;
use gazouillis_protocol::{Session, TurnstileSite};
use gazouillis_protocol::limits::DEFAULT_MAX_CHARS;
use leptos::prelude::*;
use send_wrapper::SendWrapper;
use std::cell::RefCell;
use std::future::Future;
use web_sys::HtmlElement;

pub struct Widget {
    pub api: Api,
    pub lang: Lang,
    /// The page's visitor session for this API; `None` until the visitor gives a name.
    pub session: RwSignal<Option<Session>>,
    /// The account's live push, shared with the page's other widgets of it.
    pub live: Live,
    /// The most characters a reply may hold, as the API says.
    pub max_chars: RwSignal<usize>,
    /// Whether the visitor follows the account (the header's button and the offers).
    pub following: RwSignal<bool>,
    /// The Turnstile challenge a new session needs, if the API asks for one.
    pub turnstile: StoredValue<Option<TurnstileSite>>,
    /// The account, and the SSO token the page gave for its signed-in customer.
    pub handle: String,
    pub sso: Option<String>,
    /// Whether the bells are offered (see `bell.rs`), and the account's
    /// name, as the answers bell says it.
    pub push: RwSignal<bool>,
    pub brand: StoredValue<String>,
    /// The custom element. The wasm has one thread: the wrapper only lets
    /// `Widget` be shared by view closures, which must be `Send`.
    host: SendWrapper<HtmlElement>,
}

impl Widget {
    /// Lives as long as the page: a mounted widget is never unmounted.
    pub fn new(api: Api, lang: Lang, host: HtmlElement, handle: &str, sso: Option<String>) -> &'static Widget {
        let session = shared_session(api.base());
        let live = Live::of(api.base(), handle);
        let max_chars = RwSignal::new(DEFAULT_MAX_CHARS);
        let turnstile = StoredValue::new(None);
        let host = SendWrapper::new(host);
        let following = RwSignal::new(false);
        let (push, brand) = (RwSignal::new(false), StoredValue::new(String::new()));
        let widget = Widget { api, lang, session, live, max_chars, following, turnstile, handle: handle.to_owned(), sso, push, brand, host };
        Box::leak(Box::new(widget))
    }

    /// Marks the host element `data-live="on"` while events are pushed live,
    /// `"off"` while the widget polls, for the page's CSS and for tests.
    pub fn show_live(&self, on: bool) {
        let _ = self.host.set_attribute("data-live", if on { "on" } else { "off" });
    }

    /// Offers the bells (see `bell.rs`) once the account is loaded: its
    /// edge sends Web Push (`push`), and `brand` is its name.
    pub fn offer_push(&self, push: bool, brand: &str) {
        self.brand.set_value(brand.to_owned());
        self.push.set(push && crate::bell::offer(&self.host, self.api.base(), &storage_key(self.api.base())));
    }

    /// Polling is skipped while nobody can see the widget: its element was
    /// removed from the page, or the tab is in the background.
    pub fn is_shown(&self) -> bool {
        let connected = self.host.is_connected();
        let hidden = web_sys::window().and_then(|w| w.document()).is_some_and(|d| d.hidden());
        connected && !hidden
    }

    /// Runs `call` with the visitor's token, first creating a session named
    /// `name` when there is none. A refused token ends the session, so the
    /// name prompt shows again.
    pub async fn as_visitor<T, F>(&self, name: String, call: impl FnOnce(String) -> F) -> Result<T, ApiError>
    where
        F: Future<Output = Result<T, ApiError>>,
    {
        let session = match self.session.get_untracked() {
            Some(session) => session,
            None => {
                let session = match &self.sso {
                    Some(sso) => self.api.create_sso_session(&self.handle, sso).await?,
                    None => self.api.create_session(name, self.solve_turnstile().await?).await?,
                };
                self.keep_session(Some(session.clone()));
                session
            }
        };
        let result = call(session.token).await;
        if result.as_ref().is_err_and(|e| e.code == "unauthorized") {
            self.keep_session(None);
        }
        result
    }

    /// The token of a solved Turnstile challenge, shown in the widget, when
    /// the API asks for one.
    async fn solve_turnstile(&self) -> Result<Option<String>, ApiError> {
        let Some(site) = self.turnstile.get_value() else { return Ok(None) };
        let root = self.host.shadow_root().ok_or_else(|| crate::api::error("turnstile_failed"))?;
        crate::turnstile::solve(&site, &root).await.map(Some)
    }

    /// With an `sso` attribute, signs the customer in at once, so that they
    /// are never asked their name. The site signs a new token for each page
    /// and each works once: the widget keeps the session, never the token.
    pub fn sign_in_customer(&'static self) {
        let Some(sso) = self.sso.clone() else { return };
        leptos::task::spawn_local(async move {
            if let Ok(session) = self.api.create_sso_session(&self.handle, &sso).await {
                self.keep_session(Some(session));
            }
        });
    }

    fn keep_session(&self, session: Option<Session>) {
        // Without storage (private mode, quota) the session lasts until reload.
        let json = session.as_ref().map(|session| crate::json::session_json(session).unwrap_or_default());
        kept::keep(&storage_key(self.api.base()), json.as_deref());
        self.session.set(session);
    }
}

fn storage_key(api: &str) -> String {
    format!("gazouillis:session:{api}")
}


thread_local! {
    /// One session signal per API origin, so that a name given in one widget
    /// serves at once in every widget of the page.
    static SESSIONS: RefCell<Vec<(String, RwSignal<Option<Session>>)>> = const { RefCell::new(Vec::new()) };
}

fn shared_session(api: &str) -> RwSignal<Option<Session>> {
    SESSIONS.with_borrow_mut(|sessions| {
        if let Some((_, session)) = sessions.iter().find(|(base, _)| base == api) {
            return *session;
        }
        let stored = kept::read(&storage_key(api)).and_then(|json| crate::json::parse(&json));
        let session = RwSignal::new(stored);
        sessions.push((api.to_owned(), session));
        session
    })
}
