// The admin console in headless Chromium against the real stack: sign in, a server made
// with audiences and scopes (a 422 shown on its field first), a stale edit caught, an app
// made, linked and its secret rotated (old and new both working until the old is retired),
// the audit trail showing each step, a read-only credential seeing no write control, a
// session ending with its token, strict headers, a narrow window; axe-core on every page.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { admin, authzctl, base, checkA11y, consoleUrl, credential, eventually, launch, mgmt, newPage, run, shot,
  signIn, tokenStatus } from "./lib.mjs";

let browser, page;
const state = {};

before(async () => {
  browser = await launch();
  page = await newPage(browser);
});

after(async () => {
  await browser?.close();
});

test("the console is static files with strict headers; the API still answers JSON", async () => {
  const res = await fetch(consoleUrl);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type"), /^text\/html/);
  const csp = res.headers.get("content-security-policy");
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
  assert.equal(res.headers.get("x-frame-options"), "DENY");
  assert.equal(res.headers.get("referrer-policy"), "no-referrer");
  assert.equal(res.headers.get("x-content-type-options"), "nosniff");
  const js = await fetch(`${consoleUrl}js/app.js`);
  assert.match(js.headers.get("content-type"), /^text\/javascript/);
  const redirect = await fetch(`${base}/console`, { redirect: "manual" });
  assert.equal(redirect.status, 301);
  assert.equal(redirect.headers.get("location"), "/console/");
  const api = await fetch(`${base}/api/2/api_authorizations`);
  assert.equal(api.status, 401);
  assert.match(api.headers.get("content-type"), /^application\/json/);
  assert.equal(api.headers.get("content-security-policy"), null);
});

test("sign in: a wrong secret is refused on the page, the right one by keyboard alone", async () => {
  await page.goto(consoleUrl);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await checkA11y(page, "sign in");
  await shot(page, "01-sign-in");
  await page.getByLabel("Client ID").fill(admin.client_id);
  await page.getByLabel("Client secret").fill("0".repeat(64));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "Wrong client ID or secret." }).waitFor();
  // keyboard only: focus order is client id, secret, button
  await page.getByLabel("Client ID").fill("");
  await page.getByLabel("Client ID").focus();
  await page.keyboard.type(admin.client_id);
  await page.keyboard.press("Tab");
  await page.keyboard.type(admin.client_secret);
  await page.keyboard.press("Enter");
  await page.getByRole("heading", { level: 1, name: "Authorization servers" }).waitFor();
  await page.getByText("Tenant default · Manage All").waitFor();
  // the token is in memory only
  const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie]);
  assert.deepEqual(stored, [0, 0, ""]);
});

