// Introspection (RFC 7662) and revocation (RFC 7009) with openid-client 6 (tokenIntrospection,
// tokenRevocation): who may ask, what an active token shows, and that a revoked one is exactly
// {"active":false}.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";
import { tenantIssuer, mgmt, makeServer, makeApp, configFor, postForm, decodeJwt, rejection } from "./lib.mjs";

let server, other, owner, peer, unlinked, elsewhere, cfg;

before(async () => {
  server = await makeServer("introspect", { scopes: ["read", "write"] });
  other = await makeServer("introspect-other", { scopes: ["read"] });
  owner = await makeApp("introspect owner", [{ server, scopes: ["read", "write"] }]);
  peer = await makeApp("introspect peer", [{ server, scopes: ["read"] }]);
  unlinked = await makeApp("introspect unlinked");
  elsewhere = await makeApp("introspect elsewhere", [{ server: other, scopes: ["read"] }]);
  cfg = {
    owner: await configFor(server.issuer, owner),
    ownerPost: await configFor(server.issuer, owner, { auth: "post" }),
    peer: await configFor(server.issuer, peer),
    unlinked: await configFor(server.issuer, unlinked),
    elsewhere: await configFor(server.issuer, elsewhere, { auth: "post" }),
  };
});

async function newToken(config = cfg.owner, parameters) {
  return (await client.clientCredentialsGrant(config, parameters)).access_token;
}

/** What introspection must answer for an active token: its claims, and token_type. */
function activeBody(jwt) {
  const { iss, sub, aud, exp, iat, jti, client_id, scope } = decodeJwt(jwt).payload;
  return { active: true, scope, client_id, token_type: "Bearer", exp, iat, sub, aud, iss, jti };
}

async function rawIntrospect(jwt, app = owner, issuer = server.issuer) {
  const url = issuer === tenantIssuer ? `${issuer}/token/introspection` : `${issuer}/v1/introspect`;
  const res = await postForm(url, { token: jwt, token_type_hint: "access_token" }, app);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get("cache-control"), "no-store");
  return res.text;
}

test("an active token: active true with its claims (client_secret_basic and _post)", async () => {
  const jwt = await newToken();
  for (const config of [cfg.owner, cfg.ownerPost]) {
    const body = await client.tokenIntrospection(config, jwt);
    assert.deepEqual({ ...body }, activeBody(jwt));
  }
  assert.deepEqual(Object.keys(JSON.parse(await rawIntrospect(jwt))),
    ["active", "scope", "client_id", "token_type", "exp", "iat", "sub", "aud", "iss", "jti"]);
});

test("revoked with tokenRevocation: active false, and exactly {\"active\":false} on the wire", async () => {
  const jwt = await newToken(cfg.owner, { scope: "write" });
  const kept = await newToken();
  assert.equal((await client.tokenIntrospection(cfg.owner, jwt)).active, true);
  assert.equal(await client.tokenRevocation(cfg.owner, jwt), undefined);
  assert.deepEqual({ ...(await client.tokenIntrospection(cfg.owner, jwt)) }, { active: false });
  assert.equal(await rawIntrospect(jwt), '{"active":false}');
  assert.equal(await rawIntrospect(jwt, peer), '{"active":false}');
  // revoking it again changes nothing; the other token of the same client stays active
  await client.tokenRevocation(cfg.ownerPost, jwt, { token_type_hint: "access_token" });
  assert.equal(await rawIntrospect(jwt), '{"active":false}');
  assert.deepEqual({ ...(await client.tokenIntrospection(cfg.owner, kept)) }, activeBody(kept));
});

test("the revocation endpoint answers 200 with an empty body, no-store", async () => {
  const res = await postForm(`${server.issuer}/v1/revoke`, { token: await newToken() }, owner);
  assert.equal(res.status, 200);
  assert.equal(res.text, "");
  assert.equal(res.headers.get("cache-control"), "no-store");
});

test("revoking an unknown token: 200, no error (RFC 7009 2.2)", async () => {
  const foreign = await newToken(await configFor(other.issuer, elsewhere));
  for (const token of ["not-a-token", "eyJhbGciOiJSUzI1NiJ9.e30.c2ln", foreign])
    assert.equal(await client.tokenRevocation(cfg.owner, token), undefined);
  const res = await postForm(`${server.issuer}/v1/revoke`, { token: "not-a-token" }, owner);
  assert.equal(res.status, 200);
  assert.equal(res.text, "");
  assert.equal(await rawIntrospect("not-a-token"), '{"active":false}');
});

