// What every file of this suite shares: the stack's address and admin credential, the
// management calls that make a server, its scopes and linked client apps, raw form posts,
// authzctl, and openid-client configurations for an issuer.
// Needs AUTHZD_TEST_HTTPS_URL, AUTHZD_TEST_CREDENTIAL (a JSON file with client_id and
// client_secret of a "Manage All" credential), AUTHZD_TEST_AUTHZCTL, AUTHZD_CONFIG and
// NODE_EXTRA_CA_CERTS (scripts/test sets them in run_node_suite).
import assert from "node:assert/strict";
import { execFile, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as client from "openid-client";

export const base = process.env.AUTHZD_TEST_HTTPS_URL;
const credFile = process.env.AUTHZD_TEST_CREDENTIAL;
assert.ok(base && credFile, "AUTHZD_TEST_HTTPS_URL and AUTHZD_TEST_CREDENTIAL must be set");
assert.ok(base.startsWith("https://"), "AUTHZD_TEST_HTTPS_URL must be the https URL");

/** The default tenant's issuer on OneLogin's paths. */
export const tenantIssuer = `${base}/oidc/2`;

/** A name no other run of this suite against the same database uses. */
export const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

let mgmtToken;

async function managementToken() {
  if (mgmtToken === undefined) {
    const { client_id, client_secret } = JSON.parse(readFileSync(credFile, "utf8"));
    const res = await fetch(`${base}/auth/oauth2/v2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: basic(client_id, client_secret) },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    assert.equal(res.status, 200, "management token");
    mgmtToken = (await res.json()).access_token;
  }
  return mgmtToken;
}

export function basic(id, secret) {
  return "Basic " + Buffer.from(`${id}:${secret}`).toString("base64");
}

/** A management API call that must answer `want`; its JSON body. */
export async function mgmt(method, path, body, want) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await managementToken()}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.equal(res.status, want, `${method} ${path}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A OneLogin API authorization (server) with its scopes: {id, issuer, resource, audiences,
 * scopeIds: {value: id}}.
 */
export async function makeServer(label, { audiences, scopes = [], resource } = {}) {
  resource ??= `https://${label}-${run}.example/api`;
  audiences ??= [resource];
  const { id } = await mgmt("POST", "/api/2/api_authorizations", {
    name: `token-clients ${label} ${run}`,
    configuration: { resource_identifier: resource, audiences },
  }, 201);
  const scopeIds = {};
  for (const value of scopes)
    scopeIds[value] = (await mgmt("POST", `/api/2/api_authorizations/${id}/scopes`,
      { value, description: `${value} (token-clients)` }, 200)).id;
  return { id, issuer: `${base}/oauth2/${id}`, resource, audiences, scopeIds };
}

/** A client app ({id, clientId, clientSecret}), linked to each of links: [{server, scopes}]. */
export async function makeApp(label, links = []) {
  const app = await mgmt("POST", "/api/2/apps", { name: `token-clients ${label} ${run}` }, 201);
  for (const { server, scopes = [] } of links)
    await mgmt("POST", `/api/2/api_authorizations/${server.id}/clients`,
      { app_id: app.id, scopes: scopes.map((s) => server.scopeIds[s]) }, 201);
  return { id: app.id, clientId: app.sso.client_id, clientSecret: app.sso.client_secret };
}

/**
 * openid-client's configuration for issuer, by discovery, authenticating as app with
 * client_secret_basic (auth "basic") or client_secret_post ("post"). requests, when given,
 * collects every request the configuration makes: {url, headers, body}.
 */
export async function configFor(issuer, app, { auth = "basic", algorithm, requests } = {}) {
  const method = auth === "basic" ? client.ClientSecretBasic : client.ClientSecretPost;
  const config = await client.discovery(new URL(issuer), app.clientId, undefined, method(app.clientSecret),
    algorithm ? { algorithm } : undefined);
  if (requests)
    config[client.customFetch] = (url, options) => {
      requests.push({ url, headers: new Headers(options.headers), body: new URLSearchParams(options.body ?? "") });
      return fetch(url, options);
    };
  return config;
}

/** A raw form POST to url (Basic auth with app, when given): {status, headers, text}. */
export async function postForm(url, params, app) {
  const headers = { "Content-Type": "application/x-www-form-urlencoded" };
  if (app)
    headers.Authorization = basic(app.clientId, app.clientSecret);
  const res = await fetch(url, { method: "POST", headers, body: new URLSearchParams(params) });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The members of a published JWK, by its alg: public parameters only (RFC 7517, 7518, 8037). */
export const publicMembers = {
  RS256: ["alg", "e", "kid", "kty", "n", "use"],
  ES256: ["alg", "crv", "kid", "kty", "use", "x", "y"],
  EdDSA: ["alg", "crv", "kid", "kty", "use", "x"],
};

/** A JWT's header and claims, decoded without verifying anything. */
export function decodeJwt(jwt) {
  const [header, payload] = jwt.split(".").slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")));
  return { header, payload };
}

/** The error `promise` rejects with (the assertion fails if it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected a rejection");
}

const authzctlBin = process.env.AUTHZD_TEST_AUTHZCTL;
const configFile = process.env.AUTHZD_CONFIG;

function authzctlArgs(args) {
  assert.ok(authzctlBin && configFile, "AUTHZD_TEST_AUTHZCTL and AUTHZD_CONFIG must be set");
  return ["-c", configFile, ...args];
}

/** Runs authzctl -c CONFIG args...; its stdout (it must exit 0). */
export function authzctl(...args) {
  const out = spawnSync(authzctlBin, authzctlArgs(args), { encoding: "utf8", timeout: 30000 });
  assert.equal(out.status, 0, `authzctl ${args.join(" ")}: exit ${out.status}: ${out.stderr}`);
  return out.stdout;
}

/** authzctl without waiting for it: a promise of its stdout (rejected unless it exits 0). */
export function authzctlAsync(...args) {
  return new Promise((resolve, reject) => {
    execFile(authzctlBin, authzctlArgs(args), { timeout: 30000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`authzctl ${args.join(" ")}: ${err.message}: ${stderr}`)) : resolve(stdout));
  });
}

/** authzctl keys list --server ID --json, as {next, current, previous: [kids], all}. */
export function keyRing(serverId) {
  const all = JSON.parse(authzctl("keys", "list", "--server", String(serverId), "--json"));
  const of = (state) => all.filter((k) => k.state === state);
  return { all, next: of("next"), current: of("current"), previous: of("previous") };
}
