// The page's localStorage, for `kept.rs`: reads and writes that fail
// (storage off, private mode, quota) read nothing and keep nothing.
export function read(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

export function keep(key, value) {
  try { value === undefined ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch {}
}
