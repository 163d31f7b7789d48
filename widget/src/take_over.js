// The widget's own view (`container`) replaces the edge's first view in the
// element's shadow root (but for the link to the style sheet a
// server-rendered view holds), and what the reader did there goes on in it:
// the reply they typed, with the focus and the caret, and a press on Send or
// Follow, which the loader marked `aria-busy` and which the widget's own
// forms now act on, once (through the name prompt and Turnstile when the
// visitor has no session yet). In JavaScript, as a few DOM calls cost less
// here than their bindings in the wasm.
export function takeOver(root, container) {
  const find = selector => root.querySelector(selector);
  const typed = find('textarea');
  const focused = root.activeElement === typed;
  const follow = find('.gz-follow[aria-busy=true]');
  const send = find('.gz-send[aria-busy=true]');
  root.replaceChildren(...root.querySelectorAll('link[rel=stylesheet]'), container);
  root.host.dataset.ready = '';
  const box = find('.gz-reply-input');
  if (box && typed) {
    box.value = typed.value;
    // The reply box's text follows its input events.
    box.dispatchEvent(new Event('input'));
    if (focused) {
      box.focus();
      box.setSelectionRange(typed.selectionStart, typed.selectionEnd);
    }
  }
  // Following twice is following: a press is not undone if the visitor
  // already follows (Follow alone is `aria-pressed`).
  if (follow && find('[aria-pressed=false]')) find('.gz-follow-form').requestSubmit();
  if (send) {
    find('.gz-reply-box').requestSubmit();
    // Without a session, the reply waits for the visitor's name.
    find('.gz-name')?.focus();
  }
}