test("create a server: a 422 shown on its field, then audiences and scopes saved", async () => {
  await page.getByRole("link", { name: "New server" }).click();
  await page.getByRole("heading", { name: "New authorization server" }).waitFor();
  state.name = `Console ${run}`;
  await page.getByLabel("Name").fill(state.name);
  await page.getByLabel("Resource identifier").fill("not a uri");
  await page.getByLabel("Audiences").fill(`https://contacts-${run}.example\nhttps://contacts-${run}.example/v2`);
  await page.getByLabel("Scopes").fill("contacts:read Read contacts\ncontacts:write Write contacts");
  await page.getByRole("button", { name: "Create server" }).click();
  const ri = page.getByLabel("Resource identifier");
  await page.locator('[data-field="resource_identifier"] .error').filter({ hasText: /^Resource identifier / }).waitFor();
  assert.equal(await ri.getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => document.activeElement.name), "resource_identifier");
  assert.equal(await page.getByLabel("Name").getAttribute("aria-invalid"), null);
  await checkA11y(page, "server form with a 422");
  await shot(page, "03-server-form-422");
  // nothing was stored
  const none = await mgmt("GET", `/api/2/api_authorizations?name=${encodeURIComponent(state.name)}`, undefined, 200);
  assert.deepEqual(none, []);

  await ri.fill(`https://contacts-${run}.example`);
  await page.getByRole("button", { name: "Create server" }).click();
  await page.getByRole("heading", { level: 1, name: state.name, exact: true }).waitFor();
  state.serverId = Number(/#\/servers\/(\d+)$/.exec(page.url())[1]);
  const s = await mgmt("GET", `/api/2/api_authorizations/${state.serverId}`, undefined, 200);
  assert.deepEqual(s.configuration, { resource_identifier: `https://contacts-${run}.example`,
    audiences: [`https://contacts-${run}.example`, `https://contacts-${run}.example/v2`],
    access_token_expiration_minutes: 10, refresh_token_expiration_minutes: 30 });
  const scopes = await mgmt("GET", `/api/2/api_authorizations/${state.serverId}/scopes`, undefined, 200);
  assert.deepEqual(scopes.map((x) => [x.value, x.description]),
    [["contacts:read", "Read contacts"], ["contacts:write", "Write contacts"]]);
  state.scopes = Object.fromEntries(scopes.map((x) => [x.value, x.id]));
  // the page shows them, and the server's issuer and keys
  await page.getByRole("table", { name: "Scopes" }).getByText("contacts:write").waitFor();
  await page.locator("code", { hasText: `https://contacts-${run}.example/v2` }).waitFor();
  await page.getByText(`${base}/oauth2/${state.serverId}`, { exact: true }).waitFor();
  await page.getByText("client_credentials").waitFor();
  // the ring: the current and the next key with their states, and the next rotation (the
  // next key's start), as the native API says
  const ring = await mgmt("GET", `/api/authzd/v1/servers/${state.serverId}/keys`, undefined, 200);
  assert.deepEqual(ring.keys.map((k) => k.state), ["next", "current"]);
  const keys = page.getByRole("table", { name: "Signing keys" });
  await keys.getByText("current (signs now)").waitFor();
  assert.equal(await keys.locator("tbody tr").count(), 2);
  for (const k of ring.keys) await keys.locator("code", { hasText: k.kid }).waitFor();
  const at = ring.next_rotation_at.replace("T", " ").replace(/\.\d+Z$/, " UTC");
  assert.equal(ring.next_rotation_at, ring.keys[0].signs_from);
  await page.getByText(at, { exact: true }).first().waitFor();
});

test("the servers list searches and pages", async () => {
  await page.goto(`${consoleUrl}#/servers`);
  await page.getByRole("searchbox", { name: "Search by name" }).fill(run);
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByText("Page 1 of 1 · 1 server").waitFor();
  await page.getByRole("link", { name: state.name }).waitFor();
  await checkA11y(page, "servers list");
  await shot(page, "02-servers");
});

test("an edit over someone else's change is caught before it is saved", async () => {
  await page.goto(`${consoleUrl}#/servers/${state.serverId}/edit`);
  await page.getByRole("heading", { name: `Edit ${state.name}` }).waitFor();
  await page.getByLabel("Description").fill("mine");
  // someone else saves meanwhile
  const theirs = { name: state.name, description: "theirs",
    configuration: { resource_identifier: `https://contacts-${run}.example`, audiences: [`https://contacts-${run}.example`] } };
  await mgmt("PUT", `/api/2/api_authorizations/${state.serverId}`, theirs, 200);
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("heading", { name: "Someone else changed this server" }).waitFor();
  assert.equal((await mgmt("GET", `/api/2/api_authorizations/${state.serverId}`, undefined, 200)).description, "theirs");
  await checkA11y(page, "stale edit warning");
  await shot(page, "04-stale-edit");
  await page.getByRole("button", { name: "Save mine over theirs" }).click();
  await page.getByRole("heading", { level: 1, name: state.name, exact: true }).waitFor();
  const s = await mgmt("GET", `/api/2/api_authorizations/${state.serverId}`, undefined, 200);
  assert.equal(s.description, "mine");
  // what the form held: both audiences again (the form was loaded before their change)
  assert.equal(s.configuration.audiences.length, 2);
});

