// oidc-provider over https with mutual TLS (RFC 8705) for the integration tests: self_signed_tls_client_auth,
// tls_client_auth (the client certificate chains to the CA the tests made) and certificate-bound access tokens. It listens
// on 127.0.0.1 at a free port, prints "PORT <n>" on its first line, and exits when its standard input closes.
// Usage: node mtls.mjs <config.json> — { "key", "cert", "ca" (PEM), "clients" (oidc-provider client metadata) }.
// The discovery document names mtls_endpoint_aliases under /mtls/; the plain /token and /token/revocation see no client
// certificate, so a client that authenticates with its certificate succeeds only through the alias.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import Provider from 'oidc-provider';
import { signInAtOnce } from './interactions.mjs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = createServer({ key: config.key, cert: config.cert, ca: [config.ca], requestCert: true, rejectUnauthorized: false });
const direct = new Set(['/token', '/token/revocation']);

function getCertificate(ctx) {
  if (ctx.req.plainEndpoint) {
    return undefined;
  }

  const peer = ctx.socket.getPeerCertificate();
  return peer && peer.raw ? new X509Certificate(peer.raw) : undefined;
}

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `https://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: config.clients,
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      mTLS: {
        enabled: true,
        certificateBoundAccessTokens: true,
        selfSignedTlsClientAuth: true,
        tlsClientAuth: true,
        getCertificate,
        certificateAuthorized: (ctx) => ctx.socket.authorized === true,
        certificateSubjectMatches: (ctx, property, expected) =>
          property === 'tls_client_auth_subject_dn' && getCertificate(ctx)?.subject === expected,
      },
    },
    clientAuthMethods: ['self_signed_tls_client_auth', 'tls_client_auth', 'client_secret_basic', 'none'],
    discovery: {
      mtls_endpoint_aliases: {
        token_endpoint: `${issuer}/mtls/token`,
        revocation_endpoint: `${issuer}/mtls/token/revocation`,
        userinfo_endpoint: `${issuer}/mtls/me`,
      },
    },
    issueRefreshToken: async () => true,
    rotateRefreshToken: false,
    scopes: ['openid', 'offline_access', 'api'],
  });
  // No login page: an interaction signs in the login_hint (or "alice") and grants what was asked, at once.
  signInAtOnce(provider);
  provider.proxy = false;
  const callback = provider.callback();
  server.on('request', (req, res) => {
    if (req.url.startsWith('/mtls/')) {
      req.url = req.url.slice('/mtls'.length);
    } else if (direct.has(req.url.split('?')[0])) {
      req.plainEndpoint = true;
    }

    callback(req, res);
  });
  process.stdout.write(`PORT ${port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
