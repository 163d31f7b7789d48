// Starts the console: its wasm mounts the app into <body> (no inline script: see the CSP in _headers).
import init from './gazouillis_console.js';
init({ module_or_path: new URL('./gazouillis_console_bg.wasm', import.meta.url) });