test("create an app: its secret shown once with a copy button", async () => {
  await page.getByRole("link", { name: "Applications" }).click();
  await page.getByRole("heading", { level: 1, name: "Client applications" }).waitFor();
  state.appName = `Console app ${run}`;
  await page.getByLabel("Application name").fill(state.appName);
  await page.getByRole("button", { name: "Create application" }).click();
  await page.getByText("it is shown only once").waitFor();
  state.clientId = (await page.locator("code.client-id").textContent()).trim();
  state.secret1 = (await page.locator("output.secret").textContent()).trim();
  assert.match(state.clientId, /^[0-9a-f]{32}$/);
  assert.match(state.secret1, /^[0-9a-f]{64}$/);
  await page.getByRole("button", { name: "Copy secret" }).click();
  await page.getByText(/Copied\.|Selected/).waitFor();
  await checkA11y(page, "application created");
  await shot(page, "05-app-created");
  const apps = await mgmt("GET", "/api/2/apps", undefined, 200);
  state.appId = apps.find((a) => a.sso.client_id === state.clientId).id;
  // the list no longer shows it: a reload of the page has no secret
  await page.goto(`${consoleUrl}#/apps/${state.appId}`);
  await page.getByRole("heading", { level: 1, name: state.appName, exact: true }).waitFor();
  assert.equal(await page.locator("output.secret").count(), 0);
});

test("link the app to the server with a scope", async () => {
  await page.goto(`${consoleUrl}#/servers/${state.serverId}`);
  await page.getByRole("heading", { level: 1, name: state.name, exact: true }).waitFor();
  await page.getByLabel("Application").selectOption({ label: state.appName });
  await page.getByRole("checkbox", { name: "contacts:read" }).check();
  await page.getByRole("button", { name: "Link application" }).click();
  await page.getByRole("table", { name: "Linked client apps" }).getByRole("link", { name: state.appName }).waitFor();
  const clients = await mgmt("GET", `/api/2/api_authorizations/${state.serverId}/clients`, undefined, 200);
  assert.deepEqual(clients.map((c) => [c.app_id, c.scopes.map((x) => x.value)]), [[state.appId, ["contacts:read"]]]);
  assert.equal(await tokenStatus(state.serverId, state.clientId, state.secret1), 200);
  await checkA11y(page, "server page");
  await shot(page, "06-server");
});

test("token preview: the token the server would issue, decoded, or its error", async () => {
  const form = page.getByRole("form", { name: "Token preview" });
  await form.getByLabel("Client").selectOption({ label: state.appName });
  await form.getByRole("button", { name: "Preview token" }).click();
  await page.getByRole("heading", { name: "Would issue a token for 600 seconds" }).waitFor();
  const claims = JSON.parse(await page.getByLabel("Token claims").textContent());
  assert.equal(claims.iss, `${base}/oauth2/${state.serverId}`);
  assert.equal(claims.sub, state.clientId);
  assert.equal(claims.scope, "contacts:read");
  assert.deepEqual(claims.aud, [`https://contacts-${run}.example`, `https://contacts-${run}.example/v2`]);
  const header = JSON.parse(await page.getByLabel("Token header").textContent());
  const ring = await mgmt("GET", `/api/authzd/v1/servers/${state.serverId}/keys`, undefined, 200);
  assert.equal(header.kid, ring.keys.find((k) => k.state === "current").kid);
  assert.equal(header.typ, "at+jwt");
  await checkA11y(page, "token preview");
  await shot(page, "06b-token-preview");
  // a scope the link does not grant: the endpoint's error, in words
  await form.getByLabel("Scopes").fill("contacts:write");
  await form.getByRole("button", { name: "Preview token" }).click();
  await page.getByRole("heading", { name: "Would refuse: 400 invalid_scope" }).waitFor();
  await page.getByText("scope contacts:write is not granted to this client").waitFor();
  // one audience picked by its resource
  await form.getByLabel("Scopes").fill("");
  await form.getByLabel("Resource").selectOption(`https://contacts-${run}.example/v2`);
  await form.getByRole("button", { name: "Preview token" }).click();
  await eventually(async () => {
    const text = await page.getByLabel("Token claims").textContent().catch(() => "{}");
    return JSON.parse(text).aud === `https://contacts-${run}.example/v2`;
  });
});

