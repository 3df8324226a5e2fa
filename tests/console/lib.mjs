// What the console's browser tests share: the stack (AUTHZD_TEST_HTTPS_URL, the admin
// credential, authzctl), Debian's chromium driven by playwright-core, axe-core's checks
// and the screenshots under $AUTHZD_VAR/console-shots. scripts/test (run_node_suite)
// sets the environment; NODE_EXTRA_CA_CERTS is the stack's certificate, which the browser
// is told to trust by its key (--ignore-certificate-errors-spki-list), and no other.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash, X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

export const base = process.env.AUTHZD_TEST_HTTPS_URL;
const credFile = process.env.AUTHZD_TEST_CREDENTIAL;
assert.ok(base?.startsWith("https://") && credFile, "AUTHZD_TEST_HTTPS_URL (https) and AUTHZD_TEST_CREDENTIAL must be set");
export const consoleUrl = `${base}/console/`;
export const admin = JSON.parse(readFileSync(credFile, "utf8"));
export const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
export const shotsDir = join(process.env.AUTHZD_VAR || "var/test", "console-shots");
mkdirSync(shotsDir, { recursive: true });

const chromiumPath = process.env.AUTHZD_TEST_CHROMIUM || "/usr/bin/chromium";

function spki(certFile) {
  const der = new X509Certificate(readFileSync(certFile)).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(der).digest("base64");
}

export async function launch() {
  const ca = process.env.NODE_EXTRA_CA_CERTS;
  assert.ok(ca, "NODE_EXTRA_CA_CERTS must name the stack's certificate");
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // root in a container: Chromium's sandbox needs user namespaces it may not have
    args: ["--no-sandbox", `--ignore-certificate-errors-spki-list=${spki(ca)}`, "--disable-gpu", "--no-first-run"],
    timeout: 60000,
  });
}

export async function newPage(browser, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport, serviceWorkers: "block" });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
  const page = await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  // no request leaves the stack (no CDN, no network at run time)
  page.on("request", (r) => { if (!r.url().startsWith(base)) problems.push(`request off the stack: ${r.url()}`); });
  page.problems = problems;
  return page;
}

export async function signIn(page, cred) {
  await page.goto(consoleUrl);
  await page.getByLabel("Client ID").fill(cred.client_id);
  await page.getByLabel("Client secret").fill(cred.client_secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Authorization servers" }).waitFor();
}

// axe-core on the page as it is: every serious or critical violation fails the test.
export const axeResults = [];
export async function checkA11y(page, label) {
  const r = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]).analyze();
  const bad = r.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  axeResults.push({ page: label, url: page.url(), passes: r.passes.length, violations: r.violations.map((v) => ({
    id: v.id, impact: v.impact, nodes: v.nodes.length })) });
  writeFileSync(join(shotsDir, "axe.json"), JSON.stringify(axeResults, null, 2) + "\n");
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), [],
    `axe on ${label}`);
}

export async function shot(page, name) {
  await page.screenshot({ path: join(shotsDir, `${name}.png`), fullPage: true });
}

let token;
export async function mgmt(method, path, body, want, headers = {}) {
  if (!token) {
    const res = await fetch(`${base}/auth/oauth2/v2/token`, {
      method: "POST",
      headers: { "Content-Type": "application/json",
        Authorization: "Basic " + Buffer.from(`${admin.client_id}:${admin.client_secret}`).toString("base64") },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    assert.equal(res.status, 200);
    token = (await res.json()).access_token;
  }
  const res = await fetch(`${base}${path}`, { method, headers: { Authorization: `Bearer ${token}`,
    "Content-Type": "application/json", ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, want, `${method} ${path}: ${text}`);
  return text ? JSON.parse(text) : null;
}

// A client_credentials token request for an app at server id: the HTTP status.
export async function tokenStatus(serverId, clientId, secret) {
  const res = await fetch(`${base}/oauth2/${serverId}/v1/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded",
      Authorization: "Basic " + Buffer.from(`${clientId}:${secret}`).toString("base64") },
    body: "grant_type=client_credentials",
  });
  await res.text();
  return res.status;
}

export function authzctl(...args) {
  const out = spawnSync(process.env.AUTHZD_TEST_AUTHZCTL, ["-c", process.env.AUTHZD_CONFIG, ...args],
    { encoding: "utf8", timeout: 30000 });
  assert.equal(out.status, 0, `authzctl ${args.join(" ")}: ${out.stderr}`);
  return out.stdout;
}

export function credential(...flags) {
  return JSON.parse(authzctl("credentials", "create", "--tenant", "default", ...flags, "--json"));
}

// Polls fn until it returns true (at most ms): for what a worker's 1 s grant cache delays.
export async function eventually(fn, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) assert.fail("condition not met in time");
    await new Promise((r) => setTimeout(r, 200));
  }
}
