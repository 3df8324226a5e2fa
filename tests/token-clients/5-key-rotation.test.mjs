// Key rotation as a resource server lives it: the next key is in the JWKS before it signs,
// so a JWKS fetched before `authzctl keys rotate` verifies the tokens signed after it, and
// tokens signed before it keep verifying. RS256, then ES256 and EdDSA (each takes two
// rotations: the first promotes the key already published, the second the new algorithm's).
// Then a ring's first use raced by many requests, and two rotations at once. The tests of this
// file run in order and share the ring they rotate.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import * as client from "openid-client";
import { createLocalJWKSet, createRemoteJWKSet, customFetch, jwtVerify, decodeProtectedHeader } from "jose";
import { makeServer, makeApp, configFor, keyRing, authzctl, authzctlAsync, decodeJwt, publicMembers } from "./lib.mjs";

let server, app, config, jwksUri;
let jwksAtStart, t1, latest;
const tokens = [];

before(async () => {
  server = await makeServer("rotation", { scopes: ["read"] });
  app = await makeApp("rotation", [{ server, scopes: ["read"] }]);
  config = await configFor(server.issuer, app);
  jwksUri = new URL(config.serverMetadata().jwks_uri);
});

// What authzd serves now, past any cache between (a resource server may keep the JWKS for its
// max-age and sees a rotation's new next key within that time, long before it signs): each
// fetch has a query string of its own.
let fresh = 0;
async function fetchJwks(url = jwksUri) {
  const u = new URL(url);
  u.searchParams.set("fresh", String(++fresh));
  const res = await fetch(u);
  assert.equal(res.status, 200);
  return { etag: res.headers.get("etag"), jwks: await res.json() };
}

const kids = (jwks) => jwks.keys.map((k) => k.kid);
const STALE_MS = 1200;   // token_grant_cache_ms (1 s) and a margin
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function issue() {
  const jwt = (await client.clientCredentialsGrant(config)).access_token;
  tokens.push(jwt);
  return jwt;
}

function verify(jwt, keys) {
  return jwtVerify(jwt, keys, {
    issuer: server.issuer, audience: server.resource, typ: "at+jwt",
    requiredClaims: ["exp", "iat", "jti", "client_id", "sub"],
  });
}

/** A remote JWKS that counts its fetches, as a resource server holds one. */
function countingRemote() {
  const remote = { fetches: 0 };
  remote.keys = createRemoteJWKSet(jwksUri, {
    [customFetch]: (url, options) => {
      remote.fetches++;
      return fetch(url, options);
    },
  });
  return remote;
}

test("(a)(b) before any rotation: the JWKS kept, a current and a next key, T1 signed by the current one", async () => {
  const { jwks } = await fetchJwks();
  jwksAtStart = jwks;
  const ring = keyRing(server.id);
  assert.equal(ring.current.length, 1);
  assert.equal(ring.next.length, 1);
  assert.equal(ring.previous.length, 0);
  assert.deepEqual(kids(jwks), [ring.next[0].kid, ring.current[0].kid], "newest first");
  assert.deepEqual(ring.all.map((k) => k.alg), ["RS256", "RS256"]);
  t1 = await issue();
  assert.equal(decodeProtectedHeader(t1).kid, ring.current[0].kid);
  await verify(t1, createLocalJWKSet(jwksAtStart));
  latest = t1;
});

/**
 * One `authzctl keys rotate --now` (with --alg alg when given): the key published as next
 * signs the next token at once, and the JWKS fetched before the rotation verifies it.
 */
