// Token exchange (RFC 8693) on the test server: oidc-provider has no token exchange of its own, so this registers the
// grant type with a handler that judges the subject (and actor) token with the server's own models: only an access token
// this server issued and still holds as valid (not expired, not revoked) is exchanged. The exchanged token is an access
// token of the exchanging client for the subject's account (or, for a client's own token, that client), with the
// requested audience: introspection shows its sub and aud. An actor token, when sent, must be valid too.
import { errors } from 'oidc-provider';

const grantType = 'urn:ietf:params:oauth:grant-type:token-exchange';
const accessTokenType = 'urn:ietf:params:oauth:token-type:access_token';

/** Registers the token exchange grant on the provider. */
export function exchange(provider) {
  provider.registerGrantType(grantType, async (ctx) => {
    const params = ctx.oidc.params;
    if (!params.subject_token) {
      throw new errors.InvalidRequest('missing required parameter subject_token');
    }
    if (params.subject_token_type !== accessTokenType) {
      throw new errors.InvalidRequest('unsupported subject_token_type');
    }
    if (params.requested_token_type && params.requested_token_type !== accessTokenType) {
      throw new errors.InvalidRequest('unsupported requested_token_type');
    }

    const subject = await find(provider, params.subject_token);
    if (!subject) {
      throw new errors.InvalidGrant('subject_token is invalid, expired or revoked');
    }

    if (params.actor_token) {
      if (params.actor_token_type !== accessTokenType) {
        throw new errors.InvalidRequest('unsupported actor_token_type');
      }
      const actor = await find(provider, params.actor_token);
      if (!actor) {
        throw new errors.InvalidGrant('actor_token is invalid, expired or revoked');
      }
    }

    const token = new provider.AccessToken({
      accountId: subject.accountId || subject.clientId,
      client: ctx.oidc.client,
      gty: 'token-exchange',
      scope: params.scope || undefined,
    });
    if (params.audience) {
      token.aud = params.audience;
    }

    ctx.body = {
      access_token: await token.save(),
      issued_token_type: accessTokenType,
      token_type: 'Bearer',
      expires_in: token.expiration,
      scope: token.scope,
    };
  }, ['subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'audience', 'scope']);
}

async function find(provider, value) {
  const token = (await provider.AccessToken.find(value)) || (await provider.ClientCredentials.find(value));
  return token && token.isValid ? token : undefined;
}
