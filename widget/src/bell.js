// The bells' part that the widget carries (see `bell.rs`): whether the page
// names its service worker and the browser has `PushManager`; if so, a
// press asks the browser's permission in the click itself (a browser may
// refuse to ask later), then `push.js`, beside the bindings, is fetched,
// only now, and does the rest.
export function offerPush(host, api, sessionKey) {
  if (!host.getAttribute('push-worker') || !('PushManager' in window)) return false;
  host.shadowRoot.addEventListener('click', event => {
    const button = event.target.closest('.gz-bell');
    if (!button) return;
    const permission = Notification.requestPermission();
    import(new URL('./push.js', import.meta.url)).then(push => push.bell(permission, button, host, api, sessionKey));
  });
  return true;
}
