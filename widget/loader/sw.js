// Gazouillis in the page's own service worker, which imports it in one line:
//   importScripts("https://YOUR-EDGE/widget/sw.js");
// It shows the edge's notifications, opens (or focuses) the post's page on a
// click, and keeps the subscription alive when the browser renews it. Messages
// that are not Gazouillis's are left to the page's own handlers.

// What `push.js` hands over for `pushsubscriptionchange`, one per edge: its
// API, the visitor's token and language, and the edge's public key.
const KEPT = 'gazouillis-push';

self.addEventListener('push', event => {
  let message;
  try { message = event.data?.json(); } catch { return; }
  const shown = message?.web_push === 8030 && message.account && message.notification;
  if (!shown) return;
  event.waitUntil(self.registration.showNotification(shown.title, {
    body: shown.body,
    lang: shown.lang,
    tag: shown.tag,
    data: { gazouillis: shown.navigate },
  }));
});

self.addEventListener('notificationclick', event => {
  const url = event.notification.data?.gazouillis;
  if (!url) return;
  event.notification.close();
  event.waitUntil(self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(tabs => {
    const tab = tabs.find(tab => tab.url === url);
    return tab ? tab.focus() : self.clients.openWindow(url);
  }));
});

self.addEventListener('message', event => {
  const kept = event.data?.gazouillis;
  if (kept) event.waitUntil(caches.open(KEPT).then(cache => cache.put(kept.api, new Response(JSON.stringify(kept)))));
});

// A renewed (or lost) subscription: subscribe again with each edge's key and
// tell that edge, as the visitor who turned notifications on.
self.addEventListener('pushsubscriptionchange', event => event.waitUntil((async () => {
  const cache = await caches.open(KEPT);
  for (const request of await cache.keys()) {
    const { api, token, lang, key } = await (await cache.match(request)).json();
    const manager = self.registration.pushManager;
    const subscription = event.newSubscription
      ?? await manager.getSubscription()
      ?? await manager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    await fetch(`${api}/v1/me/push`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...subscription.toJSON(), lang }),
    });
  }
})()));
