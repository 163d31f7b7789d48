//! Merging pages into a list without duplicates. Pure, so tested natively.

use gazouillis_protocol::{Post, Reply};

/// Something shown in a list, known by its id.
pub trait Item: Clone + Send + Sync + 'static {
    fn id(&self) -> &str;
    /// Takes what may have changed from a newer copy of the same item.
    fn absorb(&mut self, _newer: Self) {}
}

impl Item for Post {
    fn id(&self) -> &str {
        &self.id
    }
    /// Counts only grow, and a read may lag behind a write we already counted:
    /// keep the larger.
    fn absorb(&mut self, newer: Post) {
        self.replies = self.replies.max(newer.replies);
    }
}

impl Item for Reply {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Merges `fresh` items, in their order, into `list`: known ones are updated
/// in place, new ones go on top (`on_top`) or at the end.
pub fn merge<T: Item>(list: &mut Vec<T>, fresh: Vec<T>, on_top: bool) {
    let mut new = Vec::new();
    for item in fresh {
        match list.iter_mut().find(|known| known.id() == item.id()) {
            Some(known) => known.absorb(item),
            None if !new.iter().any(|n: &T| n.id() == item.id()) => new.push(item),
            None => {}
        }
    }
    if on_top {
        new.append(list);
        *list = new;
    } else {
        list.append(&mut new);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(id: &str, replies: u64) -> Post {
        Post { id: id.into(), account: "acme".into(), text: id.into(), created_at: String::new(), replies }
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
        merge(&mut list, vec![post("a-3", 0), post("a-2", 0), post("a-2", 0), post("a-1", 0)], false);
        assert_eq!(ids(&list), ["a-3", "a-2", "a-1"]);
        assert_eq!(list[0].replies, 1, "a lagging read does not lower a count");
    }
}
