// The peer bench/run measures beside authzd: node oidc-provider (the exact version is pinned
// in package.json), configured for what authzd's token service does and nothing else:
// client_credentials only, one confidential client (client_secret_basic), JWT access
// tokens (RFC 9068) signed RS256 with an RSA-2048 key made at start, JWKS, discovery and
// introspection (oidc-provider introspects only opaque tokens, so a second resource
// issues those). The in-memory adapter: a JWT access token is not stored at all.
//
//   node server.mjs --port PORT [--workers N] [--client-id ID] [--client-secret SECRET]
//
// --workers 1 (the default) is one process; N > 1 forks N workers with node:cluster, all
// with the same key, listening on one port. Prints "ready <issuer>" once every worker
// listens; stops on SIGTERM or SIGINT.
import cluster from 'node:cluster';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

// Resource indicators (RFC 8707): the JWT one is the default, so a request needs none.
const JWT_RESOURCE = 'https://bench.example/peer';
const OPAQUE_RESOURCE = 'urn:bench:peer:opaque';
const SCOPE = 'bench.read';
const TTL = 15 * 60; // seconds, as bench/seed.sql gives authzd's servers

const { values: opt } = parseArgs({
  options: {
    port: { type: 'string' },
    workers: { type: 'string', default: '1' },
    'client-id': { type: 'string', default: 'bench-peer' },
    'client-secret': { type: 'string', default: 'bench-peer-secret' },
  },
});
const port = Number(opt.port);
const workers = Number(opt.workers);
if (!Number.isInteger(port) || port <= 0 || !Number.isInteger(workers) || workers < 1) {
  console.error('usage: node server.mjs --port PORT [--workers N] [--client-id ID] [--client-secret SECRET]');
  process.exit(2);
}

function privateJwk() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256' };
}

function serve(jwk, cookieKey) {
  const issuer = `http://127.0.0.1:${port}`;
  const resourceServers = {
    [JWT_RESOURCE]: {
      scope: SCOPE,
      audience: JWT_RESOURCE,
      accessTokenTTL: TTL,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    },
    [OPAQUE_RESOURCE]: {
      scope: SCOPE,
      audience: OPAQUE_RESOURCE,
      accessTokenTTL: TTL,
      accessTokenFormat: 'opaque',
    },
  };
  const provider = new Provider(issuer, {
    clients: [{
      client_id: opt['client-id'],
      client_secret: opt['client-secret'],
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    jwks: { keys: [jwk] },
    cookies: { keys: [cookieKey] },
    scopes: [],
    ttl: { ClientCredentials: TTL },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => JWT_RESOURCE,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (ctx, resource) => {
          const info = resourceServers[resource];
          if (!info) throw new errors.InvalidTarget();
          return info;
        },
      },
    },
  });
  return new Promise((resolve, reject) => {
    const server = provider.listen(port, '127.0.0.1', () => resolve(server));
    server.on('error', reject);
  });
}

if (workers > 1 && cluster.isPrimary) {
  const jwk = privateJwk();
  const cookieKey = randomBytes(32).toString('base64url');
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const w = cluster.fork({ BENCH_PEER_JWK: JSON.stringify(jwk), BENCH_PEER_COOKIE_KEY: cookieKey });
    w.on('message', (m) => {
      if (m === 'ready' && ++ready === workers) console.log(`ready http://127.0.0.1:${port} (${workers} workers)`);
    });
  }
  cluster.on('exit', (w, code, signal) => {
    if (!stopping) {
      console.error(`worker ${w.process.pid} died (${signal || code})`);
      process.exit(1);
    }
  });
  let stopping = false;
  const stop = () => {
    stopping = true;
    for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM');
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  const jwk = process.env.BENCH_PEER_JWK ? JSON.parse(process.env.BENCH_PEER_JWK) : privateJwk();
  const cookieKey = process.env.BENCH_PEER_COOKIE_KEY || randomBytes(32).toString('base64url');
  const server = await serve(jwk, cookieKey);
  if (cluster.isWorker) process.send('ready');
  else console.log(`ready http://127.0.0.1:${port} (1 process)`);
  // a benchmark's keep-alive connections would hold a graceful close open: just go
  const stop = () => {
    server.closeAllConnections();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
