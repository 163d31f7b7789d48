//! The benchmarks, measurements and never tests, each a binary of the tests
//! crate run after setup and build:
//! - `cargo xtask bench`: how fast a new post reaches open widgets, live push
//!   against polling, on the real Worker and in headless Chromium
//!   (`tests/src/bin/bench_live/`);
//! - `cargo xtask bench-views`: the lag from a write to its view in KV, this
//!   tree's edge side by side with a baseline commit's
//!   (`tests/src/bin/bench_views.rs`);
//! - `cargo xtask bench-search`: search latency on one hub holding many
//!   replies (`tests/src/bin/bench_search.rs`);
//! - `cargo xtask bench-alerts`: from a reply to its webhook alert, beside its
//!   live push (`tests/src/bin/bench_alerts.rs`);
//! - `cargo xtask bench-push`: a post's Web Push fan-out to many
//!   subscriptions on a local push service (`tests/src/bin/bench_push.rs`);
//! - `cargo xtask bench-first-load`: a first visit's bytes and times for the
//!   widget, the server-rendered embed (and a baseline commit's) and Isso,
//!   in headless Chromium (`tests/src/bin/bench_first_load.rs`).

use crate::project::{self, Repo};
use crate::{Result, at, build, cmd, exit_code, setup};
use std::process::{Command, ExitCode};

/// The commit `bench-views` compares with by default: the last edge whose
/// hub kept key-value entries and flushed its views only from its alarm.
const VIEWS_BASELINE: &str = "03de7b4";

/// The commit `bench-push` compares with by default: the last edge whose
/// hub sent every push itself, with no queue.
const PUSH_BASELINE: &str = "ec4b1f2";

pub fn bench(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench", args, &["--clients", "--posts", "--hold", "--runs"])?;
    setup::setup(repo, true)?;
    build::build_all(repo)?;
    run(repo, "bench_live", args.iter().map(|arg| arg.to_string()).collect())
}

pub fn bench_views(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench-views", args, &["--baseline", "--writes", "--runs"])?;
    let (baseline, mut passed) = split_baseline(args);
    setup::setup(repo, false)?;
    build::build_all(repo)?;
    passed.extend(baseline_args(repo, baseline.unwrap_or(VIEWS_BASELINE))?);
    run(repo, "bench_views", passed)
}

/// `cargo xtask bench-search [--replies N] [--asks Q] [--runs R]`: setup and
/// build, then the `bench_search` binary: search latency on one hub holding N
/// replies written through the API.
pub fn bench_search(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench-search", args, &["--replies", "--asks", "--runs"])?;
    setup::setup(repo, false)?;
    build::build_all(repo)?;
    run(repo, "bench_search", args.iter().map(|arg| arg.to_string()).collect())
}

/// `cargo xtask bench-alerts [--replies N] [--runs R]`: setup and build, then
/// the `bench_alerts` binary: from a reply's POST to a webhook's receipt of
/// its mention, beside the same reply's live push.
pub fn bench_alerts(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench-alerts", args, &["--replies", "--runs"])?;
    setup::setup(repo, false)?;
    build::build_all(repo)?;
    run(repo, "bench_alerts", args.iter().map(|arg| arg.to_string()).collect())
}

/// `cargo xtask bench-push [--subscriptions N] [--origins O] [--runs R]
/// [--baseline COMMIT]`: setup and build, and build the baseline commit
/// (`build-at`), then the `bench_push` binary: a post's fan-out to N
/// subscriptions on O push service origins, its time to the last
/// delivery, deliveries per second and the runtime's CPU per push, both
/// edges side by side.
pub fn bench_push(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench-push", args, &["--subscriptions", "--origins", "--runs", "--baseline"])?;
    setup::setup(repo, false)?;
    build::build_all(repo)?;
    let (baseline, mut passed) = split_baseline(args);
    passed.extend(baseline_args(repo, baseline.unwrap_or(PUSH_BASELINE))?);
    run(repo, "bench_push", passed)
}

/// `cargo xtask bench-first-load [--rounds N] [--baseline COMMIT]`: setup
/// with the browser, brotli (it measures what pages fetch as `size` does),
/// Isso from PyPI into `target/isso`, and build (and the baseline commit's
/// tree, `build-at`), then the `bench_first_load` binary: bytes and times of
/// a first visit to the widget, to the server-rendered embed (and to the
/// baseline's) and to Isso, rounds in turn.
pub fn bench_first_load(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    check_args("bench-first-load", args, &["--rounds", "--baseline"])?;
    setup::setup(repo, true)?;
    setup::apt_ensure("brotli", &[project::BROTLI], &["brotli"])?;
    setup::python_venv("isso (tests/isso-requirements.txt)", &repo.isso_venv(), &repo.isso_requirements())?;
    build::build_all(repo)?;
    let (baseline, mut passed) = split_baseline(args);
    if let Some(commit) = baseline {
        passed.extend(baseline_args(repo, commit)?);
    }
    run(repo, "bench_first_load", passed)
}

/// `args` (checked flag-value pairs) split into the `--baseline` commit, if
/// given, and the rest, passed on as they are.
fn split_baseline<'a>(args: &[&'a str]) -> (Option<&'a str>, Vec<String>) {
    let mut baseline = None;
    let mut passed = Vec::new();
    for pair in args.chunks(2) {
        match pair {
            ["--baseline", commit] => baseline = Some(*commit),
            [flag, value] => passed.extend([flag.to_string(), value.to_string()]),
            _ => {}
        }
    }
    (baseline, passed)
}

/// A benchmark binary's arguments for `commit`'s tree, built by `build-at`
/// (the tree, and the commit as its label).
fn baseline_args(repo: &Repo, commit: &str) -> Result<[String; 4]> {
    let tree = at::build_at(repo, commit)?;
    Ok(["--baseline".to_owned(), tree.display().to_string(), "--label".to_owned(), commit.to_owned()])
}

/// Refuses an unknown flag, or one without its value, before the minutes of setup and build.
fn check_args(command: &str, args: &[&str], known: &[&str]) -> Result {
    if args.len() % 2 == 1 {
        return Err(format!("{command}: every argument takes a value"));
    }
    match args.iter().step_by(2).find(|flag| !known.contains(flag)) {
        Some(flag) => Err(format!("{command}: unknown argument {flag} (takes {})", known.join(", "))),
        None => Ok(()),
    }
}

fn run(repo: &Repo, bin: &str, args: Vec<String>) -> Result<ExitCode> {
    let status = cmd::status(
        Command::new(project::cargo())
            .args(["run", "--release", "-p", "gazouillis-tests", "--bin", bin, "--"])
            .args(args)
            .current_dir(&repo.root)
            .env("CHROMEDRIVER", project::CHROMEDRIVER)
            .env("CHROMIUM", project::CHROMIUM)
            .env("GAZOUILLIS_ROOT", &repo.root),
    )?;
    Ok(exit_code(bin, status))
}
