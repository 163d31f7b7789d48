"""Reads a feed on stdin and prints what a feed reader sees of it as JSON:
its title, link and entries, or the parser's complaint. Atom and RSS are
read by feedparser; a JSON Feed (which feedparser does not read) is checked
against tests/fixtures/jsonfeed-1.1.schema.json and read as the spec says.
Run by tests/src/feeds.rs."""

import calendar
import json
import sys
from datetime import datetime
from pathlib import Path

import feedparser
import jsonschema


def from_feedparser(body):
    feed = feedparser.parse(body)
    return {
        "bozo": str(feed.bozo_exception) if feed.bozo else None,
        "version": feed.version,
        "title": feed.feed.get("title"),
        "link": feed.feed.get("link"),
        "entries": [
            {
                "id": entry.get("id"),
                "link": entry.get("link"),
                "title": entry.get("title"),
                "content": (entry.get("content") or [{}])[0].get("value") or entry.get("summary"),
                # Seconds since the epoch, UTC, as the reader understood the date.
                "published": calendar.timegm(entry.published_parsed) if entry.get("published_parsed") else None,
            }
            for entry in feed.entries
        ],
    }


def from_json_feed(body):
    feed = json.loads(body)
    schema = json.loads((Path(__file__).parent.parent / "fixtures/jsonfeed-1.1.schema.json").read_text())
    jsonschema.validate(feed, schema)
    return {
        "bozo": None,
        "version": "json11",
        "title": feed["title"],
        "link": feed.get("home_page_url"),
        "entries": [
            {
                "id": item["id"],
                "link": item.get("url"),
                "title": item.get("title") or item.get("content_text"),
                "content": item.get("content_html"),
                "published": int(datetime.fromisoformat(item["date_published"]).timestamp()) if "date_published" in item else None,
            }
            for item in feed["items"]
        ],
    }


body = sys.stdin.buffer.read()
print(json.dumps(from_json_feed(body) if sys.argv[1:] == ["json"] else from_feedparser(body)))
