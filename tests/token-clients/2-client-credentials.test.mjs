// client_credentials with openid-client 6 (clientCredentialsGrant) against a server's issuer
// and the tenant's: client_secret_basic and client_secret_post, scope (RFC 6749 3.3) and
// resource (RFC 8707), and the errors openid-client turns into exceptions.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";
import {
  base, run, tenantIssuer, mgmt, authzctl, makeServer, makeApp, configFor, postForm, decodeJwt, rejection,
} from "./lib.mjs";

let server, other, app, twoLinks, wrong;

before(async () => {
  const resource = `https://grant-${run}.example/api`;
  server = await makeServer("grant", {
    resource,
    audiences: [`${resource}/a`, `${resource}/b`],
    scopes: ["read", "write", "admin"],
  });
  other = await makeServer("grant-other", { scopes: ["read"] });
  app = await makeApp("grant", [{ server, scopes: ["read", "write"] }]);
  twoLinks = await makeApp("grant two links", [{ server, scopes: ["read"] }, { server: other, scopes: ["read"] }]);
  wrong = await makeApp("grant wrong secret", [{ server, scopes: ["read"] }]);
});

function assertAccessToken(jwt, { issuer, clientId, aud, scope }) {
  const { header, payload } = decodeJwt(jwt);
  assert.deepEqual(Object.keys(header), ["alg", "typ", "kid"]);
  assert.equal(header.alg, "RS256");
  assert.equal(header.typ, "at+jwt");
  assert.match(header.kid, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(payload.iss, issuer);
  assert.equal(payload.sub, clientId);
  assert.equal(payload.client_id, clientId);
  assert.deepEqual(payload.aud, aud);
  assert.equal(payload.scope, scope);
  assert.equal(payload.exp - payload.iat, 600, "access_token_expiration_minutes defaults to 10");
  assert.ok(Math.abs(payload.iat - Date.now() / 1000) < 60, "iat is now");
  return payload;
}

test("client_secret_basic: the secret in the Authorization header, every granted scope, every audience", async () => {
  const requests = [];
  const config = await configFor(server.issuer, app, { auth: "basic", requests });
  const res = await client.clientCredentialsGrant(config);
  assert.equal(res.token_type, "bearer");
  assert.equal(res.expires_in, 600);
  assert.equal(res.scope, "read write");
  assert.ok(res.expiresIn() > 590 && res.expiresIn() <= 600);
  const claims = assertAccessToken(res.access_token, {
    issuer: server.issuer, clientId: app.clientId, aud: server.audiences, scope: "read write",
  });
  assert.match(claims.jti, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(requests.length, 1);
  assert.equal(requests[0].url, `${server.issuer}/v1/token`);
  assert.equal(requests[0].headers.get("authorization"),
    "Basic " + Buffer.from(`${app.clientId}:${app.clientSecret}`).toString("base64"));
  assert.deepEqual([...requests[0].body.keys()], ["grant_type"]);
});

test("client_secret_post: the secret in the form, no Authorization header", async () => {
  const requests = [];
  const config = await configFor(server.issuer, app, { auth: "post", requests });
  const res = await client.clientCredentialsGrant(config);
  assert.equal(res.scope, "read write");
  assertAccessToken(res.access_token, {
    issuer: server.issuer, clientId: app.clientId, aud: server.audiences, scope: "read write",
  });
  assert.equal(requests[0].headers.get("authorization"), null);
  assert.equal(requests[0].body.get("client_id"), app.clientId);
  assert.equal(requests[0].body.get("client_secret"), app.clientSecret);
});

test("the token response is not to be cached (RFC 6749 5.1)", async () => {
  const res = await postForm(`${server.issuer}/v1/token`, { grant_type: "client_credentials" }, app);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("cache-control"), "no-store");
  assert.equal(res.headers.get("pragma"), "no-cache");
  assert.deepEqual(Object.keys(JSON.parse(res.text)), ["access_token", "token_type", "expires_in", "scope"]);
  assert.equal(JSON.parse(res.text).token_type, "Bearer");
});

test("scope: a granted subset is what the token carries, in the order asked", async () => {
  const config = await configFor(server.issuer, app);
  const one = await client.clientCredentialsGrant(config, { scope: "write" });
  assert.equal(one.scope, "write");
  assert.equal(decodeJwt(one.access_token).payload.scope, "write");
  const both = await client.clientCredentialsGrant(config, { scope: "write read" });
  assert.equal(both.scope, "write read");
  assert.equal(decodeJwt(both.access_token).payload.scope, "write read");
});

test("resource: one audience makes aud that string; the resource identifier all of them", async () => {
  const config = await configFor(server.issuer, app, { auth: "post" });
  const b = await client.clientCredentialsGrant(config, { resource: server.audiences[1] });
  assert.equal(decodeJwt(b.access_token).payload.aud, server.audiences[1]);
  const all = await client.clientCredentialsGrant(config, { resource: server.resource, scope: "read" });
  assert.deepEqual(decodeJwt(all.access_token).payload.aud, server.audiences);
  assert.equal(all.scope, "read");
});

// RFC 8707 2: "Multiple resource parameters MAY be used to indicate that the requested token is
// intended to be used at multiple resources"; a server that cannot combine them answers
// invalid_target. authzd refuses any repeated form parameter (RFC 6749 3.2) before it looks,
// resource included: invalid_request "parameter resource is repeated". A known bug, reported;
// drop the todo once src/dialect/oauth.c lets resource repeat.
test("two resources that are both the server's audiences: a token for both (RFC 8707)", async () => {
  const config = await configFor(server.issuer, app);
  const both = new URLSearchParams([["resource", server.audiences[0]], ["resource", server.audiences[1]]]);
  const outcome = await client.clientCredentialsGrant(config, both).then(
    (res) => ({ aud: decodeJwt(res.access_token).payload.aud }), (err) => ({ error: err.error }));
  assert.ok(outcome.error === undefined || outcome.error === "invalid_target", JSON.stringify(outcome));
  if (outcome.aud !== undefined)
    assert.deepEqual(outcome.aud, server.audiences);
});

test("a resource that is not the server's: invalid_target", async () => {
  const config = await configFor(server.issuer, app);
  const err = await rejection(client.clientCredentialsGrant(config, { resource: "https://elsewhere.example/" }));
  assert.ok(err instanceof client.ResponseBodyError, String(err));
  assert.equal(err.status, 400);
  assert.equal(err.error, "invalid_target");
  assert.equal(err.error_description, "resource is not this authorization server's");
});

test("a scope the server has but the link does not grant: invalid_scope", async () => {
  const config = await configFor(server.issuer, app);
  for (const scope of ["admin", "read admin", "nonexistent"]) {
    const err = await rejection(client.clientCredentialsGrant(config, { scope }));
    assert.ok(err instanceof client.ResponseBodyError, String(err));
    assert.equal(err.status, 400);
    assert.equal(err.error, "invalid_scope");
    assert.equal(err.error_description, `scope ${scope.split(" ").pop()} is not granted to this client`);
  }
});

// A 401 carries WWW-Authenticate (RFC 6749 5.2 for Basic, RFC 9110 11.6.1 for any 401), so
// openid-client raises its challenge error, not ResponseBodyError; the body is still RFC 6749's.
for (const auth of ["basic", "post"]) {
  test(`a wrong secret (client_secret_${auth}): 401 invalid_client with a Basic challenge`, async () => {
    const config = await configFor(server.issuer, { ...wrong, clientSecret: `${wrong.clientSecret}x` }, { auth });
    const err = await rejection(client.clientCredentialsGrant(config));
    assert.ok(err instanceof client.WWWAuthenticateChallengeError, String(err));
    assert.equal(err.status, 401);
    assert.deepEqual(err.cause, [{ scheme: "basic", parameters: { realm: "authzd", charset: "UTF-8" } }]);
    assert.deepEqual(await err.response.json(),
      { error: "invalid_client", error_description: "client authentication failed" });
  });
}

test("an unknown client: invalid_client too, with the same description", async () => {
  const res = await postForm(`${server.issuer}/v1/token`, { grant_type: "client_credentials" },
    { clientId: `no-such-client-${run}`, clientSecret: "x" });
  assert.equal(res.status, 401);
  assert.deepEqual(JSON.parse(res.text), { error: "invalid_client", error_description: "client authentication failed" });
});

test("a client linked elsewhere: unauthorized_client", async () => {
  const elsewhere = await makeApp("grant elsewhere", [{ server: other, scopes: ["read"] }]);
  const err = await rejection(client.clientCredentialsGrant(await configFor(server.issuer, elsewhere)));
  assert.ok(err instanceof client.ResponseBodyError, String(err));
  assert.equal(err.status, 400);
  assert.equal(err.error, "unauthorized_client");
});

test("the tenant's issuer: one link needs no resource; the token names its issuer and azp", async () => {
  const config = await configFor(tenantIssuer, app, { auth: "post" });
  const res = await client.clientCredentialsGrant(config, { scope: "read" });
  const claims = assertAccessToken(res.access_token, {
    issuer: tenantIssuer, clientId: app.clientId, aud: server.audiences, scope: "read",
  });
  assert.equal(claims.azp, app.clientId);
  assert.match(claims.jti, new RegExp(`^[A-Za-z0-9_-]{22}\\.${server.id}$`));
});

test("the tenant's issuer: with two links, resource picks the server; without it, invalid_target", async () => {
  const config = await configFor(tenantIssuer, twoLinks);
  const err = await rejection(client.clientCredentialsGrant(config));
  assert.ok(err instanceof client.ResponseBodyError, String(err));
  assert.equal(err.error, "invalid_target");
  assert.equal(err.error_description, "the client is linked to several authorization servers: say which by resource");
  const toOther = await client.clientCredentialsGrant(config, { resource: other.resource });
  assert.equal(decodeJwt(toOther.access_token).payload.aud, other.resource);
  assert.match(decodeJwt(toOther.access_token).payload.jti, new RegExp(`\\.${other.id}$`));
  const toServer = await client.clientCredentialsGrant(config, { resource: server.audiences[0] });
  assert.equal(decodeJwt(toServer.access_token).payload.aud, server.audiences[0]);
  assert.match(decodeJwt(toServer.access_token).payload.jti, new RegExp(`\\.${server.id}$`));
  const none = await rejection(client.clientCredentialsGrant(config, { resource: "https://nobody.example/" }));
  assert.equal(none.error, "invalid_target");
  assert.equal(none.error_description, "no authorization server of this client has that resource");
});

// An Azure-registered server's own OAuth client (its clientId and clientSecret) is a client of
// its issuer too. This one's id and secret have characters that RFC 6749 2.3.1's form-encoding
// inside Basic changes (openid-client encodes them; authzd must decode them).
test("an Azure-registered server's own client: both methods, introspection and revocation", async () => {
  const name = `tc-own-${run}`;
  // per run: its failed authentication below counts toward this client id's throttle
  const own = { clientId: `own:client é ${run}`, clientSecret: "p@ss word+/=:%é&x" };
  const service = "/subscriptions/sub-tc/resourceGroups/rg-tc/providers/Microsoft.ApiManagement/service/svc-tc";
  await mgmt("PUT", `${service}/authorizationServers/${name}?api-version=2022-08-01`, {
    properties: {
      displayName: name, clientRegistrationEndpoint: "https://contoso.example/reg",
      authorizationEndpoint: "https://contoso.example/auth", authorizationMethods: ["GET"],
      clientAuthenticationMethod: ["Basic"], tokenEndpoint: "https://contoso.example/token",
      grantTypes: ["clientCredentials"], defaultScope: "read write", bearerTokenSendingMethods: ["authorizationHeader"],
      clientId: own.clientId, clientSecret: own.clientSecret,
    },
  }, 201);
  const [azure] = JSON.parse(authzctl("servers", "list", "--json")).filter((s) => s.name === name);
  assert.equal(azure.dialect, "azure");
  assert.equal(azure.issuer, `${base}/oauth2/${azure.id}`);
  for (const auth of ["basic", "post"]) {
    const config = await configFor(azure.issuer, own, { auth });
    const res = await client.clientCredentialsGrant(config);
    assert.equal(res.scope, "read write", "the server's defaultScope");
    // no audiences and no resource identifier: the token is for the issuer itself
    assertAccessToken(res.access_token,
      { issuer: azure.issuer, clientId: own.clientId, aud: azure.issuer, scope: "read write" });
    assert.equal((await client.tokenIntrospection(config, res.access_token)).client_id, own.clientId);
    await client.tokenRevocation(config, res.access_token);
    assert.deepEqual({ ...(await client.tokenIntrospection(config, res.access_token)) }, { active: false });
  }
  const err = await rejection(client.clientCredentialsGrant(
    await configFor(azure.issuer, { ...own, clientSecret: "p@ss word+/=:%é&y" })));
  assert.ok(err instanceof client.WWWAuthenticateChallengeError, String(err));
  assert.equal(err.status, 401);
});
