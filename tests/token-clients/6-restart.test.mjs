// A revocation is durable: after authzd and PostgreSQL are both stopped and started again
// (./restart-stack, with scripts/lib.sh's functions), a revoked token still introspects
// {"active":false}, an unrevoked one is still active, and the keys are the same ones.
// Needs AUTHZD_VAR (the stack's state directory; scripts/test sets it). The suite runs its
// files one at a time (--test-concurrency=1), so no other file is talking to the stack then.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import * as client from "openid-client";
import { createLocalJWKSet, jwtVerify, decodeProtectedHeader } from "jose";
import { base, makeServer, makeApp, configFor, postForm, decodeJwt } from "./lib.mjs";

const varDir = process.env.AUTHZD_VAR;
let server, app, config;

before(async () => {
  assert.ok(varDir, "AUTHZD_VAR must name the stack's state directory");
  server = await makeServer("restart", { scopes: ["read"] });
  app = await makeApp("restart", [{ server, scopes: ["read"] }]);
  config = await configFor(server.issuer, app);
});

const firstLine = (file) => readFileSync(file, "utf8").split("\n")[0].trim();

async function introspect(jwt) {
  const res = await postForm(`${server.issuer}/v1/introspect`, { token: jwt }, app);
  assert.equal(res.status, 200, res.text);
  return res.text;
}

async function readyWithin(seconds) {
  for (const deadline = Date.now() + seconds * 1000; Date.now() < deadline; await sleep(200)) {
    const status = await fetch(`${base}/readyz`).then((r) => r.status, () => 0);
    if (status === 200)
      return true;
  }
  return false;
}

test("restart authzd and PostgreSQL: the revoked token stays revoked, the other stays active", async () => {
  const revoked = (await client.clientCredentialsGrant(config)).access_token;
  const kept = (await client.clientCredentialsGrant(config)).access_token;
  await client.tokenRevocation(config, revoked);
  assert.equal(await introspect(revoked), '{"active":false}');
  const activeBefore = JSON.parse(await introspect(kept));
  assert.equal(activeBefore.active, true);
  const jwks = await (await fetch(`${server.issuer}/v1/keys`)).json();
  const authzdPid = firstLine(`${varDir}/run/authzd.pid`);
  const postmasterPid = firstLine(`${varDir}/pg/postmaster.pid`);

  const logFile = `${varDir}/log/restart-stack.log`;
  const log = openSync(logFile, "a");
  const out = spawnSync(new URL("./restart-stack", import.meta.url).pathname, [],
    { stdio: ["ignore", log, log], timeout: 120000 });
  closeSync(log);
  assert.equal(out.status, 0, `restart-stack failed (${out.error ?? out.signal ?? out.status}); see ${logFile}`);
  assert.ok(await readyWithin(30), "/readyz is 200 within 30 s of the restart");
  assert.notEqual(firstLine(`${varDir}/run/authzd.pid`), authzdPid, "authzd was restarted");
  assert.notEqual(firstLine(`${varDir}/pg/postmaster.pid`), postmasterPid, "PostgreSQL was restarted");

  assert.equal(await introspect(revoked), '{"active":false}');
  assert.deepEqual({ ...(await client.tokenIntrospection(config, revoked)) }, { active: false });
  assert.deepEqual(JSON.parse(await introspect(kept)), activeBefore);
  // the keys were kept too: the same current key signs, and the JWKS from before verifies
  const after = (await client.clientCredentialsGrant(config)).access_token;
  assert.equal(decodeProtectedHeader(after).kid, decodeProtectedHeader(kept).kid);
  for (const jwt of [kept, after])
    await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: server.issuer, audience: server.resource, typ: "at+jwt" });
  assert.equal(decodeJwt(after).payload.client_id, app.clientId);
});