test("rotate the app's secret: both work until the old one is retired", async () => {
  await page.goto(`${consoleUrl}#/apps/${state.appId}`);
  await page.getByRole("heading", { level: 1, name: state.appName, exact: true }).waitFor();
  await page.getByRole("table", { name: "Servers this application may get tokens from" }).getByRole("link", { name: state.name }).waitFor();
  await page.getByRole("button", { name: "Add a new secret" }).click();
  await page.getByRole("heading", { name: "New secret" }).waitFor();
  state.secret2 = (await page.locator("output.secret").textContent()).trim();
  assert.match(state.secret2, /^[0-9a-f]{64}$/);
  assert.notEqual(state.secret2, state.secret1);
  assert.equal(await tokenStatus(state.serverId, state.clientId, state.secret2), 200);
  assert.equal(await tokenStatus(state.serverId, state.clientId, state.secret1), 200);
  const secrets = await mgmt("GET", `/api/authzd/v1/apps/${state.appId}/secrets`, undefined, 200);
  assert.equal(secrets.length, 2);
  // the first secret was used just now: its last use shows
  assert.notEqual(secrets[0].last_used_at, null);
  await checkA11y(page, "application page");
  await shot(page, "07-app-rotated");
  await page.getByRole("button", { name: `Retire secret ${secrets[0].id}` }).click();
  await page.getByRole("table", { name: "Secrets" }).getByText("the only secret").waitFor();
  await eventually(async () => (await tokenStatus(state.serverId, state.clientId, state.secret1)) === 401);
  assert.equal(await tokenStatus(state.serverId, state.clientId, state.secret2), 200);
  state.secretIds = secrets.map((s) => s.id);
});

test("the audit trail shows each step, filtered by object and by actor", async () => {
  await page.getByRole("link", { name: "Audit trail" }).click();
  await page.getByRole("heading", { level: 1, name: "Audit trail" }).waitFor();
  await page.getByLabel("Object type").selectOption("application");
  await page.getByLabel("Object ID").fill(String(state.appId));
  await page.getByRole("button", { name: "Filter" }).click();
  const rows = page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody tr");
  await page.waitForFunction(() => /object_type=application/.test(location.hash));
  await rows.first().getByText("application.secret.retire").waitFor();
  const actions = await rows.locator("td:nth-child(3)").allTextContents();
  assert.deepEqual(actions, ["application.secret.retire", "application.secret.add", "application.create"]);
  assert.match(await rows.first().locator("td:nth-child(5)").textContent(), new RegExp(`"secret_id": ${state.secretIds[0]}`));
  assert.equal((await rows.locator("td:nth-child(2)").allTextContents()).every((a) => a === admin.client_id), true);
  await checkA11y(page, "audit trail");
  await shot(page, "08-audit");
  // the server's own steps
  await page.goto(`${consoleUrl}#/audit?object_type=server&object_id=${state.serverId}`);
  // the same page under a new hash: wait for the new rows, not the ones still shown
  await rows.locator("td:nth-child(3)", { hasText: "server.create" }).waitFor();
  assert.deepEqual(await rows.locator("td:nth-child(3)").allTextContents(), ["server.update", "server.update", "server.create"]);
  assert.match(await rows.first().locator("td:nth-child(5)").textContent(), /"description": "theirs"/);
  assert.match(await rows.first().locator("td:nth-child(6)").textContent(), /"description": "mine"/);
  await page.goto(`${consoleUrl}#/audit?object_type=client_app&object_id=${state.serverId}:${state.appId}`);
  await rows.first().getByText("client_app.set").waitFor();
  // another actor filters everything out
  await page.goto(`${consoleUrl}#/audit?actor=${"0".repeat(32)}`);
  await page.getByRole("table", { name: "Audit events, newest first" }).getByText("None yet.").waitFor();
});

