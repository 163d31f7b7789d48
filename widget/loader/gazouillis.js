import init, { mount } from './gazouillis_widget.js';
const ready = init({ module_or_path: new URL('./gazouillis_widget_bg.wasm', import.meta.url) });
const origin = new URL(import.meta.url).origin;
class GazouillisFeed extends HTMLElement {
  // Once per element (it may be moved); a server-rendered one already has its shadow root.
  connectedCallback() { if (!this.gazouillis) this.gazouillis = ready.then(() => mount(this, origin)); }
}
if (!customElements.get('gazouillis-feed')) customElements.define('gazouillis-feed', GazouillisFeed);
