// The site's service worker: Gazouillis's notifications, in one line (the
// edge serves the demo site, so its `/widget/` is the site's own).
importScripts("/widget/sw.js");
