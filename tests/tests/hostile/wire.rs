//! Running cases: through the harness, or as bytes on a socket (literal
//! `..`, invalid UTF-8, chunked bodies), and checking what each got.

use super::*;

/// Runs every case one after the other; returns what each wrong one got.
pub(crate) async fn run_cases(e: &Edge, cases: &[Case]) -> Vec<String> {
    let mut wrong = Vec::new();
    for case in cases {
        if let Err(why) = run_case(e, case).await {
            wrong.push(why);
        }
    }
    wrong
}

/// A whole answer, from either wire.
struct Answer {
    status: u16,
    content_type: String,
    /// Its `access-control-allow-origin`.
    allow_origin: Option<String>,
    body: Vec<u8>,
    /// Why the body ended early, if the connection dropped in the middle of it.
    cut: Option<String>,
}

/// `wrangler dev`'s own answer when a Worker answers a streamed (chunked)
/// body before reading it whole: its proxy, still sending the body, loses the
/// connection and answers this in the Worker's place (a plain JS Worker that
/// reads 8 KiB then answers gets the same). It hides the Worker's answer.
fn is_dev_proxy_cut(answer: &Answer) -> bool {
    answer.status == 503 && String::from_utf8_lossy(&answer.body).contains("Your worker restarted mid-request")
}

/// Tries of a case the proxy cuts; after them a chunked case is called
/// inconclusive: the proxy cuts about half of the small ones, and every 10 MB one.
const CHUNKED_TRIES: u32 = 8;

async fn run_case(e: &Edge, case: &Case) -> Result<(), String> {
    let send = || async { send(e, case).await.map_err(|why| format!("{}\n      no answer: {why}", case.label())) };
    let chunked = case.wire == Wire::Chunked;
    let mut tries = 0;
    // The proxy resets, now and then, the connection of an oversized body the
    // Worker refuses early, before its answer is read; and cuts, now and then,
    // a body with a Content-Length that the Worker refuses early (and about
    // half the chunked ones): sent again, and inconclusive if that goes on
    // (it happens under load).
    let answer = loop {
        tries += 1;
        let last = tries >= CHUNKED_TRIES;
        match send().await {
            Err(_) if case.area == Area::Sizes && !last => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(why) if case.area == Area::Sizes => {
                eprintln!("[hostile] inconclusive: wrangler dev's proxy reset all {tries} tries: {why}");
                return Ok(());
            }
            Err(why) => return Err(why),
            Ok(answer) if !last && (is_dev_proxy_cut(&answer) || (chunked && answer.cut.is_some())) => {}
            Ok(answer) => break answer,
        }
    };
    if chunked {
        if is_dev_proxy_cut(&answer) {
            eprintln!("[hostile] inconclusive: wrangler dev's proxy cut all {tries} tries of {}", case.label());
            return Ok(());
        }
        // The proxy also drops the body of the Worker's early answer: its status is all there is to check.
        let (Expect::Error(expected, _) | Expect::Ok(expected) | Expect::Empty(expected)) = case.expect;
        if answer.cut.is_some() && answer.status == expected {
            eprintln!(
                "[hostile] status only: {expected} seen, its body cut by wrangler dev's proxy ({tries} tries): {}",
                case.label()
            );
            return Ok(());
        }
    }
    check(&answer, case).map_err(|why| {
        let server_error = if answer.status >= 500 { " (5xx!)" } else { "" };
        let cut = answer.cut.as_ref().map(|cut| format!(" (body cut: {cut})")).unwrap_or_default();
        format!("{}\n      {why}{server_error}: {} {}{cut}", case.label(), answer.status, shorten(&answer.body, 300))
    })
}

fn check(answer: &Answer, case: &Case) -> Result<(), String> {
    match case.expect {
        Expect::Error(status, code) => {
            ensure!(answer.status == status, "expected {status} {code}, got");
            ensure!(answer.content_type.starts_with("application/json"), "content-type {:?}, got", answer.content_type);
            let body: ErrorBody =
                serde_json::from_slice(&answer.body).map_err(|e| format!("not an error body ({e}), got"))?;
            ensure!(body.error.code == code, "expected code {code}, got");
            ensure!(!body.error.message.trim().is_empty(), "empty error message, got");
        }
        Expect::Ok(status) => {
            ensure!(answer.status == status, "expected {status}, got");
            serde_json::from_slice::<Value>(&answer.body).map_err(|e| format!("the body is not JSON ({e}), got"))?;
        }
        Expect::Empty(status) => {
            ensure!(answer.status == status, "expected {status}, got");
            ensure!(answer.body.is_empty(), "expected no body, got");
        }
    }
    if case.method == Method::OPTIONS {
        // A preflight let through names the sites that may write; a refused
        // one names none, so that the browser does not send the write.
        match (case.expect, &answer.allow_origin) {
            (Expect::Error(..), Some(origin)) => {
                return Err(format!("access-control-allow-origin {origin:?} on a refused preflight, got"));
            }
            (Expect::Empty(_), None) => return Err("no access-control-allow-origin, got".into()),
            _ => {}
        }
    }
    Ok(())
}

