//! Merging pages and pushed items into a list without duplicates, in order.
//! Pure, so tested natively.

use gazouillis_protocol::{Post, PostId, Reply, ReplyId};

/// Something shown in a list, known by its id and ordered by its number.
pub trait Item: Clone + Send + Sync + 'static {
    fn id(&self) -> &str;
    /// Its number in its list (a post in its account, a reply in its post).
    fn seq(&self) -> u64;
    /// Takes what may have changed from a newer copy of the same item.
    fn absorb(&mut self, _newer: Self) {}
}

impl Item for Post {
    fn id(&self) -> &str {
        &self.id
    }
    fn seq(&self) -> u64 {
        self.id.parse::<PostId>().map_or(0, |id| id.seq)
    }
    /// Counts only grow, and a read may lag behind a push we already counted:
    /// keep the larger.
    fn absorb(&mut self, newer: Post) {
        self.replies = self.replies.max(newer.replies);
    }
}

impl Item for Reply {
    fn id(&self) -> &str {
        &self.id
    }
    fn seq(&self) -> u64 {
        self.id.parse::<ReplyId>().map_or(0, |id| id.seq)
    }
}

/// Merges `fresh` items into `list`: known ones are updated in place, new
/// ones added once, and the list kept newest first or oldest first.
pub fn merge<T: Item>(list: &mut Vec<T>, fresh: Vec<T>, newest_first: bool) {
    for item in fresh {
        if let Some(known) = list.iter_mut().find(|known| known.id() == item.id()) {
            known.absorb(item);
            continue;
        }
        // Inserted in place rather than sorted after: the list is short, and
        // a sort would bring a large sorting routine into the wasm.
        let goes_before = |other: &T| if newest_first { other.seq() < item.seq() } else { other.seq() > item.seq() };
        let at = list.iter().position(goes_before).unwrap_or(list.len());
        list.insert(at, item);
    }
}

/// For a newest-first list the reader is reading: `fresh` items already shown
/// are updated in place; the others wait in `pending` (newest first, once)
/// until the reader asks to see them, so that nothing moves under their eyes.
pub fn hold<T: Item>(shown: &mut Vec<T>, pending: &mut Vec<T>, fresh: Vec<T>) {
    let (known, new): (Vec<T>, Vec<T>) = fresh.into_iter().partition(|item| shown.iter().any(|s| s.id() == item.id()));
    merge(shown, known, true);
    merge(pending, new, true);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, replies: u64) -> Post {
        Post { id: id.into(), account: "acme".into(), text: id.into(), created_at: String::new(), replies, offer: None, images: Vec::new() }
    }

    fn ids(list: &[Post]) -> Vec<&str> {
        list.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn newer_posts_go_on_top_once() {
        let mut list = vec![post("a-3", 0), post("a-2", 0), post("a-1", 0)];
        merge(&mut list, vec![post("a-5", 0), post("a-4", 0), post("a-3", 2)], true);
        assert_eq!(ids(&list), ["a-5", "a-4", "a-3", "a-2", "a-1"]);
        assert_eq!(list[2].replies, 2);
        merge(&mut list, vec![post("a-5", 0), post("a-4", 0), post("a-3", 2)], true);
        assert_eq!(list.len(), 5);
    }

    #[test]
    fn pages_append_and_deduplicate() {
        let mut list = vec![post("a-3", 1)];
        merge(&mut list, vec![post("a-3", 0), post("a-2", 0), post("a-2", 0), post("a-1", 0)], true);
        assert_eq!(ids(&list), ["a-3", "a-2", "a-1"]);
        assert_eq!(list[0].replies, 1, "a lagging read does not lower a count");
    }

    #[test]
    fn numbers_order_beyond_one_digit() {
        let mut list = vec![post("a-z", 0)];
        merge(&mut list, vec![post("a-10", 0), post("a-9", 0)], false);
        assert_eq!(ids(&list), ["a-9", "a-z", "a-10"], "base 36: 9 < z (35) < 10 (36)");
    }

    #[test]
    fn new_posts_wait_until_asked_for() {
        let mut shown = vec![post("a-2", 0), post("a-1", 0)];
        let mut pending = Vec::new();
        hold(&mut shown, &mut pending, vec![post("a-3", 0), post("a-2", 4)]);
        hold(&mut shown, &mut pending, vec![post("a-4", 0), post("a-3", 1)]);
        assert_eq!(ids(&shown), ["a-2", "a-1"], "what is read does not move");
        assert_eq!(shown[0].replies, 4, "but its counts update");
        assert_eq!(ids(&pending), ["a-4", "a-3"]);
        assert_eq!(pending[1].replies, 1);
    }
}
