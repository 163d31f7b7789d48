//! Every pinned version, name and path the tasks use, in one place.

use std::env;
use std::path::{Path, PathBuf};

/// worker-build release; its major.minor must equal the `worker` crate's in Cargo.lock.
pub const WORKER_BUILD_VERSION: &str = "0.8.7";
/// The Rust target of the widget and the Worker.
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// The toolchain of the widget's shipped build, when the machine has it: it
/// rebuilds the standard library for size, and its panics abort at once with
/// no message (README, "Benchmarks", for what it saves). The build on stable
/// alone is made and tested too.
pub const NIGHTLY: &str = "nightly";
/// RUSTFLAGS of that build.
pub const NIGHTLY_RUSTFLAGS: &str = "-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none";
/// Its cargo flags.
pub const NIGHTLY_BUILD_STD: &[&str] = &["-Zbuild-std=std,panic_abort", "-Zbuild-std-features=optimize_for_size"];
/// The widget's scripts of notifications, in `widget/loader/` and
/// `edge/public/widget/`: not part of what a page downloads to show the
/// widget (`cargo xtask size` weighs them apart).
pub const PUSH_SCRIPT: &str = "push.js";
pub const SERVICE_WORKER_SCRIPT: &str = "sw.js";
/// Cargo package of the widget and the file stem of its wasm.
pub const WIDGET_PACKAGE: &str = "gazouillis-widget";
pub const WIDGET_CRATE: &str = "gazouillis_widget";
/// What the widget's loader (`widget/loader/gazouillis.js`) imports from
/// its bindings: the rest of them is left out of the build (`trim.rs`).
pub const WIDGET_BINDINGS_USED: &str = "default, mount";
/// Cargo package of the brand console and the file stem of its wasm.
pub const CONSOLE_PACKAGE: &str = "gazouillis-console";
pub const CONSOLE_CRATE: &str = "gazouillis_console";
/// Debian packages giving the browser the tests drive, and their binaries.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
pub const BROWSER_PACKAGES: &[&str] = &["chromium", "chromium-driver"];
/// Firefox ESR, the browser that receives Web Push offline in the tests
/// (from a local push service; Chromium's goes through Google's servers).
pub const FIREFOX: &str = "/usr/bin/firefox-esr";
pub const FIREFOX_PACKAGES: &[&str] = &["firefox-esr"];
/// Java, for the Nu HTML Checker.
pub const JAVA: &str = "/usr/bin/java";
pub const JAVA_PACKAGES: &[&str] = &["default-jre-headless"];
/// Debian package and binary of the brotli CLI (used by `size` only).
pub const BROTLI: &str = "/usr/bin/brotli";
/// Where `run` serves the site and the API.
pub const DEV_HOST: &str = "127.0.0.1";
pub const DEV_PORT: u16 = 8787;
/// wasm-bindgen options that make the widget's bindings smaller, measured
/// with `cargo xtask size`: the loader always gives `init` the wasm's URL, so
/// no default path is needed; every browser with `AbortSignal.timeout` (which
/// the widget needs) has `TextEncoder.encodeInto`, so no fallback is needed.
pub const WASM_BINDGEN_SIZE_FLAGS: &[&str] = &["--omit-default-module-path", "--encode-into", "always"];
/// wasm-bindgen options for the console, which skips wasm-opt (a faster
/// build, no size budget): without the names of its functions (kept by rustc
/// for wasm), its wasm is 1.45 MB instead of 3.07 MB, 344 KB brotli instead
/// of 511 KB, in two seconds; a full `wasm-opt -Os` took 29 s for 368 KB
/// brotli (measured 2026-12-01).
pub const CONSOLE_BINDGEN_FLAGS: &[&str] = &["--remove-name-section", "--remove-producers-section"];
/// How `wasm-opt` optimizes the widget's wasm. Measured with `cargo xtask size`
/// (brotli): `-Os` run to a fixed point (`--converge`) beats `-Oz`, `-O3` and
/// `-O4`; GUFA's whole-program inference between two `-Os` took about 230
/// bytes more off (2026-12-07; `--merge-similar-functions` and global
/// effects did not). (Stripping the small producers and target-features sections made
/// the brotli output larger, so they stay.)
pub const WASM_OPT_FLAGS: &[&str] = &["-Os", "--gufa", "-Os", "--converge"];
/// `wasm-opt` features of the widget's wasm. wasm-bindgen's output has no
/// `target_features` section, so they must be named, and wasm-opt refuses the
/// module if one it uses is missing. Measured on the widget (rustc 1.95,
/// wasm-bindgen 0.2.130): bulk-memory and nontrapping-float-to-int are required
/// today; sign-ext and mutable-globals are in rustc's default feature set for
/// the target and cost nothing to allow.
pub const WASM_OPT_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
];

