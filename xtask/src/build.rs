//! `cargo xtask build`: the widget's wasm and the site into `edge/public/`,
//! then the Worker into `edge/build/`.

use crate::Result;
use crate::cmd;
use crate::project::{self, Repo};
use crate::setup;
use std::fs;
use std::io;
use std::path::Path;
use std::process::Command;

/// Response headers of the static assets (Workers static-assets `_headers`
/// convention): pages on other sites load the widget's module script and
/// fetch its wasm cross-origin, which needs CORS. The console runs only its
/// own scripts and wasm, talks only to its own origin, and is never framed.
const HEADERS_FILE: &str = "/widget/*
  Access-Control-Allow-Origin: *
/console/*
  Content-Security-Policy: default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'
  X-Content-Type-Options: nosniff
  Referrer-Policy: no-referrer
";

/// `cargo xtask build`: setup (without browser), then everything.
pub fn build(repo: &Repo) -> Result {
    setup::setup(repo, false)?;
    build_all(repo)
}

/// The site then the Worker, tools assumed installed.
pub fn build_all(repo: &Repo) -> Result {
    build_site(repo)?;
    build_edge(repo)
}

/// The widget and the console, then `edge/public/`.
pub fn build_site(repo: &Repo) -> Result {
    build_widget(repo)?;
    bindgen(repo, project::CONSOLE_PACKAGE, project::CONSOLE_CRATE, project::CONSOLE_BINDGEN_FLAGS)?;
    assemble_public(repo)
}

/// Compiles the widget, runs wasm-bindgen, esbuild (on the bindings) and
/// wasm-opt into a scratch directory. (The console, with no size budget,
/// skips the last two: a faster build.)
fn build_widget(repo: &Repo) -> Result {
    let out = bindgen(repo, project::WIDGET_PACKAGE, project::WIDGET_CRATE, project::WASM_BINDGEN_SIZE_FLAGS)?;
    // The bindings, minified (their doc comments and long local names are
    // most of their size); their exports and the wasm's import names stay.
    minify(repo, &out.join(format!("{}.js", project::WIDGET_CRATE)))?;
    let wasm = out.join(format!("{}_bg.wasm", project::WIDGET_CRATE));
    let optimized = wasm.with_extension("opt.wasm");
    cmd::run(
        Command::new(repo.wasm_opt())
            .args(project::WASM_OPT_FLAGS)
            .args(project::WASM_OPT_FEATURES)
            .arg(&wasm)
            .arg("-o")
            .arg(&optimized),
    )?;
    fs::rename(&optimized, &wasm).map_err(|e| io_error("rename", &optimized, e))
}

/// Compiles `package` to wasm and runs wasm-bindgen (with `flags`) into a
/// scratch directory, which it returns.
fn bindgen(repo: &Repo, package: &str, krate: &str, flags: &[&str]) -> Result<std::path::PathBuf> {
    cmd::run(
        Command::new(project::cargo())
            .args(["build", "--package", package, "--release"])
            .args(["--target", project::WASM_TARGET])
            .current_dir(&repo.root),
    )?;
    let out = repo.bindgen_out(krate);
    remove_dir(&out)?;
    cmd::run(
        Command::new(project::cargo_bin("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-name", krate])
            .args(flags)
            .arg("--out-dir")
            .arg(&out)
            .arg(repo.release_wasm(krate)),
    )?;
    Ok(out)
}

/// `edge/public/` = `www/` + `widget/` (loader, minified; bindings, wasm) + `console/`
/// (page, start script, style sheets, bindings, wasm) + `_headers`.
fn assemble_public(repo: &Repo) -> Result {
    let public = repo.public();
    remove_dir(&public)?;
    copy_dir(&repo.www(), &public)?;
    let widget = repo.public_widget();
    let loader = repo.widget_loader().join("gazouillis.js");
    if !loader.is_file() {
        return Err(format!(
            "the widget's loader {} is missing",
            loader.display()
        ));
    }
    copy_dir(&repo.widget_loader(), &widget)?;
    minify(repo, &widget.join("gazouillis.js"))?;
    copy_bindings(repo, project::WIDGET_CRATE, &widget)?;
    let console = repo.public_console();
    copy_dir(&repo.console_static(), &console)?;
    copy_file(&repo.widget_css(), &console.join("widget.css"))?;
    copy_bindings(repo, project::CONSOLE_CRATE, &console)?;
    let headers = public.join("_headers");
    fs::write(&headers, HEADERS_FILE).map_err(|e| io_error("write", &headers, e))?;
    println!("build: assembled {}", public.display());
    Ok(())
}

/// Minifies a JavaScript module in place with esbuild (its exports and
/// imports stay).
fn minify(repo: &Repo, js: &Path) -> Result {
    cmd::run(
        Command::new(repo.esbuild())
            .arg(js)
            .args(["--minify", "--format=esm", "--allow-overwrite", "--log-level=warning"])
            .arg(format!("--outfile={}", js.display())),
    )
}

/// wasm-bindgen's output for `krate` (bindings and wasm) into `to`.
fn copy_bindings(repo: &Repo, krate: &str, to: &Path) -> Result {
    for suffix in [".js", "_bg.wasm"] {
        let name = format!("{krate}{suffix}");
        copy_file(&repo.bindgen_out(krate).join(&name), &to.join(&name))?;
    }
    Ok(())
}

/// worker-build, offline: it is given wasm-bindgen, wasm-opt and esbuild
/// instead of downloading them.
fn build_edge(repo: &Repo) -> Result {
    cmd::run(
        Command::new(project::cargo_bin("worker-build"))
            .arg("--release")
            .current_dir(repo.edge())
            .env("WASM_BINDGEN_BIN", project::cargo_bin("wasm-bindgen"))
            .env("WASM_OPT_BIN", repo.wasm_opt())
            .env("ESBUILD_BIN", repo.esbuild()),
    )
}

fn remove_dir(dir: &Path) -> Result {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("remove", dir, e)),
        _ => Ok(()),
    }
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| io_error("create", to, e))?;
    let entries = fs::read_dir(from).map_err(|e| io_error("read", from, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| io_error("read", from, e))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            copy_file(&source, &target)?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result {
    fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

pub fn io_error(what: &str, path: &Path, e: io::Error) -> String {
    format!("cannot {what} {}: {e}", path.display())
}