test("a second client linked to the server introspects the first one's token, but may not revoke it", async () => {
  const jwt = await newToken();
  assert.deepEqual({ ...(await client.tokenIntrospection(cfg.peer, jwt)) }, activeBody(jwt));
  const err = await rejection(client.tokenRevocation(cfg.peer, jwt));
  assert.ok(err instanceof client.ResponseBodyError, String(err));
  assert.equal(err.status, 400);
  assert.equal(err.error, "unauthorized_client");
  assert.equal(err.error_description, "the token was not issued to this client");
  assert.deepEqual({ ...(await client.tokenIntrospection(cfg.owner, jwt)) }, activeBody(jwt), "still active");
});

test("an app not linked to the server: unauthorized_client (400) for introspection and revocation", async () => {
  const jwt = await newToken();
  for (const config of [cfg.unlinked, cfg.elsewhere]) {
    for (const call of [client.tokenIntrospection, client.tokenRevocation]) {
      const err = await rejection(call(config, jwt));
      assert.ok(err instanceof client.ResponseBodyError, String(err));
      assert.equal(err.status, 400);
      assert.equal(err.error, "unauthorized_client");
      assert.equal(err.error_description, "the client is not linked to this authorization server");
    }
  }
  assert.equal((await client.tokenIntrospection(cfg.owner, jwt)).active, true, "still active");
});

test("a wrong secret: 401 invalid_client for introspection and revocation", async () => {
  const jwt = await newToken();
  for (const path of ["v1/introspect", "v1/revoke"]) {
    const res = await postForm(`${server.issuer}/${path}`, { token: jwt }, { ...peer, clientSecret: "wrong" });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Basic realm="authzd", charset="UTF-8"');
    assert.deepEqual(JSON.parse(res.text), { error: "invalid_client", error_description: "client authentication failed" });
  }
  assert.equal((await client.tokenIntrospection(cfg.owner, jwt)).active, true, "still active");
});

test("a token of another issuer is not active here, and revoking it here does not revoke it", async () => {
  const otherCfg = await configFor(other.issuer, elsewhere);
  const foreign = await newToken(otherCfg);
  assert.equal(await rawIntrospect(foreign), '{"active":false}');
  await client.tokenRevocation(cfg.owner, foreign);
  assert.equal((await client.tokenIntrospection(otherCfg, foreign)).active, true);
  const tenantToken = await newToken(await configFor(tenantIssuer, owner));
  assert.equal(await rawIntrospect(tenantToken), '{"active":false}', "the tenant issuer's token at the server's");
});

test("the tenant's issuer: introspection and revocation on OneLogin's paths", async () => {
  const tenantOwner = await configFor(tenantIssuer, owner, { auth: "post" });
  const tenantPeer = await configFor(tenantIssuer, peer);
  const jwt = await newToken(tenantOwner);
  assert.equal(decodeJwt(jwt).payload.iss, tenantIssuer);
  assert.deepEqual({ ...(await client.tokenIntrospection(tenantPeer, jwt)) }, activeBody(jwt));
  assert.equal(await rawIntrospect(jwt, owner, server.issuer), '{"active":false}', "not the server issuer's token");
  assert.equal((await rejection(client.tokenRevocation(tenantPeer, jwt))).error, "unauthorized_client");
  await client.tokenRevocation(tenantOwner, jwt);
  assert.deepEqual({ ...(await client.tokenIntrospection(tenantPeer, jwt)) }, { active: false });
  assert.equal(await rawIntrospect(jwt, owner, tenantIssuer), '{"active":false}');
  // an app with no link at all is no client of the tenant's issuer either
  const err = await rejection(client.tokenIntrospection(await configFor(tenantIssuer, unlinked), jwt));
  assert.equal(err.error, "unauthorized_client");
});

test("a client unlinked after the token was issued: its token is no longer active", async () => {
  const leaving = await makeApp("introspect leaving", [{ server, scopes: ["read"] }]);
  const jwt = await newToken(await configFor(server.issuer, leaving));
  assert.deepEqual({ ...(await client.tokenIntrospection(cfg.owner, jwt)) }, activeBody(jwt));
  await mgmt("DELETE", `/api/2/api_authorizations/${server.id}/clients/${leaving.id}`, undefined, 204);
  assert.equal(await rawIntrospect(jwt), '{"active":false}');
});
