//! Shrinks the widget's wasm-bindgen output past what wasm-opt and esbuild do
//! on each file alone, by treating the bindings and the wasm as one program:
//!
//! 1. The bindings are bundled from what the loader imports of them
//!    (`project::WIDGET_BINDINGS_USED`), so that classes the widget never
//!    uses (wasm-streams', for Leptos's server functions) and unused helpers
//!    go.
//! 2. wasm-metadce keeps only the wasm exports the remaining bindings call,
//!    and drops the code only the others reached.
//! 3. wasm-opt optimizes, then gives every import, import module and export a
//!    short name (wasm-bindgen's carry 16-hex hashes, which do not compress),
//!    and the bindings are renamed to match, then minified.
//!
//! The renaming is checked: the build fails if the bindings and the wasm no
//! longer agree. It is not for the console, which has no size budget.

use crate::Result;
use crate::build;
use crate::cmd;
use crate::project::{self, Repo};
use std::collections::{BTreeSet, HashMap};
use std::fs;
use std::path::Path;
use std::process::Command;

/// Trims `out/{krate}.js` and `out/{krate}_bg.wasm`, as wasm-bindgen wrote them.
pub fn bindings(repo: &Repo, out: &Path, krate: &str) -> Result {
    let js_path = out.join(format!("{krate}.js"));
    let wasm = out.join(format!("{krate}_bg.wasm"));
    bundle(repo, out, krate)?;
    let js = read(&js_path)?;
    let used = Mentions::of(&js).calls;
    let kept = wasm.with_extension("kept.wasm");
    keep_exports(repo, &wasm, &used, &kept)?;
    let names = optimize(repo, &kept, &wasm)?;
    remove(&kept)?;
    let optimized = listing(repo, &wasm)?;
    let renamed = rename(&js, &names, &optimized.module()?)?;
    check(&renamed, &optimized)?;
    write(&js_path, &renamed)?;
    build::minify(repo, &js_path)
}

/// Bundles the bindings from what the loader imports of them. wasm-bindgen
/// gives each class a `Symbol.dispose` alias, a statement esbuild must keep
/// (and the class with it); the widget's code never disposes of a binding
/// with `using`, so the aliases go first.
fn bundle(repo: &Repo, out: &Path, krate: &str) -> Result {
    let js_path = out.join(format!("{krate}.js"));
    let js = read(&js_path)?;
    let without_dispose: String = js.lines().filter(|line| !is_dispose_alias(line)).flat_map(|line| [line, "\n"]).collect();
    write(&js_path, &without_dispose)?;
    let entry = out.join("entry.js");
    let source = format!("export {{ {} }} from './{krate}.js';\n", project::WIDGET_BINDINGS_USED);
    write(&entry, &source)?;
    cmd::run(
        Command::new(repo.esbuild())
            .arg(&entry)
            .args(["--bundle", "--format=esm", "--allow-overwrite", "--log-level=warning"])
            .arg(format!("--outfile={}", js_path.display())),
    )?;
    remove(&entry)?;
    // The widget's own JavaScript that the bindings imported is in the bundle now.
    build::remove_dir(&out.join("snippets"))
}

/// `if (Symbol.dispose) Name.prototype[Symbol.dispose] = Name.prototype.free;`
fn is_dispose_alias(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("if (Symbol.dispose) ") && line.ends_with(".prototype.free;")
}

/// The wasm's names the bindings mention.
struct Mentions {
    /// The exports they call (`wasm.name`).
    calls: BTreeSet<String>,
    /// The keys of their objects (`name:`), among them the imports they give.
    keys: BTreeSet<String>,
}

impl Mentions {
    fn of(js: &str) -> Mentions {
        let mut mentions = Mentions { calls: BTreeSet::new(), keys: BTreeSet::new() };
        for_each_identifier(js, |before, name, after| {
            if is_wasm_member(before) {
                mentions.calls.insert(name.to_owned());
            } else if after.starts_with(':') {
                mentions.keys.insert(name.to_owned());
            }
            None
        });
        mentions
    }
}

