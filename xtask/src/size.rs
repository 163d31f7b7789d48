//! `cargo xtask size`: what a page downloads to show the widget, raw, gzip and
//! brotli, as shipped and as built on stable alone, and the Worker's bundle,
//! raw and gzip (what Cloudflare limits: 3 MB gzip on the Free plan); and
//! the budgets `cargo xtask test` holds them to (`widget/size-budget.json`). Sizes are deterministic: the budget is no
//! timed check.

use crate::Result;
use crate::build::{self, Toolchain, io_error};
use crate::cmd;
use crate::project::{self, Repo};
use crate::setup;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn size(repo: &Repo) -> Result {
    setup::setup(repo, false)?;
    build::build_all(repo)?;
    build::build_stable_widget(repo)?;
    ensure_brotli()?;
    let shipped = Toolchain::shipped();
    let measured = measure(&repo.public_widget())?;
    println!("the shipped widget, built on {}:", name(shipped));
    println!("{:<28} {:>10} {:>10} {:>10}", "file", "raw", "gzip -9", "brotli");
    for (file, sizes) in &measured {
        println!("{file:<28} {:>10} {:>10} {:>10}", sizes[0], sizes[1], sizes[2]);
    }
    let total = totals(&measured);
    println!("{:<28} {:>10} {:>10} {:>10}", "total (bytes)", total[0], total[1], total[2]);
    println!("loaded on a bell's press, and imported by the page's service worker:");
    for script in [project::PUSH_SCRIPT, project::SERVICE_WORKER_SCRIPT] {
        let sizes = sizes(&repo.public_widget().join(script))?;
        println!("{script:<28} {:>10} {:>10} {:>10}", sizes[0], sizes[1], sizes[2]);
    }
    let stable = totals(&measure(&repo.stable_widget())?);
    println!("{:<28} {:>10} {:>10} {:>10}", "total built on stable alone", stable[0], stable[1], stable[2]);
    println!();
    println!("the Worker's bundle (edge/build):");
    println!("{:<28} {:>10} {:>10}", "file", "raw", "gzip -9");
    let mut worker = [0; 2];
    for file in worker_files(repo) {
        let sizes = [raw(&file)?, gzip(&file)?];
        println!("{:<28} {:>10} {:>10}", file.strip_prefix(repo.edge().join("build")).unwrap_or(&file).display(), sizes[0], sizes[1]);
        worker.iter_mut().zip(sizes).for_each(|(sum, size)| *sum += size);
    }
    println!("{:<28} {:>10} {:>10}", "total (bytes)", worker[0], worker[1]);
    Ok(())
}

/// The files of the Worker's bundle: its script, its wasm and the shim.
fn worker_files(repo: &Repo) -> Vec<PathBuf> {
    let build = repo.edge().join("build");
    ["index.js", "index_bg.wasm", "worker/shim.mjs"].into_iter().map(|file| build.join(file)).collect()
}

/// The Worker's bundle, gzip -9.
fn worker_gzip(repo: &Repo) -> Result<u64> {
    worker_files(repo).iter().map(gzip).sum()
}

/// Fails when a built widget weighs more than its budget: the shipped one
/// (`total_brotli` when built on nightly), the one built on stable alone
/// (`stable_total_brotli`), and the loader (`loader_brotli`): before the
/// first post a reader gets only the loader, the style sheet and the edge's
/// first view; and the Worker's bundle, gzip (`worker_gzip`).
pub fn within_budget(repo: &Repo) -> Result {
    let path = repo.path("widget/size-budget.json");
    let text = fs::read_to_string(&path).map_err(|e| io_error("read", &path, e))?;
    let budget: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let allowed = |key: &str| budget[key].as_u64().ok_or_else(|| format!("{}: no {key}", path.display()));
    ensure_brotli()?;
    let shipped_key = match Toolchain::shipped() {
        Toolchain::Nightly => "total_brotli",
        Toolchain::Stable => "stable_total_brotli",
    };
    let shipped = measure(&repo.public_widget())?;
    let loader = shipped.iter().find(|(file, _)| file == "gazouillis.js").map_or(0, |(_, sizes)| sizes[2]);
    let checks = [
        ("the Worker's bundle (gzip)", worker_gzip(repo)?, "worker_gzip"),
        ("the widget shipped (brotli)", totals(&shipped)[2], shipped_key),
        ("the widget built on stable alone (brotli)", totals(&measure(&repo.stable_widget())?)[2], "stable_total_brotli"),
        ("its loader (all a reader gets of it before the first post; brotli)", loader, "loader_brotli"),
    ];
    for (what, weight, key) in checks {
        let allowed = allowed(key)?;
        if weight > allowed {
            return Err(format!("{what} weighs {weight} bytes, over its budget of {allowed} ({key} in {})", path.display()));
        }
        println!("size: {what} weighs {weight} bytes, within its budget of {allowed}");
    }
    Ok(())
}

fn ensure_brotli() -> Result {
    setup::apt_ensure("brotli", &[project::BROTLI], &["brotli"])
}

fn name(toolchain: Toolchain) -> &'static str {
    match toolchain {
        Toolchain::Nightly => "nightly (build-std, immediate-abort panics)",
        Toolchain::Stable => "stable",
    }
}

/// Each widget file of `dir` a page downloads, its name and its sizes.
fn measure(dir: &Path) -> Result<Vec<(String, [u64; 3])>> {
    let mut measured = Vec::new();
    for file in widget_files(dir)? {
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        measured.push((name, sizes(&file)?));
    }
    Ok(measured)
}

/// A file's sizes: raw, gzip -9, brotli -q 11.
fn sizes(file: &PathBuf) -> Result<[u64; 3]> {
    Ok([
        raw(file)?,
        gzip(file)?,
        compressed(Command::new(project::BROTLI).args(["-q", "11", "-c"]).arg(file))?,
    ])
}

fn gzip(file: &PathBuf) -> Result<u64> {
    compressed(Command::new("gzip").args(["-9", "-c"]).arg(file))
}

fn totals(measured: &[(String, [u64; 3])]) -> [u64; 3] {
    let mut total = [0; 3];
    for (_, sizes) in measured {
        for (sum, size) in total.iter_mut().zip(sizes) {
            *sum += size;
        }
    }
    total
}

/// The widget files of `dir` a page downloads: loader and bindings js, wasm,
/// the style sheet (which the loader and the server-rendered view fetch);
/// not the scripts of notifications, which only a bell's press fetches.
fn widget_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).map_err(|e| io_error("read", dir, e))?;
    let notifications = [project::PUSH_SCRIPT, project::SERVICE_WORKER_SCRIPT];
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "js" || x == "wasm" || x == "css"))
        .filter(|p| !p.file_name().is_some_and(|name| notifications.iter().any(|n| name == *n)))
        .collect();
    files.sort();
    Ok(files)
}

fn raw(file: &PathBuf) -> Result<u64> {
    fs::metadata(file)
        .map(|m| m.len())
        .map_err(|e| io_error("read", file, e))
}

fn compressed(cmd: &mut Command) -> Result<u64> {
    Ok(cmd::capture(cmd)?.len() as u64)
}
