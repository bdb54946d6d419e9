// An OpenID Certified authorization server (oidc-provider) for the integration tests. It listens on 127.0.0.1 at a
// free port, prints "PORT <n>" on its first line, and exits when its standard input closes (the test host went away).
// Usage: node server.mjs <clients.json>  — the file is a JSON array of oidc-provider client metadata.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';
import { withDPoP } from './dpop.mjs';
import { device, withDevice } from './device.mjs';
import { exchange } from './exchange.mjs';
import { signInAtOnce } from './interactions.mjs';

const clients = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, withDPoP(withDevice({
    clients,
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: false },
    },
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none'],
    // Refresh tokens for every code grant (no offline_access consent in the tests) and no rotation: the tests judge
    // revocation, not rotation.
    issueRefreshToken: async () => true,
    rotateRefreshToken: false,
    scopes: ['openid', 'offline_access', 'api'],
  })));
  device(provider);
  exchange(provider);
  // No login page: an interaction signs in the login_hint (or "alice") and grants what was asked, at once.
  signInAtOnce(provider);
  // http on 127.0.0.1 is a test issuer: oidc-provider allows it outside production (NODE_ENV is not set here).
  provider.proxy = false;
  server.on('request', provider.callback());
  process.stdout.write(`PORT ${port}\n`);
});

process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
