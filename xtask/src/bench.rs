//! `cargo xtask bench`: how fast a new post reaches open widgets, live push
//! against polling, on the real Worker and in headless Chromium. Sets up and
//! builds like `test`, then runs the `bench_live` binary of the tests crate
//! (see `tests/src/bin/bench_live.rs`). A measurement, not a test.

use crate::project::{self, Repo};
use crate::{Result, build, cmd, exit_code, setup};
use std::process::{Command, ExitCode};

/// The arguments `bench_live` takes, each followed by a number.
const ARGS: &[&str] = &["--clients", "--posts", "--hold", "--runs"];

pub fn bench(repo: &Repo, args: &[&str]) -> Result<ExitCode> {
    // Refuse a typo before the minutes of setup and build.
    for flag in args.iter().step_by(2) {
        if !ARGS.contains(flag) {
            return Err(format!(
                "bench: unknown argument {flag} (takes {})",
                ARGS.join(" N, ") + " N"
            ));
        }
    }
    setup::setup(repo, true)?;
    build::build_all(repo)?;
    let status = cmd::status(
        Command::new(project::cargo())
            .args([
                "run",
                "--release",
                "-p",
                "gazouillis-tests",
                "--bin",
                "bench_live",
                "--",
            ])
            .args(args)
            .current_dir(&repo.root)
            .env("CHROMEDRIVER", project::CHROMEDRIVER)
            .env("CHROMIUM", project::CHROMIUM)
            .env("GAZOUILLIS_ROOT", &repo.root),
    )?;
    Ok(exit_code("bench_live", status))
}