/// Whether an identifier whose preceding text is `before` is read as a
/// member of the bindings' `wasm` (the instance's exports).
fn is_wasm_member(before: &str) -> bool {
    before.strip_suffix("wasm.").is_some_and(|rest| !rest.ends_with(is_identifier_char))
}

/// wasm-metadce: `from` with only the exports in `used` (and what they reach) into `to`.
fn keep_exports(repo: &Repo, from: &Path, used: &BTreeSet<String>, to: &Path) -> Result {
    let nodes = used.iter().map(|name| serde_json::json!({ "name": format!("export {name}"), "export": name }));
    let root = serde_json::json!({ "name": "bindings", "root": true, "reaches": used.iter().map(|name| format!("export {name}")).collect::<Vec<_>>() });
    let graph = serde_json::Value::Array(std::iter::once(root).chain(nodes).collect());
    let graph_path = to.with_extension("graph.json");
    write(&graph_path, &graph.to_string())?;
    cmd::capture(
        Command::new(repo.binaryen("wasm-metadce"))
            .args(project::WASM_OPT_FEATURES)
            .arg(from)
            .arg("--graph-file")
            .arg(&graph_path)
            .arg("-o")
            .arg(to),
    )?;
    remove(&graph_path)
}

/// Old and new names of the wasm's imports (by module) and exports.
#[derive(Debug, Default, PartialEq)]
struct Names {
    imports: HashMap<String, String>,
    /// The one module the wasm imports from, before.
    module: String,
    exports: HashMap<String, String>,
}

/// wasm-opt: optimizes `from` into `to`, then minifies the names of its
/// imports, import modules and exports; returns the names it gave. (Two
/// runs: with `--converge`, the renaming would run, and print, again.)
fn optimize(repo: &Repo, from: &Path, to: &Path) -> Result<Names> {
    let wasm_opt = || {
        let mut command = Command::new(repo.wasm_opt());
        command.args(project::WASM_OPT_FEATURES);
        command
    };
    cmd::run(wasm_opt().args(project::WASM_OPT_FLAGS).arg(from).arg("-o").arg(to))?;
    let printed = cmd::capture(wasm_opt().arg("--minify-imports-and-exports-and-modules").arg(to).arg("-o").arg(to))?;
    parse_names(&String::from_utf8_lossy(&printed))
}

/// wasm-opt's map of minified names: `{"imports": [[module, old, new], …],
/// "exports": [[old, new], …]}`.
fn parse_names(printed: &str) -> Result<Names> {
    let map: serde_json::Value = serde_json::from_str(printed).map_err(|e| format!("wasm-opt's map of names: {e}"))?;
    let pairs = |key: &str| map[key].as_array().cloned().unwrap_or_default();
    let text = |value: &serde_json::Value, i: usize| value[i].as_str().map(str::to_owned).ok_or("wasm-opt's map of names: not a string");
    let mut names = Names::default();
    let mut modules = BTreeSet::new();
    for import in pairs("imports") {
        modules.insert(text(&import, 0)?);
        names.imports.insert(text(&import, 1)?, text(&import, 2)?);
    }
    for export in pairs("exports") {
        names.exports.insert(text(&export, 0)?, text(&export, 1)?);
    }
    if modules.len() != 1 {
        return Err(format!("the wasm imports from {} modules ({modules:?}); the bindings expect one", modules.len()));
    }
    names.module = modules.pop_first().unwrap_or_default();
    Ok(names)
}

/// What a wasm imports (module and name) and exports, as wasm-dis lists them.
#[derive(Debug, Default, PartialEq)]
struct Listing {
    imports: BTreeSet<(String, String)>,
    exports: BTreeSet<String>,
}

impl Listing {
    /// The one module the wasm imports from.
    fn module(&self) -> Result<String> {
        let modules: BTreeSet<&String> = self.imports.iter().map(|(module, _)| module).collect();
        match modules.into_iter().collect::<Vec<_>>().as_slice() {
            [module] => Ok(module.to_string()),
            modules => Err(format!("the optimized wasm imports from {modules:?}; the bindings expect one module")),
        }
    }
}