async function rotation(alg) {
  const before = await fetchJwks();
  const ring = keyRing(server.id);
  assert.equal(ring.next.length, 1, "one next key is published");
  const [oldNext] = ring.next, [oldCurrent] = ring.current;
  assert.ok(kids(before.jwks).includes(oldNext.kid), "the next key is in the JWKS before it signs");
  const remote = countingRemote();
  await verify(latest, remote.keys);
  assert.equal(remote.fetches, 1);

  // (c) the rotation
  authzctl("keys", "rotate", "--server", String(server.id), ...(alg ? ["--alg", alg] : []), "--now");

  // (d) T2: signed by the key that was next, once the workers' memory of this client's grant
  // (token_grant_cache_ms, 1 s) has passed; a rotation without --now is long past it
  await sleep(STALE_MS);
  const t2 = await issue();
  const header = decodeProtectedHeader(t2);
  assert.equal(header.kid, oldNext.kid);
  assert.notEqual(header.kid, decodeProtectedHeader(latest).kid);
  assert.equal(header.alg, oldNext.alg);
  assert.equal(header.typ, "at+jwt");
  if (header.alg !== "RS256")
    assert.equal(Buffer.from(t2.split(".")[2], "base64url").length, 64, `${header.alg}: a raw 64-byte signature`);

  // (e) T1 and T2 with the JWKS fetched before the rotation, local and remote: no refetch
  const kept = createLocalJWKSet(before.jwks);
  for (const jwt of [t1, latest, t2]) {
    await verify(jwt, kept);
    await verify(jwt, remote.keys);
  }
  assert.equal(remote.fetches, 1, "the remote set needed no refetch");

  // (f) the new JWKS: the previous, the current and a new next key; the ring says the same
  const after = await fetchJwks();
  assert.notEqual(after.etag, before.etag, "a rotation changes the JWKS's ETag");
  const now = keyRing(server.id);
  assert.deepEqual(now.current.map((k) => k.kid), [oldNext.kid]);
  assert.ok(now.previous.some((k) => k.kid === oldCurrent.kid), "the key that signed is previous");
  assert.equal(now.next.length, 1);
  const [newNext] = now.next;
  assert.ok(!kids(before.jwks).includes(newNext.kid), "the next key is new");
  assert.equal(newNext.alg, alg ?? oldNext.alg);
  for (const kid of [oldCurrent.kid, oldNext.kid, newNext.kid])
    assert.ok(kids(after.jwks).includes(kid), kid);
  assert.deepEqual(kids(after.jwks), now.all.map((k) => k.kid), "the JWKS is the ring's live keys, newest first");
  for (const k of after.jwks.keys)
    assert.deepEqual(Object.keys(k).sort(), publicMembers[k.alg], `${k.alg} key ${k.kid}: public members only`);
  latest = t2;
  return { t2, header };
}

test("(c)-(f) RS256: rotate --now; T2 signed by the old next key verifies with the JWKS kept", async () => {
  const { header } = await rotation();
  assert.equal(header.alg, "RS256");
});

test("(g) --alg ES256 --now twice: the first promotes the RS256 key already published, the second ES256", async () => {
  assert.equal((await rotation("ES256")).header.alg, "RS256");
  assert.equal((await rotation("ES256")).header.alg, "ES256");
});

test("(g) --alg EdDSA --now twice: ES256, then EdDSA", async () => {
  assert.equal((await rotation("EdDSA")).header.alg, "ES256");
  assert.equal((await rotation("EdDSA")).header.alg, "EdDSA");
});

test("(g) afterwards every token verifies, T1 with the JWKS kept before the first rotation too", async () => {
  await verify(t1, createLocalJWKSet(jwksAtStart));
  const fresh = createRemoteJWKSet(jwksUri);
  const algs = [];
  for (const jwt of tokens) {
    const { protectedHeader } = await verify(jwt, fresh);
    algs.push(protectedHeader.alg);
  }
  assert.deepEqual(algs, ["RS256", "RS256", "RS256", "ES256", "ES256", "EdDSA"]);
  // and introspection still calls the first one active
  assert.equal((await client.tokenIntrospection(config, t1)).active, true);
  const md = (await configFor(server.issuer, app)).serverMetadata();
  assert.deepEqual([...md.access_token_signing_alg_values_supported].sort(), ["ES256", "EdDSA", "RS256"]);
});

test("without --now a rotation waits until the next key has been published twice the JWKS max-age", async () => {
  const slow = await makeServer("rotation-slow", { scopes: ["read"] });
  const slowApp = await makeApp("rotation slow", [{ server: slow, scopes: ["read"] }]);
  const slowConfig = await configFor(slow.issuer, slowApp);
  const first = (await client.clientCredentialsGrant(slowConfig)).access_token;
  const ring = keyRing(slow.id);
  const [current] = ring.current, [next] = ring.next;
  assert.equal(decodeProtectedHeader(first).kid, current.kid);

  const out = JSON.parse(authzctl("keys", "rotate", "--server", String(slow.id), "--json"));
  assert.equal(out.signing_kid, next.kid);
  assert.equal(Date.parse(out.signs_from) - Date.parse(next.published_at), 2 * 300 * 1000,
    "twice the JWKS max-age (300 s) after it was published");
  assert.notEqual(out.next_kid, next.kid);
  assert.equal(Date.parse(out.next_signs_from) - Date.parse(out.signs_from), 90 * 86400 * 1000,
    "token_key_rotation_days (90) later");
  const waiting = keyRing(slow.id);
  assert.deepEqual(waiting.current.map((k) => k.kid), [current.kid]);
  assert.deepEqual(waiting.next.map((k) => k.kid), [out.next_kid, next.kid], "newest first");
  assert.equal(decodeProtectedHeader((await client.clientCredentialsGrant(slowConfig)).access_token).kid,
    current.kid, "the current key still signs");

  // asked again, the rotation under way is left as it is
  const again = JSON.parse(authzctl("keys", "rotate", "--server", String(slow.id), "--json"));
  assert.deepEqual(again, out);
  assert.deepEqual(keyRing(slow.id).all, waiting.all);

  // --now brings it forward; the next key already published stays next, none is added
  authzctl("keys", "rotate", "--server", String(slow.id), "--now");
  const done = keyRing(slow.id);
  assert.deepEqual(done.current.map((k) => k.kid), [next.kid]);
  assert.deepEqual(done.next.map((k) => k.kid), [out.next_kid]);
  assert.deepEqual(done.previous.map((k) => k.kid), [current.kid]);
  // a worker that served this client just now still remembers its grant (with the kid that
  // signed then) for token_grant_cache_ms, as the other --now rotations above wait too
  await sleep(STALE_MS);
  const second = (await client.clientCredentialsGrant(slowConfig)).access_token;
  assert.equal(decodeProtectedHeader(second).kid, next.kid);
  assert.equal(decodeJwt(second).payload.iss, slow.issuer);
});

