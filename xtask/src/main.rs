//! Gazouillis's developer tasks, run as `cargo xtask <command>` (alias in
//! `.cargo/config.toml`). One entry point sets up the tools, builds the widget
//! and the Worker, runs the whole product locally, runs the tests, and measures
//! the widget's size, on a fresh machine as on a warm one:
//!
//! - `setup [--browser]`: installs, only when missing or at another version, the
//!   wasm32 target, with a nightly toolchain its `rust-src` and wasm32 target
//!   (the widget ships its nightly build), wasm-bindgen-cli (the exact
//!   `wasm-bindgen` of Cargo.lock), worker-build, the npm packages (wrangler, binaryen's wasm-opt) and, with
//!   `--browser`, Chromium and chromedriver, and Firefox ESR (Web Push).
//! - `build`: the widget (cargo, on nightly when there, wasm-bindgen, then
//!   `trim.rs`: esbuild, wasm-metadce, wasm-opt) and the console
//!   (cargo, wasm-bindgen), then `edge/public/` (`www/`, the widget under
//!   `widget/`, the console under `console/`, a `_headers` file), then the
//!   Worker into `edge/build/` with worker-build.
//! - `run`: build, then `wrangler dev` on http://127.0.0.1:8787 with local state
//!   in `.gazouillis/state`, seeding the demo account `acme` on first start.
//! - `test`: `setup --browser`, build, build the widget on stable alone too
//!   (`target/xtask/stable-widget/`, which a test loads), check both widgets'
//!   weights against `widget/size-budget.json`, then `cargo test --workspace
//!   --no-fail-fast` with the browser's paths in the environment.
//! - `size`: build the widget and `edge/public/`, and the widget on stable
//!   alone, then print the raw, gzip and brotli bytes of the shipped widget's
//!   files, and the stable build's totals.
//! - `bench [--clients N] [--posts M] [--hold K] [--runs R]`: like `test`,
//!   `setup --browser` and build, then the `bench_live` binary of the tests
//!   crate: latency of the live push to N WebSocket clients and to the widget
//!   in Chromium, against polling, and K clients held open at once.
//! - `bench-views [--baseline COMMIT] [--writes N] [--runs R]`: build, and
//!   build the baseline commit (`build-at`), then the `bench_views` binary:
//!   the lag from a write to its view in KV, both edges side by side.
//! - `bench-search [--replies N] [--asks Q] [--runs R]`: build, then the
//!   `bench_search` binary: search latency on one hub holding N replies
//!   written through the API, side by side with a plain read of that hub.
//! - `bench-alerts [--replies N] [--runs R]`: build, then the `bench_alerts`
//!   binary: from a reply's POST to a local webhook's receipt of its
//!   mention, side by side with the same reply's live push.
//! - `bench-push [--subscriptions N] [--origins O] [--runs R] [--baseline
//!   COMMIT]`: build, and build the baseline commit (`build-at`), then the
//!   `bench_push` binary: a post's Web Push fan-out to N subscriptions on O
//!   origins of a local push service: time to the last delivery, deliveries
//!   per second, runtime CPU per push, beside its live push, both edges
//!   side by side.
//! - `bench-first-load [--rounds N] [--baseline COMMIT]`: `setup --browser`,
//!   brotli and build, then the `bench_first_load` binary: what a first
//!   visit fetches before the first post and how soon a reply can be typed,
//!   for the widget, the server-rendered embed (and a baseline commit's, as
//!   `build-at` builds it) and Isso (installed from PyPI into `target/isso`).
//! - `build-at COMMIT`: the product as it was at a commit, built in a
//!   worktree under `target/at/` (see `at.rs`); prints the tree's path.
//!
//! Pinned versions and paths live in `project.rs`.

mod at;
mod bench;
mod build;
mod cmd;
mod dev;
mod project;
mod setup;
mod size;
mod trim;

use project::Repo;
use std::process::{Command, ExitCode, ExitStatus};

