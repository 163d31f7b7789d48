const origin = new URL(import.meta.url).origin;
let ready, sheet;
// The bindings and the wasm are fetched once, side by side, by the first
// element that needs them, and only once its first view shows.
const start = () => {
  if (ready) return ready;
  const wasm = fetch(new URL('./gazouillis_widget_bg.wasm', import.meta.url));
  return (ready = import('./gazouillis_widget.js').then(async widget => {
    await widget.default({ module_or_path: wasm });
    return widget;
  }));
};
// The widget's style sheet, fetched once and adopted by every element's
// shadow root: a constructed sheet is no inline style, so it needs nothing
// from the page's Content-Security-Policy but `connect-src`.
// (Whatever fails leaves it empty.)
const style = () => (sheet ??= fetch(new URL('./widget.css', import.meta.url))
  .then(response => response.text())
  .catch(() => '')
  .then(css => {
    const constructed = new CSSStyleSheet();
    constructed.replaceSync(css);
    return constructed;
  }));
const attribute = (element, name) => element?.getAttribute(name)?.trim() || null;
// The first view as the edge renders it (`/embed/…`, one small request, side
// by side with the style sheet): the posts show before the wasm arrives,
// then the widget takes the element over. An element the page's server
// rendered already has it (styled by its own `<link>`); on any failure the
// element gets an empty shadow root, where the widget shows its own first
// view, or what failed.
const firstView = async element => {
  if (element.shadowRoot) return;
  const handle = attribute(element, 'account');
  const post = attribute(element, 'post');
  const api = (attribute(element, 'api') ?? origin).replace(/\/$/, '');
  const url = new URL(`${api}/embed/${encodeURIComponent(handle ?? '')}${post ? `/${encodeURIComponent(post)}` : ''}`);
  url.searchParams.set('lang', attribute(element, 'lang') ?? attribute(document.documentElement, 'lang') ?? navigator.language);
  const view = handle && fetch(url).then(async response => {
    if (!response.ok) return;
    const fragment = document.createElement('template');
    fragment.innerHTML = await response.text();
    const content = fragment.content.querySelector('template')?.content;
    content?.querySelector('link')?.remove();
    return content;
  }).catch(() => {});
  const [sheet, content] = await Promise.all([style(), view]);
  const root = element.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [sheet];
  if (content) root.append(content);
};
// Until the widget takes over, a press on the first view's Follow or Send
// (its reply box is typed in already) says it waits; the widget acts on it.
// Only the first view's buttons carry `aria-busy`.
const early = root => root.addEventListener('click', event => event.target.closest('[aria-busy]')?.setAttribute('aria-busy', true));
// A widget that cannot start (its wasm refused by the page's policy, or not
// loaded) leaves its first view as it is, but for what only the widget does:
// the host's `data-static` hides Follow and the reply box.
const show = element => {
  element.gazouillis = firstView(element)
    .then(() => early(element.shadowRoot))
    .then(start)
    .then(widget => widget.mount(element, origin))
    .catch(() => { element.dataset.static = ''; });
};
// loading="lazy": shown once the element comes near the viewport.
const near = new IntersectionObserver(entries => entries.forEach(entry => {
  if (entry.isIntersecting) { near.unobserve(entry.target); show(entry.target); }
}), { rootMargin: '300px' });
class GazouillisFeed extends HTMLElement {
  connectedCallback() {
    // Once per element (it may be moved).
    if (this.gazouillis !== undefined) return;
    // theme="auto" (the default) follows the page's color-scheme where it sets one, else the system's.
    if (getComputedStyle(this).colorScheme !== 'normal' || document.querySelector('meta[name="color-scheme"]')) this.dataset.scheme = 'page';
    if (this.getAttribute('loading') === 'lazy') { this.gazouillis = null; near.observe(this); } else show(this);
  }
}
if (!customElements.get('gazouillis-feed')) customElements.define('gazouillis-feed', GazouillisFeed);
