// Notifications off the page, loaded only when a visitor presses one of the
// widget's bells (`widget/src/bell.rs`), never before: the widget's weight
// holds without it. Permission was asked already, in the click itself
// (`widget/src/bell.js`). This subscribes with the page's service worker
// (its `push-worker` attribute: one line, `importScripts` of `sw.js`) and the
// edge's key, hands the subscription to the edge, and for `posts` follows the
// account with `notify`; then it says what happened beside the bell.

const WORDS = {
  en: {
    posts: 'You will be notified of new posts.',
    answers: 'You will be notified when they answer.',
    denied: 'Notifications are blocked for this site. Allow them in your browser’s settings for this site (the icon beside the address), then press the bell again.',
    off: 'Notifications are not available here.',
    failed: 'Notifications could not be turned on. Try again later.',
  },
  fr: {
    posts: 'Vous serez averti des nouveaux posts.',
    answers: 'Vous serez averti de leur réponse.',
    denied: 'Les notifications sont bloquées pour ce site. Autorisez-les dans les réglages de votre navigateur pour ce site (l’icône à côté de l’adresse), puis appuyez à nouveau sur la cloche.',
    off: 'Les notifications ne sont pas disponibles ici.',
    failed: 'Les notifications n’ont pas pu être activées. Réessayez plus tard.',
  },
};

// A failure the visitor is told about in its own words.
class Refused extends Error {}

// `button`: the bell pressed, in the shadow root of `host` (the widget's
// element: its account, its `push-worker`); `api`: the edge; `sessionKey`:
// where the widget keeps the visitor's session (localStorage).
export const bell = async (permission, button, host, api, sessionKey) => {
  const worker = host.getAttribute('push-worker');
  const handle = host.getAttribute('account');
  const { lang } = button.closest('[lang]');
  const kind = button.closest('.gz-reply-box') ? 'answers' : 'posts';
  const token = JSON.parse(localStorage.getItem(sessionKey) ?? '{}').token;
  const words = WORDS[lang] ?? WORDS.en;
  button.disabled = true;
  try {
    if (await permission !== 'granted') throw new Refused('denied');
    const call = async (method, path, body) => {
      const response = await fetch(api + path, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body && { 'Content-Type': 'application/json' }) },
        body: body && JSON.stringify(body),
      });
      if (response.status === 404 && path === '/v1/push') throw new Refused('off');
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status}`);
      return response.status === 204 ? null : response.json();
    };
    const { public_key: key } = await call('GET', '/v1/push');
    const registration = await active(await navigator.serviceWorker.register(worker));
    const subscription = await subscribe(registration.pushManager, key);
    await call('PUT', '/v1/me/push', { ...subscription.toJSON(), lang });
    if (kind === 'posts') await call('PUT', `/v1/accounts/${encodeURIComponent(handle)}/follow`, { notify: true });
    // For `pushsubscriptionchange`: the worker subscribes again and tells the edge.
    registration.active.postMessage({ gazouillis: { api, token, lang, key } });
    button.setAttribute('aria-pressed', 'true');
    say(button, words[kind]);
  } catch (error) {
    say(button, words[error instanceof Refused ? error.message : 'failed']);
  } finally {
    button.disabled = false;
  }
};

// The registration once its worker is active: a push subscription needs one.
const active = registration => registration.active ? registration : new Promise(resolve => {
  const worker = registration.installing ?? registration.waiting;
  worker.addEventListener('statechange', () => worker.state === 'activated' && resolve(registration));
});

// The browser's subscription for this worker, made with the edge's key (one
// made with another key is replaced).
const subscribe = async (manager, key) => {
  const held = await manager.getSubscription();
  if (held && base64url(held.options.applicationServerKey) === key) return held;
  await held?.unsubscribe();
  return manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
};

const base64url = buffer => buffer && btoa(String.fromCharCode(...new Uint8Array(buffer)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

// The outcome, read out right after the bell (the style sheet hides it with
// the bell).
const say = (button, text) => {
  let note = button.nextElementSibling;
  if (!note?.matches('.gz-bell-note')) button.after(note = document.createElement('span'));
  note.className = 'gz-bell-note';
  note.setAttribute('role', 'status');
  note.textContent = text;
};
