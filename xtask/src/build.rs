//! `cargo xtask build`: the widget's wasm and the site into `edge/public/`,
//! then the Worker into `edge/build/`.

use crate::Result;
use crate::cmd;
use crate::project::{self, Repo};
use crate::setup;
use crate::trim;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
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

/// The toolchain a wasm is compiled with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Toolchain {
    Stable,
    /// Nightly, with the standard library rebuilt for size (`project::NIGHTLY_*`).
    Nightly,
}

impl Toolchain {
    /// The one the widget ships with: nightly when the machine has it.
    pub fn shipped() -> Toolchain {
        if setup::has_nightly() { Toolchain::Nightly } else { Toolchain::Stable }
    }
}

/// The widget and the console, then `edge/public/`.
pub fn build_site(repo: &Repo) -> Result {
    build_widget(repo, Toolchain::shipped(), &repo.bindgen_out(project::WIDGET_CRATE))?;
    let console = compile(repo, project::CONSOLE_PACKAGE, project::CONSOLE_CRATE, Toolchain::Stable)?;
    bindgen(&console, project::CONSOLE_CRATE, project::CONSOLE_BINDGEN_FLAGS, &repo.bindgen_out(project::CONSOLE_CRATE))?;
    assemble_public(repo)
}

/// The widget built on stable alone, its files as `edge/public/widget/`
/// holds them, into `Repo::stable_widget`. After [`build_site`]: when the
/// shipped widget is the stable build (no nightly here), a copy of it.
pub fn build_stable_widget(repo: &Repo) -> Result {
    let out = repo.stable_widget();
    if Toolchain::shipped() == Toolchain::Stable {
        remove_dir(&out)?;
        return copy_dir(&repo.public_widget(), &out);
    }
    build_widget(repo, Toolchain::Stable, &out)?;
    copy_widget_sources(repo, &out)
}

/// Compiles the widget with `toolchain`, runs wasm-bindgen, then trims its
/// output (`trim.rs`: wasm-metadce, wasm-opt, esbuild) into `out`. (The
/// console, with no size budget, skips the trimming: a faster build.)
fn build_widget(repo: &Repo, toolchain: Toolchain, out: &Path) -> Result {
    let compiled = compile(repo, project::WIDGET_PACKAGE, project::WIDGET_CRATE, toolchain)?;
    bindgen(&compiled, project::WIDGET_CRATE, project::WASM_BINDGEN_SIZE_FLAGS, out)?;
    trim::bindings(repo, out, project::WIDGET_CRATE)
}

/// Compiles `package` to wasm with `toolchain`; returns the wasm's path.
fn compile(repo: &Repo, package: &str, krate: &str, toolchain: Toolchain) -> Result<PathBuf> {
    let (mut cargo, target_dir) = match toolchain {
        Toolchain::Stable => (Command::new(project::cargo()), repo.path("target")),
        Toolchain::Nightly => {
            let mut cargo = Command::new("rustup");
            cargo.args(["run", project::NIGHTLY, "cargo"]);
            cargo.env("RUSTFLAGS", project::NIGHTLY_RUSTFLAGS).env_remove("CARGO_ENCODED_RUSTFLAGS");
            (cargo, repo.nightly_target())
        }
    };
    cargo
        .args(["build", "--package", package, "--release", "--target", project::WASM_TARGET])
        .arg("--target-dir")
        .arg(&target_dir)
        .current_dir(&repo.root);
    if toolchain == Toolchain::Nightly {
        cargo.args(project::NIGHTLY_BUILD_STD);
    }
    cmd::run(&mut cargo)?;
    Ok(target_dir.join(project::WASM_TARGET).join("release").join(format!("{krate}.wasm")))
}

/// Runs wasm-bindgen (with `flags`) on the `wasm` of crate `krate` into `out`.
fn bindgen(wasm: &Path, krate: &str, flags: &[&str], out: &Path) -> Result {
    remove_dir(out)?;
    cmd::run(
        Command::new(project::cargo_bin("wasm-bindgen"))
            .args(["--target", "web", "--no-typescript", "--out-name", krate])
            .args(flags)
            .arg("--out-dir")
            .arg(out)
            .arg(wasm),
    )
}

/// The widget's files that are not compiled into `to`, minified: its
/// loader and the scripts of notifications (`widget/loader/`: `push.js`,
/// fetched on a bell's press, and `sw.js`, which the page's service worker
/// imports), and its style sheet (which the loader fetches and the
/// server-rendered first views link).
fn copy_widget_sources(repo: &Repo, to: &Path) -> Result {
    let loader = repo.widget_loader().join("gazouillis.js");
    if !loader.is_file() {
        return Err(format!("the widget's loader {} is missing", loader.display()));
    }
    copy_dir(&repo.widget_loader(), to)?;
    copy_file(&repo.widget_css(), &to.join("widget.css"))?;
    minify(repo, &to.join("gazouillis.js"))?;
    minify(repo, &to.join(project::PUSH_SCRIPT))?;
    // A classic script, not a module: `importScripts` runs no module.
    minify_with(repo, &to.join(project::SERVICE_WORKER_SCRIPT), &[])
}

/// `edge/public/` = `www/` + `widget/` (loader, minified; style sheet; bindings, wasm) + `console/`
/// (page, start script, style sheets, bindings, wasm) + `_headers`.
fn assemble_public(repo: &Repo) -> Result {
    let public = repo.public();
    remove_dir(&public)?;
    copy_dir(&repo.www(), &public)?;
    let widget = repo.public_widget();
    copy_widget_sources(repo, &widget)?;
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
pub fn minify(repo: &Repo, js: &Path) -> Result {
    minify_with(repo, js, &["--format=esm"])
}

/// Minifies a script in place, with esbuild's `flags`.
fn minify_with(repo: &Repo, js: &Path, flags: &[&str]) -> Result {
    cmd::run(
        Command::new(repo.esbuild())
            .arg(js)
            .args(["--minify", "--allow-overwrite", "--log-level=warning"])
            .args(flags)
            .arg(format!("--outfile={}", js.display())),
    )
}

/// wasm-bindgen's output for `krate` (bindings and wasm) into `to`, with the
/// snippets of JavaScript the bindings import, if any (the console's: the
/// widget's are bundled into its bindings, see `trim.rs`).
fn copy_bindings(repo: &Repo, krate: &str, to: &Path) -> Result {
    let out = repo.bindgen_out(krate);
    for suffix in [".js", "_bg.wasm"] {
        let name = format!("{krate}{suffix}");
        copy_file(&out.join(&name), &to.join(&name))?;
    }
    let snippets = out.join("snippets");
    if snippets.is_dir() {
        copy_dir(&snippets, &to.join("snippets"))?;
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

pub fn remove_dir(dir: &Path) -> Result {
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
