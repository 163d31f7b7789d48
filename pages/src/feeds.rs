//! An account's newest posts as a feed: Atom, RSS 2.0 or JSON Feed 1.1.
//! Each item links to the post's page and holds the post as HTML (its
//! text with links, and its pictures); an offer's code is never in a post.

use crate::{rich, Site};
use atom_syndication as atom;
use chrono::{DateTime, FixedOffset};
use gazouillis_protocol::site::{account_page, feed, post_page, FeedFormat};
use gazouillis_protocol::{Account, Post, PostId};
use maud::html;
use serde::Serialize;

/// The feed of `account` in `format`, holding `posts` (newest first).
pub fn render(format: FeedFormat, site: Site, account: &Account, posts: &[Post]) -> String {
    let items: Vec<Item> = posts.iter().filter_map(|post| Item::of(site, post)).collect();
    let channel = Channel {
        title: account.name.clone(),
        description: if account.bio.is_empty() { format!("@{}", account.handle) } else { account.bio.clone() },
        home: site.url(&account_page(&account.handle)),
        url: site.url(&feed(&account.handle, format)),
    };
    match format {
        FeedFormat::Atom => atom(&channel, &items),
        FeedFormat::Rss => rss(&channel, &items),
        FeedFormat::Json => json(&channel, &items),
    }
}

/// What every format says of the account.
struct Channel {
    title: String,
    description: String,
    home: String,
    url: String,
}

/// What every format says of a post.
struct Item {
    url: String,
    text: String,
    html: String,
    published: DateTime<FixedOffset>,
    image: Option<String>,
}

impl Item {
    /// `None` for a post whose id or date is unreadable (never written so).
    fn of(site: Site, post: &Post) -> Option<Item> {
        let id: PostId = post.id.parse().ok()?;
        let published = DateTime::parse_from_rfc3339(&post.created_at).ok()?;
        let html = html! {
            p { (rich::text(site, &id.handle, &post.text)) }
            @for image in &post.images {
                p { img src=(site.url(&image.url)) alt=(image.alt) width=(image.width) height=(image.height); }
            }
        };
        Some(Item {
            url: site.url(&post_page(&id)),
            text: post.text.clone(),
            html: html.into_string(),
            published,
            image: post.images.first().map(|image| site.url(&image.url)),
        })
    }
}

fn atom(channel: &Channel, items: &[Item]) -> String {
    let link = |href: &str, rel: &str, mime_type: Option<&str>| atom::Link {
        href: href.to_owned(),
        rel: rel.to_owned(),
        mime_type: mime_type.map(str::to_owned),
        ..Default::default()
    };
    let author = atom::Person { name: channel.title.clone(), uri: Some(channel.home.clone()), ..Default::default() };
    let entries = items.iter().map(|item| atom::Entry {
        id: item.url.clone(),
        title: atom::Text::plain(item.text.clone()),
        updated: item.published,
        published: Some(item.published),
        links: vec![link(&item.url, "alternate", Some("text/html"))],
        content: Some(atom::Content { value: Some(item.html.clone()), content_type: Some("html".to_owned()), ..Default::default() }),
        ..Default::default()
    });
    let feed = atom::Feed {
        id: channel.home.clone(),
        title: atom::Text::plain(channel.title.clone()),
        subtitle: Some(atom::Text::plain(channel.description.clone())),
        // An empty feed was last updated when time began.
        updated: items.first().map_or_else(|| DateTime::UNIX_EPOCH.fixed_offset(), |item| item.published),
        authors: vec![author],
        links: vec![link(&channel.url, "self", Some(FeedFormat::Atom.media_type())), link(&channel.home, "alternate", Some("text/html"))],
        entries: entries.collect(),
        ..Default::default()
    };
    feed.to_string()
}

fn rss(channel: &Channel, items: &[Item]) -> String {
    let items = items.iter().map(|item| rss::Item {
        link: Some(item.url.clone()),
        description: Some(item.html.clone()),
        guid: Some(rss::Guid { value: item.url.clone(), permalink: true }),
        pub_date: Some(item.published.to_rfc2822()),
        ..Default::default()
    });
    let channel = rss::Channel {
        title: channel.title.clone(),
        link: channel.home.clone(),
        description: channel.description.clone(),
        items: items.collect(),
        ..Default::default()
    };
    channel.to_string()
}

/// JSON Feed 1.1 (<https://www.jsonfeed.org/version/1.1/>).
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    feed_url: &'a str,
    description: &'a str,
    authors: [JsonAuthor<'a>; 1],
    items: Vec<JsonItem<'a>>,
}

#[derive(Serialize)]
struct JsonAuthor<'a> {
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct JsonItem<'a> {
    id: &'a str,
    url: &'a str,
    content_text: &'a str,
    content_html: &'a str,
    date_published: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
}