test("Azure and Venafi views read the same registry", async () => {
  const az = `/subscriptions/sub-${run}/resourceGroups/rg/providers/Microsoft.ApiManagement/service/svc${run}/authorizationServers`;
  await mgmt("PUT", `${az}/contoso?api-version=2022-08-01`, { properties: { displayName: "Contoso", clientId: "c1",
    clientRegistrationEndpoint: "https://contoso.example/register", authorizationEndpoint: "https://contoso.example/auth",
    grantTypes: ["clientCredentials"], defaultScope: "read" } }, 201);
  await page.goto(`${consoleUrl}#/azure?sub=sub-${run}&rg=rg&svc=svc${run}`);
  await page.getByRole("table", { name: `Authorization servers of svc${run}` }).getByRole("cell", { name: "Contoso", exact: true }).waitFor();
  await checkA11y(page, "azure");
  // edited through Azure's PATCH: its validation details on their fields, then saved
  await page.getByRole("link", { name: "Edit contoso" }).click();
  await page.getByRole("heading", { level: 1, name: "Edit contoso" }).waitFor();
  const form = page.getByRole("form", { name: "Edit contoso" });
  await form.getByLabel("Display name").fill("");
  await form.getByLabel("Authorization endpoint").fill("not a url");
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("authorizationEndpoint must be an absolute URL").waitFor();
  await form.getByText("displayName is required").waitFor();
  assert.equal(await form.getByLabel("Display name").getAttribute("aria-invalid"), "true");
  await checkA11y(page, "azure edit, invalid");
  await form.getByLabel("Display name").fill("Contoso Two");
  await form.getByLabel("Authorization endpoint").fill("https://contoso.example/auth2");
  await form.getByRole("checkbox", { name: "authorizationCode" }).check();
  // someone else changes it meanwhile: the stale edit is caught (412), nothing overwritten
  await mgmt("PATCH", `${az}/contoso?api-version=2022-08-01`, { properties: { description: "by someone else" } }, 200,
    { "If-Match": "*" });
  await form.getByRole("button", { name: "Save" }).click();
  await form.getByText("Someone else changed this server").waitFor();
  let got = await mgmt("GET", `${az}/contoso?api-version=2022-08-01`, undefined, 200);
  assert.equal(got.properties.displayName, "Contoso");
  // (the token lives in memory only: a reload would sign out, so back by the list)
  await page.goto(`${consoleUrl}#/azure?sub=sub-${run}&rg=rg&svc=svc${run}`);
  await page.getByRole("link", { name: "Edit contoso" }).click();
  await page.getByRole("heading", { level: 1, name: "Edit contoso" }).waitFor();
  assert.equal(await form.getByLabel("Display name").inputValue(), "Contoso");
  await form.getByLabel("Display name").fill("Contoso Two");
  await form.getByRole("checkbox", { name: "authorizationCode" }).check();
  await form.getByRole("button", { name: "Save" }).click();
  await page.getByRole("table", { name: `Authorization servers of svc${run}` }).getByRole("cell", { name: "Contoso Two", exact: true }).waitFor();
  got = await mgmt("GET", `${az}/contoso?api-version=2022-08-01`, undefined, 200);
  assert.equal(got.properties.displayName, "Contoso Two");
  assert.equal(got.properties.description, "by someone else");
  assert.deepEqual(got.properties.grantTypes, ["authorizationCode", "clientCredentials"]);
  // the same server under Servers, by its display name
  const servers = await mgmt("GET", `/api/2/api_authorizations?name=${encodeURIComponent("Contoso Two")}`, undefined, 200);
  assert.equal(servers.length, 1);

  await page.goto(`${consoleUrl}#/venafi`);
  await page.getByRole("table", { name: "Venafi OAuth applications" }).getByText(state.clientId).waitFor();
  await checkA11y(page, "venafi");
  // edited through Venafi's UpdateApplication; a refusal shows Venafi's Result and Error
  await page.getByRole("link", { name: `Edit ${state.appName}` }).click();
  const vform = page.getByRole("form", { name: `Edit ${state.appName}` });
  await vform.getByLabel("Scope").fill("nonsense:scope");
  await vform.getByRole("button", { name: "Save" }).click();
  await vform.getByText(/Venafi refused it \(Result \d+\)/).waitFor();
  await vform.getByLabel("Scope").fill("certificate:manage");
  await vform.getByLabel("Vendor").fill("Console vendor");
  await vform.getByRole("button", { name: "Save" }).click();
  await page.getByRole("table", { name: "Venafi OAuth applications" }).getByRole("cell", { name: "Console vendor" }).waitFor();
  const v = await mgmt("POST", "/vedsdk/oauth/GetApplication", { ApplicationId: state.clientId }, 200);
  assert.equal(v.Application.Vendor, "Console vendor");
  assert.equal(v.Application.Scope, "certificate:manage");
  assert.equal(v.Application.Name, state.appName);
});

