//! `cargo xtask setup [--browser]`: installs the tools the build and the tests
//! need, each only when missing or at the wrong version.

use crate::Result;
use crate::cmd::{self, probe};
use crate::project::{self, Repo};
use std::fs;
use std::path::Path;
use std::process::Command;

pub fn setup(repo: &Repo, browser: bool) -> Result {
    wasm_target()?;
    nightly_parts()?;
    wasm_bindgen(repo)?;
    worker_build(repo)?;
    npm_packages(repo)?;
    if browser {
        apt_ensure(
            "chromium + chromedriver",
            &[project::CHROMIUM, project::CHROMEDRIVER],
            project::BROWSER_PACKAGES,
        )?;
        apt_ensure("firefox-esr (receives Web Push in the tests)", &[project::FIREFOX], project::FIREFOX_PACKAGES)?;
        apt_ensure("java (for the Nu HTML Checker)", &[project::JAVA], project::JAVA_PACKAGES)?;
        python_packages(repo)?;
    }
    Ok(())
}

fn report(step: &str, installed: bool) {
    let verb = if installed {
        "installed"
    } else {
        "skipped (already there)"
    };
    println!("setup: {step}: {verb}");
}

fn wasm_target() -> Result {
    let step = format!("rustup target {}", project::WASM_TARGET);
    let installed = probe(Command::new("rustup").args(["target", "list", "--installed"]))
        .is_some_and(|out| out.lines().any(|l| l.trim() == project::WASM_TARGET));
    if !installed {
        cmd::run(Command::new("rustup").args(["target", "add", project::WASM_TARGET]))?;
    }
    report(&step, !installed);
    Ok(())
}

/// Whether the machine has the nightly toolchain the widget's shipped build
/// uses (it cannot be fetched here; its parts can).
pub fn has_nightly() -> bool {
    probe(Command::new("rustup").args(["toolchain", "list"]))
        .is_some_and(|out| out.lines().any(|l| l.starts_with(&format!("{}-", project::NIGHTLY))))
}

/// With a nightly toolchain, what the widget's build on it needs: the
/// standard library's sources (`-Z build-std`) and the wasm32 target.
fn nightly_parts() -> Result {
    if !has_nightly() {
        println!("setup: note: no {} toolchain: the widget ships its build on stable", project::NIGHTLY);
        return Ok(());
    }
    let toolchain = ["--toolchain", project::NIGHTLY];
    let have = |kind: &str, name: &str| {
        probe(Command::new("rustup").args([kind, "list", "--installed"]).args(toolchain))
            .is_some_and(|out| out.lines().any(|l| l.trim() == name || l.trim().starts_with(&format!("{name}-"))))
    };
    for (kind, name) in [("component", "rust-src"), ("target", project::WASM_TARGET)] {
        let step = format!("rustup {kind} {name} ({})", project::NIGHTLY);
        let installed = have(kind, name);
        if !installed {
            cmd::run(Command::new("rustup").args([kind, "add", name]).args(toolchain))?;
        }
        report(&step, !installed);
    }
    Ok(())
}

fn wasm_bindgen(repo: &Repo) -> Result {
    let version = wasm_bindgen_version(repo)?;
    // `--locked` is left out on purpose: wasm-bindgen-cli 0.2.130's lock file
    // names a crate version that is no longer on crates.io.
    cargo_install("wasm-bindgen", "wasm-bindgen-cli", &version, false)
}

fn worker_build(repo: &Repo) -> Result {
    let pin = project::WORKER_BUILD_VERSION;
    match lock_versions(repo, "worker")?.as_slice() {
        [] => println!(
            "setup: note: no `worker` crate in Cargo.lock yet, worker-build {pin} not cross-checked"
        ),
        [worker] if major_minor(worker) == major_minor(pin) => {}
        found => {
            return Err(format!(
                "worker-build {pin} (pinned in xtask/src/project.rs) needs the `worker` crate at {}.*, Cargo.lock has {found:?}",
                major_minor(pin)
            ));
        }
    }
    cargo_install("worker-build", "worker-build", pin, true)
}

/// The exact `wasm-bindgen` version the workspace links: the CLI must match it.
pub fn wasm_bindgen_version(repo: &Repo) -> Result<String> {
    match lock_versions(repo, "wasm-bindgen")?.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err("Cargo.lock has no `wasm-bindgen` package: nothing tells which wasm-bindgen-cli to install".into()),
        many => Err(format!("Cargo.lock has several `wasm-bindgen` versions {many:?}: keep one")),
    }
}

fn major_minor(version: &str) -> &str {
    match version.match_indices('.').nth(1) {
        Some((i, _)) => &version[..i],
        None => version,
    }
}

/// Every version of a package in Cargo.lock.
fn lock_versions(repo: &Repo, package: &str) -> Result<Vec<String>> {
    let path = repo.cargo_lock();
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(parse_lock_versions(&text, package))
}