fn json(channel: &Channel, items: &[Item]) -> String {
    let feed = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: &channel.title,
        home_page_url: &channel.home,
        feed_url: &channel.url,
        description: &channel.description,
        authors: [JsonAuthor { name: &channel.title, url: &channel.home }],
        items: items
            .iter()
            .map(|item| JsonItem {
                id: &item.url,
                url: &item.url,
                content_text: &item.text,
                content_html: &item.html,
                date_published: item.published.to_rfc3339(),
                image: item.image.as_deref(),
            })
            .collect(),
    };
    serde_json::to_string(&feed).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use gazouillis_protocol::media::Image;

    fn account() -> Account {
        Account { handle: "acme".into(), name: "Acme & <Co>".into(), bio: "Vélos".into(), followers: 3, posts: 2 }
    }

    fn post(seq: &str, text: &str) -> Post {
        Post {
            id: format!("acme-{seq}"),
            account: "acme".into(),
            text: text.into(),
            created_at: "2026-11-25T17:46:52.123Z".into(),
            replies: 0,
            offer: None,
            images: vec![],
        }
    }

    fn site() -> Site<'static> {
        Site::new("https://edge.example")
    }

    /// The text of every element named `name`, read back with an XML parser.
    fn texts_of(xml: &str, name: &str) -> Vec<String> {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(xml);
        let (mut texts, mut inside) = (Vec::new(), false);
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) => {
                    inside = e.name().as_ref() == name.as_bytes();
                    if inside {
                        texts.push(String::new());
                    }
                }
                Event::Text(t) if inside => texts.last_mut().unwrap().push_str(&t.decode().unwrap()),
                Event::GeneralRef(r) if inside => {
                    let entity = r.decode().unwrap();
                    texts.last_mut().unwrap().push_str(quick_xml::escape::resolve_predefined_entity(&entity).expect("a predefined entity"));
                }
                Event::End(_) => inside = false,
                Event::Eof => return texts,
                _ => {}
            }
        }
    }

    #[test]
    fn atom_holds_each_post_with_its_link_and_escaped_text() {
        let hostile = "<script>alert(1)</script> & \"x\" ]]> #promo";
        let xml = render(FeedFormat::Atom, site(), &account(), &[post("1", hostile), post("0", "Premier")]);
        assert_eq!(texts_of(&xml, "title"), ["Acme & <Co>", hostile, "Premier"]);
        assert_eq!(texts_of(&xml, "id"), ["https://edge.example/@acme", "https://edge.example/@acme/1", "https://edge.example/@acme/0"]);
        let content = &texts_of(&xml, "content")[0];
        assert!(content.starts_with("<p>&lt;script&gt;"), "the post's HTML escapes its text: {content}");
        assert!(content.contains("href=\"https://edge.example/@acme/search?q=%23promo\""), "{content}");
        assert!(!xml.contains("<script"), "{xml}");
    }

    #[test]
    fn rss_dates_are_rfc_2822_and_items_link_to_their_page() {
        let xml = render(FeedFormat::Rss, site(), &account(), &[post("a", "Bonjour")]);
        assert_eq!(texts_of(&xml, "pubDate"), ["Wed, 25 Nov 2026 17:46:52 +0000"]);
        assert_eq!(texts_of(&xml, "guid"), ["https://edge.example/@acme/a"]);
        assert_eq!(texts_of(&xml, "title"), ["Acme & <Co>"]);
    }

    #[test]
    fn json_feed_items_carry_text_html_date_and_first_picture() {
        let mut with_picture = post("2", "Le vélo");
        let image = |n: u32| Image { url: format!("/media/acme/{n}"), alt: "Un vélo".into(), width: 4, height: 3 };
        with_picture.images = vec![image(1), image(2)];
        let feed: serde_json::Value = serde_json::from_str(&render(FeedFormat::Json, site(), &account(), &[with_picture])).unwrap();
        assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
        assert_eq!(feed["feed_url"], "https://edge.example/@acme/feed.json");
        let item = &feed["items"][0];
        assert_eq!(item["id"], "https://edge.example/@acme/2");
        assert_eq!(item["content_text"], "Le vélo");
        assert_eq!(item["date_published"], "2026-11-25T17:46:52.123+00:00");
        assert_eq!(item["image"], "https://edge.example/media/acme/1");
        let html = item["content_html"].as_str().unwrap();
        assert!(html.contains("<img src=\"https://edge.example/media/acme/2\" alt=\"Un vélo\" width=\"4\" height=\"3\">"), "{html}");
    }

    #[test]
    fn an_empty_feed_is_still_a_feed() {
        for format in FeedFormat::ALL {
            let text = render(format, site(), &account(), &[]);
            assert!(text.contains("Acme"), "{format:?}: {text}");
        }
    }
}
