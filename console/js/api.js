// The session and every call to authzd. The token lives in this module's memory only
// (never localStorage or sessionStorage): a reload or a closed tab signs out. It ends
// when the token expires (a timer) or when any call hears 401.

let session = null;        // {token, expiresAt, me: {client_id, tenant, scopes, can_manage}}
let expiryTimer = null;
const listeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super((body && (body.message || body.error_description || (body.error && body.error.message))) || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export function onSignOut(fn) { listeners.add(fn); }
export function current() { return session; }
export function canManage() { return !!(session && session.me.can_manage); }

export function signOut(reason) {
  const had = session !== null;
  session = null;
  clearTimeout(expiryTimer);
  if (had) for (const fn of listeners) fn(reason);
}

async function parse(res) {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return { message: text }; }
}

export async function signIn(clientId, clientSecret) {
  const res = await fetch("/auth/oauth2/v2/token", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: "Basic " + btoa(`${clientId}:${clientSecret}`),
    },
    body: JSON.stringify({ grant_type: "client_credentials" }),
    credentials: "omit",
    cache: "no-store",
  });
  const body = await parse(res);
  if (!res.ok) throw new ApiError(res.status, body);
  const expiresAt = Date.now() + body.expires_in * 1000;
  session = { token: body.access_token, expiresAt, me: null };
  try {
    session.me = await call("GET", "/api/authzd/v1/me");
  } catch (e) {
    session = null;
    throw e;
  }
  clearTimeout(expiryTimer);
  // setTimeout takes at most 2^31-1 ms; a longer token is re-armed when that passes
  const arm = () => {
    const left = session ? session.expiresAt - Date.now() : 0;
    if (left <= 0) return signOut("expired");
    expiryTimer = setTimeout(arm, Math.min(left, 2147483647));
  };
  arm();
  return session;
}

// call("GET", path) -> parsed JSON; opts: {body, headers, raw} (raw: the Response too)
export async function call(method, path, opts = {}) {
  if (!session) throw new ApiError(401, { message: "Not signed in" });
  if (Date.now() >= session.expiresAt) {
    signOut("expired");
    throw new ApiError(401, { message: "Session expired" });
  }
  const headers = { Authorization: `Bearer ${session.token}`, ...(opts.headers || {}) };
  let body;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(path, { method, headers, body, credentials: "omit", cache: "no-store" });
  const data = await parse(res);
  if (res.status === 401) {
    signOut("expired");
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return opts.raw ? { data, res } : data;
}

// Public endpoints of the token service (no management token).
export async function publicGet(path) {
  const res = await fetch(path, { credentials: "omit", cache: "no-store" });
  const data = await parse(res);
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}
