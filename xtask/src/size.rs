//! `cargo xtask size`: what a page downloads to show the widget, raw, gzip and
//! brotli; and the budget `cargo xtask test` holds it to
//! (`widget/size-budget.json`). Sizes are deterministic: the budget is no
//! timed check.

use crate::Result;
use crate::build::{self, io_error};
use crate::cmd;
use crate::project::{self, Repo};
use crate::setup;
use std::fs;
use std::path::PathBuf;
use std::process::Command;

pub fn size(repo: &Repo) -> Result {
    setup::setup(repo, false)?;
    build::build_site(repo)?;
    let measured = measure(repo)?;
    println!("{:<28} {:>10} {:>10} {:>10}", "file", "raw", "gzip -9", "brotli");
    for (name, sizes) in &measured {
        println!("{name:<28} {:>10} {:>10} {:>10}", sizes[0], sizes[1], sizes[2]);
    }
    let total = totals(&measured);
    println!("{:<28} {:>10} {:>10} {:>10}", "total (bytes)", total[0], total[1], total[2]);
    Ok(())
}

/// Fails when the built widget weighs more than its budget.
pub fn within_budget(repo: &Repo) -> Result {
    let path = repo.path("widget/size-budget.json");
    let text = fs::read_to_string(&path).map_err(|e| io_error("read", &path, e))?;
    let budget: serde_json::Value = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let allowed = budget["total_brotli"].as_u64().ok_or_else(|| format!("{}: no total_brotli", path.display()))?;
    let brotli = totals(&measure(repo)?)[2];
    if brotli > allowed {
        return Err(format!("the widget weighs {brotli} bytes brotli, over its budget of {allowed} ({})", path.display()));
    }
    println!("size: the widget weighs {brotli} bytes brotli, within its budget of {allowed}");
    Ok(())
}

/// Each served widget file's name and its sizes: raw, gzip -9, brotli -q 11.
fn measure(repo: &Repo) -> Result<Vec<(String, [u64; 3])>> {
    setup::apt_ensure("brotli", &[project::BROTLI], &["brotli"])?;
    let mut measured = Vec::new();
    for file in widget_files(repo)? {
        let sizes = [
            raw(&file)?,
            compressed(Command::new("gzip").args(["-9", "-c"]).arg(&file))?,
            compressed(Command::new(project::BROTLI).args(["-q", "11", "-c"]).arg(&file))?,
        ];
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        measured.push((name, sizes));
    }
    Ok(measured)
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

/// The served widget files: loader and bindings js, wasm, any css.
fn widget_files(repo: &Repo) -> Result<Vec<PathBuf>> {
    let dir = repo.public_widget();
    let entries = fs::read_dir(&dir).map_err(|e| io_error("read", &dir, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|x| x == "js" || x == "wasm" || x == "css")
        })
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
