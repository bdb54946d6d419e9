// DPoP (RFC 9449) for the test server: proofs are checked at the token endpoint and at userinfo (/me), with nonces from
// a per-run secret. A nonce is required for the clients named in `nonceClients`, and for any request that carries the
// test header `x-require-dpop-nonce: 1` (how a test asks the API, userinfo, to demand one). ES256, PS256 and RS256 are
// accepted; any other algorithm is refused (invalid_dpop_proof), which the bad-key tests rely on.
import { randomBytes } from 'node:crypto';

const nonceClients = new Set(['dpop-nonce']);

export function withDPoP(configuration) {
  return {
    ...configuration,
    features: {
      ...configuration.features,
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: (ctx) => ctx.get('x-require-dpop-nonce') === '1' || nonceClients.has(ctx.oidc?.client?.clientId),
      },
    },
    enabledJWA: {
      ...configuration.enabledJWA,
      dPoPSigningAlgValues: ['ES256', 'PS256', 'RS256'],
    },
  };
}