async fn send(e: &Edge, case: &Case) -> Result<Answer, String> {
    if case.wire != Wire::Client {
        let request = raw_request(e.port(), case);
        return tokio::task::spawn_blocking(move || request.exchange()).await.map_err(|e| format!("{e}"))?;
    }
    let path = String::from_utf8(case.path.clone()).map_err(|_| "a non-UTF-8 path needs Wire::Raw".to_owned())?;
    let mut req = e.req(case.method.clone(), &path);
    for value in &case.authorization {
        let value = std::str::from_utf8(value).map_err(|_| "a non-UTF-8 header needs Wire::Raw".to_owned())?;
        req = req.header("authorization", value);
    }
    for (name, value) in &case.headers {
        req = req.header(name, value);
    }
    if !matches!(case.body, Body::None) {
        req = req.raw(case.body.bytes());
    }
    // The harness panics when there is no answer at all: a failed case, not a failed step.
    let resp = tokio::spawn(req.send()).await.map_err(|e| match e.try_into_panic() {
        Ok(panic) => panic.downcast_ref::<String>().cloned().unwrap_or_else(|| "panicked".into()),
        Err(e) => e.to_string(),
    })?;
    let content_type = resp.header("content-type").unwrap_or_default();
    let allow_origin = resp.header("access-control-allow-origin");
    Ok(Answer { status: resp.status, content_type, allow_origin, body: resp.body, cut: None })
}

/// A request written byte for byte on a socket.
struct RawRequest {
    port: u16,
    head: Vec<u8>,
    body: Vec<u8>,
    wire: Wire,
}

fn raw_request(port: u16, case: &Case) -> RawRequest {
    let mut head = format!("{} ", case.method).into_bytes();
    head.extend_from_slice(&case.path);
    head.extend_from_slice(format!(" HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n").as_bytes());
    for value in &case.authorization {
        head.extend_from_slice(b"authorization: ");
        head.extend_from_slice(value);
        head.extend_from_slice(b"\r\n");
    }
    for (name, value) in &case.headers {
        head.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let body = case.body.bytes();
    let framing = match case.wire {
        Wire::Chunked => "content-type: application/json\r\ntransfer-encoding: chunked\r\n".to_owned(),
        _ if matches!(case.body, Body::None) => String::new(),
        _ => format!("content-type: application/json\r\ncontent-length: {}\r\n", body.len()),
    };
    head.extend_from_slice(framing.as_bytes());
    head.extend_from_slice(b"\r\n");
    RawRequest { port, head, body, wire: case.wire }
}

impl RawRequest {
    /// Writes the request from one thread while reading the answer on this
    /// one: the edge may answer (413) before the body is all sent.
    fn exchange(self) -> Result<Answer, String> {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| format!("connect: {e}"))?;
        stream.set_read_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        stream.set_write_timeout(Some(Duration::from_secs(30))).map_err(|e| e.to_string())?;
        let mut writer = stream.try_clone().map_err(|e| e.to_string())?;
        let RawRequest { head, body, wire, .. } = self;
        let sender = std::thread::spawn(move || -> std::io::Result<()> {
            writer.write_all(&head)?;
            if wire == Wire::Chunked {
                for chunk in body.chunks(64 * 1024) {
                    writer.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                    writer.write_all(chunk)?;
                    writer.write_all(b"\r\n")?;
                }
                writer.write_all(b"0\r\n\r\n")?;
            } else {
                writer.write_all(&body)?;
            }
            writer.flush()
        });
        let answer = read_answer(&mut BufReader::new(&stream));
        let _ = stream.shutdown(Shutdown::Both);
        // A write cut short by the edge's early answer is expected; the answer is what counts.
        let _ = sender.join();
        answer
    }
}

fn read_answer(reader: &mut impl BufRead) -> Result<Answer, String> {
    let line = |reader: &mut dyn BufRead| -> Result<String, String> {
        let mut line = Vec::new();
        reader.read_until(b'\n', &mut line).map_err(|e| format!("reading the answer: {e}"))?;
        Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
    };
    let status_line = line(reader)?;
    let status: u16 = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status line: {status_line:?}"))?;
    let mut headers = BTreeMap::new();
    loop {
        let header = line(reader)?;
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let content_type = headers.get("content-type").cloned().unwrap_or_default();
    let allow_origin = headers.get("access-control-allow-origin").cloned();
    let mut body = Vec::new();
    let cut = read_body(reader, status, &headers, &mut body).err();
    Ok(Answer { status, content_type, allow_origin, body, cut })
}

fn read_body(
    reader: &mut impl BufRead,
    status: u16,
    headers: &BTreeMap<String, String>,
    body: &mut Vec<u8>,
) -> Result<(), String> {
    if status == 101 || status == 204 || status == 304 {
        // No body.
    } else if let Some(len) = headers.get("content-length") {
        let len: usize = len.parse().map_err(|_| format!("content-length {len:?}"))?;
        let read = reader.take(len as u64).read_to_end(body).map_err(|e| format!("reading the body: {e}"))?;
        ensure!(read == len, "the body ended after {read} of {len} bytes");
    } else if headers.get("transfer-encoding").is_some_and(|te| te.eq_ignore_ascii_case("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).map_err(|e| format!("reading a chunk size: {e}"))?;
            let size = usize::from_str_radix(size.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| format!("chunk size {size:?}"))?;
            if size == 0 {
                break;
            }
            let read = reader.take(size as u64).read_to_end(body).map_err(|e| format!("reading a chunk: {e}"))?;
            ensure!(read == size, "a chunk ended after {read} of {size} bytes");
            reader.read_line(&mut String::new()).map_err(|e| format!("reading a chunk end: {e}"))?;
        }
    } else {
        reader.read_to_end(body).map_err(|e| format!("reading the body: {e}"))?;
    }
    Ok(())
}
