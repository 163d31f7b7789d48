//! `cargo xtask size`: what a page downloads to show the widget, raw, gzip and
//! brotli. A measurement, never a pass/fail.

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
    setup::apt_ensure("brotli", &[project::BROTLI], &["brotli"])?;
    let files = widget_files(repo)?;
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "file", "raw", "gzip -9", "brotli"
    );
    let mut total = [0; 3];
    for file in &files {
        let sizes = [
            raw(file)?,
            compressed(Command::new("gzip").args(["-9", "-c"]).arg(file))?,
            compressed(
                Command::new(project::BROTLI)
                    .args(["-q", "11", "-c"])
                    .arg(file),
            )?,
        ];
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        println!(
            "{name:<28} {:>10} {:>10} {:>10}",
            sizes[0], sizes[1], sizes[2]
        );
        for (sum, size) in total.iter_mut().zip(sizes) {
            *sum += size;
        }
    }
    println!(
        "{:<28} {:>10} {:>10} {:>10}",
        "total (bytes)", total[0], total[1], total[2]
    );
    Ok(())
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
