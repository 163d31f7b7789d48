//! Writes a fixture store with an edge built elsewhere (an older commit), for
//! `tests/migration.rs` (world `hub`, the default) and
//! `tests/migration_claims.rs` (world `claims`):
//! `make_hub_fixture <built repo> <commit> <out dir> [hub|claims]`.
//! Each fixture's `make.sh` (`tests/fixtures/*/`) runs it.

use gazouillis_tests::edge::{Store, copy_dir};
use gazouillis_tests::fixture::{self, Fixture};
use gazouillis_tests::{Edge, random_hex};
use std::path::PathBuf;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (root, commit, out, world) = match args.as_slice() {
        [root, commit, out] => (root, commit, out, "hub"),
        [root, commit, out, world] => (root, commit, out, world.as_str()),
        _ => panic!("usage: make_hub_fixture <built repo> <commit> <out dir> [hub|claims]"),
    };
    let (admin_token, session_secret) = (random_hex(24), random_hex(32));
    let root = PathBuf::from(root).canonicalize().expect("the built repo");
    let store = Store { root, state: None, admin_token: admin_token.clone(), session_secret: session_secret.clone() };
    let edge = Edge::start_on(store, &[("RATE_REPLIES", "1000/60"), ("RATE_REPLIES_IP", "1000/60"), ("RATE_SESSIONS_IP", "1000/60")]).await;
    let (tokens, reads) = match world {
        "hub" => {
            let tokens = fixture::seed(&edge).await;
            let reads = fixture::settled_snapshot(&edge, &tokens).await;
            (tokens, reads)
        }
        "claims" => fixture::seed_claims(&edge).await,
        other => panic!("no world {other}: hub or claims"),
    };
    edge.stop();
    let out = PathBuf::from(out);
    std::fs::create_dir_all(&out).expect("create the out dir");
    let _ = std::fs::remove_dir_all(out.join("state"));
    copy_dir(&edge.state_dir(), &out.join("state"));
    let fixture = Fixture { written_by: commit.clone(), admin_token, session_secret, tokens, reads };
    let json = serde_json::to_string_pretty(&fixture).expect("fixture JSON");
    std::fs::write(out.join("fixture.json"), json + "\n").expect("write fixture.json");
    println!("wrote {}", out.display());
}
