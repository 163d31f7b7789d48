//! A read KV misses asks the account's hub before answering 404, and that
//! costs nothing lasting: the hub of an account that does not exist gets no
//! tables (they are created by a hub's first write). Checked in the SQLite
//! files the runtime leaves once stopped.

use gazouillis_protocol::Post;
use gazouillis_tests::{Edge, Suite};
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misses() {
    let mut suite = Suite::new("misses", Edge::start().await);
    suite.step("misses on made-up accounts answer 404 and store nothing", made_up_accounts_store_nothing).await;
    suite.finish(|edge| edge.dump_log()).await;
}

/// The names of the tables in each hub's SQLite file.
fn hub_tables(e: &Edge) -> Vec<Vec<String>> {
    let dir = e.state_dir().join("v3/do/gazouillis-AccountHub");
    let mut hubs = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|err| panic!("read {}: {err}", dir.display())) {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !name.ends_with(".sqlite") || name == "metadata.sqlite" {
            continue;
        }
        let db = rusqlite::Connection::open(&path).expect("open a hub's SQLite");
        let mut query = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").expect("tables");
        let tables = query.query_map([], |row| row.get::<_, String>(0)).expect("tables").map(Result::unwrap);
        hubs.push(tables.filter(|t| !t.starts_with("__") && !t.starts_with("_cf_")).collect());
    }
    hubs
}

async fn made_up_accounts_store_nothing(e: Arc<Edge>) {
    e.create_account("real", "Real", "").await;
    let post: Post = e.create_post("real", "Here").await;
    e.get(&format!("/v1/posts/{}", post.id)).send().await.expect(200);
    for n in 0..5 {
        let handle = format!("ghost{n}");
        e.get(&format!("/v1/accounts/{handle}")).send().await.expect_error(404, "account_not_found");
        e.get(&format!("/v1/accounts/{handle}/posts")).send().await.expect_error(404, "account_not_found");
        e.get(&format!("/v1/posts/{handle}-3")).send().await.expect_error(404, "post_not_found");
        e.get(&format!("/v1/posts/{handle}-3/replies?cursor=1z")).send().await.expect_error(404, "post_not_found");
    }
    e.stop();
    let hubs = hub_tables(&e);
    let with_tables: Vec<&Vec<String>> = hubs.iter().filter(|tables| !tables.is_empty()).collect();
    assert_eq!(with_tables.len(), 1, "only the real account's hub has tables: {hubs:?}");
    assert!(with_tables[0].contains(&"schema_version".to_owned()) && with_tables[0].contains(&"posts".to_owned()));
    assert!(hubs.len() > 1, "the made-up accounts' hubs were asked (their files exist): {hubs:?}");
}
