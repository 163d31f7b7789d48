//! The Nu HTML Checker (npm `vnu-jar`, run with Java), on the edge's HTML.

use crate::{repo_root, TempDir};
use serde_json::Value;
use std::process::Command;

/// What the checker finds wrong in each `(name, document)`: errors and
/// warnings as `name: line L: message`; empty when all are valid. A
/// fragment is checked inside a minimal document.
pub fn html_problems(documents: &[(&str, String)]) -> Vec<String> {
    let dir = TempDir::new("vnu");
    let mut files = Vec::new();
    for (n, (_, html)) in documents.iter().enumerate() {
        let file = dir.path().join(format!("{n}.html"));
        std::fs::write(&file, html).expect("write a document to check");
        files.push(file);
    }
    let out = Command::new("java")
        .arg("-jar")
        .arg(repo_root().join("node_modules/vnu-jar/build/dist/vnu.jar"))
        .args(["--format", "json", "--exit-zero-always"])
        .args(&files)
        .output()
        .expect("java -jar vnu.jar (run `cargo xtask setup --browser`)");
    let report: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|err| panic!("vnu's report: {err}: {}", String::from_utf8_lossy(&out.stderr)));
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .map(|message| {
            let url = message["url"].as_str().unwrap_or_default();
            let n: usize = url.rsplit('/').next().and_then(|f| f.strip_suffix(".html")).and_then(|n| n.parse().ok()).unwrap_or(0);
            let name = documents.get(n).map_or("?", |(name, _)| *name);
            format!("{name}: line {}: {} {}", message["lastLine"], message["type"].as_str().unwrap_or_default(), message["message"].as_str().unwrap_or_default())
        })
        .collect()
}

/// `fragment` in the smallest valid document, for the checker.
pub fn in_document(fragment: &str) -> String {
    format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>A page</title></head><body>{fragment}</body></html>")
}