fn listing(repo: &Repo, wasm: &Path) -> Result<Listing> {
    let text = cmd::capture(Command::new(repo.binaryen("wasm-dis")).args(project::WASM_OPT_FEATURES).arg(wasm))?;
    Ok(parse_listing(&String::from_utf8_lossy(&text)))
}

/// ` (import "a" "b" (func …))` and ` (export "c" (func …))` lines.
fn parse_listing(text: &str) -> Listing {
    let quoted = |rest: &str| -> Vec<String> { rest.split('"').skip(1).step_by(2).take(2).map(str::to_owned).collect() };
    let mut listing = Listing::default();
    for line in text.lines().map(str::trim_start) {
        if let Some(rest) = line.strip_prefix("(import ") {
            if let [module, name] = quoted(rest).as_slice() {
                listing.imports.insert((module.clone(), name.clone()));
            }
        } else if let Some(rest) = line.strip_prefix("(export ") {
            listing.exports.extend(quoted(rest).into_iter().take(1));
        }
    }
    listing
}

/// The bindings with the wasm's new names: each `wasm.export`, each key of
/// the imports object, and the module the imports object is keyed by (now `module`).
fn rename(js: &str, names: &Names, module: &str) -> Result<String> {
    let mut missing = None;
    let renamed = for_each_identifier(js, |before, name, after| {
        if is_wasm_member(before) {
            let new = names.exports.get(name);
            if new.is_none() {
                missing = Some(name.to_owned());
            }
            new.map(String::as_str)
        } else if after.starts_with(':') {
            names.imports.get(name).map(String::as_str)
        } else {
            None
        }
    });
    if let Some(name) = missing {
        return Err(format!("the bindings call wasm.{name}, which the optimized wasm does not export"));
    }
    let key = format!("\"{}\":", names.module);
    if renamed.matches(&key).count() != 1 {
        return Err(format!("the bindings should key their imports by {key} once"));
    }
    Ok(renamed.replacen(&key, &format!("\"{module}\":"), 1))
}

/// Fails unless every import of the wasm is a key of the bindings' imports
/// object, under the module the bindings give, and every `wasm.name` the
/// bindings call is an export.
fn check(js: &str, wasm: &Listing) -> Result {
    let Mentions { calls, keys } = Mentions::of(js);
    for (module, name) in &wasm.imports {
        if !js.contains(&format!("\"{module}\":")) || !keys.contains(name) {
            return Err(format!("the wasm imports {module}.{name}, which the bindings do not give"));
        }
    }
    if let Some(name) = calls.iter().find(|name| !wasm.exports.contains(*name)) {
        return Err(format!("the bindings call wasm.{name}, which the wasm does not export"));
    }
    Ok(())
}

fn is_identifier_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Calls `visit(before, identifier, after)` for each JavaScript identifier
/// of `js` and returns `js` with the identifiers it renamed (`Some(new)`).
/// Strings and comments are scanned too: the names looked for are
/// wasm-bindgen's, which appear nowhere else.
fn for_each_identifier<'n>(js: &str, mut visit: impl FnMut(&str, &str, &str) -> Option<&'n str>) -> String {
    let mut out = String::with_capacity(js.len());
    let mut rest = js;
    while let Some(start) = rest.find(|c: char| is_identifier_char(c)) {
        out.push_str(&rest[..start]);
        let end = rest[start..].find(|c: char| !is_identifier_char(c)).map_or(rest.len(), |len| start + len);
        let word = &rest[start..end];
        let renamed = if word.starts_with(|c: char| c.is_ascii_digit()) { None } else { visit(&out, word, &rest[end..]) };
        out.push_str(renamed.unwrap_or(word));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| build::io_error("read", path, e))
}

fn write(path: &Path, text: &str) -> Result {
    fs::write(path, text).map_err(|e| build::io_error("write", path, e))
}

