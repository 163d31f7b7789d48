import init, { mount } from './gazouillis_widget.js';
const origin = new URL(import.meta.url).origin;
let ready;
// The wasm is fetched once, by the first element that needs it.
const start = () => (ready ??= init({ module_or_path: new URL('./gazouillis_widget_bg.wasm', import.meta.url) }));
const show = element => { element.gazouillis = start().then(() => mount(element, origin)); };
// loading="lazy": shown (and the wasm fetched) once the element comes near the viewport.
const near = new IntersectionObserver(entries => entries.forEach(entry => {
  if (entry.isIntersecting) { near.unobserve(entry.target); show(entry.target); }
}), { rootMargin: '300px' });
class GazouillisFeed extends HTMLElement {
  connectedCallback() {
    // Once per element (it may be moved); a server-rendered one already has its shadow root.
    if (this.gazouillis !== undefined) return;
    // theme="auto" (the default) follows the page's color-scheme where it sets one, else the system's.
    if (getComputedStyle(this).colorScheme !== 'normal' || document.querySelector('meta[name="color-scheme"]')) this.dataset.scheme = 'page';
    if (this.getAttribute('loading') === 'lazy') { this.gazouillis = null; near.observe(this); } else show(this);
  }
}
if (!customElements.get('gazouillis-feed')) customElements.define('gazouillis-feed', GazouillisFeed);