pub type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  setup [--browser]  install the build tools (and Chromium + chromedriver, Firefox ESR)
  build              build the widget, the console, edge/public/ and the Worker
  run                build, serve on http://127.0.0.1:8787, seed the demo account
  test               setup --browser, build, cargo test --workspace
  size               build the widget, print the widget's raw / gzip / brotli bytes
  bench [--clients N] [--posts M] [--hold K] [--runs R]
                     setup --browser, build, measure live push latency against polling
                     (defaults: 100 clients, 20 posts, hold 1000, 3 runs)
  bench-views [--baseline COMMIT] [--writes N] [--runs R]
                     build this tree and COMMIT's, measure the lag from a write to its
                     view in KV on both (defaults: 03de7b4, 20 writes, 3 runs)
  bench-search [--replies N] [--asks Q] [--runs R]
                     build, write N replies to one account through the API, measure search
                     (a word, a phrase, a prefix) against a plain hub read (defaults: 100000,
                     30 asks, 3 runs)
  bench-alerts [--replies N] [--runs R]
                     build, measure from a reply's POST to a local webhook's receipt of its
                     mention, beside its live push (defaults: 20 replies, 3 runs)
  bench-push [--subscriptions N] [--origins O] [--runs R] [--baseline COMMIT]
                     build, subscribe N visitors on O push service origins, measure a post's
                     fan-out: last delivery, deliveries/s, runtime CPU per push, beside its
                     live push, against a baseline commit's edge (defaults: 10000, 100,
                     3 runs, ec4b1f2: no queue)
  bench-first-load [--rounds N] [--baseline COMMIT]
                     setup --browser, build, measure a first visit (bytes before the first
                     post, time to it, time until a reply can be typed) for the widget, the
                     server-rendered embed (and COMMIT's, built by build-at) and Isso 0.14.0
                     (installed into target/isso)
                     (default: 5 rounds)
  build-at COMMIT    build the product as it was at COMMIT, under target/at/";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let repo = Repo::locate();
    let result = match args.as_slice() {
        ["setup"] => setup::setup(&repo, false).map(|()| ExitCode::SUCCESS),
        ["setup", "--browser"] => setup::setup(&repo, true).map(|()| ExitCode::SUCCESS),
        ["build"] => build::build(&repo).map(|()| ExitCode::SUCCESS),
        ["run"] => dev::run(&repo).map(|()| ExitCode::SUCCESS),
        ["test"] => test(&repo),
        ["size"] => size::size(&repo).map(|()| ExitCode::SUCCESS),
        ["bench", rest @ ..] => bench::bench(&repo, rest),
        ["bench-views", rest @ ..] => bench::bench_views(&repo, rest),
        ["bench-search", rest @ ..] => bench::bench_search(&repo, rest),
        ["bench-alerts", rest @ ..] => bench::bench_alerts(&repo, rest),
        ["bench-push", rest @ ..] => bench::bench_push(&repo, rest),
        ["bench-first-load", rest @ ..] => bench::bench_first_load(&repo, rest),
        ["build-at", commit] => at::build_at(&repo, commit).map(|tree| {
            println!("{}", tree.display());
            ExitCode::SUCCESS
        }),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        _ => {
            eprintln!("{USAGE}");
            Ok(ExitCode::from(2))
        }
    };
    result.unwrap_or_else(|message| {
        eprintln!("xtask: error: {message}");
        ExitCode::FAILURE
    })
}

/// Everything CI runs; exits with `cargo test`'s status.
fn test(repo: &Repo) -> Result<ExitCode> {
    setup::setup(repo, true)?;
    build::build_all(repo)?;
    build::build_stable_widget(repo)?;
    size::within_budget(repo)?;
    let status = cmd::status(
        Command::new(project::cargo())
            // Every test binary runs even after one fails: CI shows all failures.
            .args(["test", "--workspace", "--no-fail-fast"])
            .current_dir(&repo.root)
            .env("CHROMEDRIVER", project::CHROMEDRIVER)
            .env("CHROMIUM", project::CHROMIUM)
            .env("GAZOUILLIS_ROOT", &repo.root),
    )?;
    Ok(exit_code("cargo test", status))
}

/// The exit code of a command whose status xtask passes on.
fn exit_code(what: &str, status: ExitStatus) -> ExitCode {
    match status.code() {
        Some(0) => ExitCode::SUCCESS,
        Some(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        None => {
            eprintln!("xtask: {what} was killed: {status}");
            ExitCode::FAILURE
        }
    }
}