fn remove(path: &Path) -> Result {
    fs::remove_file(path).map_err(|e| build::io_error("remove", path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BINDINGS: &str = r#"export function mount(host) { wasm.mount(host); }
function __wbg_get_imports() {
    const import0 = {
        __proto__: null,
        __wbg_append_0123456789abcdef: function(arg0, arg1) { arg0.append(arg1); },
        __wbg_append_1123456789abcdef: function(arg0) { return typeof arg0 === 'string' ? { a: 1 } : null; },
    };
    return { __proto__: null, "./widget_bg.js": import0 };
}
const memory = () => new Uint8Array(wasm.memory.buffer);
if (Symbol.dispose) Source.prototype[Symbol.dispose] = Source.prototype.free;
let towasm = 1;
"#;

    fn names() -> Names {
        let pairs = |list: &[(&str, &str)]| list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        Names {
            imports: pairs(&[("__wbg_append_0123456789abcdef", "b"), ("__wbg_append_1123456789abcdef", "c")]),
            module: "./widget_bg.js".into(),
            exports: pairs(&[("mount", "d"), ("memory", "e")]),
        }
    }

    #[test]
    fn finds_the_exports_the_bindings_call() {
        let used: Vec<_> = Mentions::of(BINDINGS).calls.into_iter().collect();
        assert_eq!(used, ["memory", "mount"]);
        assert!(is_dispose_alias("if (Symbol.dispose) Source.prototype[Symbol.dispose] = Source.prototype.free;"));
        assert!(!is_dispose_alias("if (Symbol.dispose) cleanup();"));
    }

    #[test]
    fn renames_calls_import_keys_and_the_module_only() {
        let renamed = rename(BINDINGS, &names(), "a").unwrap();
        assert!(renamed.contains("export function mount(host) { wasm.d(host); }"), "{renamed}");
        assert!(renamed.contains("        b: function(arg0, arg1) { arg0.append(arg1); },"), "{renamed}");
        assert!(renamed.contains("        c: function(arg0)"), "{renamed}");
        assert!(renamed.contains("{ a: 1 }") && renamed.contains("\"a\": import0"), "{renamed}");
        assert!(renamed.contains("wasm.e.buffer") && renamed.contains("let towasm = 1;"), "{renamed}");
        let listing = Listing {
            imports: [("a", "b"), ("a", "c")].map(|(m, n)| (m.to_string(), n.to_string())).into(),
            exports: ["d", "e"].map(String::from).into(),
        };
        check(&renamed, &listing).unwrap();
    }

    #[test]
    fn a_mismatch_fails_the_build() {
        let mut unknown = names();
        unknown.exports.remove("memory");
        assert!(rename(BINDINGS, &unknown, "a").unwrap_err().contains("wasm.memory"));
        let renamed = rename(BINDINGS, &names(), "a").unwrap();
        let lacking = Listing {
            imports: [("a", "b"), ("a", "z")].map(|(m, n)| (m.to_string(), n.to_string())).into(),
            exports: ["d", "e"].map(String::from).into(),
        };
        assert!(check(&renamed, &lacking).unwrap_err().contains("a.z"));
        let other_module = Listing { imports: [("b".to_string(), "b".to_string())].into(), exports: lacking.exports.clone() };
        assert!(check(&renamed, &other_module).is_err());
        let fewer_exports = Listing { imports: Default::default(), exports: ["d".to_string()].into() };
        assert!(check(&renamed, &fewer_exports).unwrap_err().contains("wasm.e"));
    }

    #[test]
    fn reads_wasm_opt_and_wasm_dis() {
        let printed = r#"{
 "imports": [
  ["./widget_bg.js", "__wbg_append_0123456789abcdef", "b"],
  ["./widget_bg.js", "__wbg_append_1123456789abcdef", "c"]
 ],
"exports": [
  ["mount", "d"],
  ["memory", "e"]
 ]
}"#;
        assert_eq!(parse_names(printed).unwrap(), names());
        let two = printed.replacen("./widget_bg.js", "./other.js", 1);
        assert!(parse_names(&two).unwrap_err().contains("2 modules"));
        let listing = parse_listing(" (import \"a\" \"b\" (func $fimport$0 (param i32)))\n (memory $0 17)\n (export \"e\" (memory $0))\n (export \"d\" (func $12))\n");
        assert_eq!(listing.imports, [("a".to_string(), "b".to_string())].into());
        assert_eq!(listing.exports, ["d".to_string(), "e".to_string()].into());
    }
}
