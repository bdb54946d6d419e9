// An OpenID Certified authorization server (oidc-provider) for the integration tests. It listens on 127.0.0.1 at a
// free port, prints "PORT <n>" on its first line, and exits when its standard input closes (the test host went away).
// Usage: node server.mjs <clients.json>  — the file is a JSON array of oidc-provider client metadata.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const clients = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    // Refresh tokens for every code grant (no offline_access consent screen in the tests) and rotation off: the tests
    // judge revocation, not rotation.
    issueRefreshToken: async () => true,
    rotateRefreshToken: false,
    scopes: ['openid', 'offline_access', 'api'],
    // The tests sign in through loadExistingGrant below, without an interactive login page.
    loadExistingGrant: async (ctx) => {
      const grant = new provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid offline_access');
      await grant.save();
      return grant;
    },
    pkce: { required: () => false },
  });
  // http on 127.0.0.1 is a test issuer: oidc-provider allows it outside production (NODE_ENV is not set here).
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`PORT ${port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
