// Drives the real @onelogin/sdk (3.0.0-alpha.1, compiled from its TypeScript by
// scripts/test) against authzd over https: token, authorization server, scopes, claims,
// an app, client apps, updates, deletes and token revocation.
// Needs AUTHZD_TEST_HTTPS_URL, AUTHZD_TEST_CREDENTIAL (JSON with client_id/client_secret of
// a "Manage All" credential) and NODE_EXTRA_CA_CERTS.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const { readFileSync } = require("node:fs");
const { DefaultApi } = require("@onelogin/sdk");

const base = process.env.AUTHZD_TEST_HTTPS_URL;
const { client_id, client_secret } = JSON.parse(readFileSync(process.env.AUTHZD_TEST_CREDENTIAL, "utf8"));
const api = new DefaultApi(base);
let bearer, token, serverId, readScope, writeScope, claimId, appId;

test("generateToken with OneLogin's client_id/client_secret header", async () => {
  const { response, body } = await api.generateToken(`client_id:${client_id}, client_secret:${client_secret}`,
    { grantType: "client_credentials" });
  assert.equal(response.statusCode, 200);
  assert.match(body.accessToken, /^[0-9a-f]{64}$/);
  assert.equal(body.tokenType, "bearer");
  assert.equal(body.expiresIn, 36000);
  assert.ok(!Number.isNaN(Date.parse(body.createdAt)));
  token = body.accessToken;
  bearer = `bearer ${token}`;
});

test("createAuthorizationServer, get, list", async () => {
  const created = await api.createAuthorizationServer(bearer, {
    name: "SDK Contacts API",
    description: "made by @onelogin/sdk",
    configuration: {
      resourceIdentifier: "https://example.com/sdk-contacts",
      audiences: ["https://example.com/sdk-contacts"],
      accessTokenExpirationMinutes: 10,
      refreshTokenExpirationMinutes: 30,
    },
  });
  assert.equal(created.response.statusCode, 201);
  serverId = created.body.id;
  assert.ok(Number.isInteger(serverId));
  const got = await api.getAuthorizationServer(bearer, serverId);
  assert.equal(got.body.name, "SDK Contacts API");
  assert.equal(got.body.configuration.resourceIdentifier, "https://example.com/sdk-contacts");
  assert.deepEqual(got.body.configuration.audiences, ["https://example.com/sdk-contacts"]);
  const list = await api.listAuthorizationServers(bearer);
  assert.ok(list.body.some((s) => s.id === serverId));
});

test("scopes: add, list, update, duplicate refused", async () => {
  readScope = (await api.addScope(bearer, serverId, { value: "contacts:read", description: "Read contacts" })).body.id;
  writeScope = (await api.addScope(bearer, serverId, { value: "contacts:write", description: "Write contacts" })).body.id;
  await api.updateScope(bearer, serverId, writeScope, { value: "contacts:write", description: "Write all contacts" });
  const { body } = await api.listScopes(bearer, serverId);
  assert.deepEqual(body.map((s) => [s.id, s.value, s.description]),
    [[readScope, "contacts:read", "Read contacts"], [writeScope, "contacts:write", "Write all contacts"]]);
  await assert.rejects(api.addScope(bearer, serverId, { value: "contacts:read", description: "again" }),
    (err) => err.statusCode === 422 && err.body.message === "Validation failed: Value has already been taken");
});

test("claims: add, update, list", async () => {
  claimId = (await api.addAccessTokenClaim(bearer, serverId, { name: "email", userAttributeMappings: "email" })).body.id;
  await api.updateAccessTokenClaim(bearer, serverId, claimId, { name: "email", userAttributeMappings: "email_address" });
  const { body } = await api.listAccessTokenClaims(bearer, serverId);
  assert.equal(body.length, 1);
  assert.equal(body[0].id, claimId);
  assert.equal(body[0].userAttributeMappings, "email_address");
});

test("an app, linked as a client app with scopes", async () => {
  const app = await api.createApp(bearer, { name: "SDK client" });
  assert.equal(app.response.statusCode, 201);
  appId = app.body.id;
  assert.match(app.body.sso.client_id, /^[0-9a-f]{32}$/);
  assert.match(app.body.sso.client_secret, /^[0-9a-f]{64}$/);
  const added = await api.addClientApp(bearer, serverId, { appId, scopes: [readScope] });
  assert.equal(added.response.statusCode, 201);
  assert.equal(added.body.appId, appId);
  assert.equal(added.body.apiAuthId, serverId);
  await api.updateClientApp(bearer, serverId, appId, { scopes: [readScope, writeScope] });
  const { body } = await api.getClientApps(bearer, serverId);
  assert.equal(body.length, 1);
  assert.equal(body[0].appId, appId);
  assert.equal(body[0].name, "SDK client");
  assert.deepEqual(body[0].scopes.map((s) => s.value), ["contacts:read", "contacts:write"]);
});

test("update the server; delete scope, claim, client app, server", async () => {
  await api.updateAuthorizationServer(bearer, serverId, {
    name: "SDK Contacts API v2",
    description: "updated",
    configuration: { resourceIdentifier: "https://example.com/sdk-contacts", audiences: ["https://example.com/v2"] },
  });
  assert.equal((await api.getAuthorizationServer(bearer, serverId)).body.name, "SDK Contacts API v2");
  await api.deleteScope(bearer, serverId, writeScope);
  const clients = (await api.getClientApps(bearer, serverId)).body;
  assert.deepEqual(clients[0].scopes.map((s) => s.value), ["contacts:read"]);
  await api.deleteAccessTokenClaim(bearer, serverId, claimId);
  await api.removeClientApp(bearer, serverId, appId);
  assert.deepEqual((await api.getClientApps(bearer, serverId)).body, []);
  await api.deleteAuthorizationServer(bearer, serverId);
  await assert.rejects(api.getAuthorizationServer(bearer, serverId), (err) => err.statusCode === 404);
  await api.deleteApp(bearer, appId);
});

test("revokeToken: the token stops working", async () => {
  const { response } = await api.revokeToken(`client_id:${client_id}, client_secret:${client_secret}`,
    { accessToken: token });
  assert.equal(response.statusCode, 200);
  await assert.rejects(api.listAuthorizationServers(bearer), (err) => err.statusCode === 401);
});
