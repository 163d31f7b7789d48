//! `cargo xtask run`: builds, serves the site and the API with `wrangler dev`,
//! and seeds the demo account on first start.

use crate::Result;
use crate::build::{self, io_error};
use crate::cmd;
use crate::project::{self, Repo};
use std::fs::{self, File};
use std::io::Read;
use serde_json::{Value, json};
use std::process::{Child, Command};
use std::thread::sleep;
use std::time::{Duration, Instant};

/// The demo account.
const HANDLE: &str = "acme";
const NAME: &str = "Acme";
const BIO: &str = "Vélos cargo et vélos de ville, montés à Lyon depuis 1998. Cargo and city bikes, built in Lyon since 1998.";
/// The demo posts, oldest first. The FIRST is the product announcement that
/// `www/product.html` shows with its conversation: its id is `acme-0`.
const POSTS: &[&str] = &[
    "Nouveau : le vélo cargo Acme Porteur 2 est là ! Batterie 750 Wh, 80 kg de charge, 2 enfants à bord. Vos questions ? Répondez ici.",
    "Thanks for following us! Code GAZOUILLIS10 takes 10% off any helmet or lock at acme.example/shop until Sunday.",
    "Oui, le Porteur 2 entre dans un ascenseur standard : 1,95 m de long, roue avant relevable. Essai gratuit en boutique.",
    "Spring tune-up: free brake and chain check every Saturday in March at our Lyon workshop. No appointment needed.",
    "To everyone asking: yes, the Porteur 2 battery is removable and charges fully in 4 h 30 from a normal outlet.",
];
/// How long wrangler may take to answer after it starts.
const START_TIMEOUT: Duration = Duration::from_secs(120);

pub fn run(repo: &Repo) -> Result {
    build::build(repo)?;
    let admin_token = dev_vars(repo)?;
    let mut wrangler = Wrangler(start_wrangler(repo)?);
    let status = wait_until_up(&mut wrangler.0)?;
    if status == 404 {
        seed(&admin_token)?;
    } else {
        println!("run: account {HANDLE} exists (HTTP {status}), not seeding");
    }
    print_urls(&admin_token);
    let status = wrangler
        .0
        .wait()
        .map_err(|e| format!("cannot wait for wrangler: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("wrangler dev exited: {status}"))
    }
}

/// Stops wrangler when `run` fails after starting it.
struct Wrangler(Child);

impl Drop for Wrangler {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// Makes `edge/.dev.vars` with random secrets when missing, and gives one
/// made before push a VAPID key, kept from then on (a new key would end
/// every browser's subscription); returns ADMIN_TOKEN.
fn dev_vars(repo: &Repo) -> Result<String> {
    let path = repo.dev_vars();
    if !path.exists() {
        let vars = format!(
            "ADMIN_TOKEN={}\nSESSION_SECRET={}\n",
            random_hex()?,
            random_hex()?
        );
        fs::write(&path, vars).map_err(|e| io_error("write", &path, e))?;
        println!("run: wrote {} with new random secrets", path.display());
    }
    let mut text = fs::read_to_string(&path).map_err(|e| io_error("read", &path, e))?;
    if !text.lines().any(|l| l.trim().starts_with("VAPID_PRIVATE_KEY=")) {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("VAPID_PRIVATE_KEY={}\n", vapid_private_key()?));
        fs::write(&path, &text).map_err(|e| io_error("write", &path, e))?;
        println!("run: added a VAPID key (Web Push) to {}", path.display());
    }
    text.lines()
        .find_map(|l| l.trim().strip_prefix("ADMIN_TOKEN="))
        .map(|v| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| format!("{} has no ADMIN_TOKEN= line", path.display()))
}

/// 32 random bytes from /dev/urandom.
fn random_bytes() -> Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .map_err(|e| format!("cannot read /dev/urandom: {e}"))?;
    Ok(bytes)
}

/// 32 random bytes, as hex.
fn random_hex() -> Result<String> {
    Ok(random_bytes()?.iter().map(|b| format!("{b:02x}")).collect())
}