test("a ring's first use, raced: token, JWKS and metadata requests at once make one ring of two keys", async () => {
  const fresh = await makeServer("rotation-race", { scopes: ["read"] });
  const raceApp = await makeApp("rotation race", [{ server: fresh, scopes: ["read"] }]);
  // no discovery: fetching the metadata would make the ring before the race
  const raceConfig = new client.Configuration({ issuer: fresh.issuer, token_endpoint: `${fresh.issuer}/v1/token` },
    raceApp.clientId, undefined, client.ClientSecretBasic(raceApp.clientSecret));
  assert.deepEqual(keyRing(fresh.id).all, [], "no ring before its first use");
  const jobs = [];
  for (let i = 0; i < 24; i++)
    jobs.push(i % 3 === 0 ? client.clientCredentialsGrant(raceConfig).then((t) => ({ token: t.access_token }))
      : fetch(i % 3 === 1 ? `${fresh.issuer}/v1/keys` : `${fresh.issuer}/.well-known/openid-configuration`)
        .then(async (r) => ({ status: r.status, body: await r.json() })));
  const results = await Promise.all(jobs);
  const ring = keyRing(fresh.id);
  assert.equal(ring.all.length, 2, JSON.stringify(ring.all));
  assert.equal(ring.current.length, 1);
  assert.equal(ring.next.length, 1);
  const signedBy = new Set(results.filter((r) => r.token).map((r) => decodeProtectedHeader(r.token).kid));
  assert.deepEqual([...signedBy], [ring.current[0].kid], "every token signed by the one current key");
  // A JWKS served while another worker is still adding the ring's next key has the current
  // key alone (harmless: a rotation waits until a key was published twice the max-age); it
  // never has a key that lost the race.
  const current = [ring.current[0].kid];
  for (const r of results.filter((r) => r.status)) {
    assert.equal(r.status, 200);
    if (r.body.keys) {
      const published = kids(r.body);
      assert.ok(isDeepStrictEqual(published, ring.all.map((k) => k.kid)) || isDeepStrictEqual(published, current),
        `a JWKS of the race: ${published}`);
    } else {
      assert.deepEqual(r.body.access_token_signing_alg_values_supported, ["RS256"]);
    }
  }
  const after = await fetchJwks(`${fresh.issuer}/v1/keys`);
  assert.deepEqual(kids(after.jwks), ring.all.map((k) => k.kid), "afterwards both keys");
});

test("two rotations at once are two rotations, one after the other", async () => {
  const ring = keyRing(server.id);
  const [current] = ring.current, [next] = ring.next;
  const rotate = async () =>
    JSON.parse(await authzctlAsync("keys", "rotate", "--server", String(server.id), "--now", "--json"));
  const [a, b] = await Promise.all([rotate(), rotate()]);
  const [first, second] = a.signing_kid === next.kid ? [a, b] : [b, a];
  assert.equal(first.signing_kid, next.kid, "one promoted the key that was next");
  assert.equal(second.signing_kid, first.next_kid, "the other the key the first one published");
  const now = keyRing(server.id);
  assert.deepEqual(now.current.map((k) => k.kid), [first.next_kid]);
  assert.deepEqual(now.next.map((k) => k.kid), [second.next_kid]);
  assert.ok(now.previous.some((k) => k.kid === current.kid) && now.previous.some((k) => k.kid === next.kid));
  // a key promoted at once: what the workers remember of the grant is a second old at most
  await sleep(STALE_MS);
  const jwt = await issue();
  assert.equal(decodeProtectedHeader(jwt).kid, first.next_kid);
  await verify(jwt, createRemoteJWKSet(jwksUri));
});
