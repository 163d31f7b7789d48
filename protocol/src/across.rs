//! The operator's search across accounts (`GET /v1/search?accounts=`): each
//! account's hub answers a page, newest first, and the pages merge by date.
//! The cursor says, for each account not read to its end, which page of its
//! hub to ask again and how many of that page were already shown, so hits
//! are never skipped or repeated however the accounts interleave.

use crate::ids::is_handle;
use crate::{Cursor, SearchHit};
use std::fmt;
use std::str::FromStr;

/// The most accounts one search reads at once.
pub const MAX_ACCOUNTS: usize = 20;

/// Where the search goes on in one account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    pub handle: String,
    /// The hub's cursor of the page to ask for (`None`: the newest).
    pub before: Option<u64>,
    /// How many hits of that page were shown already.
    pub skip: usize,
}

/// The accounts a search across accounts still has to read, spelled
/// `{handle}.{before}.{skip}` joined by `~` (numbers in base 36, `before`
/// empty for the newest page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AcrossCursor(pub Vec<Resume>);

impl fmt::Display for AcrossCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|r| format!("{}.{}.{}", r.handle, r.before.map(|b| Cursor(b).to_string()).unwrap_or_default(), Cursor(r.skip as u64)))
            .collect();
        f.write_str(&parts.join("~"))
    }
}

impl FromStr for AcrossCursor {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        let mut resumes = Vec::new();
        for part in s.split('~') {
            let mut fields = part.split('.');
            let (Some(handle), Some(before), Some(skip), None) = (fields.next(), fields.next(), fields.next(), fields.next()) else {
                return Err(());
            };
            let before = if before.is_empty() { None } else { Some(before.parse::<Cursor>()?.0) };
            let skip = usize::try_from(skip.parse::<Cursor>()?.0).map_err(drop)?;
            if !is_handle(handle) || skip > crate::limits::PAGE_SIZE || resumes.iter().any(|r: &Resume| r.handle == handle) {
                return Err(());
            }
            resumes.push(Resume { handle: handle.to_owned(), before, skip });
        }
        if resumes.is_empty() || resumes.len() > MAX_ACCOUNTS { Err(()) } else { Ok(AcrossCursor(resumes)) }
    }
}

/// `?accounts=a,b`: 1 to [`MAX_ACCOUNTS`] handles, each once, in order.
pub fn parse_accounts(list: &str) -> Option<Vec<String>> {
    let mut handles: Vec<String> = Vec::new();
    for handle in list.split(',').map(str::trim) {
        if !is_handle(handle) {
            return None;
        }
        if !handles.iter().any(|h| h == handle) {
            handles.push(handle.to_owned());
        }
    }
    (!handles.is_empty() && handles.len() <= MAX_ACCOUNTS).then_some(handles)
}

/// One account's page, as its hub answered it for `resume` (its first
/// `resume.skip` hits already left out), and the hub's cursor after it.
pub struct Page {
    pub resume: Resume,
    pub hits: Vec<SearchHit>,
    pub next: Option<u64>,
}

/// The newest `limit` hits of all pages, newest first (RFC 3339 dates of one
/// format compare as text), and where each account goes on.
pub fn merge(pages: Vec<Page>, limit: usize) -> (Vec<SearchHit>, Option<AcrossCursor>) {
    let mut taken = vec![0; pages.len()];
    let mut hits = Vec::new();
    while hits.len() < limit {
        let newest = (0..pages.len())
            .filter(|&i| taken[i] < pages[i].hits.len())
            .max_by(|&a, &b| {
                let at = |i: usize| pages[i].hits[taken[i]].found.created_at();
                at(a).cmp(at(b)).then(b.cmp(&a))
            });
        let Some(i) = newest else { break };
        hits.push(pages[i].hits[taken[i]].clone());
        taken[i] += 1;
    }
    let resumes: Vec<Resume> = pages
        .into_iter()
        .zip(taken)
        .filter_map(|(page, taken)| {
            if taken < page.hits.len() {
                Some(Resume { skip: page.resume.skip + taken, ..page.resume })
            } else {
                page.next.map(|before| Resume { handle: page.resume.handle, before: Some(before), skip: 0 })
            }
        })
        .collect();
    (hits, (!resumes.is_empty()).then_some(AcrossCursor(resumes)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Found, Post};

    fn hit(handle: &str, seq: u64, at: &str) -> SearchHit {
        let post = Post { id: format!("{handle}-{seq}"), account: handle.into(), text: "x".into(), created_at: at.into(), replies: 0, offer: None, images: Vec::new() };
        SearchHit { found: Found::Post(post), matches: vec![], hidden: false }
    }

    fn ids(hits: &[SearchHit]) -> Vec<String> {
        hits.iter().map(|h| match &h.found {
            Found::Post(p) => p.id.clone(),
            _ => unreachable!(),
        }).collect()
    }

    #[test]
    fn cursors_round_trip_and_refuse_the_rest() {
        let cursor = AcrossCursor(vec![
            Resume { handle: "acme".into(), before: None, skip: 3 },
            Resume { handle: "shop_2".into(), before: Some(1295), skip: 0 },
        ]);
        assert_eq!(cursor.to_string(), "acme..3~shop_2.zz.0");
        assert_eq!(cursor.to_string().parse(), Ok(cursor));
        for bad in ["", "acme", "acme..", "acme..3~acme..4", "ACME..1", "acme.!.1", "acme..1z", "acme..1.2", "~", &"a..0~".repeat(21)] {
            assert!(bad.trim_end_matches('~').parse::<AcrossCursor>().is_err(), "{bad}");
        }
        assert_eq!(parse_accounts("acme, shop,acme"), Some(vec!["acme".into(), "shop".into()]));
        assert_eq!(parse_accounts(""), None);
        assert_eq!(parse_accounts("acme,Shop"), None);
        assert_eq!(parse_accounts(&(0..21).map(|n| format!("a{n}")).collect::<Vec<_>>().join(",")), None);
    }

    #[test]
    fn pages_merge_by_date_and_resume_where_they_stopped() {
        let start = |handle: &str| Resume { handle: handle.into(), before: None, skip: 0 };
        let a = Page { resume: start("a"), hits: vec![hit("a", 3, "2026-01-04"), hit("a", 2, "2026-01-02")], next: Some(2) };
        let b = Page { resume: start("b"), hits: vec![hit("b", 1, "2026-01-03"), hit("b", 0, "2026-01-01")], next: None };
        let (hits, cursor) = merge(vec![a, b], 2);
        assert_eq!(ids(&hits), ["a-3", "b-1"]);
        // a: its page's second hit is next; b: its second.
        assert_eq!(cursor.unwrap().to_string(), "a..1~b..1");
        // Everything shown from a page with more behind it: its hub's next page.
        let a = Page { resume: start("a"), hits: vec![hit("a", 3, "2026-01-04")], next: Some(3) };
        let b = Page { resume: start("b"), hits: vec![], next: None };
        let (hits, cursor) = merge(vec![a, b], 5);
        assert_eq!(ids(&hits), ["a-3"]);
        assert_eq!(cursor.unwrap().to_string(), "a.3.0");
        // All read: no cursor.
        let (_, cursor) = merge(vec![Page { resume: start("a"), hits: vec![hit("a", 0, "x")], next: None }], 5);
        assert_eq!(cursor, None);
    }
}
