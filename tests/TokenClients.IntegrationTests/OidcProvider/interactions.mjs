// The fixture's interactions: no login page. An interaction signs in the login_hint (or "alice") and grants what was
// asked, at once. Shared by the http server (server.mjs) and its https mode (mtls.mjs).

/** Installs the immediate sign-in and consent on the provider. */
export function signInAtOnce(provider) {
  provider.use(async (ctx, next) => {
    if (ctx.method !== 'GET' || !ctx.path.startsWith('/interaction/')) {
      await next();
      return;
    }

    const details = await provider.interactionDetails(ctx.req, ctx.res);
    let result;
    if (details.prompt.name === 'login') {
      result = { login: { accountId: details.params.login_hint || 'alice' } };
    } else {
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      result = { consent: { grantId: await grant.save() } };
    }

    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
  });
}
