// What a resource server does with a token, with jose 6: jwtVerify against the issuer's
// remote JWKS, checking issuer, audience and typ (RFC 9068 section 4), and each check failing
// when it should.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify, calculateJwkThumbprint, decodeProtectedHeader } from "jose";
import { tenantIssuer, makeServer, makeApp, configFor, rejection } from "./lib.mjs";

const requiredClaims = ["exp", "iat", "jti", "client_id", "sub"];
let server, other, app, otherApp, token, jwks, jwksUri;

before(async () => {
  server = await makeServer("verify", { scopes: ["read"] });
  other = await makeServer("verify-other", { scopes: ["read"] });
  app = await makeApp("verify", [{ server, scopes: ["read"] }]);
  otherApp = await makeApp("verify other", [{ server: other, scopes: ["read"] }]);
  const config = await configFor(server.issuer, app);
  jwksUri = config.serverMetadata().jwks_uri;
  jwks = createRemoteJWKSet(new URL(jwksUri));
  token = (await client.clientCredentialsGrant(config)).access_token;
});

function verify(jwt, options = {}, keys = jwks) {
  return jwtVerify(jwt, keys, {
    issuer: server.issuer, audience: server.resource, typ: "at+jwt", requiredClaims, ...options,
  });
}

test("jwtVerify with the remote JWKS, issuer, audience and typ at+jwt passes", async () => {
  const { payload, protectedHeader } = await verify(token);
  assert.equal(protectedHeader.typ, "at+jwt");
  assert.equal(protectedHeader.alg, "RS256");
  assert.equal(payload.iss, server.issuer);
  assert.equal(payload.aud, server.resource);
  assert.equal(payload.client_id, app.clientId);
  assert.equal(payload.sub, app.clientId);
  assert.equal(payload.scope, "read");
  // RFC 9068 4: the token's typ, and the issuer's algorithm, are what a resource server pins
  await verify(token, { algorithms: ["RS256"] });
});

test("the kid is the RFC 7638 thumbprint of the published key that signed", async () => {
  const { keys } = await (await fetch(jwksUri)).json();
  const kid = decodeProtectedHeader(token).kid;
  const signer = keys.filter((k) => k.kid === kid);
  assert.equal(signer.length, 1, "exactly one published key has the token's kid");
  for (const k of keys)
    assert.equal(await calculateJwkThumbprint(k, "sha256"), k.kid);
});

test("a wrong audience fails: ERR_JWT_CLAIM_VALIDATION_FAILED on aud", async () => {
  const err = await rejection(verify(token, { audience: "https://someone-else.example/" }));
  assert.equal(err.code, "ERR_JWT_CLAIM_VALIDATION_FAILED");
  assert.equal(err.claim, "aud");
});

test("a wrong issuer fails: ERR_JWT_CLAIM_VALIDATION_FAILED on iss", async () => {
  for (const issuer of [other.issuer, tenantIssuer, `${server.issuer}/`]) {
    const err = await rejection(verify(token, { issuer }));
    assert.equal(err.code, "ERR_JWT_CLAIM_VALIDATION_FAILED", issuer);
    assert.equal(err.claim, "iss");
  }
});

test("a typ mismatch fails: ERR_JWT_CLAIM_VALIDATION_FAILED on typ", async () => {
  const err = await rejection(verify(token, { typ: "JWT" }));
  assert.equal(err.code, "ERR_JWT_CLAIM_VALIDATION_FAILED");
  assert.equal(err.claim, "typ");
});

test("an algorithm not allowed fails: ERR_JOSE_ALG_NOT_ALLOWED", async () => {
  const err = await rejection(verify(token, { algorithms: ["ES256"] }));
  assert.equal(err.code, "ERR_JOSE_ALG_NOT_ALLOWED");
});

test("a claim that is not there fails: ERR_JWT_CLAIM_VALIDATION_FAILED (missing)", async () => {
  const err = await rejection(verify(token, { requiredClaims: [...requiredClaims, "azp"] }));
  assert.equal(err.code, "ERR_JWT_CLAIM_VALIDATION_FAILED");
  assert.equal(err.claim, "azp");
  assert.equal(err.reason, "missing");
});

test("another server's token is not signed by a key of this issuer: ERR_JWKS_NO_MATCHING_KEY", async () => {
  const foreign = (await client.clientCredentialsGrant(await configFor(other.issuer, otherApp))).access_token;
  assert.notEqual(decodeProtectedHeader(foreign).kid, decodeProtectedHeader(token).kid);
  // a fresh set, so that the refetch a kid it lacks triggers is not held back by the cooldown
  const err = await rejection(verify(foreign, { issuer: other.issuer, audience: other.resource },
    createRemoteJWKSet(new URL(jwksUri))));
  assert.equal(err.code, "ERR_JWKS_NO_MATCHING_KEY");
  // and with its own issuer's keys it passes
  await verify(foreign, { issuer: other.issuer, audience: other.resource },
    createRemoteJWKSet(new URL(`${other.issuer}/v1/keys`)));
});

test("a signature that does not match: ERR_JWS_SIGNATURE_VERIFICATION_FAILED", async () => {
  const [h, p, s] = token.split(".");
  const claims = JSON.parse(Buffer.from(p, "base64url"));
  const forged = Buffer.from(JSON.stringify({ ...claims, scope: "read admin" })).toString("base64url");
  const err = await rejection(verify(`${h}.${forged}.${s}`));
  assert.equal(err.code, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
  const flipped = (s[0] === "A" ? "B" : "A") + s.slice(1);
  assert.equal((await rejection(verify(`${h}.${p}.${flipped}`))).code, "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
});

test("a tenant issuer's token verifies with /oidc/2/certs and carries azp", async () => {
  const config = await configFor(tenantIssuer, app);
  const jwt = (await client.clientCredentialsGrant(config)).access_token;
  const { payload } = await jwtVerify(jwt, createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri)), {
    issuer: tenantIssuer, audience: server.resource, typ: "at+jwt", requiredClaims: [...requiredClaims, "azp"],
  });
  assert.equal(payload.azp, app.clientId);
  // the server's own keys are not the tenant's
  const err = await rejection(verify(jwt, { issuer: tenantIssuer }, createRemoteJWKSet(new URL(jwksUri))));
  assert.equal(err.code, "ERR_JWKS_NO_MATCHING_KEY");
});
