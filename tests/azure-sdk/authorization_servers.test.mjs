// Drives the real @azure/arm-apimanagement client (9.2.0, api-version 2022-08-01) against
// authzd over https: create, get, getEntityTag, update with the ETag and with a stale one,
// listByService with a filter over several pages, listSecrets, delete.
// Needs AUTHZD_TEST_HTTPS_URL, AUTHZD_TEST_CREDENTIAL (a JSON file with client_id and
// client_secret of a "Manage All" credential) and NODE_EXTRA_CA_CERTS (scripts/test sets them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { ApiManagementClient } from "@azure/arm-apimanagement";

const base = process.env.AUTHZD_TEST_HTTPS_URL;
const credFile = process.env.AUTHZD_TEST_CREDENTIAL;
assert.ok(base && credFile, "AUTHZD_TEST_HTTPS_URL and AUTHZD_TEST_CREDENTIAL must be set");

async function managementToken() {
  const { client_id, client_secret } = JSON.parse(readFileSync(credFile, "utf8"));
  const res = await fetch(`${base}/auth/oauth2/v2/token`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Authorization: "Basic " + Buffer.from(`${client_id}:${client_secret}`).toString("base64"),
    },
    body: JSON.stringify({ grant_type: "client_credentials" }),
  });
  assert.equal(res.status, 200);
  const body = await res.json();
  return { token: body.access_token, expiresOnTimestamp: Date.parse(body.created_at) + body.expires_in * 1000 };
}

const run = Date.now().toString(36);
const subscription = `sub-${run}`;
const rg = "rg-sdk";
const svc = "apim-sdk";
let client;

function params(displayName, extra = {}) {
  return {
    displayName,
    description: "created by the Azure SDK test",
    clientRegistrationEndpoint: "https://contoso.com/clients/reg",
    authorizationEndpoint: "https://contoso.com/auth",
    authorizationMethods: ["GET", "POST"],
    clientAuthenticationMethod: ["Basic"],
    tokenBodyParameters: [{ name: "resource", value: "https://graph" }],
    tokenEndpoint: "https://contoso.com/token",
    supportState: true,
    defaultScope: "read write",
    grantTypes: ["authorizationCode", "clientCredentials"],
    bearerTokenSendingMethods: ["authorizationHeader"],
    clientId: "client-1",
    clientSecret: "s3cret-value",
    resourceOwnerUsername: "owner",
    resourceOwnerPassword: "owner-pass",
    ...extra,
  };
}

test("setup: a client with a management token", async () => {
  const token = await managementToken();
  const credential = { getToken: async () => token };
  client = new ApiManagementClient(credential, subscription, { endpoint: base });
});

let etag;

test("createOrUpdate creates (201) and hides the secrets", async () => {
  const created = await client.authorizationServer.createOrUpdate(rg, svc, "sdk-main", params("SDK main"));
  assert.equal(created.name, "sdk-main");
  assert.equal(created.type, "Microsoft.ApiManagement/service/authorizationServers");
  assert.equal(created.id, `/subscriptions/${subscription}/resourceGroups/${rg}/providers/Microsoft.ApiManagement/service/${svc}/authorizationServers/sdk-main`);
  assert.equal(created.displayName, "SDK main");
  assert.deepEqual(created.grantTypes, ["authorizationCode", "clientCredentials"]);
  assert.deepEqual(created.tokenBodyParameters, [{ name: "resource", value: "https://graph" }]);
  assert.equal(created.clientSecret, undefined);
  assert.equal(created.resourceOwnerPassword, undefined);
  assert.match(created.eTag, /^"[A-Za-z0-9+/]{11}="$/);
  etag = created.eTag;
});

test("get and getEntityTag agree on the ETag", async () => {
  const got = await client.authorizationServer.get(rg, svc, "sdk-main");
  assert.equal(got.displayName, "SDK main");
  assert.equal(got.supportState, true);
  assert.equal(got.useInTestConsole, true);
  assert.equal(got.useInApiDocumentation, false);
  assert.equal(got.clientSecret, undefined);
  assert.equal(got.eTag, etag);
  const head = await client.authorizationServer.getEntityTag(rg, svc, "sdk-main");
  assert.equal(head.eTag, etag);
});

test("update with the current ETag merges and bumps it", async () => {
  const updated = await client.authorizationServer.update(rg, svc, "sdk-main", etag, { clientId: "client-2" });
  assert.equal(updated.clientId, "client-2");
  assert.equal(updated.displayName, "SDK main");
  assert.notEqual(updated.eTag, etag);
  const stale = etag;
  etag = updated.eTag;
  await assert.rejects(
    client.authorizationServer.update(rg, svc, "sdk-main", stale, { clientId: "client-3" }),
    (err) => err.statusCode === 412 && err.code === "PreconditionFailed",
  );
  const again = await client.authorizationServer.get(rg, svc, "sdk-main");
  assert.equal(again.clientId, "client-2");
});

test("createOrUpdate with a stale If-Match is refused", async () => {
  await assert.rejects(
    client.authorizationServer.createOrUpdate(rg, svc, "sdk-main", params("SDK main"), { ifMatch: '"AAAAAAAAAAE="' }),
    (err) => err.statusCode === 412,
  );
});

test("listByService pages through a filter", async () => {
  for (let i = 0; i < 5; i++) {
    const r = await client.authorizationServer.createOrUpdate(rg, svc, `sdk-page-${i}`, params(`Page ${i}`));
    assert.equal(r.name, `sdk-page-${i}`);
  }
  await client.authorizationServer.createOrUpdate(rg, svc, "other", params("Other"));
  const pages = [];
  for await (const page of client.authorizationServer.listByService(rg, svc, { filter: "startswith(name,'sdk-page')", top: 2 }).byPage()) {
    pages.push(page.map((s) => s.name));
  }
  assert.deepEqual(pages, [["sdk-page-0", "sdk-page-1"], ["sdk-page-2", "sdk-page-3"], ["sdk-page-4"]]);
  const all = [];
  for await (const s of client.authorizationServer.listByService(rg, svc)) all.push(s.name);
  assert.deepEqual(all, ["other", "sdk-main", "sdk-page-0", "sdk-page-1", "sdk-page-2", "sdk-page-3", "sdk-page-4"]);
  const byDisplay = [];
  for await (const s of client.authorizationServer.listByService(rg, svc, { filter: "displayName eq 'Other'" })) byDisplay.push(s.name);
  assert.deepEqual(byDisplay, ["other"]);
});

test("listSecrets returns what was stored", async () => {
  const secrets = await client.authorizationServer.listSecrets(rg, svc, "sdk-main");
  assert.equal(secrets.clientSecret, "s3cret-value");
  assert.equal(secrets.resourceOwnerUsername, "owner");
  assert.equal(secrets.resourceOwnerPassword, "owner-pass");
  assert.equal(secrets.eTag, etag);
});

test("delete with the ETag, then get is 404", async () => {
  await client.authorizationServer.delete(rg, svc, "sdk-main", etag);
  await assert.rejects(
    client.authorizationServer.get(rg, svc, "sdk-main"),
    (err) => err.statusCode === 404 && err.code === "ResourceNotFound",
  );
  await client.authorizationServer.delete(rg, svc, "sdk-main", "*");    // 204: nothing to delete
});