/// Paths of the repository, derived from its root.
pub struct Repo {
    pub root: PathBuf,
}

impl Repo {
    /// The workspace root: the parent of this crate.
    pub fn locate() -> Repo {
        let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest.parent().unwrap_or(manifest).to_path_buf();
        Repo { root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn cargo_lock(&self) -> PathBuf {
        self.path("Cargo.lock")
    }

    pub fn node_modules(&self) -> PathBuf {
        self.path("node_modules")
    }

    pub fn wasm_opt(&self) -> PathBuf {
        self.binaryen("wasm-opt")
    }

    /// A tool of binaryen's npm package (wasm-opt, wasm-metadce, wasm-dis).
    pub fn binaryen(&self, tool: &str) -> PathBuf {
        self.path("node_modules/.bin").join(tool)
    }

    pub fn wrangler(&self) -> PathBuf {
        self.path("node_modules/.bin/wrangler")
    }

    /// axe-core, which the browser tests run in pages to find accessibility violations.
    pub fn axe(&self) -> PathBuf {
        self.path("node_modules/axe-core/axe.min.js")
    }

    /// The Nu HTML Checker, which the tests run on the edge's HTML pages (with Java).
    pub fn vnu(&self) -> PathBuf {
        self.path("node_modules/vnu-jar/build/dist/vnu.jar")
    }

    pub fn esbuild(&self) -> PathBuf {
        self.path("node_modules/@esbuild/linux-x64/bin/esbuild")
    }

    pub fn edge(&self) -> PathBuf {
        self.path("edge")
    }

    pub fn wrangler_toml(&self) -> PathBuf {
        self.path("edge/wrangler.toml")
    }

    pub fn dev_vars(&self) -> PathBuf {
        self.path("edge/.dev.vars")
    }

    /// Static assets the Worker serves: `www/` plus the built widget.
    pub fn public(&self) -> PathBuf {
        self.path("edge/public")
    }

    pub fn public_widget(&self) -> PathBuf {
        self.path("edge/public/widget")
    }

    pub fn www(&self) -> PathBuf {
        self.path("www")
    }

    /// Hand-written files of the widget served as they are (the loader script, any css).
    pub fn widget_loader(&self) -> PathBuf {
        self.path("widget/loader")
    }

    /// The console's hand-written files (page, start script, style sheet).
    pub fn console_static(&self) -> PathBuf {
        self.path("console/static")
    }

    pub fn public_console(&self) -> PathBuf {
        self.path("edge/public/console")
    }

    /// The widget's style sheet, which the console's preview uses too.
    pub fn widget_css(&self) -> PathBuf {
        self.path("widget/src/widget.css")
    }

    /// Cargo's target directory of the builds on nightly, apart from
    /// stable's (other flags, other standard library).
    pub fn nightly_target(&self) -> PathBuf {
        self.path("target/nightly")
    }

    /// Scratch directory of wasm-bindgen's output for crate `krate`.
    pub fn bindgen_out(&self, krate: &str) -> PathBuf {
        self.path(&format!("target/xtask/{krate}"))
    }

    /// The widget built on stable alone, as served (loader, bindings, wasm),
    /// which a test loads when the shipped build is nightly's.
    pub fn stable_widget(&self) -> PathBuf {
        self.path("target/xtask/stable-widget")
    }

    /// The Python packages the tests use (feed parsing, JSON Schema), pinned.
    pub fn python_requirements(&self) -> PathBuf {
        self.path("tests/requirements.txt")
    }

    /// The virtual environment they are installed in.
    pub fn python_venv(&self) -> PathBuf {
        self.path("target/python")
    }

    /// Isso 0.14.0 and its dependencies, pinned, which `bench-first-load` compares with.
    pub fn isso_requirements(&self) -> PathBuf {
        self.path("tests/isso-requirements.txt")
    }

    /// The virtual environment Isso is installed in (the benchmark runs
    /// `bin/isso` from there).
    pub fn isso_venv(&self) -> PathBuf {
        self.path("target/isso")
    }

    /// Local state (KV, Durable Objects) of `wrangler dev`.
    pub fn dev_state(&self) -> PathBuf {
        self.path(".gazouillis/state")
    }
}

/// `cargo` itself: the one running us when there is one.
pub fn cargo() -> PathBuf {
    env::var_os("CARGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("cargo"))
}

/// A binary installed by `cargo install`.
pub fn cargo_bin(tool: &str) -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin").join(tool)
}
