// One request of the API module (`api.rs`), in JavaScript: building it
// costs less here than the bindings of Headers, RequestInit and AbortSignal
// in the wasm.
export const request = (url, method, body, token, etag, timeout) => fetch(url, {
  method,
  signal: AbortSignal.timeout(timeout),
  body: body === undefined ? undefined : JSON.stringify(body),
  headers: {
    ...(body !== undefined && { 'Content-Type': 'application/json' }),
    ...(token && { Authorization: `Bearer ${token}` }),
    ...(etag && { 'If-None-Match': etag }),
  },
});
