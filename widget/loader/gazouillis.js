const origin = new URL(import.meta.url).origin;
let ready;
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
const attribute = (element, name) => element?.getAttribute(name)?.trim() || null;
// The first view as the edge renders it (`/embed/…`, one small request): the
// posts show before the wasm arrives, then the widget takes the element over.
// An element the page's server rendered already has it; on any failure the
// widget shows its own first view, or what failed.
const firstView = async element => {
  const handle = attribute(element, 'account');
  if (element.shadowRoot || !handle) return;
  const post = attribute(element, 'post');
  const api = (attribute(element, 'api') ?? origin).replace(/\/$/, '');
  const url = new URL(`${api}/embed/${encodeURIComponent(handle)}${post ? `/${encodeURIComponent(post)}` : ''}`);
  url.searchParams.set('lang', attribute(element, 'lang') ?? attribute(document.documentElement, 'lang') ?? navigator.language);
  try {
    const response = await fetch(url);
    if (!response.ok) return;
    const fragment = document.createElement('template');
    fragment.innerHTML = await response.text();
    const view = fragment.content.querySelector('template');
    if (view && !element.shadowRoot) element.attachShadow({ mode: 'open' }).append(view.content);
  } catch {}
};
// Until the widget takes over, a press on the first view's Follow or Send
// (its reply box is typed in already) says it waits; the widget acts on it.
// Only the first view's buttons carry `aria-busy`.
const early = root => root?.addEventListener('click', event => event.target.closest('[aria-busy]')?.setAttribute('aria-busy', true));
// The widget's style sheet: the first view carries it; without one, the widget links this.
const styleSheet = new URL('./widget.css', import.meta.url).href;
const show = element => {
  element.gazouillis = firstView(element).then(() => early(element.shadowRoot)).then(start).then(widget => widget.mount(element, origin, styleSheet));
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