fn parse_lock_versions(lock: &str, package: &str) -> Vec<String> {
    let quoted = |line: &str, key: &str| {
        let rest = line
            .strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?
            .trim();
        Some(rest.trim_matches('"').to_owned())
    };
    let mut versions = Vec::new();
    let mut name = None;
    for line in lock.lines().map(str::trim) {
        if line == "[[package]]" {
            name = None;
        } else if let Some(n) = quoted(line, "name") {
            name = Some(n);
        } else if let Some(v) = quoted(line, "version")
            && name.as_deref() == Some(package)
            && !versions.contains(&v)
        {
            versions.push(v);
        }
    }
    versions
}

/// `cargo install <krate> --version =<version>` unless `~/.cargo/bin/<tool>
/// --version` already prints that version.
fn cargo_install(tool: &str, krate: &str, version: &str, locked: bool) -> Result {
    let step = format!("{tool} {version}");
    if installed_version(tool).as_deref() == Some(version) {
        report(&step, false);
        return Ok(());
    }
    let mut install = Command::new(project::cargo());
    install.args(["install", krate, "--version", &format!("={version}")]);
    if locked {
        install.arg("--locked");
    }
    cmd::run(&mut install)?;
    match installed_version(tool) {
        Some(v) if v == version => report(&step, true),
        other => {
            return Err(format!(
                "after installing, `{tool} --version` gives {other:?}, not {version}"
            ));
        }
    }
    Ok(())
}

/// The version a cargo-installed tool prints (`wasm-bindgen 0.2.130` or plain
/// `0.8.7` from worker-build).
fn installed_version(tool: &str) -> Option<String> {
    let out = probe(Command::new(project::cargo_bin(tool)).arg("--version"))?;
    version_in(&out)
}

fn version_in(text: &str) -> Option<String> {
    text.split_whitespace()
        .find(|w| w.starts_with(|c: char| c.is_ascii_digit()))
        .map(str::to_owned)
}

/// `npm ci` when node_modules is missing or older than package-lock.json.
fn npm_packages(repo: &Repo) -> Result {
    let lock = repo.path("package-lock.json");
    let installed = repo.node_modules().join(".package-lock.json");
    let fresh = match (modified(&lock), modified(&installed)) {
        (Some(wanted), Some(have)) => have >= wanted,
        _ => false,
    };
    let tools_there =
        repo.wasm_opt().exists() && repo.wrangler().exists() && repo.esbuild().exists() && repo.axe().exists() && repo.vnu().exists();
    if !(fresh && tools_there) {
        cmd::run(Command::new("npm").arg("ci").current_dir(&repo.root))?;
    }
    report("npm ci (wrangler, binaryen, axe-core, vnu-jar)", !(fresh && tools_there));
    Ok(())
}

/// The tests' Python packages (tests/requirements.txt) in their own virtual environment.
fn python_packages(repo: &Repo) -> Result {
    python_venv("python packages (tests/requirements.txt)", &repo.python_venv(), &repo.python_requirements())
}

/// The pinned `requirements` in the virtual environment `venv`: made and
/// filled by pip when missing or when the requirements changed (a copy of
/// them in the environment says what it holds).
pub fn python_venv(step: &str, venv: &Path, requirements: &Path) -> Result {
    let installed = venv.join("requirements.txt");
    let python = venv.join("bin/python");
    let fresh = python.exists() && fs::read(requirements).ok().is_some_and(|wanted| fs::read(&installed).ok() == Some(wanted));
    if !fresh {
        if probe(Command::new("python3").arg("--version")).is_none() {
            apt_ensure("python3", &["/usr/bin/python3"], &["python3", "python3-venv"])?;
        }
        cmd::run(Command::new("python3").args(["-m", "venv", "--clear"]).arg(venv))?;
        cmd::run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"]).arg(requirements))?;
        fs::copy(requirements, &installed).map_err(|err| format!("copying {}: {err}", requirements.display()))?;
    }
    report(step, !fresh);
    Ok(())
}

fn modified(path: &Path) -> Option<std::time::SystemTime> {
    fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `apt-get install` the packages when one of the files is missing.
pub fn apt_ensure(step: &str, files: &[&str], packages: &[&str]) -> Result {
    let missing = files.iter().any(|f| !Path::new(f).exists());
    if missing {
        apt(&["update"])?;
        let mut args = vec!["install", "-y"];
        args.extend_from_slice(packages);
        apt(&args)?;
    }
    report(step, missing);
    Ok(())
}

/// `apt-get`, through `sudo` when we are not root.
fn apt(args: &[&str]) -> Result {
    let root = probe(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    let mut apt = if root {
        Command::new("apt-get")
    } else {
        let mut sudo = Command::new("sudo");
        sudo.arg("apt-get");
        sudo
    };
    apt.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    cmd::run(&mut apt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_from_a_lock_file() {
        let lock = r#"
[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "worker"
version = "0.8.1"
"#;
        assert_eq!(parse_lock_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(parse_lock_versions(lock, "worker"), ["0.8.1"]);
        assert!(parse_lock_versions(lock, "leptos").is_empty());
        assert_eq!(major_minor("0.8.7"), "0.8");
        assert_eq!(
            version_in("wasm-bindgen 0.2.130\n").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(version_in("0.8.7\n").as_deref(), Some("0.8.7"));
    }
}
