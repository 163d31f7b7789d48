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

/// A script that holds the widget's wasm back until `window.releaseWasm()`
/// (the page's `fetch` waits for it): the edge's first view stays on its own.
pub const HOLD_WASM: &str = "const held = new Promise(resolve => window.releaseWasm = resolve);
const fetched = window.fetch.bind(window);
window.fetch = (input, init) => String(input.url ?? input).endsWith('_bg.wasm') ? held.then(() => fetched(input, init)) : fetched(input, init);";

/// A page of `body` that loads the widget, with `head` before the script.
pub fn widget_page(head: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>test</title>{head}\
         <script type=\"module\" src=\"/widget/gazouillis.js\"></script></head><body>{body}</body></html>"
    )
}

const HTML: &str = "text/html; charset=utf-8";

/// A GET-only static file server on a free loopback port.
pub struct WwwServer {
    server: Server,
    extra: Arc<Mutex<HashMap<String, Added>>>,
}

struct Site {
    root: PathBuf,
    edge_origin: String,
    extra: Arc<Mutex<HashMap<String, Added>>>,
}

/// A file served besides those of `www/`.
struct Added {
    content_type: &'static str,
    body: String,
    /// The `Content-Security-Policy` it is served with, if any.
    policy: Option<String>,
}

impl WwwServer {
    /// Serves `root` (e.g. `www/`), pointing `/widget/` references at `edge_origin`.
    pub fn start(root: &Path, edge_origin: &str) -> WwwServer {
        let extra = Arc::new(Mutex::new(HashMap::new()));
        let site = Site { root: root.to_owned(), edge_origin: edge_origin.to_owned(), extra: extra.clone() };
        WwwServer { server: Server::start(move |stream| serve(&site, stream)), extra }
    }

    /// `http://127.0.0.1:<port>`: not the edge's origin.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port())
    }

    /// Serves `html` at `path` (e.g. `/test/ghost.html`) besides the files of `www/`.
    pub fn add_page(&self, path: &str, html: &str) {
        self.add(path, Added { content_type: HTML, body: html.to_owned(), policy: None });
    }

    /// Serves `html` at `path` with the `Content-Security-Policy` `policy`.
    pub fn add_page_with_policy(&self, path: &str, html: &str, policy: &str) {
        self.add(path, Added { content_type: HTML, body: html.to_owned(), policy: Some(policy.to_owned()) });
    }

    /// Serves the JavaScript `script` at `path`, as a site serves its own scripts.
    pub fn add_script(&self, path: &str, script: &str) {
        self.add(path, Added { content_type: "text/javascript; charset=utf-8", body: script.to_owned(), policy: None });
    }

    fn add(&self, path: &str, added: Added) {
        self.extra.lock().expect("pages").insert(path.to_owned(), added);
    }
}

/// A loopback HTTP server: each connection is handled on its own thread.
pub(crate) struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(handle: impl Fn(TcpStream) + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a test server");
        let port = listener.local_addr().expect("test server address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let handle = Arc::new(handle);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let handle = handle.clone();
                std::thread::spawn(move || handle(stream));
            }
        });
        Server { port, stop, thread: Some(thread) }
    }

    pub(crate) fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Server {
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
    let Some(request) = read_request(&mut stream) else { return };
    let (status, content_type, body, policy) = match request.method.as_str() {
        "GET" | "HEAD" => match site.lookup(&request.path) {
            Some((content_type, body, policy)) => ("200 OK", content_type, body, policy),
            None => ("404 Not Found", "text/plain", b"not found".to_vec(), None),
        },
        _ => ("405 Method Not Allowed", "text/plain", b"GET only".to_vec(), None),
    };
    let body = if request.method == "HEAD" { Vec::new() } else { body };
    let headers = policy.map_or(String::new(), |policy| format!("content-security-policy: {policy}\r\n"));
    respond_with(stream, status, content_type, &headers, &body);
}

/// One HTTP/1.1 request, as the small servers of the tests need it.
pub(crate) struct HttpRequest {
    pub method: String,
    /// Without query or fragment.
    pub path: String,
    /// Names in lowercase.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Reads one request (head, and a body of `content-length` bytes), or `None`.
pub(crate) fn read_request(stream: &mut TcpStream) -> Option<HttpRequest> {
    // Chromium opens connections ahead of need and may send a request on one
    // long after: wait, and close without a word if nothing complete comes
    // (an answer to no request would be read as the answer to the next one).
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
        if request.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
    let mut parts = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let path = target.split(['?', '#']).next().unwrap_or("/").to_owned();
    let headers: Vec<(String, String)> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(name, _)| name == "content-length").and_then(|(_, v)| v.parse::<usize>().ok()).unwrap_or(0);
    let mut body = request[head_end..].to_vec();
    while body.len() < length.min(64 * 1024) {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    Some(HttpRequest { method: method.to_owned(), path, headers, body })
}

/// Writes a whole answer and closes the connection.
pub(crate) fn respond(stream: TcpStream, status: &str, content_type: &str, body: &[u8]) {
    respond_with(stream, status, content_type, "", body);
}

/// [`respond`], with more `headers` (each line ending in CRLF).
pub(crate) fn respond_with(mut stream: TcpStream, status: &str, content_type: &str, headers: &str, body: &[u8]) {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\ncache-control: no-store\r\n{headers}connection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    let _ = stream.write_all(&answer);
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Write);
}

impl Site {
    /// The type, body and policy of what `path` names.
    fn lookup(&self, path: &str) -> Option<(&'static str, Vec<u8>, Option<String>)> {
        if let Some(added) = self.extra.lock().ok()?.get(path) {
            return Some((added.content_type, self.rewrite(&added.body).into_bytes(), added.policy.clone()));
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
            Some((content_type, self.rewrite(&String::from_utf8_lossy(&bytes)).into_bytes(), None))
        } else {
            Some((content_type, bytes, None))
        }
    }

    fn rewrite(&self, html: &str) -> String {
        html.replace("=\"/widget/", &format!("=\"{}/widget/", self.edge_origin))
            .replace("='/widget/", &format!("='{}/widget/", self.edge_origin))
    }
}

fn content_type(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or_default() {
        "html" | "htm" => HTML,
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
