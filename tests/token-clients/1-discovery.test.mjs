// Discovery with openid-client 6 (RFC 8414 and OpenID Connect Discovery) of a server's issuer
// ({public_url}/oauth2/{id}) and of the default tenant's on OneLogin's paths ({public_url}/oidc/2):
// the issuer is exactly the one asked for, on the https URL, and every endpoint listed exists.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";
import { base, tenantIssuer, makeServer, makeApp, configFor, postForm, publicMembers } from "./lib.mjs";

let server, app;

before(async () => {
  server = await makeServer("discovery", { scopes: ["read", "write"] });
  app = await makeApp("discovery", [{ server, scopes: ["read"] }]);
});

const methods = ["client_secret_basic", "client_secret_post"];

function serverMetadata(issuer, { token, keys, introspect, revoke }, scopes) {
  return {
    issuer,
    token_endpoint: `${issuer}/${token}`,
    jwks_uri: `${issuer}/${keys}`,
    introspection_endpoint: `${issuer}/${introspect}`,
    revocation_endpoint: `${issuer}/${revoke}`,
    grant_types_supported: ["client_credentials"],
    response_types_supported: [],
    token_endpoint_auth_methods_supported: methods,
    introspection_endpoint_auth_methods_supported: methods,
    revocation_endpoint_auth_methods_supported: methods,
    scopes_supported: scopes,
    access_token_signing_alg_values_supported: ["RS256"],
  };
}

const okta = { token: "v1/token", keys: "v1/keys", introspect: "v1/introspect", revoke: "v1/revoke" };
const onelogin = { token: "token", keys: "certs", introspect: "token/introspection", revoke: "token/revocation" };

test("a server's issuer: openid-configuration under the issuer (algorithm oidc)", async () => {
  const config = await configFor(server.issuer, app);
  const md = config.serverMetadata();
  assert.equal(md.issuer, `${base}/oauth2/${server.id}`);
  assert.deepEqual({ ...md }, serverMetadata(server.issuer, okta, ["read", "write"]));
  assert.equal(config.clientMetadata().client_id, app.clientId);
});

test("a server's issuer: RFC 8414 metadata (algorithm oauth2) and the path under the issuer agree", async () => {
  const config = await configFor(server.issuer, app, { auth: "post", algorithm: "oauth2" });
  assert.deepEqual({ ...config.serverMetadata() }, serverMetadata(server.issuer, okta, ["read", "write"]));
  const under = await fetch(`${server.issuer}/.well-known/oauth-authorization-server`);
  assert.equal(under.status, 200);
  assert.deepEqual(await under.json(), serverMetadata(server.issuer, okta, ["read", "write"]));
});

test("the default tenant's issuer on OneLogin's paths, by both algorithms", async () => {
  for (const algorithm of ["oidc", "oauth2"]) {
    const md = (await configFor(tenantIssuer, app, { algorithm })).serverMetadata();
    assert.equal(md.issuer, `${base}/oidc/2`);
    assert.equal(md.token_endpoint, `${base}/oidc/2/token`);
    assert.equal(md.jwks_uri, `${base}/oidc/2/certs`);
    assert.equal(md.introspection_endpoint, `${base}/oidc/2/token/introspection`);
    assert.equal(md.revocation_endpoint, `${base}/oidc/2/token/revocation`);
    assert.deepEqual(md.grant_types_supported, ["client_credentials"]);
    assert.deepEqual(md.token_endpoint_auth_methods_supported, methods);
    // every scope of the tenant's servers: this run's are among them
    assert.ok(md.scopes_supported.includes("read") && md.scopes_supported.includes("write"));
  }
  const under = await fetch(`${tenantIssuer}/.well-known/oauth-authorization-server`);
  assert.equal(under.status, 200);
  assert.equal((await under.json()).issuer, tenantIssuer);
});

for (const [label, issuer] of [["a server's", () => server.issuer], ["the tenant's", () => tenantIssuer]]) {
  test(`${label} jwks_uri: 200, public keys only, cacheable, 304 for its ETag`, async () => {
    const fresh = label === "a server's";
    const md = (await configFor(issuer(), app)).serverMetadata();
    const res = await fetch(md.jwks_uri);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/json; charset=utf-8");
    assert.equal(res.headers.get("cache-control"), "public, max-age=300");
    const etag = res.headers.get("etag");
    assert.match(etag, /^"[A-Za-z0-9_-]{22}"$/);
    const { keys } = await res.json();
    assert.ok(keys.length >= 2, "a current and a next key are published");
    for (const k of keys) {
      assert.equal(k.use, "sig");
      // this run's server has a new ring (token_signing_alg RS256); the tenant's may be older
      if (fresh)
        assert.equal(k.alg, "RS256");
      assert.deepEqual(Object.keys(k).sort(), publicMembers[k.alg], `${k.kid}: public members only`);
    }
    if (fresh)
      assert.equal(keys.length, 2, "a current and a next key");
    const again = await fetch(md.jwks_uri, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.get("etag"), etag);
  });

  test(`${label} token, introspection and revocation endpoints: GET is 405, Allow: POST, an RFC 6749 error`, async () => {
    const md = (await configFor(issuer(), app)).serverMetadata();
    for (const url of [md.token_endpoint, md.introspection_endpoint, md.revocation_endpoint]) {
      const res = await fetch(url);
      assert.equal(res.status, 405, url);
      assert.equal(res.headers.get("allow"), "POST");
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.match(res.headers.get("content-type"), /^application\/json/);
      assert.deepEqual(await res.json(), { error: "invalid_request", error_description: "Method Not Allowed" });
    }
    // and POST reaches them: without credentials each one asks for them
    for (const url of [md.token_endpoint, md.introspection_endpoint, md.revocation_endpoint]) {
      const res = await postForm(url, { grant_type: "client_credentials", token: "x" });
      assert.equal(res.status, 401, url);
      assert.equal(JSON.parse(res.text).error, "invalid_client");
    }
  });
}

test("an issuer that does not exist: 404 with an RFC 6749 body, and openid-client refuses it", async () => {
  const res = await fetch(`${base}/oauth2/999999999/.well-known/openid-configuration`);
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: "invalid_request", error_description: "no such authorization server" });
  const err = await client.discovery(new URL(`${base}/oauth2/999999999`), app.clientId, app.clientSecret)
    .then(() => null, (e) => e);
  assert.ok(err instanceof client.ClientError, String(err));
  assert.equal(err.code, "OAUTH_RESPONSE_IS_NOT_CONFORM");
  assert.equal(err.cause.status, 404);
});
