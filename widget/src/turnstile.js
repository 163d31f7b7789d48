// The Turnstile challenge (see `turnstile.rs`), in JavaScript: these DOM
// calls cost less here than their bindings in the wasm. Loads Cloudflare's
// script from `src` on the first need, shows the challenge in `parent` until
// it is solved, and answers its token (rejects when it fails).
export async function solveTurnstile(parent, siteKey, src) {
  if (!window.turnstile) {
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = src;
      script.onload = resolve;
      script.onerror = reject;
      document.body.append(script);
    });
  }
  const challenge = document.createElement('div');
  challenge.className = 'gz-challenge';
  parent.append(challenge);
  try {
    return await new Promise((resolve, reject) => turnstile.render(challenge, { sitekey: siteKey, callback: resolve, 'error-callback': reject }));
  } finally {
    challenge.remove();
  }
}