/// A VAPID private key as `web-push generate-vapid-keys` prints it: the
/// base64url of a P-256 scalar (32 random bytes are one, but for a chance
/// in 2^32 that the edge would report).
fn vapid_private_key() -> Result<String> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes()?))
}

fn start_wrangler(repo: &Repo) -> Result<Child> {
    let mut wrangler = Command::new(repo.wrangler());
    wrangler
        .arg("dev")
        .arg("--config")
        .arg(repo.wrangler_toml())
        .args([
            "--ip",
            project::DEV_HOST,
            "--port",
            &project::DEV_PORT.to_string(),
        ])
        .arg("--persist-to")
        .arg(repo.dev_state())
        .args(["--var", &format!("PUBLIC_ORIGIN:{}", url(""))])
        .current_dir(&repo.root)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("CLOUDFLARE_CF_FETCH_ENABLED", "false");
    eprintln!("$ {}", cmd::describe(&wrangler));
    wrangler
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", cmd::describe(&wrangler)))
}

/// Polls the demo account until the server answers; returns the HTTP status.
fn wait_until_up(wrangler: &mut Child) -> Result<u16> {
    let agent = agent();
    let path = format!("/v1/accounts/{HANDLE}");
    let started = Instant::now();
    loop {
        if let Ok(response) = agent.get(url(&path)).call() {
            return Ok(response.status().as_u16());
        }
        if let Ok(Some(status)) = wrangler.try_wait() {
            return Err(format!("wrangler dev exited before answering: {status}"));
        }
        if started.elapsed() > START_TIMEOUT {
            return Err(format!("no answer from {} after {START_TIMEOUT:?}", url(&path)));
        }
        sleep(Duration::from_millis(500));
    }
}

/// An HTTP client that hands every status back instead of failing on 4xx.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder().http_status_as_error(false).build().into()
}

fn seed(admin_token: &str) -> Result {
    let agent = agent();
    let post = |path: &str, body: Value| -> Result {
        let mut response = agent
            .post(url(path))
            .header("Authorization", format!("Bearer {admin_token}"))
            .send_json(body)
            .map_err(|e| format!("POST {} failed: {e}", url(path)))?;
        if response.status().is_success() {
            return Ok(());
        }
        let body = response.body_mut().read_to_string().unwrap_or_default();
        Err(format!("POST {} answered {}: {body}", url(path), response.status()))
    };
    post("/v1/accounts", json!({ "handle": HANDLE, "name": NAME, "bio": BIO }))?;
    for text in POSTS {
        post(&format!("/v1/accounts/{HANDLE}/posts"), json!({ "text": text }))?;
    }
    println!("run: seeded account {HANDLE} with {} posts (first: {HANDLE}-0)", POSTS.len());
    Ok(())
}

fn url(path: &str) -> String {
    format!("http://{}:{}{path}", project::DEV_HOST, project::DEV_PORT)
}

fn print_urls(admin_token: &str) {
    println!();
    println!("Gazouillis is running (Ctrl-C stops it):");
    println!("  home          {}", url("/"));
    println!("  product page  {}", url("/product.html"));
    println!("  API           {}", url("/v1/"));
    println!("  console       {}   (sign in with the admin token)", url("/console/"));
    println!("  admin token   {admin_token}   (Authorization: Bearer <token>)");
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_texts_fit_the_limits() {
        for text in POSTS {
            assert!(
                text.chars().count() <= 140,
                "{} chars: {text}",
                text.chars().count()
            );
        }
        assert!((4..=6).contains(&POSTS.len()));
        assert!(BIO.chars().count() <= 280);
    }

    #[test]
    fn a_vapid_key_is_32_bytes_in_base64url() {
        let key = vapid_private_key().unwrap();
        use base64::Engine;
        let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(&key).unwrap();
        assert_eq!(decoded.len(), 32);
    }

    #[test]
    fn secrets_are_64_hex_digits() {
        let hex = random_hex().unwrap();
        assert_eq!(hex.len(), 64);
        assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(hex, random_hex().unwrap());
    }
}