test("a narrow window: nothing scrolls sideways, the menu still works", async () => {
  const narrow = await newPage(browser, { width: 360, height: 740 });
  await signIn(narrow, admin);
  await narrow.goto(`${consoleUrl}#/servers/${state.serverId}`);
  await narrow.getByRole("heading", { level: 1, name: state.name, exact: true }).waitFor();
  const [sw, iw] = await narrow.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `page is ${sw}px wide in a ${iw}px window`);
  await checkA11y(narrow, "server page, narrow");
  await shot(narrow, "09-server-narrow");
  await narrow.getByRole("link", { name: "Audit trail" }).click();
  await narrow.getByRole("heading", { level: 1, name: "Audit trail" }).waitFor();
  assert.deepEqual(narrow.problems, []);
  await narrow.context().close();
});

test("a read-only credential sees no write control (and the API refuses anyway)", async () => {
  const ro = credential("--scope", "Read All");
  const p = await newPage(browser);
  await signIn(p, ro);
  await p.getByText("Tenant default · read only").waitFor();
  const writes = "button:text-matches('Delete|Add|Create|Save|Link|Retire|Unlink|Edit'), a:text-matches('New server|^Edit$')";
  assert.equal(await p.locator(writes).count(), 0);
  for (const [hash, heading] of [[`#/servers/${state.serverId}`, state.name], [`#/apps/${state.appId}`, state.appName],
    ["#/apps", "Client applications"], ["#/audit", "Audit trail"]]) {
    await p.goto(`${consoleUrl}${hash}`);
    await p.getByRole("heading", { level: 1, name: heading, exact: true }).waitFor();
    assert.equal(await p.locator(writes).count(), 0, `write controls on ${hash}`);
    // the token preview is a read (Read All may ask it), so it is the one form left
    assert.equal(await p.locator("form:not([role=search]):not([aria-label='Token preview'])").count(), 0,
      `a form on ${hash}`);
  }
  // ... and it answers a read-only credential too
  await p.goto(`${consoleUrl}#/servers/${state.serverId}`);
  const preview = p.getByRole("form", { name: "Token preview" });
  await preview.getByLabel("Client").selectOption({ label: state.appName });
  await preview.getByRole("button", { name: "Preview token" }).click();
  await p.getByRole("heading", { name: "Would issue a token for 600 seconds" }).waitFor();
  await checkA11y(p, "server page, read only");
  await shot(p, "10-read-only");
  // the edit page, typed in by hand, says so instead of a form
  await p.goto(`${consoleUrl}#/servers/${state.serverId}/edit`);
  await p.getByRole("heading", { level: 1, name: "Read only" }).waitFor();
  // and the API refuses the write the console did not offer
  const res = await fetch(`${base}/auth/oauth2/v2/token`, { method: "POST", headers: { "Content-Type": "application/json",
    Authorization: "Basic " + Buffer.from(`${ro.client_id}:${ro.client_secret}`).toString("base64") },
    body: JSON.stringify({ grant_type: "client_credentials" }) });
  const { access_token: roToken } = await res.json();
  const put = await fetch(`${base}/api/authzd/v1/apps/${state.appId}/secrets`, { method: "POST",
    headers: { Authorization: `Bearer ${roToken}` } });
  assert.equal(put.status, 403);
  assert.deepEqual(await put.json(), { message: "Forbidden", statusCode: 403, name: "ForbiddenError" });
  await p.context().close();
});

test("the session ends with its token: back to sign-in on expiry and on a 401", async () => {
  const short = credential("--scope", "Manage All", "--token-ttl", "3");
  const p = await newPage(browser);
  await signIn(p, short);
  await p.getByRole("heading", { level: 1, name: "Sign in" }).waitFor({ timeout: 10000 });
  await p.getByText("Your session has ended. Sign in again.").waitFor();
  await checkA11y(p, "sign in after expiry");
  await shot(p, "11-expired");
  // a token revoked with its credential: the next call hears 401 and signs out
  const other = credential("--scope", "Manage All");
  await signIn(p, other);
  authzctl("credentials", "revoke", other.client_id);
  await p.getByRole("link", { name: "Applications" }).click();
  await p.getByRole("heading", { level: 1, name: "Sign in" }).waitFor();
  assert.deepEqual(p.problems.filter((x) => !/401/.test(x)), []);
  await p.context().close();
});

test("no page error, no request off the stack", () => {
  assert.deepEqual(page.problems.filter((x) => !/status of 4\d\d/.test(x)), []);
});
