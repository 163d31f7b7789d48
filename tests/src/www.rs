//! The demo site `www/` served from a second origin, as a customer's site
//! would embed the widget: HTML pages get their `="/widget/..."` references
//! rewritten to the edge's origin, so the widget script, its wasm and every
//! API call are cross-origin.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// A GET-only static file server on a free loopback port.
pub struct WwwServer {
    port: u16,
    stop: Arc<AtomicBool>,
    extra: Arc<Mutex<HashMap<String, String>>>,
    thread: Option<JoinHandle<()>>,
}

struct Site {
    root: PathBuf,
    edge_origin: String,
    extra: Arc<Mutex<HashMap<String, String>>>,
}

impl WwwServer {
    /// Serves `root` (e.g. `www/`), pointing `/widget/` references at `edge_origin`.
    pub fn start(root: &Path, edge_origin: &str) -> WwwServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the www server");
        let port = listener.local_addr().expect("www address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let extra = Arc::new(Mutex::new(HashMap::new()));
        let site = Arc::new(Site { root: root.to_owned(), edge_origin: edge_origin.to_owned(), extra: extra.clone() });
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let site = site.clone();
                std::thread::spawn(move || serve(&site, stream));
            }
        });
        WwwServer { port, stop, extra, thread: Some(thread) }
    }

    /// `http://127.0.0.1:<port>`: not the edge's origin.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Serves `html` at `path` (e.g. `/test/ghost.html`) besides the files of `www/`.
    pub fn add_page(&self, path: &str, html: &str) {
        self.extra.lock().expect("pages").insert(path.to_owned(), html.to_owned());
    }
}

impl Drop for WwwServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so that it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request, then closes the connection.
fn serve(site: &Site, mut stream: TcpStream) {
    // Chromium opens connections ahead of need and may send a request on one
    // long after: wait, and close without a word if nothing complete comes
    // (an answer to no request would be read as the answer to the next one).
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        if request.len() > 64 * 1024 {
            return;
        }
    }
    let head = String::from_utf8_lossy(&request);
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let (status, content_type, body) = match method {
        "GET" | "HEAD" => match site.lookup(path) {
            Some((content_type, body)) => ("200 OK", content_type, body),
            None => ("404 Not Found", "text/plain", b"not found".to_vec()),
        },
        _ => ("405 Method Not Allowed", "text/plain", b"GET only".to_vec()),
    };
    let mut answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        answer.extend_from_slice(&body);
    }
    let _ = stream.write_all(&answer);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

impl Site {
    fn lookup(&self, path: &str) -> Option<(&'static str, Vec<u8>)> {
        if let Some(html) = self.extra.lock().ok()?.get(path) {
            return Some(("text/html; charset=utf-8", self.rewrite(html).into_bytes()));
        }
        let relative = Path::new(path.trim_start_matches('/'));
        if path.contains('%') || relative.components().any(|c| !matches!(c, Component::Normal(_))) {
            return None;
        }
        let mut file = self.root.join(relative);
        if path.ends_with('/') || file.is_dir() {
            file = file.join("index.html");
        }
        let bytes = std::fs::read(&file).ok()?;
        let content_type = content_type(&file);
        if content_type.starts_with("text/html") {
            Some((content_type, self.rewrite(&String::from_utf8_lossy(&bytes)).into_bytes()))
        } else {
            Some((content_type, bytes))
        }
    }

    fn rewrite(&self, html: &str) -> String {
        html.replace("=\"/widget/", &format!("=\"{}/widget/", self.edge_origin))
            .replace("='/widget/", &format!("='{}/widget/", self.edge_origin))
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}
