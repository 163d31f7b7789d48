//! Stored page views and how one API page is cut from them.
//!
//! The edge keeps lists as fixed pages of numbered items (see [`keys`](crate::keys)),
//! so that any API page is cut from exactly one stored document: one KV read.

use crate::ids::Cursor;
use crate::wire::{Account, Post};
use serde::{Deserialize, Serialize};

/// One stored page of a list. `next` is where the list goes on once this page
/// is used up (`None`: the list ends here).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageView<T> {
    pub items: Vec<T>,
    pub next: Option<u64>,
}

/// The stored newest page of an account's posts, with the account itself,
/// so that a feed or an embed of the account costs one KV read. The API's
/// feed reads it as a [`PageView`] (the account is then ignored).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedHead {
    /// Absent from feed heads written before it was added: their reader asks the hub.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Account>,
    #[serde(flatten)]
    pub page: PageView<Post>,
}

impl<T> Default for PageView<T> {
    fn default() -> Self {
        PageView { items: Vec::new(), next: None }
    }
}

impl<T> PageView<T> {
    /// For a newest-first page: up to `limit` items numbered below `before`,
    /// and the cursor that goes on after them.
    pub fn newest_before(self, before: Option<u64>, limit: usize, seq: impl Fn(&T) -> u64) -> (Vec<T>, Option<Cursor>) {
        self.cut(|item| before.is_none_or(|b| seq(item) < b), limit, |last| seq(last))
    }

    /// For an oldest-first page: up to `limit` items numbered from `from` on,
    /// and the cursor that goes on after them.
    pub fn oldest_from(self, from: u64, limit: usize, seq: impl Fn(&T) -> u64) -> (Vec<T>, Option<Cursor>) {
        self.cut(|item| seq(item) >= from, limit, |last| seq(last) + 1)
    }

    fn cut(self, keep: impl Fn(&T) -> bool, limit: usize, after: impl Fn(&T) -> u64) -> (Vec<T>, Option<Cursor>) {
        let mut kept = self.items.into_iter().filter(|item| keep(item));
        let page: Vec<T> = kept.by_ref().take(limit).collect();
        let next = match (kept.next(), page.last()) {
            (Some(_), Some(last)) => Some(after(last)),
            _ => self.next,
        };
        (page, next.map(Cursor))
    }
}

/// Rows read one past a page of `limit` (newest first, numbered by `seq`):
/// the page, and the cursor after it when more rows followed.
pub fn one_past<T>(mut rows: Vec<T>, limit: usize, seq: impl Fn(&T) -> u64) -> (Vec<T>, Option<Cursor>) {
    let more = rows.len() > limit;
    rows.truncate(limit);
    let next = rows.last().filter(|_| more).map(|last| Cursor(seq(last)));
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_read_one_past_its_end() {
        assert_eq!(one_past(vec![9, 7, 4], 2, |n| *n), (vec![9, 7], Some(Cursor(7))));
        assert_eq!(one_past(vec![9, 7], 2, |n| *n), (vec![9, 7], None));
        assert_eq!(one_past(Vec::<u64>::new(), 2, |n| *n), (vec![], None));
    }

    fn view(items: &[u64], next: Option<u64>) -> PageView<u64> {
        PageView { items: items.to_vec(), next }
    }

    #[test]
    fn newest_first_pages_chain_to_the_stored_next() {
        let v = view(&[9, 8, 7, 6], Some(6));
        assert_eq!(v.clone().newest_before(None, 2, |s| *s), (vec![9, 8], Some(Cursor(8))));
        assert_eq!(v.clone().newest_before(Some(8), 2, |s| *s), (vec![7, 6], Some(Cursor(6))));
        assert_eq!(v.clone().newest_before(Some(8), 5, |s| *s), (vec![7, 6], Some(Cursor(6))));
        assert_eq!(view(&[3, 1], None).newest_before(None, 5, |s| *s), (vec![3, 1], None));
    }

    #[test]
    fn oldest_first_pages_chain_to_the_stored_next() {
        let v = view(&[0, 1, 2], Some(50));
        assert_eq!(v.clone().oldest_from(0, 2, |s| *s), (vec![0, 1], Some(Cursor(2))));
        assert_eq!(v.clone().oldest_from(2, 2, |s| *s), (vec![2], Some(Cursor(50))));
        assert_eq!(view(&[0, 1], None).oldest_from(0, 2, |s| *s), (vec![0, 1], None));
        assert_eq!(view(&[], None).oldest_from(7, 2, |s| *s), (vec![], None));
    }
}
