//! `cargo xtask build-at <commit>`: builds the product as it was at a commit,
//! for what compares the current edge with an older one: the stores an older
//! hub wrote (`tests/fixtures`) and the baseline of `bench-views`.
//!
//! The commit is checked out in a git worktree under `target/at/<commit>/tree`
//! and built there by its own `cargo xtask build`, with a cargo target of its
//! own (sharing the repository's would leave it binaries built for the
//! worktree) and npm packages of its own (its setup runs `npm ci`, whose
//! lock file is newer than any install: through a link to the repository's
//! `node_modules`, it emptied them). A tree already built is kept.

use crate::project::{self, Repo};
use crate::{Result, cmd};
use std::path::PathBuf;
use std::process::Command;

/// Builds `commit` (anything `git rev-parse` takes) and returns its tree.
pub fn build_at(repo: &Repo, commit: &str) -> Result<PathBuf> {
    let git = |args: &[&str]| Command::new("git").args(args).current_dir(&repo.root).output();
    let resolved = git(&["rev-parse", "--verify", &format!("{commit}^{{commit}}")])
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .ok_or_else(|| format!("build-at: no commit {commit}"))?;
    let dir = repo.path(&format!("target/at/{resolved}"));
    let tree = dir.join("tree");
    if tree.join("edge/build/index.js").is_file() && tree.join("edge/public/widget/gazouillis.js").is_file() {
        eprintln!("build-at: {resolved} already built in {}", tree.display());
        return Ok(tree);
    }
    let _ = std::fs::remove_dir_all(&tree);
    cmd::run(Command::new("git").args(["worktree", "prune"]).current_dir(&repo.root))?;
    cmd::run(Command::new("git").args(["worktree", "add", "--force", "--detach"]).arg(&tree).arg(&resolved).current_dir(&repo.root))?;
    let target = dir.join("target");
    std::fs::create_dir_all(&target).map_err(|e| format!("create {}: {e}", target.display()))?;
    std::os::unix::fs::symlink(&target, tree.join("target")).map_err(|e| format!("link target: {e}"))?;
    cmd::run(Command::new(project::cargo()).args(["xtask", "build"]).current_dir(&tree).env_remove("CARGO_TARGET_DIR"))?;
    Ok(tree)
}
