//! The console's state, shared by every page: who is signed in, which account
//! they run, the language, the page shown and the unread count.

use crate::i18n::{Lang, Text};
use gazouillis_protocol::BrandToken;
use leptos::prelude::*;

/// Where the token lives: sessionStorage, gone when the tab closes.
const TOKEN_KEY: &str = "gazouillis:console:token";
/// The account the operator picked, kept with the token.
const HANDLE_KEY: &str = "gazouillis:console:account";

/// A signed-in token and what it may run.
#[derive(Clone, Debug, PartialEq)]
pub struct Auth {
    pub token: String,
    /// The operator runs every account; a brand token, its own only.
    pub operator: bool,
}

/// The console's pages, one per hash (`#inbox`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    Compose,
    Inbox,
    Listening,
    Posts,
    Moderation,
    Settings,
    Stats,
}

impl Page {
    pub const ALL: [Page; 7] = [Page::Compose, Page::Inbox, Page::Listening, Page::Posts, Page::Moderation, Page::Settings, Page::Stats];

    pub fn slug(self) -> &'static str {
        match self {
            Page::Compose => "compose",
            Page::Inbox => "inbox",
            Page::Listening => "listening",
            Page::Posts => "posts",
            Page::Moderation => "moderation",
            Page::Settings => "settings",
            Page::Stats => "stats",
        }
    }

    /// The page of a location hash; the inbox when it names none.
    pub fn from_hash(hash: &str) -> Page {
        let slug = hash.trim_start_matches('#');
        Page::ALL.into_iter().find(|page| page.slug() == slug).unwrap_or(Page::Inbox)
    }

    pub fn title(self) -> Text {
        match self {
            Page::Compose => Text::Compose,
            Page::Inbox => Text::Inbox,
            Page::Listening => Text::Listening,
            Page::Posts => Text::Posts,
            Page::Moderation => Text::Moderation,
            Page::Settings => Text::Settings,
            Page::Stats => Text::Stats,
        }
    }
}

/// The console's state: cheap to copy into every component and closure.
#[derive(Clone, Copy)]
pub struct Console {
    pub lang: RwSignal<Lang>,
    pub auth: RwSignal<Option<Auth>>,
    /// The account being run: a brand token's own, or the operator's pick.
    pub handle: RwSignal<Option<String>>,
    /// Why the last session ended, shown on the sign-in form.
    pub notice: RwSignal<Option<Text>>,
    pub page: RwSignal<Page>,
    /// Visitor replies that arrived live while the inbox was not in view.
    pub unread: RwSignal<u32>,
    /// Bumped by every live event of the account: lists read again on it.
    pub changes: RwSignal<u64>,
}

impl Console {
    /// The console as the tab left it: its token and account, if any.
    pub fn restore() -> Console {
        let lang = Lang::from_tag(&web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default());
        let token = session_get(TOKEN_KEY);
        let auth = token.map(|token| Auth { operator: token.parse::<BrandToken>().is_err(), token });
        let handle = match &auth {
            Some(Auth { operator: false, token }) => token.parse::<BrandToken>().ok().map(|t| t.handle),
            Some(Auth { operator: true, .. }) => session_get(HANDLE_KEY),
            None => None,
        };
        let page = Page::from_hash(&location_hash());
        Console {
            lang: RwSignal::new(lang),
            auth: RwSignal::new(auth),
            handle: RwSignal::new(handle),
            notice: RwSignal::new(None),
            page: RwSignal::new(page),
            unread: RwSignal::new(0),
            changes: RwSignal::new(0),
        }
    }

    pub fn t(self, text: Text) -> &'static str {
        self.lang.get().t(text)
    }

    /// Signs in with a token its caller checked; a brand token runs its own account.
    pub fn sign_in(self, auth: Auth, handle: Option<String>) {
        session_set(TOKEN_KEY, Some(&auth.token));
        self.notice.set(None);
        self.unread.set(0);
        self.auth.set(Some(auth));
        self.pick(handle);
    }

    /// The operator's choice of account.
    pub fn pick(self, handle: Option<String>) {
        session_set(HANDLE_KEY, handle.as_deref());
        self.handle.set(handle);
    }

    /// Forgets the token, with the reason to show, if any.
    pub fn sign_out(self, notice: Option<Text>) {
        session_set(TOKEN_KEY, None);
        session_set(HANDLE_KEY, None);
        self.auth.set(None);
        self.handle.set(None);
        self.notice.set(notice);
    }

    pub fn token(self) -> Option<String> {
        self.auth.with_untracked(|auth| auth.as_ref().map(|a| a.token.clone()))
    }

    pub fn is_operator(self) -> bool {
        self.auth.with(|auth| auth.as_ref().is_some_and(|a| a.operator))
    }

    /// The account being run, for a call about it (an empty handle, which no
    /// call accepts, before one is picked).
    pub fn account(self) -> String {
        self.handle.get().unwrap_or_default()
    }
}

fn session_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

fn session_get(key: &str) -> Option<String> {
    session_storage()?.get_item(key).ok().flatten().filter(|v| !v.is_empty())
}

fn session_set(key: &str, value: Option<&str>) {
    if let Some(storage) = session_storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

pub fn location_hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_have_one_hash_each() {
        for page in Page::ALL {
            assert_eq!(Page::from_hash(&format!("#{}", page.slug())), page);
        }
        assert_eq!(Page::from_hash(""), Page::Inbox);
        assert_eq!(Page::from_hash("#nope"), Page::Inbox);
    }
}
